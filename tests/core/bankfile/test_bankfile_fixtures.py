"""The project's own fixtures: every format is covered even without the sample corpus.

Expected values were written by hand from the fixture files (line numbers
are the raw lines read).
"""

from __future__ import annotations

from dataclasses import astuple
from datetime import date
from decimal import Decimal as D

import pytest
from bankfile_samples import FIXTURES, at_line, read_fixture

from app.core.bankfile import StatementLine, parse_statement
from app.core.bankfile.csv_lines import LineReader
from app.core.bankfile.model import fast_line


def test_every_fixture_format_is_present() -> None:
    formats = {
        read_fixture(str(p.relative_to(FIXTURES))).format
        for p in FIXTURES.rglob("*")
        if p.is_file() and p.suffix != ".md" and p.name != ".gitattributes"
    }
    assert {"csv", "ofx", "qif", "camt.053", "camt.054", "mt940"} <= formats


def test_qif_european_day_first_decimal_comma_and_sections() -> None:
    st = read_fixture("qif/synthetic_eu_day_first.qif")
    assert st.encoding == "cp1252"
    assert st.account_id == "Business current account"  # from the !Account block
    assert len(st.lines) == 4
    assert st.skipped == 1  # the !Type:Invst record
    # lines 6-11: D03.02.2026 / T-1.250,00 / PHausverwaltung Nord / MMiete Februar
    rent = at_line(st, 6)
    assert rent.booking_date == date(2026, 2, 3)
    assert rent.amount == D("-1250.00")
    assert (rent.counterparty, rent.description) == ("Hausverwaltung Nord", "Miete Februar")
    # lines 12-16: D14.02.2026 / T2.380,50 / … / MInvoice INV-2026-0042 RF18 5390 0754 7034
    income = at_line(st, 12)
    assert income.amount == D("2380.50")
    assert income.reference == "RF18539007547034"
    # lines 17-25: a split record; the total T-99,90 is the line, the S/$ split lines are not
    assert at_line(st, 17).amount == D("-99.90")
    assert at_line(st, 17).counterparty == "Büro Schmidt"


def test_qif_apostrophe_years_and_glued_payee() -> None:
    st = read_fixture("qif/synthetic_us_apostrophe_years.qif")
    assert [line.booking_date for line in st.lines] == [
        date(1999, 12, 30),
        date(2000, 1, 5),
        date(2000, 1, 15),
    ]
    assert st.lines[0].counterparty == "Hardware Store"  # D12/30/99Hardware Store
    assert st.lines[2].amount == D("150.00")


def test_camt053_prefixed_namespace_batch_split_and_pending() -> None:
    st = read_fixture("camt/synthetic_camt053_v08_prefixed.xml")
    assert st.format == "camt.053"
    assert st.account_iban == "DE89370400440532013000"
    assert len(st.lines) == 4
    # line 9 <doc:Ntry>: batch of 350.00 split into 200.00 + 150.00 (200 + 150 = 350)
    harbor, cedar = at_line(st, 9, 0), at_line(st, 9, 1)
    assert (harbor.amount, cedar.amount) == (D("200.00"), D("150.00"))
    assert harbor.booking_date == date(2026, 3, 1)  # DtTm 2026-03-01T09:15:00+01:00
    assert harbor.value_date == date(2026, 3, 2)
    assert harbor.counterparty == "Harbor Media GmbH"  # the debtor: money came in
    assert harbor.counterparty_iban == "NL91ABNA0417164300"
    assert harbor.reference == "RF18539007547034"
    assert harbor.bank_transaction_id == "TX-20260301-0001"
    assert cedar.description == "Invoice INV-2026-0043 thank you"  # two Ustrd lines
    # line 42: card payment, money out: the counterparty is the creditor
    card = at_line(st, 42)
    assert card.amount == D("-44.75")
    assert card.counterparty == "Bürobedarf Köln"
    assert card.description == "Kartenzahlung Bürobedarf Köln"
    # line 58: Sts PDNG
    assert at_line(st, 58).pending
    # 1000.00 + 200.00 + 150.00 - 44.75 = 1305.25 (the pending 19.99 is not booked)
    booked = sum(line.amount for line in st.booked)
    assert st.opening_balance + booked == st.closing_balance == D("1305.25")


def test_camt054_swiss_qr_reference() -> None:
    st = read_fixture("camt/synthetic_camt054_qrr.xml")
    line = st.lines[0]
    assert st.format == "camt.054"
    assert line.amount == D("1250.40") and line.currency == "CHF"
    assert line.reference == "210000000003139471430009017"
    assert line.counterparty == "Alpenblick AG"


def test_ofx_sgml_lying_header_decimal_comma_and_delete_correction() -> None:
    st = read_fixture("ofx/synthetic_ofx102_sgml_cp1252.ofx")
    assert st.encoding == "cp1252"
    assert st.account_iban == "FR7630006000011234567890189"
    assert len(st.lines) == 2  # FR-…-000003 is deleted by the record after it
    income = st.lines[0]
    assert income.amount == D("1250.00")  # written "1 250,00"
    assert income.booking_date == date(2026, 3, 2)
    assert income.value_date == date(2026, 3, 3)  # DTAVAIL
    assert income.counterparty == "Société Générale de Conseil"
    assert st.lines[1].amount == D("-58.73")
    assert st.closing_balance == D("3179.27")


@pytest.mark.parametrize(
    "name",
    sorted(p.name for p in (FIXTURES / "csv").iterdir()),
)
def test_row_by_row_and_column_by_column_reading_agree(
    name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = (FIXTURES / "csv" / name).read_bytes()
    fast = parse_statement(data, name)
    monkeypatch.setattr(LineReader, "chunk", lambda self, rows: False)
    monkeypatch.setattr(LineReader, "read_columns", lambda self, *args: False)
    careful = parse_statement(data, name)
    assert [astuple(line) for line in fast.lines] == [astuple(line) for line in careful.lines]
    assert fast.problems == careful.problems


def test_fast_line_builds_an_ordinary_statement_line() -> None:
    values = (
        3,
        date(2026, 1, 2),
        None,
        D("-1.00"),
        "EUR",
        "d",
        "c",
        "i",
        "r",
        "x",
        D("5.00"),
        False,
        "raw",
    )
    built = fast_line(*values)
    assert built == StatementLine(*values)
    assert hash(built) == hash(StatementLine(*values))
    with pytest.raises(AttributeError):
        built.amount = D("1")  # type: ignore[misc]
