"""Settings: every declared business setting in a form grouped by topic."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from app.core import settings as decl
from app.services import settings as svc
from app.ui.handle import AppHandle
from app.ui.pages.base import Page, page_header

GROUPS = {
    "company": "Company",
    "payment": "Payment instructions",
    "numbering": "Numbering",
    "tax": "Tax",
    "money": "Money",
    "billing": "Billing",
    "scheduler": "Background work",
    "bank": "Bank reconciliation",
    "backup": "Backups",
    "branding": "Invoice layout",
    "smtp": "E-mail server (the password is kept in the system keyring)",
    "mail": "E-mail",
    "dunning": "Payment reminders",
    "late_fees": "Late fees and interest",
    "exceptions": "Exceptions queue",
    "assistant": "Writing assistant (optional)",
}
HIDDEN = {"ui.onboarded"}


class SettingsPage(Page):
    title = "Settings"

    def __init__(self, handle: AppHandle) -> None:
        super().__init__(handle)
        self._editors: dict[str, QWidget] = {}
        body = QWidget()
        column = QVBoxLayout(body)
        groups: dict[str, QFormLayout] = {}
        for key, spec in decl.SPECS.items():
            if key in HIDDEN:
                continue
            prefix = key.split(".", 1)[0]
            if prefix not in groups:
                box = QGroupBox(GROUPS.get(prefix, prefix.title()))
                groups[prefix] = QFormLayout(box)
                column.addWidget(box)
            editor = self._editor(spec)
            editor.setToolTip(spec.help or key)
            self._editors[key] = editor
            groups[prefix].addRow(spec.label, editor)
        column.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(body)

        self.message = QLabel()
        self.message.setObjectName("muted")
        self.save_button = QPushButton("Save settings")
        self.save_button.setObjectName("primary")
        self.save_button.clicked.connect(self.save)
        self.setup_button = QPushButton("Run setup again…")
        self.setup_button.clicked.connect(self.run_setup)
        bar = QHBoxLayout()
        bar.addWidget(self.message, 1)
        bar.addWidget(self.setup_button)
        bar.addWidget(self.save_button)

        from app.ui.widgets.branding_preview import BrandingPreview

        self.preview = BrandingPreview(handle)
        split = QHBoxLayout()
        split.addWidget(scroll, 1)
        split.addWidget(self.preview)
        for key, editor in self._editors.items():
            if key.startswith(("branding.", "company.")):
                _on_edit(editor, self._preview_changed)

        layout = QVBoxLayout(self)
        layout.addWidget(page_header("Settings", "Your company, numbering, tax and automation"))
        layout.addLayout(split, 1)
        layout.addLayout(bar)
        self.activated()

    def _preview_changed(self) -> None:
        self.preview.show_values(self.values())

    def _editor(self, spec: decl.SettingSpec) -> QWidget:
        if spec.kind is bool:
            return QCheckBox()
        if spec.choices:
            combo = QComboBox()
            combo.addItems(list(spec.choices))
            return combo
        if spec.kind is int:
            spin = QSpinBox()
            spin.setRange(0, 100_000)
            return spin
        if spec.key == "company.address":
            edit = QPlainTextEdit()
            edit.setFixedHeight(70)
            return edit
        return QLineEdit()

    def activated(self) -> None:
        self.handle.call(svc.load_settings, on_done=self._fill)

    def _fill(self, values: dict[str, Any]) -> None:
        for key, editor in self._editors.items():
            value = values.get(key)
            if isinstance(editor, QCheckBox):
                editor.setChecked(bool(value))
            elif isinstance(editor, QComboBox):
                editor.setCurrentText(str(value))
            elif isinstance(editor, QSpinBox):
                editor.setValue(int(value))
            elif isinstance(editor, QPlainTextEdit):
                editor.setPlainText(str(value))
            elif isinstance(editor, QLineEdit):
                editor.setText(str(value))

    def values(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for key, editor in self._editors.items():
            if isinstance(editor, QCheckBox):
                out[key] = editor.isChecked()
            elif isinstance(editor, QComboBox):
                out[key] = editor.currentText()
            elif isinstance(editor, QSpinBox):
                out[key] = editor.value()
            elif isinstance(editor, QPlainTextEdit):
                out[key] = editor.toPlainText()
            elif isinstance(editor, QLineEdit):
                text = editor.text()
                out[key] = (
                    Decimal(text) if decl.SPECS[key].kind is Decimal and _is_number(text) else text
                )
        return out

    def run_setup(self) -> None:
        """The first-run wizard, filled in with what is stored; the form reloads afterwards."""
        from app.ui.dialogs.setup_wizard import open_setup_wizard

        open_setup_wizard(self, self.handle, on_finished=lambda _start: self.activated())

    def save(self) -> None:
        def done(_values: Any) -> None:
            self.message.setText("Saved.")

        def failed(exc: BaseException) -> None:
            QMessageBox.warning(self, "Settings", str(exc))

        self.handle.call(
            svc.save_settings, self.values(), on_done=done, on_error=failed, changes="settings"
        )


def _on_edit(editor: QWidget, callback: Any) -> None:
    """Call ``callback`` whenever the editor's value changes, whatever its kind."""
    if isinstance(editor, QCheckBox):
        editor.toggled.connect(lambda _v: callback())
    elif isinstance(editor, QComboBox):
        editor.currentTextChanged.connect(lambda _v: callback())
    elif isinstance(editor, QSpinBox):
        editor.valueChanged.connect(lambda _v: callback())
    elif isinstance(editor, QPlainTextEdit):
        editor.textChanged.connect(callback)
    elif isinstance(editor, QLineEdit):
        editor.textChanged.connect(lambda _v: callback())


def _is_number(text: str) -> bool:
    try:
        Decimal(text)
    except ArithmeticError:
        return False
    return True
