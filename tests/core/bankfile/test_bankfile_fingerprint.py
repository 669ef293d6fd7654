"""Duplicate detection keys: stable across re-imports, distinct for true twins."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal as D

from bankfile_samples import FIXTURES

from app.core.bankfile import (
    FingerprintCounter,
    StatementLine,
    fingerprint,
    line_keys,
    normalise_description,
    parse_statement,
)

ACCOUNT = "NL91 ABNA 0417 1643 00"


def _line(**changes: object) -> StatementLine:
    base = StatementLine(
        line_no=7,
        booking_date=date(2026, 3, 1),
        value_date=None,
        amount=D("-2.90"),
        currency="EUR",
        description="Card payment  KIOSK",
        counterparty="Kiosk",
        counterparty_iban="",
        reference="",
        bank_transaction_id=None,
        balance_after=None,
        pending=False,
        raw="raw",
    )
    return replace(base, **changes)


def test_fingerprint_ignores_formatting_but_not_substance() -> None:
    key = fingerprint(_line(), ACCOUNT)
    assert len(key) == 32
    # the same transaction from another export: other line number, spacing, case, accents,
    # trailing zeros, IBAN spacing
    assert (
        fingerprint(
            _line(line_no=99, description="card payment kiosk", amount=D("-2.9"), raw="other"),
            "NL91ABNA0417164300",
        )
        == key
    )
    assert fingerprint(_line(amount=D("-2.91")), ACCOUNT) != key
    assert fingerprint(_line(booking_date=date(2026, 3, 2)), ACCOUNT) != key
    assert fingerprint(_line(description="Card payment BAKERY"), ACCOUNT) != key
    assert fingerprint(_line(balance_after=D("10.00")), ACCOUNT) != key
    assert fingerprint(_line(), "DE89370400440532013000") != key


def test_description_normalisation() -> None:
    assert normalise_description("  Überweisung: RE-2026/17  ") == "uberweisung re 2026 17"


def test_two_identical_transactions_in_one_file_get_two_keys() -> None:
    twin = _line()
    counter = FingerprintCounter(ACCOUNT)
    first, second = counter.key(twin), counter.key(twin)
    assert first != second
    assert first.endswith("#1") and second.endswith("#2")
    assert first.split("#")[0] == second.split("#")[0] == fingerprint(twin, ACCOUNT)


def test_reimport_and_overlapping_statement_produce_the_same_keys() -> None:
    data = (FIXTURES / "csv" / "UK_Lloyds_debit-credit.csv").read_bytes()
    march = parse_statement(data, "march.csv")
    keys = line_keys(march.lines, "1515152252")
    assert len(set(keys)) == len(keys) == 12
    assert line_keys(parse_statement(data, "march-again.csv").lines, "1515152252") == keys
    # an overlapping export: header plus the last five rows of the same statement
    rows = data.decode().splitlines()
    overlap = ("\n".join([rows[0], *rows[-5:]]) + "\n").encode()
    overlap_keys = line_keys(parse_statement(overlap, "overlap.csv").lines, "1515152252")
    assert overlap_keys == keys[-5:]


def test_identical_twins_survive_an_overlapping_reimport() -> None:
    header = "Date;Description;Amount\n"
    twins = "02.03.2026;Coffee;-3,50\n02.03.2026;Coffee;-3,50\n"
    first = parse_statement((header + "01.03.2026;Rent;-500,00\n" + twins).encode(), "a.csv")
    second = parse_statement((header + twins + "03.03.2026;Fee;-1,00\n").encode(), "b.csv")
    first_keys = line_keys(first.lines, ACCOUNT)
    second_keys = line_keys(second.lines, ACCOUNT)
    assert len(set(first_keys)) == 3
    new = [k for k in second_keys if k not in set(first_keys)]
    assert len(new) == 1  # only the fee is new; both coffees were already imported


def _reference_normalise(text: str) -> str:
    import unicodedata

    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()
    return " ".join("".join(ch if ch.isalnum() else " " for ch in plain).split())


def test_fast_description_normalisation_gives_exactly_the_stored_keys() -> None:
    # Keys of earlier imports must never change: the fast path must equal the plain definition.
    from hypothesis import given, settings
    from hypothesis import strategies as st

    from app.core.bankfile.fingerprint import normalise_description

    @settings(max_examples=400, deadline=None)
    @given(st.text())
    def check(text: str) -> None:
        assert normalise_description(text) == _reference_normalise(text)

    check()


def test_fingerprint_is_the_documented_recipe_so_stored_keys_never_change() -> None:
    # Keys are stored with every imported line; a new version must compute the same key
    # or a re-import of last month's file would duplicate it.  The recipe, by hand:
    # account without spaces, upper-cased | ISO date | amount without trailing zeros |
    # currency | description folded to "card payment kiosk" | balance (none) -> SHA-256, 32 hex.
    import hashlib

    recipe = "NL91ABNA0417164300|2026-03-01|-2.9|EUR|card payment kiosk|"
    expected = hashlib.sha256(recipe.encode()).hexdigest()[:32]
    assert fingerprint(_line(), ACCOUNT) == expected
    assert line_keys([_line(), _line()], ACCOUNT) == [f"{expected}#1", f"{expected}#2"]
