"""Layouts of banks not in the sample corpus, read with no set-up at all.

The files are small hand-written imitations of real export layouts; the
expected values are read off the text in each test.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D

from app.core.bankfile import parse_statement


def _read(text: str, name: str = "export.csv"):  # type: ignore[no-untyped-def]
    return parse_statement(text.encode("utf-8"), name)


def test_payer_and_payee_columns_give_the_counterparty_by_direction() -> None:
    st = _read(
        '"Girokonto";"DE07123412341234123412"\n'
        '"Kontostand vom 15.03.2024:";"1.234,56 €"\n'
        '""\n'
        '"Buchungsdatum";"Wertstellung";"Status";"Zahlungspflichtige*r";"Zahlungsempfänger*in";'
        '"Verwendungszweck";"Umsatztyp";"IBAN";"Betrag (€)"\n'
        '"15.03.24";"15.03.24";"Vorgemerkt";"Max Mustermann";"REWE Markt";"Einkauf";"Ausgang";'
        '"DE11111111111111111111";"-23,45"\n'
        '"14.03.24";"14.03.24";"Gebucht";"Harbor Media GmbH";"Max Mustermann";'
        '"Rechnung RE-2024-17";"Eingang";"DE22222222222222222222";"1.190,00"\n'
    )
    spend, income = st.lines
    assert (spend.amount, spend.counterparty, spend.pending) == (D("-23.45"), "REWE Markt", True)
    assert (income.amount, income.counterparty) == (D("1190.00"), "Harbor Media GmbH")
    assert income.booking_date == date(2024, 3, 14)
    assert st.account_iban == "DE07123412341234123412"
    assert st.currency == "EUR"  # "Betrag (€)"


def test_counterparty_column_holding_ibans_is_taken_as_the_iban() -> None:
    st = _read(
        '"Date";"Interest Date";"Amount";"Account";"Counterparty";"Name";"Description"\n'
        '"2024-03-01";"2024-03-01";"-12,50";"NL91ABNA0417164300";"NL69ABNA0522123643";'
        '"Bakery";"Bread"\n'
        '"2024-03-02";"2024-03-02";"300,00";"NL91ABNA0417164300";"GB29NWBK60161331926819";'
        '"Cedar Design";"Invoice 9"\n'
    )
    assert st.lines[1].counterparty == "Cedar Design"
    assert st.lines[1].counterparty_iban == "GB29NWBK60161331926819"
    assert st.account_iban == "NL91ABNA0417164300"


def test_separator_hint_line_and_cr_dr_suffixes() -> None:
    st = _read(
        "sep=,\nDate,Narrative,Amount,Balance\n"
        "01/03/2024,CARD PAYMENT TESCO,12.50 DR,987.50 CR\n"
        "02/03/2024,SALARY,1500.00 CR,2487.50 CR\n"
    )
    assert [line.amount for line in st.lines] == [D("-12.50"), D("1500.00")]
    assert [line.balance_after for line in st.lines] == [D("987.50"), D("2487.50")]
    # 01/03 and 02/03 are one day apart day-first, a month apart month-first
    assert st.lines[0].booking_date == date(2024, 3, 1)
    assert st.detection.get("delimiter").reason == "the first line names it (sep=…)"


def test_us_headerless_export_dates_stay_close_together() -> None:
    st = _read(
        '"03/01/2024","-50.00","*","","PURCHASE AUTHORIZED ON 02/29 SHELL OIL"\n'
        '"03/02/2024","1200.00","*","","ONLINE TRANSFER FROM CEDAR DESIGN"\n'
        '"03/04/2024","-9.99","*","","NETFLIX.COM"\n'
    )
    assert [line.booking_date for line in st.lines] == [
        date(2024, 3, 1),
        date(2024, 3, 2),
        date(2024, 3, 4),
    ]
    assert st.detection.get("date_format").doubtful
    assert st.lines[1].description == "ONLINE TRANSFER FROM CEDAR DESIGN"


def test_summary_block_and_balance_rows_are_skipped() -> None:
    st = _read(
        "Description,,Summary Amt.\n"
        'Beginning balance as of 03/01/2024,,"1,000.00"\n'
        'Ending balance as of 03/31/2024,,"1,300.00"\n\n'
        "Date,Description,Amount,Running Bal.\n"
        '03/01/2024,Beginning balance as of 03/01/2024,,"1,000.00"\n'
        '03/02/2024,"ZELLE FROM CEDAR DESIGN","500.00","1,500.00"\n'
        '03/15/2024,"RENT PAYMENT","-200.00","1,300.00"\n'
    )
    assert [line.amount for line in st.lines] == [D("500.00"), D("-200.00")]
    assert not st.problems
    assert st.lines[1].balance_after == D("1300.00")


def test_pending_state_and_completed_date() -> None:
    st = _read(
        "Type,Product,Started Date,Completed Date,Description,Amount,Fee,Currency,State,"
        "Balance\n"
        "CARD_PAYMENT,Current,2024-03-01 10:11:12,2024-03-02 08:00:01,Coffee Shop,-3.50,"
        "0.00,EUR,COMPLETED,96.50\n"
        "CARD_PAYMENT,Current,2024-03-04 12:00:00,,Bookshop,-12.00,0.00,EUR,PENDING,"
        "84.50\n"
    )
    coffee, book = st.lines
    assert coffee.booking_date == date(2024, 3, 2)  # the completed date is the booking date
    assert not coffee.pending and book.pending
    assert book.amount == D("-12.00")


def test_nordic_headers_reference_column_and_signed_amounts() -> None:
    st = _read(
        "Kirjauspäivä;Arvopäivä;Määrä EUROA;Laji;Selitys;Saaja/Maksaja;"
        "Saajan tilinumero;Viite;Viesti;Arkistointitunnus\n"
        "01.03.2024;01.03.2024;-45,90;106;TILISIIRTO;Sähköyhtiö Oy;FI2112345600000785;"
        "RF18539007547034;;20240301ABCD1\n"
        "04.03.2024;04.03.2024;+1 500,00;710;PANO;Cedar Design;FI5542345670000081;;"
        "Lasku 17;20240304ABCD2\n"
    )
    bill, income = st.lines
    assert (bill.amount, bill.reference, bill.counterparty) == (
        D("-45.90"),
        "RF18539007547034",
        "Sähköyhtiö Oy",
    )
    assert bill.counterparty_iban == "FI2112345600000785"
    assert income.amount == D("1500.00")  # "+1 500,00": space as thousands separator
    assert income.description == "Lasku 17"
    assert income.bank_transaction_id == "20240304ABCD2"
