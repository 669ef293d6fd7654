"""Small questions asked before an action: a reason, a date, a credit amount.

They open window-modal without blocking (``open()``), check their answer
before closing, and hand it to a callback, so a background call follows and
the window keeps painting.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QCheckBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from app.ui.widgets.decimal_edit import DecimalEdit


def qdate(value: date) -> QDate:
    return QDate(value.year, value.month, value.day)


def pydate(value: QDate) -> date:
    return date(value.year(), value.month(), value.day())


def date_edit(value: date) -> QDateEdit:
    edit = QDateEdit(qdate(value))
    edit.setCalendarPopup(True)
    edit.setDisplayFormat("d MMM yyyy")
    return edit


class PromptDialog(QDialog):
    """A short form with an explanation, OK/Cancel and one line for what is wrong."""

    def __init__(self, parent: QWidget | None, title: str, text: str, ok_text: str) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setMinimumWidth(420)
        self._on_ok: Callable[[Any], None] | None = None
        self.intro = QLabel(text)
        self.intro.setWordWrap(True)
        self.form = QFormLayout()
        self.error = QLabel()
        self.error.setObjectName("errorText")
        self.error.setWordWrap(True)
        self.error.hide()
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText(ok_text)
        self.ok_button.setObjectName("primary")
        self.buttons.accepted.connect(self._submit)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        layout.addLayout(self.form)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)

    def ask(self, on_ok: Callable[[Any], None]) -> PromptDialog:
        self._on_ok = on_ok
        self.open()
        return self

    def answer(self) -> tuple[Any, str]:
        """(value, problem); subclasses read their fields here."""
        return None, ""

    def _submit(self) -> None:
        value, problem = self.answer()
        if problem:
            self.error.setText(problem)
            self.error.show()
            return
        self.accept()
        if self._on_ok is not None:
            self._on_ok(value)


class ReasonDialog(PromptDialog):
    """Asks why (voids, rejections): the reason is printed or audited, so it is required."""

    def __init__(self, parent: QWidget | None, title: str, text: str, ok_text: str) -> None:
        super().__init__(parent, title, text, ok_text)
        self.reason = QPlainTextEdit()
        self.reason.setPlaceholderText("Reason (kept in the audit trail)")
        self.reason.setFixedHeight(80)
        self.form.addRow("Reason", self.reason)
        self.reason.setFocus()

    def answer(self) -> tuple[Any, str]:
        text = self.reason.toPlainText().strip()
        return text, "" if text else "Please give a reason."


class DateDialog(PromptDialog):
    def __init__(
        self, parent: QWidget | None, title: str, text: str, ok_text: str, default: date
    ) -> None:
        super().__init__(parent, title, text, ok_text)
        self.date = date_edit(default)
        self.form.addRow("Date", self.date)

    def answer(self) -> tuple[Any, str]:
        return pydate(self.date.date()), ""


class CreditNoteDialog(PromptDialog):
    """A full or partial credit (gross amount) with its reason."""

    def __init__(
        self, parent: QWidget | None, number: str, remaining_text: str, decimal_mark: str
    ) -> None:
        super().__init__(
            parent,
            "Credit note",
            f"Issue a credit note against {number}. Up to {remaining_text} can still be credited.",
            "Issue credit note",
        )
        self.full = QCheckBox("Credit everything not yet credited")
        self.full.setChecked(True)
        self.amount = DecimalEdit(placeholder="Amount incl. tax", decimal_mark=decimal_mark)
        self.amount.setEnabled(False)
        self.full.toggled.connect(lambda on: self.amount.setEnabled(not on))
        self.reason = QPlainTextEdit()
        self.reason.setPlaceholderText("Printed on the credit note, e.g. 'Discount agreed'")
        self.reason.setFixedHeight(70)
        self.form.addRow("", self.full)
        self.form.addRow("Amount", self.amount)
        self.form.addRow("Reason", self.reason)

    def answer(self) -> tuple[Any, str]:
        reason = self.reason.toPlainText().strip()
        if not reason:
            return None, "Please give a reason; it is printed on the credit note."
        if self.full.isChecked():
            return (None, reason), ""
        value, problem = self.amount.parsed()
        if problem:
            return None, problem
        if value is None or value <= Decimal(0):
            return None, "Enter the amount to credit (including tax)."
        return (value, reason), ""
