"""The mail server part of the e-mail settings: where to send from, how, and the password.

The password field writes to the system keyring only; the form never shows a
stored password back, it only says whether one is stored.  Without a keyring
the field is disabled and the form says how to get one.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QWidget,
)

SECURITY = [
    ("starttls", "STARTTLS (usually port 587)"),
    ("tls", "TLS from the start (usually port 465)"),
    ("none", "None — only for a server on this computer"),
]


class MailServerForm(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.host = QLineEdit()
        self.host.setPlaceholderText("smtp.example.com")
        self.port = QSpinBox()
        self.port.setRange(1, 65535)
        self.security = QComboBox()
        for key, label in SECURITY:
            self.security.addItem(label, key)
        self.user = QLineEdit()
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.keyring_note = QLabel()
        self.keyring_note.setWordWrap(True)
        self.sender_name = QLineEdit()
        self.sender_address = QLineEdit()
        self.reply_to = QLineEdit()
        self.bcc_self = QCheckBox("Send me a blind copy of every e-mail")
        self.timeout = QSpinBox()
        self.timeout.setRange(1, 600)
        self.timeout.setSuffix(" s")
        self.ca_file = QLineEdit()
        self.ca_file.setPlaceholderText("only for a company's own mail server")
        browse = QPushButton("Browse…")
        browse.clicked.connect(self._browse)
        ca_row = QHBoxLayout()
        ca_row.addWidget(self.ca_file, 1)
        ca_row.addWidget(browse)
        self.send_invoices = QCheckBox("E-mail each invoice when it is issued")
        self.send_receipts = QCheckBox("E-mail a thank-you receipt for each payment")
        self.test_address = QLineEdit()
        self.test_address.setPlaceholderText("your own address")
        self.test_button = QPushButton("Send test e-mail")
        self.test_result = QLabel()
        self.test_result.setWordWrap(True)
        test_row = QHBoxLayout()
        test_row.addWidget(self.test_address, 1)
        test_row.addWidget(self.test_button)

        form = QFormLayout(self)
        form.addRow("Mail server", self.host)
        form.addRow("Port", self.port)
        form.addRow("Security", self.security)
        form.addRow("User name", self.user)
        form.addRow("Password", self.password)
        form.addRow("", self.keyring_note)
        form.addRow("Sender name", self.sender_name)
        form.addRow("Sender address", self.sender_address)
        form.addRow("Reply-to", self.reply_to)
        form.addRow("", self.bcc_self)
        form.addRow("Timeout", self.timeout)
        form.addRow("Extra trusted certificate", ca_row)
        form.addRow("", self.send_invoices)
        form.addRow("", self.send_receipts)
        form.addRow("Test", test_row)
        form.addRow("", self.test_result)

    def _browse(self) -> None:
        name, _ = QFileDialog.getOpenFileName(self, "Certificate", "", "Certificates (*.pem *.crt)")
        if name:
            self.ca_file.setText(name)

    def set_keyring(self, available: bool, help_text: str, stored: bool) -> None:
        self.password.setEnabled(available)
        if not available:
            self.keyring_note.setText(help_text)
            self.keyring_note.setObjectName("errorText")
        elif stored:
            self.password.setPlaceholderText("stored in the system keyring — type to replace")
            self.keyring_note.setText(
                "The password is kept in the system keyring, never in the books."
            )
        else:
            self.password.setPlaceholderText("not stored yet")
            self.keyring_note.setText("The password will be kept in the system keyring.")

    def fill(self, values: dict[str, Any]) -> None:
        self.host.setText(values["smtp.host"])
        self.port.setValue(int(values["smtp.port"]))
        self.security.setCurrentIndex(max(self.security.findData(values["smtp.security"]), 0))
        self.user.setText(values["smtp.user"])
        self.sender_name.setText(values["smtp.sender_name"])
        self.sender_address.setText(values["smtp.sender_address"])
        self.reply_to.setText(values["smtp.reply_to"])
        self.bcc_self.setChecked(bool(values["smtp.bcc_self"]))
        self.timeout.setValue(int(values["smtp.timeout_seconds"]))
        self.ca_file.setText(values["smtp.ca_file"])
        self.send_invoices.setChecked(bool(values["mail.send_invoices"]))
        self.send_receipts.setChecked(bool(values["mail.send_receipts"]))
        if not self.test_address.text():
            self.test_address.setText(values["smtp.sender_address"] or values["company.email"])

    def values(self) -> dict[str, Any]:
        return {
            "smtp.host": self.host.text().strip(),
            "smtp.port": self.port.value(),
            "smtp.security": self.security.currentData(),
            "smtp.user": self.user.text().strip(),
            "smtp.sender_name": self.sender_name.text().strip(),
            "smtp.sender_address": self.sender_address.text().strip(),
            "smtp.reply_to": self.reply_to.text().strip(),
            "smtp.bcc_self": self.bcc_self.isChecked(),
            "smtp.timeout_seconds": self.timeout.value(),
            "smtp.ca_file": self.ca_file.text().strip(),
            "mail.send_invoices": self.send_invoices.isChecked(),
            "mail.send_receipts": self.send_receipts.isChecked(),
        }

    def new_password(self) -> str | None:
        """The password typed now (None when the field was left alone)."""
        return self.password.text() or None
