"""Editing an e-mail template, previewed with a real invoice; unknown placeholders are refused.

The preview fills the template with the chosen invoice's facts exactly as the
sender would; saving checks every placeholder and names the first unknown one.
"""

from __future__ import annotations

import html
from typing import Any

from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QTabWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from app.ui.handle import AppHandle

TITLES = {
    "invoice": "Invoice",
    "credit_note": "Credit note",
    "receipt": "Payment receipt",
    "statement": "Statement of account",
    "test": "Test e-mail",
    "reminder": "Reminder (any stage)",
    "reminder-gentle": "Reminder (any stage), first-time late payer",
}


def _title(name: str) -> str:
    if name in TITLES:
        return TITLES[name]
    stage, _, tone = name.partition("-")
    label = f"Reminder: {stage.replace('_', ' ')}"
    return label + (", first-time late payer" if tone else "")


class TemplateEditor(QWidget):
    def __init__(self, handle: AppHandle, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        from app.services.mail_templates import template_names

        self.handle = handle
        self.names = QComboBox()
        for name in template_names():
            self.names.addItem(_title(name), name)
        self.invoices = QComboBox()
        self.subject = QLineEdit()
        self.text = QPlainTextEdit()
        self.html = QPlainTextEdit()
        bodies = QTabWidget()
        bodies.addTab(self.text, "Plain text")
        bodies.addTab(self.html, "HTML")
        self.placeholders = QLabel()
        self.placeholders.setWordWrap(True)
        self.placeholders.setObjectName("muted")
        self.state = QLabel()
        self.state.setWordWrap(True)
        self.preview = QTextBrowser()
        self.preview_button = QPushButton("Preview")
        self.save_button = QPushButton("Save template")
        self.save_button.setObjectName("primary")
        self.reset_button = QPushButton("Back to the original")
        buttons = QHBoxLayout()
        for b in (self.preview_button, self.reset_button):
            buttons.addWidget(b)
        buttons.addStretch(1)
        buttons.addWidget(self.save_button)

        form = QFormLayout()
        form.addRow("Template", self.names)
        form.addRow("Preview with", self.invoices)
        form.addRow("Subject", self.subject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(bodies, 2)
        layout.addWidget(self.placeholders)
        layout.addLayout(buttons)
        layout.addWidget(self.state)
        layout.addWidget(self.preview, 2)

        self.names.currentIndexChanged.connect(lambda _i: self.load())
        self.preview_button.clicked.connect(self.show_preview)
        self.save_button.clicked.connect(self.save)
        self.reset_button.clicked.connect(self.reset)

    def start(self) -> None:
        from app.services.invoicing import InvoiceQuery, invoice_ids, invoice_rows

        def recent(ctx: Any) -> list[Any]:
            q = InvoiceQuery(statuses=("issued", "sent", "partly_paid", "paid"), kind="invoice")
            return invoice_rows(ctx, invoice_ids(ctx, q)[:50])

        def fill(rows: list[Any]) -> None:
            self.invoices.clear()
            for r in rows:
                self.invoices.addItem(f"{r.number} — {r.client_name}", r.id)
            if not rows:
                self.invoices.addItem("(no issued invoice yet)", None)

        self.handle.call(recent, on_done=fill)
        self.load()

    def current_name(self) -> str:
        return str(self.names.currentData())

    def template(self) -> Any:
        from app.core.mail_templates import MailTemplate

        return MailTemplate(self.subject.text(), self.text.toPlainText(), self.html.toPlainText())

    def load(self) -> None:
        from app.core.mail_templates import DESCRIPTIONS, PLACEHOLDERS
        from app.services.mail_templates import kind_of, load_template

        name = self.current_name()
        allowed = sorted(PLACEHOLDERS[kind_of(name)])
        self.placeholders.setText(
            "Placeholders: "
            + ", ".join(f"{{{{{p}}}}}" for p in allowed)
            + ". Facts come from the invoice; write only the words around them."
        )
        self.placeholders.setToolTip("\n".join(f"{{{{{p}}}}}: {DESCRIPTIONS[p]}" for p in allowed))

        def show(result: tuple[Any, bool]) -> None:
            template, own = result
            self.subject.setText(template.subject)
            self.text.setPlainText(template.text)
            self.html.setPlainText(template.html)
            self.state.setText("Your own wording." if own else "The original wording.")
            self.reset_button.setEnabled(own)

        self.handle.call(load_template, name, on_done=show, on_error=self._problem)

    def show_preview(self) -> None:
        from app.services.mail_content import preview

        def show(mail: Any) -> None:
            self.state.setText(f"Subject: {mail.subject}")
            self.preview.setHtml(mail.html)

        self.handle.call(
            preview,
            self.current_name(),
            self.template(),
            self.invoices.currentData(),
            on_done=show,
            on_error=self._problem,
        )

    def save(self) -> None:
        from app.services.mail_templates import save_template

        self.handle.call(
            save_template,
            self.current_name(),
            self.template(),
            on_done=lambda _r: self._saved(),
            on_error=self._problem,
            changes="templates",
        )

    def _saved(self) -> None:
        self.state.setText("Saved. New e-mails use this wording.")
        self.reset_button.setEnabled(True)

    def reset(self) -> None:
        from app.services.mail_templates import reset_template

        self.handle.call(
            reset_template, self.current_name(), on_done=lambda _r: self.load(), changes="templates"
        )

    def _problem(self, exc: BaseException) -> None:
        self.state.setText(f"<span style='color:#b3261e'>{html.escape(str(exc))}</span>")
