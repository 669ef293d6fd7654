"""Setting up Counterfoil in a few minutes: company, region, numbers, payment, e-mail, clients.

The wizard is written for someone who has never seen a settings page: each
step asks only what an invoice needs, shows what the answer will look like
(an amount and a date, the first invoice number, a payment link) and says in
plain words, under the field, what is wrong before it lets them go on.
Nothing is stored before Finish; then every setting is saved in one
transaction and the clients are imported or the demo loaded (see
``app.ui.first_run``).  It opens by itself on a new book and again from
Settings, filled in with what is stored.

Open it with ``open_setup_wizard(parent, handle, first_run=False, on_finished=None)``.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from PySide6.QtCore import Qt
from PySide6.QtGui import QImageReader, QPixmap
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QCompleter,
    QFileDialog,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QRadioButton,
    QScrollArea,
    QSpinBox,
    QVBoxLayout,
    QWidget,
    QWizard,
    QWizardPage,
)

from app.core import settings as decl
from app.core.clients import FieldError
from app.core.currency import KNOWN_CURRENCIES
from app.core.iban import is_valid_iban, looks_like_iban, normalise_iban
from app.core.money import Money
from app.core.numbering import NumberTemplate, NumberTemplateError
from app.formatting import format_date, format_money, parse_locale
from app.resources import resource_path
from app.ui.first_run import (
    SetupOutcome,
    SetupPlan,
    StoredSetup,
    complete_setup,
    first_run_defaults,
    preview_clients,
    read_stored_setup,
    send_mail_test,
    time_zone_names,
)
from app.ui.handle import AppHandle
from app.ui.widgets.field_errors import FieldErrors
from app.ui.widgets.mail_server_form import MailServerForm

STEPS = ("Company", "Region", "Numbering", "Payment", "E-mail", "Clients")
LOCALES = (
    "cs_CZ da_DK de_AT de_CH de_DE el_GR en_AU en_CA en_GB en_IE en_IN en_NZ en_US en_ZA es_ES "
    "es_MX et_EE fi_FI fr_BE fr_CA fr_CH fr_FR hu_HU it_IT ja_JP ko_KR lt_LT lv_LV nb_NO nl_BE "
    "nl_NL pl_PL pt_BR pt_PT ro_RO sk_SK sl_SI sv_SE zh_CN"
).split()
COMMON_CURRENCIES = "EUR USD GBP CHF SEK NOK DKK PLN CZK HUF CAD AUD NZD JPY".split()
NUMBER_PRESETS = ("INV-{YYYY}-{SEQ:05}", "{YYYY}-{SEQ:04}", "{YY}{MM}-{SEQ:03}", "{SEQ:05}")
_BIC = re.compile(r"[A-Z]{6}[A-Z0-9]{2}([A-Z0-9]{3})?")
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
_SAMPLE = {"number": "INV-2026-00001", "reference": "INV202600001", "amount": "1234.50"}
_EXAMPLE_STYLE = (
    "QLabel { background: #eef3f8; border: 1px solid #d5e1ec; border-radius: 6px;"
    " padding: 8px 10px; color: #1c2b3a; }"
)
_PRIMARY_STYLE = (
    "QPushButton { background: #1f4e79; color: #ffffff; border: 1px solid #1f4e79; }"
    "QPushButton:hover { background: #2a6397; }"
    "QPushButton:disabled { background: #8aa3ba; border-color: #8aa3ba; }"
)
_STEPS_STYLE = (
    "#setupSteps { background: #1c2b3a; border-radius: 6px; }"
    "#setupSteps QLabel { color: #9fb0c1; padding: 6px 10px; font-size: 13px; }"
    "#setupSteps QLabel[current='true'] { color: #ffffff; background: #2f5d8a;"
    " border-radius: 5px; font-weight: 600; }"
    "#setupSteps QLabel[done='true'] { color: #d6e2ee; }"
)


def declared_problems(values: dict[str, Any]) -> list[FieldError]:
    """What the setting declarations refuse (the last net under the wizard's own checks)."""
    problems = []
    for key, value in values.items():
        try:
            decl.coerce(key, value)
        except decl.SettingError as exc:
            problems.append(FieldError(key, str(exc)))
    return problems


def muted(text: str = "") -> QLabel:
    label = QLabel(text)
    label.setObjectName("muted")
    label.setWordWrap(True)
    return label


def red(text: str) -> str:
    return f"<span style='color:#b3261e'>{html.escape(text)}</span>"


def big(text: str) -> str:
    return f"<span style='font-size:15px; font-weight:600'>{html.escape(text)}</span>"


def counted(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def example_box() -> QLabel:
    box = QLabel()
    box.setWordWrap(True)
    box.setStyleSheet(_EXAMPLE_STYLE)
    return box


def select_data(combo: QComboBox, value: str) -> None:
    if combo.findData(value) < 0:
        combo.addItem(value, value)
    combo.setCurrentIndex(combo.findData(value))


def indented(widget: QWidget) -> QWidget:
    box = QWidget()
    h = QHBoxLayout(box)
    h.setContentsMargins(26, 0, 0, 0)
    h.addWidget(widget)
    return box


@dataclass
class WizardState:
    today: date
    now: datetime
    loaded: bool = False
    busy: bool = False
    stored: StoredSetup | None = None

    def has_clients(self) -> bool:
        return self.stored is not None and self.stored.has_clients


class SetupPage(QWizardPage):
    """A step whose answers are checked before Next, each reason shown under its field."""

    def __init__(self, state: WizardState, title: str, subtitle: str) -> None:
        super().__init__()
        self.state = state
        self.setTitle(f"<span style='font-size:16px; color:#1c2b3a'>{html.escape(title)}</span>")
        self.setSubTitle(subtitle)
        self.errors = FieldErrors()
        self.focus: dict[str, QWidget] = {}
        self.problem = QLabel()
        self.problem.setObjectName("errorText")
        self.problem.setWordWrap(True)
        self.problem.hide()
        self.form = QFormLayout()
        self.form.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
        self.form.setVerticalSpacing(10)

    def row(self, label: str, widget: QWidget, key: str, hint: QLabel | str = "") -> None:
        shown = widget
        if hint:
            shown = QWidget()
            v = QVBoxLayout(shown)
            v.setContentsMargins(0, 0, 0, 0)
            v.setSpacing(4)
            v.addWidget(widget)
            v.addWidget(hint if isinstance(hint, QLabel) else muted(hint))
        self.errors.add_row(self.form, label, shown, key)
        self.focus[key] = widget

    def finish_layout(self, *extra: QWidget) -> QVBoxLayout:
        layout = QVBoxLayout(self)
        layout.addLayout(self.form)
        for w in extra:
            layout.addWidget(w)
        layout.addWidget(self.problem)
        layout.addStretch(1)
        return layout

    def fill(self, values: dict[str, Any]) -> None:
        raise NotImplementedError

    def values(self) -> dict[str, Any]:
        return {}

    def problems(self) -> list[FieldError]:
        return declared_problems(self.values())

    def isComplete(self) -> bool:
        return self.state.loaded and not self.state.busy

    def validatePage(self) -> bool:
        problems = self.problems()
        unplaced = self.errors.show(problems)
        self.problem.setText("\n".join(unplaced))
        self.problem.setVisible(bool(unplaced))
        if problems and problems[0].field in self.focus:
            self.focus[problems[0].field].setFocus()
        return not problems


class CompanyPage(SetupPage):
    def __init__(self, state: WizardState) -> None:
        super().__init__(
            state,
            "Your company",
            "How your company appears on its invoices. Only the name is needed now, and "
            "everything can be changed later in Settings.",
        )
        self.name = QLineEdit()
        self.name.setPlaceholderText("e.g. Harbour Design Ltd")
        self.address = QPlainTextEdit()
        self.address.setPlaceholderText("Street and number\nPostcode and town\nCountry")
        self.address.setTabChangesFocus(True)
        self.address.setFixedHeight(76)
        self.email = QLineEdit()
        self.email.setPlaceholderText("accounts@yourcompany.com")
        self.tax_id = QLineEdit()
        self.tax_id.setPlaceholderText("e.g. IE1234567T")
        self.registration = QLineEdit()
        self.registration.setPlaceholderText("if your company has one")
        self.logo = ""
        self.logo_preview = QLabel()
        self.logo_preview.setFixedSize(160, 60)
        self.logo_preview.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.logo_preview.setStyleSheet(
            "border: 1px dashed #c9d0d8; border-radius: 5px; background: #ffffff; color: #6b7480;"
        )
        self.choose_logo = QPushButton("Choose logo…")
        self.remove_logo = QPushButton("Remove")
        self.choose_logo.clicked.connect(self._choose_logo)
        self.remove_logo.clicked.connect(lambda: self.set_logo(""))
        buttons = QVBoxLayout()
        buttons.addWidget(self.choose_logo)
        buttons.addWidget(self.remove_logo)
        logo_row = QWidget()
        h = QHBoxLayout(logo_row)
        h.setContentsMargins(0, 0, 0, 0)
        h.addWidget(self.logo_preview)
        h.addLayout(buttons)
        h.addStretch(1)
        self.row("Company name", self.name, "company.name")
        self.row("Address", self.address, "company.address")
        self.row("E-mail", self.email, "company.email")
        self.row("Tax / VAT number", self.tax_id, "company.tax_id")
        self.row("Registration number", self.registration, "company.registration")
        self.row(
            "Logo", logo_row, "company.logo_path", "PNG or JPEG; a copy is kept with your data."
        )
        self.focus["company.logo_path"] = self.choose_logo
        self.finish_layout()
        self.set_logo("")

    def _choose_logo(self) -> None:
        name, _ = QFileDialog.getOpenFileName(
            self, "Company logo", "", "Images (*.png *.jpg *.jpeg);;All files (*)"
        )
        if name:
            self.set_logo(name)
            self.validatePage()

    def set_logo(self, path: str) -> None:
        self.logo = path
        pixmap = QPixmap(path) if path else QPixmap()
        self.logo_preview.setPixmap(
            pixmap.scaled(
                148,
                50,
                Qt.AspectRatioMode.KeepAspectRatio,
                Qt.TransformationMode.SmoothTransformation,
            )
            if not pixmap.isNull()
            else QPixmap()
        )
        if pixmap.isNull():
            self.logo_preview.setText("No logo" if not path else "Cannot show this file")
        self.remove_logo.setEnabled(bool(path))

    def fill(self, values: dict[str, Any]) -> None:
        self.name.setText(values["company.name"])
        self.address.setPlainText(values["company.address"])
        self.email.setText(values["company.email"])
        self.tax_id.setText(values["company.tax_id"])
        self.registration.setText(values["company.registration"])
        self.set_logo(values["company.logo_path"])

    def values(self) -> dict[str, Any]:
        lines = (line.strip() for line in self.address.toPlainText().splitlines())
        return {
            "company.name": " ".join(self.name.text().split()),
            "company.address": "\n".join(line for line in lines if line),
            "company.email": self.email.text().strip(),
            "company.tax_id": self.tax_id.text().strip(),
            "company.registration": self.registration.text().strip(),
            "company.logo_path": self.logo,
        }

    def problems(self) -> list[FieldError]:
        values, out = self.values(), []
        if not values["company.name"]:
            out.append(
                FieldError("company.name", "Enter your company's name: it heads every invoice.")
            )
        if values["company.email"] and not _EMAIL.fullmatch(values["company.email"]):
            out.append(
                FieldError("company.email", "This is not an e-mail address (name@company.com).")
            )
        if self.logo and not QImageReader(self.logo).canRead():
            out.append(
                FieldError("company.logo_path", "This file is not a picture Counterfoil can read.")
            )
        return out or declared_problems(values)


class RegionPage(SetupPage):
    def __init__(self, state: WizardState) -> None:
        super().__init__(
            state,
            "Money, language and time",
            "The currency of your invoices, how amounts and dates are written, and the time "
            "zone that decides when a day starts for your business.",
        )
        from babel.numbers import get_currency_name

        self.currency = QComboBox()
        common = [c for c in COMMON_CURRENCIES if c in KNOWN_CURRENCIES]
        for code in common + sorted(KNOWN_CURRENCIES - set(common)):
            self.currency.addItem(f"{code} — {get_currency_name(code, locale='en')}", code)
        self.currency.insertSeparator(len(common))
        self.locale = QComboBox()
        names = {n: parse_locale(n).get_display_name("en") for n in LOCALES}
        for name in sorted(LOCALES, key=names.__getitem__):
            self.locale.addItem(names[name], name)
        self.example = example_box()
        self.zones = time_zone_names()
        self.zone = QComboBox()
        self.zone.setEditable(True)
        self.zone.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.zone.addItems(self.zones)
        completer = QCompleter(self.zones, self.zone)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        self.zone.setCompleter(completer)
        self.zone_clock = muted()
        self.row("Currency", self.currency, "company.currency")
        self.row("Language and region", self.locale, "company.locale", self.example)
        self.row("Time zone", self.zone, "company.time_zone", self.zone_clock)
        self.finish_layout()
        self.currency.currentIndexChanged.connect(self._show_example)
        self.locale.currentIndexChanged.connect(self._show_example)
        self.zone.currentTextChanged.connect(self._show_clock)

    def _show_example(self) -> None:
        locale, currency = self.locale.currentData(), self.currency.currentData()
        if locale and currency:
            money = format_money(Money.of(Decimal("1234.50"), currency), locale)
            day = format_date(self.state.today, locale, "medium")
            self.example.setText(
                f"Amounts and dates will look like this:<br>{big(f'{money}  ·  {day}')}"
            )

    def _show_clock(self) -> None:
        name = self.zone_name()
        if name is None:
            self.zone_clock.setText("Type a city and choose it from the list.")
            return
        local = self.state.now.astimezone(ZoneInfo(name))
        offset = local.strftime("%z")
        self.zone_clock.setText(f"It is {local:%H:%M} there now (UTC{offset[:3]}:{offset[3:]}).")

    def zone_name(self) -> str | None:
        """The zone typed or chosen; "berlin" is enough when only one place has that name."""
        text = self.zone.currentText().strip()
        if text in self.zones:
            return text
        wanted = "/" + text.lower().replace(" ", "_")
        found = [z for z in self.zones if z.lower().endswith(wanted)]
        return found[0] if len(found) == 1 else None

    def fill(self, values: dict[str, Any]) -> None:
        select_data(self.currency, values["company.currency"])
        select_data(self.locale, values["company.locale"])
        self.zone.setCurrentText(values["company.time_zone"])
        self._show_example()
        self._show_clock()

    def values(self) -> dict[str, Any]:
        return {
            "company.currency": self.currency.currentData(),
            "company.locale": self.locale.currentData(),
            "company.time_zone": self.zone_name() or self.zone.currentText().strip(),
        }

    def problems(self) -> list[FieldError]:
        if self.zone_name() is None:
            typed = self.zone.currentText().strip()
            return [
                FieldError(
                    "company.time_zone",
                    f"“{typed}” is not one of the places in the list (for example Europe/Berlin).",
                )
            ]
        return declared_problems(self.values())


class NumberingPage(SetupPage):
    def __init__(self, state: WizardState) -> None:
        super().__init__(
            state,
            "Invoice numbers",
            "Each invoice takes the next number of a series without gaps. Choose a pattern or "
            "write your own, and say how long clients have to pay.",
        )
        self.template = QComboBox()
        self.template.setEditable(True)
        self.template.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.template.addItems(list(NUMBER_PRESETS))
        self.reset_yearly = QCheckBox("Start again at 1 every year")
        self.example = example_box()
        self.terms = QSpinBox()
        self.terms.setRange(0, 365)
        self.terms.setSuffix(" days")
        self.terms.setSpecialValueText("due on receipt")
        self.terms.setFixedWidth(160)
        self.credit_template = decl.SPECS["numbering.credit_note_template"].default
        self.row(
            "Number pattern",
            self.template,
            "numbering.invoice_template",
            "{YYYY} is the year, {YY} its last two digits, {MM} the month, and {SEQ:05} the "
            "running number with five digits.",
        )
        self.form.addRow("", self.reset_yearly)
        self.form.addRow("", self.example)
        self.row(
            "Payment terms",
            self.terms,
            "billing.default_terms_days",
            "Unless a client has their own.",
        )
        self.finish_layout()
        self.template.currentTextChanged.connect(self._show_example)
        self.reset_yearly.toggled.connect(self._show_example)

    def template_problem(self) -> str:
        yearly = self.reset_yearly.isChecked()
        try:
            NumberTemplate(self.template.currentText().strip(), yearly)
        except NumberTemplateError as exc:
            return str(exc)[0].upper() + str(exc)[1:] + "."
        try:
            NumberTemplate(self.credit_template, yearly)
        except NumberTemplateError:
            return (
                f"Credit notes are numbered {self.credit_template}, without the year: change "
                "that in Settings first, or do not start again every year."
            )
        return ""

    def _show_example(self) -> None:
        problem = self.template_problem()
        if problem:
            self.example.setText(red(problem))
            return
        yearly = self.reset_yearly.isChecked()
        template = NumberTemplate(self.template.currentText().strip(), yearly)
        stored = self.state.stored
        taken = stored.invoice_numbers_taken if stored is not None else {}
        last = taken.get(template.period_key(self.state.today), 0)
        number = big(template.format(self.state.today, last + 1))
        if last:  # the book has issued invoices: numbering carries on from them
            self.example.setText(f"The next invoice will be numbered<br>{number}")
            return
        when = f"in {self.state.today.year}" if yearly else "you issue"
        self.example.setText(f"The first invoice {when} will be numbered<br>{number}")

    def fill(self, values: dict[str, Any]) -> None:
        self.credit_template = values["numbering.credit_note_template"]
        self.reset_yearly.setChecked(bool(values["numbering.reset_yearly"]))
        self.template.setCurrentText(values["numbering.invoice_template"])
        self.terms.setValue(int(values["billing.default_terms_days"]))
        self._show_example()

    def values(self) -> dict[str, Any]:
        return {
            "numbering.invoice_template": self.template.currentText().strip(),
            "numbering.reset_yearly": self.reset_yearly.isChecked(),
            "billing.default_terms_days": self.terms.value(),
        }

    def problems(self) -> list[FieldError]:
        problem = self.template_problem()
        if problem:
            return [FieldError("numbering.invoice_template", problem)]
        return declared_problems(self.values())


class PaymentPage(SetupPage):
    def __init__(self, state: WizardState) -> None:
        super().__init__(
            state,
            "How clients pay you",
            "Printed on every invoice so that clients know where to send the money. Leave it "
            "empty if they pay another way.",
        )
        self.bank_name = QLineEdit()
        self.bank_name.setPlaceholderText("e.g. Bank of Ireland")
        self.iban = QLineEdit()
        self.iban.setPlaceholderText("e.g. IE29 AIBK 9311 5212 3456 78")
        self.bic = QLineEdit()
        self.bic.setPlaceholderText("e.g. AIBKIE2D")
        self.link = QLineEdit()
        self.link.setPlaceholderText("https://pay.example.com/{number}?amount={amount}")
        self.link_example = muted()
        self.row("Bank", self.bank_name, "payment.bank_name")
        self.row("IBAN", self.iban, "payment.iban", "Spaces are fine.")
        self.row("BIC", self.bic, "payment.bic", "8 or 11 letters and digits.")
        self.row("Payment link", self.link, "payment.link_template", self.link_example)
        self.finish_layout()
        self.link.textChanged.connect(self._show_link)

    def example_link(self) -> str:
        """The link for invoice INV-2026-00001 over 1234.50, or ValueError saying what is wrong."""
        template = self.link.text().strip()
        if not template.lower().startswith(("https://", "http://")):
            raise ValueError("A payment link starts with https://.")
        try:
            return template.format_map({**_SAMPLE, "currency": self.wizard_currency()})
        except (KeyError, IndexError, ValueError):
            raise ValueError(
                "A payment link may only use {number}, {reference}, {amount} and {currency}."
            ) from None

    def wizard_currency(self) -> str:
        wizard: Any = self.wizard()
        return wizard.region_page.currency.currentData() if wizard else "EUR"

    def _show_link(self) -> None:
        if not self.link.text().strip():
            self.link_example.setText(
                "Optional: your online payment page. {number}, {amount}, {currency} and "
                "{reference} are filled in for each invoice."
            )
            return
        try:
            self.link_example.setText(f"For example: {html.escape(self.example_link())}")
        except ValueError as exc:
            self.link_example.setText(red(str(exc)))

    def fill(self, values: dict[str, Any]) -> None:
        self.bank_name.setText(values["payment.bank_name"])
        self.iban.setText(values["payment.iban"])
        self.bic.setText(values["payment.bic"])
        self.link.setText(values["payment.link_template"])
        self._show_link()

    def values(self) -> dict[str, Any]:
        return {
            "payment.bank_name": self.bank_name.text().strip(),
            "payment.iban": normalise_iban(self.iban.text()),
            "payment.bic": "".join(self.bic.text().split()).upper(),
            "payment.link_template": self.link.text().strip(),
        }

    def problems(self) -> list[FieldError]:
        values, out = self.values(), []
        iban = values["payment.iban"]
        if iban and not looks_like_iban(iban):
            out.append(
                FieldError(
                    "payment.iban",
                    "An IBAN is the country code, two check digits, then 10 to 30 letters "
                    "and digits (e.g. IE29 AIBK 9311 5212 3456 78).",
                )
            )
        elif iban and not is_valid_iban(iban):
            out.append(
                FieldError(
                    "payment.iban",
                    "The check digits of this IBAN do not add up: a character is probably "
                    "mistyped. Compare it with a bank statement.",
                )
            )
        if values["payment.bic"] and not _BIC.fullmatch(values["payment.bic"]):
            out.append(
                FieldError("payment.bic", "A BIC has 8 or 11 letters and digits (e.g. AIBKIE2D).")
            )
        if values["payment.link_template"]:
            try:
                self.example_link()
            except ValueError as exc:
                out.append(FieldError("payment.link_template", str(exc)))
        return out or declared_problems(values)


class MailPage(SetupPage):
    """The mail server form of File → E-mail settings, test button included; may be skipped."""

    def __init__(self, state: WizardState) -> None:
        super().__init__(
            state,
            "E-mail (optional)",
            "To e-mail invoices and reminders, Counterfoil needs your mail server (your e-mail "
            "provider's help pages name it). “Skip for now” leaves it for File → E-mail settings.",
        )
        self.skipped = False
        self.server = MailServerForm()
        form = self.server.layout()
        form.setContentsMargins(0, 0, 10, 0)
        if isinstance(form, QFormLayout):
            form.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
        self.server.test_address.setPlaceholderText("your own address; saves these settings first")
        area = QScrollArea()
        area.setWidgetResizable(True)
        area.setFrameShape(QFrame.Shape.NoFrame)
        area.setWidget(self.server)
        layout = QVBoxLayout(self)
        layout.addWidget(self.problem)
        layout.addWidget(area, 1)

    def fill(self, values: dict[str, Any]) -> None:
        from app.services.secrets import NO_BACKEND_HELP

        self.server.fill(values)
        stored = self.state.stored
        if stored is not None:
            self.server.set_keyring(stored.keyring, NO_BACKEND_HELP, stored.password_stored)

    def values(self) -> dict[str, Any]:
        return {} if self.skipped else self.server.values()

    def problems(self) -> list[FieldError]:
        values, out = self.server.values(), []
        if not values["smtp.host"]:
            out.append(FieldError("smtp.host", "Enter the mail server, or press “Skip for now”."))
        if not values["smtp.sender_address"]:
            out.append(
                FieldError("smtp.sender_address", "Enter the address your e-mails come from.")
            )
        return out or declared_problems(values)

    def validatePage(self) -> bool:
        return self.skipped or super().validatePage()


class StartPage(SetupPage):
    """How the book starts: the clients from a spreadsheet, the demo, or nothing."""

    def __init__(self, state: WizardState, handle: AppHandle) -> None:
        super().__init__(
            state,
            "Your clients",
            "Bring in the clients you already have, look around with demo data first, or "
            "start with an empty book.",
        )
        self.handle = handle
        self.preview: Any = None
        self.data = b""
        self.reading = False
        self.import_choice = QRadioButton("Import clients from a spreadsheet (CSV)")
        self.demo_choice = QRadioButton("Start with demo data")
        self.empty_choice = QRadioButton("Start empty")
        self.choices = QButtonGroup(self)
        for button in (self.import_choice, self.demo_choice, self.empty_choice):
            button.setStyleSheet("font-weight: 600;")
            self.choices.addButton(button)
        self.demo_note = muted(
            "50 made-up clients with a year of invoices and payments, to try everything "
            "safely. Loading takes a few seconds."
        )
        self.empty_note = muted("Add your clients one by one on the Clients page.")
        self.path = QLineEdit()
        self.path.setReadOnly(True)
        self.path.setPlaceholderText("Save the client list as CSV from Excel or your old program")
        self.browse = QPushButton("Choose file…")
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.rejected = QListWidget()
        self.skip_invalid = QCheckBox()
        self.import_panel = QWidget()
        panel = QVBoxLayout(self.import_panel)
        panel.setContentsMargins(26, 0, 0, 4)
        file_row = QHBoxLayout()
        file_row.addWidget(self.path, 1)
        file_row.addWidget(self.browse)
        panel.addLayout(file_row)
        for w in (self.status, self.rejected, self.skip_invalid):
            panel.addWidget(w)
        self.busy = QProgressBar()
        self.busy.setRange(0, 0)
        self.busy.setTextVisible(False)
        self.busy.setFixedHeight(8)
        self.busy_text = muted()
        layout = QVBoxLayout(self)
        layout.setSpacing(6)
        layout.addWidget(self.import_choice)
        layout.addWidget(self.import_panel)
        layout.addSpacing(10)
        layout.addWidget(self.demo_choice)
        layout.addWidget(indented(self.demo_note))
        layout.addSpacing(10)
        layout.addWidget(self.empty_choice)
        layout.addWidget(indented(self.empty_note))
        layout.addStretch(1)
        for w in (self.problem, self.busy_text, self.busy):
            layout.addWidget(w)
        self.empty_choice.setChecked(True)
        self.set_busy("")
        self.browse.clicked.connect(self._browse)
        self.choices.buttonToggled.connect(lambda *_: self._show_import())

    def start(self) -> str:
        if self.import_choice.isChecked():
            return "import"
        return "demo" if self.demo_choice.isChecked() else "empty"

    def fill(self, values: dict[str, Any]) -> None:
        if self.state.has_clients():
            self.import_choice.setText("Import more clients from a spreadsheet (CSV)")
            self.demo_note.setText("Demo data can only be loaded into a book without clients.")
            self.empty_choice.setText("Keep my clients as they are")
            self.empty_note.setText("Nothing is added; you can import more clients later.")
        self.set_busy("")

    def _show_import(self) -> None:
        importing = self.import_choice.isChecked()
        errors = self.preview.errors if self.preview is not None else []
        self.import_panel.setVisible(importing)
        self.rejected.setVisible(bool(errors))
        self.skip_invalid.setVisible(bool(errors) and bool(self.preview.rows))
        self.problem.hide()

    def _browse(self) -> None:
        name, _ = QFileDialog.getOpenFileName(
            self, "Client list", "", "Spreadsheets (*.csv *.txt);;All files (*)"
        )
        if name:
            self.read(Path(name))

    def read(self, path: Path) -> None:
        """Check the file in the background; nothing is imported before Finish."""
        wizard: Any = self.wizard()
        currency = wizard.region_page.currency.currentData()
        terms = wizard.numbering_page.terms.value()
        stored = self.state.stored
        needs_tax = bool(stored and stored.values["tax.requires_client_tax_id"])
        self.path.setText(str(path))
        self.preview, self.data, self.reading = None, b"", True
        self.status.setText("Reading the file…")
        self._show_import()

        def done(result: Any) -> None:
            if self.path.text() == str(path):
                self.reading = False
                self.data, self.preview = result
                self._show_preview()

        def failed(exc: BaseException) -> None:
            if self.path.text() == str(path):
                self.reading = False
                self.status.setText(red(f"This file cannot be imported: {exc}"))

        self.handle.ops.run(lambda: preview_clients(path, currency, terms, needs_tax), done, failed)

    def _show_preview(self) -> None:
        rows, errors = self.preview.rows, self.preview.errors
        names = ", ".join(c.name for _line, c in rows[:3]) + (", …" if len(rows) > 3 else "")
        if rows:
            text = f"<b>{counted(len(rows), 'client is', 'clients are')} ready:</b> {html.escape(names)}."
        else:
            text = "<b>No row of this file can be imported.</b>"
        if errors:
            text += " " + red(f"{counted(len(errors), 'row', 'rows')} cannot be imported:")
        self.status.setText(text)
        self.rejected.clear()
        self.rejected.addItems([f"Line {e.line}: {e.reason}" for e in errors])
        shown = min(len(errors), 4)
        self.rejected.setFixedHeight(shown * max(self.rejected.sizeHintForRow(0), 18) + 10)
        self.skip_invalid.setChecked(False)
        self.skip_invalid.setText(
            f"Import the {counted(len(rows), 'valid client', 'valid clients')} and leave "
            f"{'this row' if len(errors) == 1 else 'these rows'} out"
        )
        self._show_import()

    def problems(self) -> list[FieldError]:
        if self.start() != "import":
            return []
        if self.reading:
            why = "The file is still being read; a moment, please."
        elif self.preview is None:
            why = "Choose the spreadsheet with your clients."
        elif not self.preview.rows:
            why = "No row of this file can be imported; correct it and choose it again."
        elif self.preview.errors and not self.skip_invalid.isChecked():
            why = (
                "Some rows cannot be imported: tick “Import the valid clients” to leave them "
                "out, or correct the file and choose it again."
            )
        else:
            return []
        return [FieldError("file", why)]

    def set_busy(self, message: str) -> None:
        self.state.busy = bool(message)
        for w in (self.busy, self.busy_text):
            w.setVisible(bool(message))
        self.busy_text.setText(message)
        for w in (self.import_choice, self.empty_choice, self.import_panel):
            w.setEnabled(not message)
        self.demo_choice.setEnabled(not message and not self.state.has_clients())
        self._show_import()
        self.completeChanged.emit()


class StepList(QWidget):
    """Where the user is: the steps down the left, the ones done ticked."""

    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("setupSteps")
        self.setFixedWidth(176)
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.setStyleSheet(_STEPS_STYLE)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 14, 8, 14)
        layout.setSpacing(2)
        self.labels = [QLabel(step) for step in STEPS]
        for label in self.labels:
            layout.addWidget(label)
        layout.addStretch(1)

    def show_step(self, index: int) -> None:
        for i, (label, step) in enumerate(zip(self.labels, STEPS)):
            label.setProperty("current", i == index)
            label.setProperty("done", i < index)
            label.setText(f"✓  {step}" if i < index else f"{i + 1}.  {step}")
            label.style().unpolish(label)
            label.style().polish(label)


class SetupWizard(QWizard):
    """The six steps; Finish saves every setting at once, then imports or loads the demo."""

    def __init__(
        self, handle: AppHandle, parent: QWidget | None = None, *, first_run: bool = False
    ) -> None:
        super().__init__(parent)
        self.handle = handle
        self.first_run = first_run
        self.outcome: SetupOutcome | None = None
        self._done = False
        self.state = WizardState(today=handle.ctx.clock.today(), now=handle.ctx.clock.now_utc())
        self.setWindowTitle("Set up Counterfoil")
        self.setWizardStyle(QWizard.WizardStyle.ModernStyle)
        self.setTitleFormat(Qt.TextFormat.RichText)
        logo = QPixmap(str(resource_path("icons", "counterfoil-48.png")))
        self.setPixmap(QWizard.WizardPixmap.LogoPixmap, logo)
        self.steps = StepList()
        self.setSideWidget(self.steps)
        self.setOption(QWizard.WizardOption.NoBackButtonOnStartPage, True)
        self.setButtonText(QWizard.WizardButton.CustomButton1, "Skip for now")
        cancel = "Set up later" if first_run else "Cancel"
        self.setButtonText(QWizard.WizardButton.CancelButton, cancel)
        for which in (QWizard.WizardButton.NextButton, QWizard.WizardButton.FinishButton):
            self.button(which).setStyleSheet(_PRIMARY_STYLE)
        self.resize(920, 650)
        self.company_page = CompanyPage(self.state)
        self.region_page = RegionPage(self.state)
        self.numbering_page = NumberingPage(self.state)
        self.payment_page = PaymentPage(self.state)
        self.mail_page = MailPage(self.state)
        self.start_page = StartPage(self.state, handle)
        self.pages: list[SetupPage] = [
            self.company_page,
            self.region_page,
            self.numbering_page,
            self.payment_page,
            self.mail_page,
            self.start_page,
        ]
        for page in self.pages:
            self.addPage(page)
        self.currentIdChanged.connect(self._step_changed)
        self.customButtonClicked.connect(lambda _which: self.skip_mail())
        self.mail_page.server.test_button.clicked.connect(self.send_test)
        self._step_changed(self.currentId())
        handle.call(read_stored_setup, on_done=self._fill, on_error=self._failed)

    def _fill(self, stored: StoredSetup) -> None:
        self.state.stored = stored
        values = first_run_defaults(stored.values)  # unchanged once the book is set up
        for page in self.pages:
            page.fill(values)
        self.state.loaded = True
        for page in self.pages:
            page.completeChanged.emit()

    def _step_changed(self, page_id: int) -> None:
        self.steps.show_step(max(page_id, 0))
        on_mail = self.currentPage() is self.mail_page
        if on_mail:
            self.mail_page.skipped = False
        self.setOption(QWizard.WizardOption.HaveCustomButton1, on_mail)

    def skip_mail(self) -> None:
        """Leave the e-mail settings as they are and go on."""
        if self.currentPage() is self.mail_page:
            self.mail_page.skipped = True
            self.next()

    def plan(self) -> SetupPlan:
        values: dict[str, Any] = {}
        for page in self.pages:
            values |= page.values()
        values["ui.onboarded"] = True
        start = self.start_page
        importing = start.start() == "import"
        return SetupPlan(
            values=values,
            password=None if self.mail_page.skipped else self.mail_page.server.new_password(),
            start=start.start(),
            clients_csv=start.data if importing else b"",
            skip_invalid=importing and bool(start.preview.errors),
        )

    def accept(self) -> None:
        """Finish: check the last step, do the work in the background, then close."""
        if self._done:
            super().accept()
            return
        if self.state.busy or not self.validateCurrentPage():
            return
        plan = self.plan()
        demo = plan.start == "demo"
        self.start_page.set_busy(
            "Loading the demo data: this takes a few seconds…" if demo else "Saving…"
        )
        for which in (QWizard.WizardButton.BackButton, QWizard.WizardButton.CancelButton):
            self.button(which).setEnabled(False)
        runner = self.handle.long_ops if demo else self.handle.ops
        ctx = self.handle.ctx
        runner.run(lambda: complete_setup(ctx, plan), self._finished, self._failed)

    def _finished(self, outcome: SetupOutcome) -> None:
        self.outcome = outcome
        for what in ("settings", "clients", "all"):
            self.handle.bus.changed.emit(what)
        message = "Counterfoil is set up."
        if outcome.start == "import":
            message = (
                f"Counterfoil is set up; {counted(outcome.imported, 'client', 'clients')} imported."
            )
        self.handle.bus.status.emit(message)
        self.start_page.set_busy("")
        self._done = True
        self.accept()

    def _failed(self, exc: BaseException) -> None:
        self.start_page.set_busy("")
        for which in (QWizard.WizardButton.BackButton, QWizard.WizardButton.CancelButton):
            self.button(which).setEnabled(True)
        page = self.currentPage()
        target = page if isinstance(page, SetupPage) else self.company_page
        target.problem.setText(f"Could not finish: {exc}")
        target.problem.show()

    def reject(self) -> None:
        if not self.state.busy:
            super().reject()

    def send_test(self) -> None:
        form = self.mail_page.server
        if not self.mail_page.validatePage():
            return
        address = form.test_address.text().strip()
        form.test_result.setText("Saving these e-mail settings and sending…")
        ctx, values, password = self.handle.ctx, form.values(), form.new_password()

        def sent(reply: str) -> None:
            form.test_result.setText(f"Sent to {address}. The server answered: {reply}")

        def failed(exc: BaseException) -> None:
            form.test_result.setText(red(str(exc)))

        self.handle.long_ops.run(
            lambda: send_mail_test(ctx, values, password, address), sent, failed
        )


def open_setup_wizard(
    parent: QWidget | None,
    handle: AppHandle,
    *,
    first_run: bool = False,
    on_finished: Callable[[str], Any] | None = None,
) -> SetupWizard:
    """Open the wizard window-modal without blocking; ``on_finished(start)`` runs after Finish."""
    wizard = SetupWizard(handle, parent, first_run=first_run)
    wizard.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)
    if on_finished is not None:
        wizard.accepted.connect(
            lambda: on_finished(wizard.outcome.start if wizard.outcome else "empty")
        )
    wizard.open()
    return wizard
