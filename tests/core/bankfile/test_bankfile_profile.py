"""CSV import profiles: detect, show, correct, save, recognise, re-parse."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal as D

import pytest
from bankfile_samples import FIXTURES

from app.core.bankfile import (
    AmountConvention,
    ColumnRole,
    CsvProfile,
    StatementError,
    detect_csv_profile,
    header_signature,
    parse_statement,
)

LLOYDS = FIXTURES / "csv" / "UK_Lloyds_debit-credit.csv"
AMBIGUOUS = (
    b"Date,Description,Amount\n"
    b"01/02/2026,Rent,-500.00\n"
    b"03/02/2026,Invoice 7,120.00\n"
    b"05/02/2026,Fee,-2.50\n"
)


def test_detected_profile_describes_the_layout() -> None:
    profile, detection = detect_csv_profile(LLOYDS.read_bytes(), LLOYDS.name)
    assert profile.delimiter == ","
    assert profile.has_header and profile.skip_records == 0
    assert profile.columns[0] is ColumnRole.DATE
    assert profile.columns[5:8] == (ColumnRole.DEBIT, ColumnRole.CREDIT, ColumnRole.BALANCE)
    assert profile.amount_convention is AmountConvention.DEBIT_CREDIT
    assert profile.date_format == "%d/%m/%Y"
    assert profile.encoding == "ascii"
    assert detection.get("delimiter").value == ","
    assert not detection.doubtful


def test_profile_round_trips_through_json() -> None:
    profile, _ = detect_csv_profile(LLOYDS.read_bytes(), LLOYDS.name)
    saved = json.dumps(profile.to_dict())
    restored = CsvProfile.from_dict(json.loads(saved))
    assert restored == profile
    assert json.loads(saved)["signature"] == profile.signature


def test_saved_profile_reads_the_file_like_detection_does() -> None:
    data = LLOYDS.read_bytes()
    profile, _ = detect_csv_profile(data, LLOYDS.name)
    with_profile = parse_statement(data, LLOYDS.name, profile=profile)
    detected = parse_statement(data, LLOYDS.name)
    assert with_profile.lines == detected.lines
    assert with_profile.detection.get("profile").value == profile.signature


def test_header_signature_recognises_the_layout_next_time() -> None:
    profile, _ = detect_csv_profile(LLOYDS.read_bytes(), LLOYDS.name)
    next_month = (
        LLOYDS.read_bytes().split(b"\n")[0] + b"\n15/02/2024,DEB,'99-88-74,1,X,1.00,,2.00\n"
    )
    again, _ = detect_csv_profile(next_month, "next.csv")
    assert again.signature == profile.signature
    # case, accents and punctuation of the names do not matter; the names do
    assert header_signature(["Datum", "Betrag"], ";", 2) == header_signature(
        ["DATUM ", "Betrag:"], ";", 2
    )
    assert header_signature(["Datum", "Betrag"], ";", 2) != header_signature(
        ["Datum", "Saldo"], ";", 2
    )


def test_user_correction_of_an_ambiguous_date_order_is_applied() -> None:
    profile, detection = detect_csv_profile(AMBIGUOUS, "ambiguous.csv")
    assert detection.get("date_format").doubtful
    assert profile.date_format == "%d/%m/%Y"
    corrected = profile.with_changes(date_format="%m/%d/%Y")
    st = parse_statement(AMBIGUOUS, "ambiguous.csv", profile=corrected)
    # 01/02/2026 read month first is 2 January 2026
    assert [line.booking_date for line in st.lines] == [
        date(2026, 1, 2),
        date(2026, 3, 2),
        date(2026, 5, 2),
    ]


def test_user_can_change_column_roles_and_amount_convention() -> None:
    data = b"Date;Text;Amount;Dir\n01.02.2026;Rent;500,00;X\n02.02.2026;Invoice;120,00;Y\n"
    profile, _ = detect_csv_profile(data, "dir.csv")
    assert profile.amount_convention is AmountConvention.SIGNED  # X/Y are not known flags
    edited = profile.with_changes(
        columns=(ColumnRole.DATE, ColumnRole.DESCRIPTION, ColumnRole.AMOUNT, ColumnRole.INDICATOR),
        amount_convention=AmountConvention.INDICATOR,
        indicator_in=("y",),
        indicator_out=("x",),
    )
    st = parse_statement(data, "dir.csv", profile=edited)
    assert [line.amount for line in st.lines] == [D("-500.00"), D("120.00")]


def test_profile_validation_gives_reasons() -> None:
    profile, _ = detect_csv_profile(LLOYDS.read_bytes(), LLOYDS.name)
    with pytest.raises(ValueError, match="only one column"):
        profile.with_changes(columns=(ColumnRole.DATE, ColumnRole.DATE))
    with pytest.raises(ValueError, match="unknown column role"):
        CsvProfile.from_dict({**profile.to_dict(), "columns": ["date", "banana"]})
    with pytest.raises(ValueError, match="newer"):
        CsvProfile.from_dict({**profile.to_dict(), "version": 99})
    no_amount = profile.with_changes(
        columns=(ColumnRole.DATE,) + (ColumnRole.IGNORE,) * 7,
        amount_convention=AmountConvention.SIGNED,
    )
    with pytest.raises(StatementError, match="no amount column"):
        parse_statement(LLOYDS.read_bytes(), LLOYDS.name, profile=no_amount)
