"""File → E-mail settings…: the mail server, the reminder policy and the e-mail templates.

The module imports only Qt at the top: the File menu builds its action at
start-up, and the services load when the dialog opens.
"""

from __future__ import annotations

import html
from typing import Any

from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QMainWindow,
    QScrollArea,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)


def menu_action(window: QMainWindow) -> QAction:
    """The File menu's "E-mail settings…" entry."""
    action = QAction("&E-mail settings…", window)
    action.triggered.connect(lambda: open_mail_settings(window, getattr(window, "handle", None)))
    return action


def open_mail_settings(parent: QWidget | None, handle: Any) -> MailSettingsDialog | None:
    if handle is None:
        return None
    dialog = MailSettingsDialog(handle, parent)
    dialog.open()
    return dialog


def _scrolling(widget: QWidget) -> QScrollArea:
    area = QScrollArea()
    area.setWidgetResizable(True)
    area.setWidget(widget)
    return area


class MailSettingsDialog(QDialog):
    def __init__(self, handle: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        from app.ui.widgets.dunning_editor import DunningEditor
        from app.ui.widgets.mail_server_form import MailServerForm
        from app.ui.widgets.template_editor import TemplateEditor

        self.handle = handle
        self.setWindowTitle("E-mail settings")
        self.resize(760, 720)
        self.server = MailServerForm()
        self.dunning = DunningEditor(handle)
        self.templates = TemplateEditor(handle)
        self.tabs = QTabWidget()
        self.tabs.addTab(_scrolling(self.server), "Mail server")
        self.tabs.addTab(_scrolling(self.dunning), "Reminders")
        self.tabs.addTab(self.templates, "Templates")
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Close
        )
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)
        self.server.test_button.clicked.connect(self.send_test)
        self.load()
        self.templates.start()

    def load(self) -> None:
        from app.services.secrets import (
            NO_BACKEND_HELP,
            SecretStoreError,
            get_secret,
            keyring_available,
        )
        from app.services.settings import load_settings

        def read(ctx: Any) -> tuple[dict[str, Any], bool, bool]:
            values = load_settings(ctx)
            available = keyring_available()
            stored = False
            if available:
                try:
                    stored = bool(get_secret("smtp.password"))
                except SecretStoreError:
                    stored = False
            return values, available, stored

        def fill(result: tuple[dict[str, Any], bool, bool]) -> None:
            values, available, stored = result
            self.server.fill(values)
            self.server.set_keyring(available, NO_BACKEND_HELP, stored)
            self.dunning.fill(values)

        self.handle.call(read, on_done=fill, on_error=self._problem)

    def values(self) -> dict[str, Any]:
        return self.server.values() | self.dunning.values()

    def _store(self, ctx: Any, values: dict[str, Any], password: str | None) -> None:
        from app.services.secrets import set_secret
        from app.services.settings import save_settings

        save_settings(ctx, values)
        if password is not None:
            set_secret("smtp.password", password)

    def save(self, then: Any = None) -> None:
        password = self.server.new_password()

        def done(_result: Any) -> None:
            self.server.password.clear()
            if password is not None:
                self.server.set_keyring(True, "", True)
            self.message.setText("Saved.")
            if then is not None:
                then()

        self.handle.call(
            self._store,
            self.values(),
            password,
            on_done=done,
            on_error=self._problem,
            changes="settings",
        )

    def send_test(self) -> None:
        """Save first (a test of unsaved settings would prove nothing), then send."""
        from app.services.delivery import send_test

        address = self.server.test_address.text().strip()
        self.server.test_result.setText("Sending…")

        def sent(reply: str) -> None:
            self.server.test_result.setText(f"Sent to {address}. The server answered: {reply}")

        def failed(exc: BaseException) -> None:
            self.server.test_result.setText(
                f"<span style='color:#b3261e'>{html.escape(str(exc))}</span>"
            )

        def go() -> None:
            self.handle.long_ops.run(lambda: send_test(self.handle.ctx, address), sent, failed)

        self.save(then=go)

    def _problem(self, exc: BaseException) -> None:
        self.message.setText(f"<span style='color:#b3261e'>{html.escape(str(exc))}</span>")
