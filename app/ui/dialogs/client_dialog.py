"""Add or edit a client: a form that says exactly what is wrong, next to the field."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QSpinBox,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.core.clients import ClientData, ContactData, FieldError, validate_client
from app.core.currency import KNOWN_CURRENCIES

COMMON_CURRENCIES = [
    "EUR",
    "USD",
    "GBP",
    "CHF",
    "SEK",
    "NOK",
    "DKK",
    "PLN",
    "CZK",
    "JPY",
    "AUD",
    "CAD",
]


class ClientDialog(QDialog):
    """Collects ClientData; validation runs locally first, then the service has the last word."""

    def __init__(
        self,
        parent: QWidget | None,
        data: ClientData | None = None,
        *,
        save: Callable[[ClientData, Callable[[Any], None], Callable[[BaseException], None]], None],
        default_currency: str = "EUR",
        currency_locked: bool = False,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Edit client" if data else "New client")
        self.setMinimumWidth(520)
        self._save = save
        self.result_value: Any = None
        self._errors: dict[str, QLabel] = {}

        self.name = QLineEdit()
        self.name.setPlaceholderText("Company or person")
        self.email = QLineEdit()
        self.email.setPlaceholderText("accounts@example.com")
        self.phone = QLineEdit()
        self.currency = QComboBox()
        self.currency.setEditable(True)
        self.currency.addItems(
            COMMON_CURRENCIES + sorted(KNOWN_CURRENCIES - set(COMMON_CURRENCIES))
        )
        self.currency.setCurrentText(default_currency)
        self.currency.setEnabled(not currency_locked)
        if currency_locked:
            self.currency.setToolTip("The client has invoices in this currency.")
        self.terms_kind = QComboBox()
        for label, kind in (
            ("Net days", "net"),
            ("End of month + days", "eom"),
            ("Due on receipt", "receipt"),
        ):
            self.terms_kind.addItem(label, kind)
        self.terms_days = QSpinBox()
        self.terms_days.setRange(0, 365)
        self.terms_days.setValue(30)
        self.terms_days.setSuffix(" days")
        self.terms_kind.currentIndexChanged.connect(
            lambda: self.terms_days.setEnabled(self.terms_kind.currentData() != "receipt")
        )
        self.tax_id = QLineEdit()
        self.is_business = QCheckBox("Business client (B2B)")
        self.is_business.setChecked(True)
        self.no_reminders = QCheckBox("Never send automatic reminders")
        self.address1 = QLineEdit()
        self.address2 = QLineEdit()
        self.postal = QLineEdit()
        self.city = QLineEdit()
        self.region = QLineEdit()
        self.country = QLineEdit()
        self.country.setMaxLength(2)
        self.country.setPlaceholderText("IE")
        self.time_zone = QLineEdit()
        self.time_zone.setPlaceholderText("Europe/Dublin (optional)")
        self.contact_name = QLineEdit()
        self.contact_email = QLineEdit()
        self.notes = QPlainTextEdit()

        tabs = QTabWidget()
        general = QWidget()
        form = QFormLayout(general)
        self._row(form, "Name *", self.name, "name")
        self._row(form, "E-mail", self.email, "email")
        self._row(form, "Phone", self.phone, "phone")
        self._row(form, "Currency", self.currency, "currency")
        terms = QWidget()
        th = QHBoxLayout(terms)
        th.setContentsMargins(0, 0, 0, 0)
        th.addWidget(self.terms_kind, 2)
        th.addWidget(self.terms_days, 1)
        self._row(form, "Payment terms", terms, "terms_days")
        self._row(form, "Tax / VAT id", self.tax_id, "tax_id")
        form.addRow("", self.is_business)
        form.addRow("", self.no_reminders)
        tabs.addTab(general, "&General")

        address = QWidget()
        af = QFormLayout(address)
        self._row(af, "Address", self.address1, "address_line1")
        self._row(af, "", self.address2, "address_line2")
        self._row(af, "Postal code", self.postal, "postal_code")
        self._row(af, "City", self.city, "city")
        self._row(af, "Region", self.region, "region")
        self._row(af, "Country", self.country, "country")
        self._row(af, "Time zone", self.time_zone, "time_zone")
        tabs.addTab(address, "&Address")

        more = QWidget()
        mf = QFormLayout(more)
        self._row(mf, "Billing contact", self.contact_name, "contacts[1].name")
        self._row(mf, "Contact e-mail", self.contact_email, "contacts[1].email")
        mf.addRow("Notes", self.notes)
        tabs.addTab(more, "&Contact && notes")

        self.summary = QLabel()
        self.summary.setObjectName("errorText")
        self.summary.setWordWrap(True)
        self.summary.hide()
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self._on_save)
        buttons.rejected.connect(self.reject)
        self.save_button = buttons.button(QDialogButtonBox.StandardButton.Save)
        QShortcut(QKeySequence("Ctrl+Return"), self, activated=self._on_save)

        layout = QVBoxLayout(self)
        layout.addWidget(tabs)
        layout.addWidget(self.summary)
        layout.addWidget(buttons)
        if data is not None:
            self._fill(data)
        self.name.setFocus()

    def _row(self, form: QFormLayout, label: str, widget: QWidget, key: str) -> None:
        box = QWidget()
        v = QVBoxLayout(box)
        v.setContentsMargins(0, 0, 0, 0)
        v.setSpacing(2)
        v.addWidget(widget)
        err = QLabel()
        err.setObjectName("errorText")
        err.setWordWrap(True)
        err.hide()
        v.addWidget(err)
        self._errors[key] = err
        form.addRow(label, box)

    def _fill(self, d: ClientData) -> None:
        self.name.setText(d.name)
        self.email.setText(d.email)
        self.phone.setText(d.phone)
        self.currency.setCurrentText(d.currency)
        self.terms_kind.setCurrentIndex(max(0, self.terms_kind.findData(d.terms_kind)))
        self.terms_days.setValue(d.terms_days)
        self.tax_id.setText(d.tax_id)
        self.is_business.setChecked(d.is_business)
        self.no_reminders.setChecked(d.no_auto_reminders)
        self.address1.setText(d.address_line1)
        self.address2.setText(d.address_line2)
        self.postal.setText(d.postal_code)
        self.city.setText(d.city)
        self.region.setText(d.region)
        self.country.setText(d.country)
        self.time_zone.setText(d.time_zone)
        self.notes.setPlainText(d.notes)
        billing = next(
            (c for c in d.contacts if c.is_billing), d.contacts[0] if d.contacts else None
        )
        if billing:
            self.contact_name.setText(billing.name)
            self.contact_email.setText(billing.email)
        self._extra_contacts = tuple(c for c in d.contacts if c is not billing)

    def value(self) -> ClientData:
        contacts: tuple[ContactData, ...] = ()
        if self.contact_name.text().strip() or self.contact_email.text().strip():
            contacts = (
                ContactData(
                    self.contact_name.text(),
                    self.contact_email.text(),
                    role="Accounts",
                    is_billing=True,
                ),
            )
        contacts += getattr(self, "_extra_contacts", ())
        return ClientData(
            name=self.name.text(),
            email=self.email.text(),
            phone=self.phone.text(),
            currency=self.currency.currentText(),
            terms_kind=self.terms_kind.currentData(),
            terms_days=0 if self.terms_kind.currentData() == "receipt" else self.terms_days.value(),
            tax_id=self.tax_id.text(),
            is_business=self.is_business.isChecked(),
            no_auto_reminders=self.no_reminders.isChecked(),
            address_line1=self.address1.text(),
            address_line2=self.address2.text(),
            postal_code=self.postal.text(),
            city=self.city.text(),
            region=self.region.text(),
            country=self.country.text(),
            time_zone=self.time_zone.text(),
            notes=self.notes.toPlainText(),
            contacts=contacts,
        ).cleaned()

    def show_errors(self, errors: list[FieldError]) -> None:
        for label in self._errors.values():
            label.hide()
        unplaced: list[str] = []
        for e in errors:
            label = self._errors.get(e.field)
            if label is None:
                unplaced.append(e.message)
                continue
            label.setText(e.message)
            label.show()
        self.summary.setText(
            "Please correct the highlighted fields."
            + ("\n" + "\n".join(unplaced) if unplaced else "")
        )
        self.summary.setVisible(bool(errors))

    def _on_save(self) -> None:
        data = self.value()
        errors = validate_client(data)
        if errors:
            self.show_errors(errors)
            return
        self.save_button.setEnabled(False)

        def done(result: Any) -> None:
            self.result_value = result
            self.accept()

        def failed(exc: BaseException) -> None:
            self.save_button.setEnabled(True)
            field_errors = getattr(exc, "errors", None)
            self.show_errors(field_errors or [FieldError("", str(exc))])

        self._save(data, done, failed)

    def keyPressEvent(self, event: Any) -> None:
        if event.key() == Qt.Key.Key_Escape:
            self.reject()
            return
        super().keyPressEvent(event)
