"""Bad input is refused or reported with the file, the line and the reason."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D
from itertools import pairwise

import pytest

from app.core.bankfile import (
    MAX_STATEMENT_BYTES,
    StatementCancelled,
    StatementError,
    check_size,
    parse_statement,
)


def test_empty_file_is_refused() -> None:
    with pytest.raises(StatementError) as caught:
        parse_statement(b"", "march.csv")
    assert str(caught.value) == "march.csv: the file is empty"
    with pytest.raises(StatementError, match="empty"):
        parse_statement(b"\r\n  \n", "blank.csv")


def test_pdf_renamed_to_csv_is_refused_with_what_it_really_is() -> None:
    with pytest.raises(StatementError) as caught:
        parse_statement(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n", "statement.csv")
    assert caught.value.filename == "statement.csv"
    assert caught.value.line_no is None
    assert "this is a PDF file, not a bank statement export" in str(caught.value)


@pytest.mark.parametrize(
    ("data", "words"),
    [
        (b"PK\x03\x04\x14\x00\x06\x00", "ZIP archive"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "old Excel"),
        (b"\x89PNG\r\n\x1a\n", "PNG image"),
        (b"<html><body><table><tr><td>1</td></tr></table>", "web page"),
        (b"\x00\x10\x00\x00binary\x00\x00\x00\x07\x00", "binary file"),
    ],
)
def test_other_non_statement_files_are_refused(data: bytes, words: str) -> None:
    with pytest.raises(StatementError, match=words):
        parse_statement(data, "export.csv")


def test_text_that_is_no_statement_is_refused() -> None:
    with pytest.raises(StatementError, match="does not look like a bank statement"):
        parse_statement(b"Dear customer,\nplease find your statement attached.\n", "mail.txt")
    with pytest.raises(StatementError, match="not split into columns"):
        parse_statement(b"hello\nworld\n", "notes.txt")


def test_impossible_date_is_a_line_problem_and_the_rest_is_read() -> None:
    data = (
        b"Date;Description;Amount\n"
        b"01/02/2026;Rent;-500,00\n"
        b"31/02/2026;Impossible;-1,00\n"
        b"15/02/2026;Salary;2.000,00\n"
    )
    st = parse_statement(data, "feb.csv")
    assert [(line.line_no, line.booking_date) for line in st.lines] == [
        (2, date(2026, 2, 1)),
        (4, date(2026, 2, 15)),
    ]
    assert len(st.problems) == 1
    problem = st.problems[0]
    assert problem.line_no == 3
    assert "impossible date '31/02/2026'" in problem.reason
    assert problem.raw == "31/02/2026;Impossible;-1,00"


def test_trailing_minus_amount_is_read_as_negative() -> None:
    data = b"Datum;Text;Betrag\n01.02.2026;Ueberweisung;1.234.567,89-\n02.02.2026;Zins;0,01\n"
    st = parse_statement(data, "minus.csv")
    assert not st.problems
    assert st.lines[0].amount == D("-1234567.89")


def test_a_row_that_cannot_be_interpreted_is_a_line_problem() -> None:
    data = (
        b"Date;Description;Amount\n"
        b"01.02.2026;A;-5,00\n"
        b"02.02.2026;only some text\n"
        b"03.02.2026;C;abc\n"
        b"04.02.2026;D;7,00\n"
    )
    st = parse_statement(data, "ragged.csv")
    assert [line.amount for line in st.lines] == [D("-5.00"), D("7.00")]
    assert [p.line_no for p in st.problems] == [3, 4]
    assert "no amount" in st.problems[0].reason
    assert "cannot read the amount" in st.problems[1].reason


def test_size_guard_names_the_file() -> None:
    check_size(1024, "small.csv")
    with pytest.raises(StatementError) as caught:
        check_size(MAX_STATEMENT_BYTES + 1, "huge.csv")
    assert caught.value.filename == "huge.csv"
    assert "larger than 200 MB" in str(caught.value)
    with pytest.raises(StatementError, match="empty"):
        check_size(0, "none.csv")


def test_damaged_camt_names_the_line() -> None:
    data = b'<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02">\n<BkToCstmrStmt>\n'
    data += b"<Stmt><Ntry><Amt Ccy='EUR'>1.00</Amt>\n</Stmt>\n"
    with pytest.raises(StatementError) as caught:
        parse_statement(data, "broken.xml")
    assert caught.value.line_no == 4
    assert "damaged" in caught.value.reason


def test_camt_with_a_dtd_is_refused() -> None:
    data = (
        b'<!DOCTYPE x [<!ENTITY a "aaaa">]>\n<Document xmlns="urn:iso:std:iso:20022:tech:'
        b'xsd:camt.053.001.02"><BkToCstmrStmt/></Document>'
    )
    with pytest.raises(StatementError, match="DTD"):
        parse_statement(data, "evil.xml")


def test_progress_is_reported_and_cancel_stops_the_work() -> None:
    rows = ["Date;Description;Amount"] + [f"01.02.2026;Row {i};-1,00" for i in range(20000)]
    data = ("\n".join(rows) + "\n").encode()
    seen: list[tuple[int, int]] = []
    st = parse_statement(data, "big.csv", progress=lambda done, total: seen.append((done, total)))
    assert len(st.lines) == 20000
    assert seen and seen[-1][0] == seen[-1][1]
    assert all(a[0] <= b[0] for a, b in pairwise(seen))
    with pytest.raises(StatementCancelled):
        parse_statement(data, "big.csv", cancel=lambda: True)
