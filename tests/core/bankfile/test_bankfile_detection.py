"""Detection decisions made from whole columns and from content alone."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D

import pytest

from app.core.bankfile import FileFormat, detect_encoding, parse_statement, sniff_format
from app.core.bankfile.csv_rows import detect_delimiter, lenient_split
from app.core.bankfile.dates import DateReader, infer_date_format
from app.core.bankfile.decimals import infer_decimal_mark


def _csv(*rows: str) -> bytes:
    return ("\n".join(rows) + "\n").encode("utf-8")


# --- dates -------------------------------------------------------------------


def test_day_first_is_decided_by_a_single_late_value_above_twelve() -> None:
    values = ["01/02/2026", "03/02/2026", "05/02/2026", "14/02/2026"]
    guess = infer_date_format(values)
    assert guess is not None
    assert (guess.fmt, guess.doubtful) == ("%d/%m/%Y", False)


def test_month_first_is_decided_by_a_second_number_above_twelve() -> None:
    guess = infer_date_format(["08/04/2022", "08/09/2022", "08/17/2022"])
    assert guess is not None
    assert (guess.fmt, guess.doubtful) == ("%m/%d/%Y", False)


def test_a_column_where_every_number_is_twelve_or_less_is_doubtful() -> None:
    guess = infer_date_format(["01/02/2026", "03/02/2026", "05/02/2026"])
    assert guess is not None
    assert guess.doubtful
    assert "no day above 12" in guess.reason


def test_row_order_breaks_the_tie_between_day_and_month_first() -> None:
    # day-first: 2 Jan, 1 Mar, 5 Apr (sorted); month-first: 1 Feb, 3 Jan, 4 May (not sorted)
    guess = infer_date_format(["02/01/2026", "01/03/2026", "05/04/2026"])
    assert guess is not None
    assert guess.fmt == "%d/%m/%Y"
    assert guess.doubtful
    assert "keeps the rows in date order" in guess.reason


def test_dotted_dates_are_day_first_without_doubt() -> None:
    guess = infer_date_format(["01.02.2026", "03.04.2026"])
    assert guess is not None
    assert (guess.fmt, guess.doubtful) == ("%d.%m.%Y", False)


@pytest.mark.parametrize(
    ("values", "fmt", "expected"),
    [
        (["20200213"], "%Y%m%d", date(2020, 2, 13)),
        (["2012:03:01"], "%Y:%m:%d", date(2012, 3, 1)),
        (["2019.04.19."], "%Y.%m.%d.", date(2019, 4, 19)),
        (["12-Dec-2019"], "%d-%b-%Y", date(2019, 12, 12)),
        (["03.04.18"], "%d.%m.%y", date(2018, 4, 3)),
        (["2013-07-03-08.21.36.47192"], "%Y-%m-%d", date(2013, 7, 3)),
        (["2018-03-30T17:47:21"], "%Y-%m-%d", date(2018, 3, 30)),
        (["17-06-2022"], "%d-%m-%Y", date(2022, 6, 17)),
    ],
)
def test_date_formats_banks_use(values: list[str], fmt: str, expected: date) -> None:
    guess = infer_date_format(values)
    assert guess is not None and guess.fmt == fmt
    assert DateReader(fmt)(values[0]) == expected


def test_day_month_order_is_rechecked_on_the_whole_file() -> None:
    # the first 2000 rows are all ambiguous; only the last row (02/13) settles month-first
    rows = ["Date,Description,Amount"]
    rows += [f"0{1 + i % 9}/0{1 + i % 9}/2026,Row {i},-1.00" for i in range(2000)]
    rows.append("02/13/2026,Late row,-2.00")
    st = parse_statement(_csv(*rows), "long.csv")
    assert not st.problems
    assert st.detection.get("date_format").value == "%m/%d/%Y"
    assert st.lines[-1].booking_date == date(2026, 2, 13)


# --- decimal marks -----------------------------------------------------------


def test_decimal_mark_comes_from_the_whole_column() -> None:
    # "1,234" alone could be either; "12,50" in the same column settles it
    guess = infer_decimal_mark(["1,234", "12,50", "7"])
    assert (guess.mark, guess.doubtful) == (",", False)


def test_ambiguous_thousands_only_column_is_doubtful() -> None:
    guess = infer_decimal_mark(["1,234", "5,000"])
    assert guess.mark == "." and guess.doubtful


@pytest.mark.parametrize(
    ("value", "mark"),
    [("1.234,56", ","), ("1,234.56", "."), ("11'373.94", "."), ("-.46", "."), ("155,5", ",")],
)
def test_single_values_that_prove_the_mark(value: str, mark: str) -> None:
    assert infer_decimal_mark([value]).mark == mark


def test_whole_number_amounts_take_the_mark_of_the_balance_column() -> None:
    data = _csv(
        "Datum;Omschrijving;Bedrag;Saldo",
        "01-02-2026;A;-350;1.234,50",
        "02-02-2026;B;1290;2.524,50",
    )
    st = parse_statement(data, "ints.csv")
    assert st.detection.get("decimal_mark").value == ","
    assert [line.amount for line in st.lines] == [D("-350"), D("1290")]
    assert st.lines[1].balance_after == D("2524.50")


# --- delimiters, quoting, layout ------------------------------------------------


def test_delimiter_with_decimal_commas_inside_semicolon_rows() -> None:
    lines = [
        "Datum;Text;Betrag;Saldo",
        "01.02.2026;A, B and C;-1,50;10,00",
        "02.02.2026;D;2,00;12,00",
    ]
    assert detect_delimiter(lines).delimiter == ";"


def test_lenient_split_handles_unescaped_quotes_and_a_lost_opening_quote() -> None:
    assert lenient_split('"LT1","20","UAB "Naktida"","12.20",', ",") == [
        "LT1",
        "20",
        'UAB "Naktida"',
        "12.20",
        "",
    ]
    assert lenient_split('NL77RABO","EUR","+50,00"', ",") == ["NL77RABO", "EUR", "+50,00"]


def test_preamble_title_and_trailing_summary_rows_are_skipped() -> None:
    data = _csv(
        "Account statement;;;",
        "IBAN;DE89 3704 0044 0532 0130 00;;",
        "",
        "Date;Description;Amount;Balance",
        "01.03.2026;Invoice 12;100,00;1.100,00",
        "02.03.2026;Rent;-500,00;600,00",
        "Total;;-400,00;",
    )
    st = parse_statement(data, "summary.csv")
    assert [line.amount for line in st.lines] == [D("100.00"), D("-500.00")]
    assert not st.problems
    assert st.skipped == 1  # the "Total" row
    assert st.account_iban == "DE89370400440532013000"


def test_headerless_file_roles_come_from_content() -> None:
    data = _csv(
        "2026-03-01,NL91ABNA0417164300,Harbor Media,Invoice 42,120.00",
        "2026-03-02,GB29NWBK60161331926819,Cedar Design,Invoice 43,-75.50",
        "2026-03-03,NL91ABNA0417164300,Harbor Media,Invoice 44,19.99",
    )
    st = parse_statement(data, "bare.csv")
    first = st.lines[0]
    assert first.booking_date == date(2026, 3, 1)
    assert first.amount == D("120.00")
    assert first.counterparty_iban == "NL91ABNA0417164300"
    assert first.counterparty == "Harbor Media"
    assert st.detection.get("header").value == "none"


def test_repeated_header_rows_inside_the_data_are_skipped() -> None:
    data = _csv(
        "Date;Description;Amount",
        "01.02.2026;A;-1,00",
        "Date;Description;Amount",
        "02.02.2026;B;2,00",
    )
    st = parse_statement(data, "pages.csv")
    assert len(st.lines) == 2 and not st.problems and st.skipped == 1


def test_structured_creditor_reference_is_found_in_free_text() -> None:
    data = _csv(
        "Date;Description;Amount",
        "01.02.2026;Invoice RF18 5390 0754 7034 paid;120,00",
        "02.02.2026;Facture +++090/9337/55493+++;80,00",
        "03.02.2026;RF00 1234;1,00",
    )
    st = parse_statement(data, "refs.csv")
    assert [line.reference for line in st.lines] == [
        "RF18539007547034",
        "+++090/9337/55493+++",
        "",
    ]  # RF00 1234 fails its check digits


# --- encodings ----------------------------------------------------------------


def test_lithuanian_cp1257_is_not_read_as_cp1252() -> None:
    text = "Paslaugų ir komisinių pajamos už gaunamus pervedimus; Mokėjimo nurodymas"
    guess = detect_encoding(text.encode("cp1257"))
    assert guess.encoding == "cp1257"
    assert "Paslaugų" in guess.text and "Paslaugø" not in guess.text


def test_hungarian_cp852_is_recognised() -> None:
    guess = detect_encoding("Csoportos átutalás jóváírása; Díj, jutalék".encode("cp852"))
    assert guess.encoding == "cp852"
    assert "átutalás jóváírása" in guess.text


def test_czech_cp1250_is_recognised() -> None:
    text = "Datum zaúčtování;Číslo protiúčtu;Zaúčtovaná částka;Původní částka a měna"
    guess = detect_encoding(text.encode("cp1250"))
    assert guess.encoding == "cp1250"
    assert guess.text == text


def test_utf8_with_and_without_bom() -> None:
    assert detect_encoding("Währung;Betrag".encode()).encoding == "utf-8"
    assert detect_encoding("\ufeffDate,Amount".encode()).encoding == "utf-8-sig"
    assert detect_encoding(b"Date,Amount").encoding == "ascii"


def test_a_pluggable_encoding_detector_is_used_instead_of_the_built_in_one() -> None:
    calls: list[bytes] = []

    def detector(data: bytes) -> tuple[str, str, float]:
        calls.append(data)
        return "latin-1", data.decode("latin-1"), 0.97

    data = "Datum;Text;Betrag\n01.02.2026;Gebühr;-1,00\n".encode("latin-1")
    st = parse_statement(data, "x.csv", encoding_detector=detector)
    assert calls == [data]
    assert st.encoding == "latin-1"
    assert st.lines[0].description == "Gebühr"


# --- formats -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("head", "fmt"),
    [
        (
            '<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"><BkToCstmrStmt>',
            FileFormat.CAMT,
        ),
        (
            "<?xml version='1.0'?>\n<Document xmlns='urn:iso:std:iso:20022:tech:xsd:camt.054.001.04'>"
            "<BkToCstmrDbtCdtNtfctn>",
            FileFormat.CAMT,
        ),
        (
            "{1:F01INGBNL2ABXXX0000000000}\n{2:I940INGBNL2AXXXN}\n{4:\n:20:P1\n:25:NL77\n:28C:1\n"
            ":60F:C140219EUR1,00\n:61:1402200220C1,56NTRF//1\n",
            FileFormat.MT940,
        ),
        (
            "\x01\n:20:ST1\n:25:PL29\n:28C:1/1\n:60F:C170119PLN0,40\n:61:1701190119CN0,01NTRF\n",
            FileFormat.MT940,
        ),
        ("OFXHEADER:100\nDATA:OFXSGML\n<OFX>", FileFormat.OFX),
        ('<?xml version="1.0"?>\n<?OFX OFXHEADER="200"?>\n<OFX>', FileFormat.OFX),
        ("!Type:Bank\nD03/25/099Share\nT-99.99\n^\n", FileFormat.QIF),
        ("Date;Amount\n01.02.2026;1,00\n", FileFormat.CSV),
    ],
)
def test_format_is_recognised_from_content(head: str, fmt: FileFormat) -> None:
    assert sniff_format(head, "statement.csv") is fmt


def test_whole_column_amount_reading_falls_back_on_anything_unusual() -> None:
    from app.core.bankfile.decimals import bulk_amount_reader

    read = bulk_amount_reader(",")
    assert read(["-1.234,56", "12,5", "+7", ",25"]) == [D("-1234.56"), D("12.5"), D("7"), D("0.25")]
    assert read(["1,00", ""]) is None  # an empty cell
    assert read(["1.2.3,00"]) is None  # misplaced thousands dots
    assert read(["1,00\n2,00"]) is None  # a line break inside a cell
    assert read(["5,00-"]) is None  # trailing minus: read value by value
    assert bulk_amount_reader(".", 2)(["25175", "-100"]) == [D("251.75"), D("-1.00")]
