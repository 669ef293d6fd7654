"""The first-run setup wizard, driven as a new user would: type, Next, fix, Finish."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtGui import QColor, QImage
from PySide6.QtWidgets import QApplication, QFileDialog, QWizard
from shiboken6 import isValid

from app.core.clients import ClientData
from app.services import delivery
from app.services.clients import ClientQuery, create_client, list_clients
from app.services.numbering import take_number
from app.services.settings import load_settings, save_settings
from app.ui import first_run
from app.ui.dialogs.setup_wizard import SetupWizard
from app.ui.first_run import maybe_offer_first_run
from tests.ui.conftest import Gui

NEXT = QWizard.WizardButton.NextButton
FINISH = QWizard.WizardButton.FinishButton
SKIP = QWizard.WizardButton.CustomButton1


def _shown() -> list[SetupWizard]:
    return [
        w for w in QApplication.topLevelWidgets() if isinstance(w, SetupWizard) and w.isVisible()
    ]


def _open_wizard(gui: Gui) -> SetupWizard:
    gui.idle()
    gui.qtbot.waitUntil(lambda: len(_shown()) == 1, timeout=5000)
    wizard = _shown()[0]
    gui.qtbot.waitUntil(lambda: wizard.state.loaded, timeout=5000)
    return wizard


def _closed(wizard: SetupWizard) -> bool:
    return not isValid(wizard) or not wizard.isVisible()


def _choose_file(monkeypatch: Any, path: Path) -> None:
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *_a, **_k: (str(path), ""))


def _retype(qtbot: Any, edit: Any, text: str) -> None:
    edit.selectAll()
    edit.clear()
    qtbot.keyClicks(edit, text)


def test_first_run_from_company_to_imported_clients(
    gui: Gui, qtbot: Any, tmp_path: Path, monkeypatch: Any
) -> None:
    logo = tmp_path / "harbour.png"
    image = QImage(120, 40, QImage.Format.Format_RGB32)
    image.fill(QColor("#1f4e79"))
    assert image.save(str(logo))
    changes: list[str] = []
    gui.handle.bus.changed.connect(changes.append)

    # A new book (never set up, no clients) opens the wizard by itself.
    maybe_offer_first_run(gui.window, gui.handle)
    wizard = _open_wizard(gui)
    assert wizard.button(QWizard.WizardButton.CancelButton).text() == "Set up later"

    # Company: Next without a name is refused, with the reason under the field.
    company = wizard.company_page
    wizard.button(NEXT).click()
    assert wizard.currentPage() is company
    assert "company's name" in company.errors.text("company.name")
    qtbot.keyClicks(company.name, "Harbour Design Ltd")
    company.address.setPlainText("12 Quay Street\nGalway H91 X2C4\nIreland")
    qtbot.keyClicks(company.tax_id, "IE1234567T")
    _choose_file(monkeypatch, logo)
    company.choose_logo.click()
    assert not company.logo_preview.pixmap().isNull()
    wizard.button(NEXT).click()

    # Region: German writing, Swiss francs, and "berlin" is enough to find the zone.
    region = wizard.region_page
    assert wizard.currentPage() is region
    region.locale.setCurrentIndex(region.locale.findData("de_DE"))
    region.currency.setCurrentIndex(region.currency.findData("CHF"))
    # de_DE writes 1234.50 as 1.234,50 with the code after a no-break space, and the
    # medium date of 25 November 2026 as 25.11.2026.
    assert "1.234,50\u00a0CHF" in region.example.text()
    assert "25.11.2026" in region.example.text()
    _retype(qtbot, region.zone.lineEdit(), "berlin")
    # 2026-11-25 is winter: Berlin is UTC+01:00.
    assert "(UTC+01:00)" in region.zone_clock.text()
    wizard.button(NEXT).click()

    # Numbering: a yearly restart without the year in the number is refused.
    numbering = wizard.numbering_page
    assert wizard.currentPage() is numbering
    assert numbering.reset_yearly.isChecked()
    _retype(qtbot, numbering.template.lineEdit(), "RE-{SEQ:04}")
    assert "yearly reset needs the year" in numbering.example.text()
    wizard.button(NEXT).click()
    assert wizard.currentPage() is numbering
    assert "yearly reset needs the year" in numbering.errors.text("numbering.invoice_template")
    _retype(qtbot, numbering.template.lineEdit(), "RE-{YYYY}-{SEQ:04}")
    assert "RE-2026-0001" in numbering.example.text()
    numbering.terms.setValue(14)
    wizard.button(NEXT).click()

    # Payment: one mistyped digit breaks the IBAN's check digits; the correct one passes.
    payment = wizard.payment_page
    assert wizard.currentPage() is payment
    qtbot.keyClicks(payment.bank_name, "Commerzbank")
    qtbot.keyClicks(payment.iban, "DE89 3704 0044 0532 0130 01")
    qtbot.keyClicks(payment.bic, "cobadeffxxx")
    wizard.button(NEXT).click()
    assert wizard.currentPage() is payment
    assert "check digits" in payment.errors.text("payment.iban")
    _retype(qtbot, payment.iban, "DE89 3704 0044 0532 0130 00")
    qtbot.keyClicks(payment.link, "https://pay.harbour.example/{number}?amount={amount}")
    assert "pay.harbour.example/INV-2026-00001?amount=1234.50" in payment.link_example.text()
    wizard.button(NEXT).click()

    # E-mail: Next with an empty server is refused; "Skip for now" goes on.
    assert wizard.currentPage() is wizard.mail_page
    assert wizard.button(SKIP).isVisible()
    wizard.button(NEXT).click()
    assert wizard.currentPage() is wizard.mail_page
    assert "Skip for now" in wizard.mail_page.problem.text()
    wizard.button(SKIP).click()

    # Clients: a spreadsheet with one bad row; it is listed and the others imported.
    start = wizard.start_page
    assert wizard.currentPage() is start
    assert not wizard.button(SKIP).isVisible()
    sheet = tmp_path / "clients.csv"
    sheet.write_text(
        "Company;E-mail;Currency\n"
        "Nordlicht Studio GmbH;accounts@nordlicht.example;\n"
        "Cedar Design Inc.;cedar at example;USD\n"
        "Müller Bau GmbH;buchhaltung@mueller.example;EUR\n",
        encoding="utf-8",
    )
    start.import_choice.click()
    assert start.import_panel.isVisible()
    _choose_file(monkeypatch, sheet)
    start.browse.click()
    qtbot.waitUntil(lambda: start.preview is not None, timeout=5000)
    assert "2 clients are ready" in start.status.text()
    assert start.rejected.count() == 1
    assert start.rejected.item(0).text().startswith("Line 3: ")
    assert "e-mail" in start.rejected.item(0).text()
    wizard.button(FINISH).click()
    assert wizard.isVisible()
    assert "Import the valid clients" in start.problem.text()
    assert start.skip_invalid.text() == "Import the 2 valid clients and leave this row out"
    start.skip_invalid.click()
    wizard.button(FINISH).click()
    qtbot.waitUntil(lambda: _closed(wizard), timeout=10_000)
    gui.idle()

    values = load_settings(gui.ctx)
    assert values["company.name"] == "Harbour Design Ltd"
    assert values["company.address"] == "12 Quay Street\nGalway H91 X2C4\nIreland"
    assert values["company.tax_id"] == "IE1234567T"
    assert (values["company.locale"], values["company.currency"]) == ("de_DE", "CHF")
    assert values["company.time_zone"] == "Europe/Berlin"
    assert values["numbering.invoice_template"] == "RE-{YYYY}-{SEQ:04}"
    assert values["numbering.reset_yearly"] is True
    assert values["billing.default_terms_days"] == 14
    assert values["payment.bank_name"] == "Commerzbank"
    assert values["payment.iban"] == "DE89370400440532013000"
    assert values["payment.bic"] == "COBADEFFXXX"
    assert values["payment.link_template"].startswith("https://pay.harbour.example/")
    assert values["smtp.host"] == ""  # skipped: left as it was
    assert values["ui.onboarded"] is True
    stored_logo = Path(values["company.logo_path"])
    assert stored_logo.parent == gui.home / "branding"
    assert stored_logo.read_bytes() == logo.read_bytes()

    clients = {c.name: c for c in list_clients(gui.ctx, ClientQuery())}
    assert set(clients) == {"Nordlicht Studio GmbH", "Müller Bau GmbH"}
    # No currency in the file: the company's new default applies; terms likewise.
    assert clients["Nordlicht Studio GmbH"].currency == "CHF"
    assert clients["Müller Bau GmbH"].currency == "EUR"
    assert {"settings", "clients", "all"} <= set(changes)
    assert gui.window.stack.currentWidget() is gui.window.page("clients")


def test_demo_data_with_this_computers_region(gui: Gui, qtbot: Any, monkeypatch: Any) -> None:
    monkeypatch.setattr(first_run, "system_locale", lambda: "de_AT")
    monkeypatch.setattr(first_run, "system_time_zone", lambda: "Europe/Vienna")
    maybe_offer_first_run(gui.window, gui.handle)
    wizard = _open_wizard(gui)

    # A new book starts from this computer's language, region and clock.
    region = wizard.region_page
    assert region.locale.currentData() == "de_AT"
    assert region.currency.currentData() == "EUR"  # Austria's currency
    assert region.zone.currentText() == "Europe/Vienna"

    qtbot.keyClicks(wizard.company_page.name, "Alpenblick Beratung GmbH")
    for _step in range(4):
        wizard.button(NEXT).click()
    assert wizard.currentPage() is wizard.mail_page
    wizard.button(SKIP).click()
    start = wizard.start_page
    start.demo_choice.click()
    wizard.button(FINISH).click()
    assert start.busy.isVisible()
    assert "few seconds" in start.busy_text.text()
    assert not wizard.button(FINISH).isEnabled()
    qtbot.waitUntil(lambda: _closed(wizard), timeout=90_000)
    gui.idle(timeout=30_000)

    values = load_settings(gui.ctx)
    # The demo brings its own company; what the user typed wins.
    assert values["company.name"] == "Alpenblick Beratung GmbH"
    assert values["company.locale"] == "de_AT"
    assert values["company.time_zone"] == "Europe/Vienna"
    assert values["ui.onboarded"] is True
    assert len(list_clients(gui.ctx, ClientQuery(include_archived=True))) == 50


def test_run_again_from_settings_is_filled_in(gui: Gui, qtbot: Any, monkeypatch: Any) -> None:
    save_settings(
        gui.ctx,
        {
            "company.name": "Harbour Design Ltd",
            "company.email": "accounts@harbour.example",
            "company.locale": "fr_FR",
            "company.currency": "GBP",
            "company.time_zone": "Europe/Paris",
            "numbering.invoice_template": "F-{YY}-{SEQ:03}",
            "billing.default_terms_days": 21,
            "payment.iban": "FR1420041010050500013M02606",
            "smtp.host": "smtp.harbour.example",
            "smtp.sender_address": "billing@harbour.example",
            "ui.onboarded": True,
        },
    )
    create_client(gui.ctx, ClientData(name="Cedar Design Inc.", email="ap@cedar.example"))
    with gui.ctx.uow() as uow:  # 41 invoices numbered this year already
        for _ in range(41):
            take_number(uow.session, "invoice", gui.ctx.clock.today())
        uow.commit()
    maybe_offer_first_run(gui.window, gui.handle)  # not a new book: nothing opens
    gui.idle()
    assert _shown() == []
    page: Any = gui.window.show_page("settings")
    gui.idle()
    page.setup_button.click()
    wizard = _open_wizard(gui)

    assert wizard.button(QWizard.WizardButton.CancelButton).text() == "Cancel"
    assert wizard.company_page.name.text() == "Harbour Design Ltd"
    assert wizard.company_page.email.text() == "accounts@harbour.example"
    # The stored choices, not this computer's.
    assert wizard.region_page.locale.currentData() == "fr_FR"
    assert wizard.region_page.currency.currentData() == "GBP"
    assert wizard.region_page.zone.currentText() == "Europe/Paris"
    assert wizard.numbering_page.template.currentText() == "F-{YY}-{SEQ:03}"
    assert wizard.numbering_page.terms.value() == 21
    # numbering carries on from the book's invoices: 41 taken, the next is 42
    assert "next invoice" in wizard.numbering_page.example.text()
    assert "F-26-042" in wizard.numbering_page.example.text()
    assert wizard.payment_page.iban.text() == "FR1420041010050500013M02606"
    assert wizard.mail_page.server.host.text() == "smtp.harbour.example"
    # With clients in the book, the demo is not offered.
    assert not wizard.start_page.demo_choice.isEnabled()
    assert wizard.start_page.empty_choice.text() == "Keep my clients as they are"

    for _step in range(3):
        wizard.button(NEXT).click()
    wizard.payment_page.bic.clear()
    qtbot.keyClicks(wizard.payment_page.bic, "BNPAFRPP")
    wizard.button(NEXT).click()
    # The form's own test button: it saves the e-mail settings, then sends.
    sent: list[str] = []

    def send_test(_ctx: Any, to: str) -> str:
        sent.append(to)
        return "250 2.0.0 Ok: queued"

    monkeypatch.setattr(delivery, "send_test", send_test)
    form = wizard.mail_page.server
    _retype(qtbot, form.test_address, "me@harbour.example")
    form.test_button.click()
    qtbot.waitUntil(lambda: "Sent to me@harbour.example" in form.test_result.text(), timeout=5000)
    assert sent == ["me@harbour.example"]
    assert "250 2.0.0 Ok: queued" in form.test_result.text()
    wizard.button(NEXT).click()  # the stored mail server passes as it is
    assert wizard.currentPage() is wizard.start_page
    wizard.button(FINISH).click()
    qtbot.waitUntil(lambda: _closed(wizard), timeout=10_000)
    gui.idle()

    values = load_settings(gui.ctx)
    assert values["payment.bic"] == "BNPAFRPP"
    assert values["company.locale"] == "fr_FR"
    assert values["smtp.host"] == "smtp.harbour.example"
    assert [c.name for c in list_clients(gui.ctx, ClientQuery())] == ["Cedar Design Inc."]
    assert page._editors["payment.bic"].text() == "BNPAFRPP"  # the form reloaded
