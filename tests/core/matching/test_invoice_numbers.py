"""Finding invoice numbers in memos, for numbering schemes derived from templates."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from app.core.matching import InvoiceNumberIndex, OpenInvoice
from app.core.matching.number_patterns import parse_template


def _index(numbers: list[str], templates: tuple[str, ...]) -> InvoiceNumberIndex:
    invoices = [
        OpenInvoice(i, n, 1, date(2026, 1, 1), date(2026, 1, 31), "EUR", Decimal(1), Decimal(1))
        for i, n in enumerate(numbers, start=1)
    ]
    return InvoiceNumberIndex(invoices, templates)


def _found(index: InvoiceNumberIndex, memo: str) -> list[tuple[tuple[int, ...], str]]:
    return [(hit.invoice_ids, hit.strength.value) for hit in index.find(memo)]


DEFAULT = ("INV-{YYYY}-{SEQ:05}",)
NUMBERS = ["INV-2026-00042", "INV-2026-00060", "INV-2026-00939", "INV-2026-01439"]


@pytest.mark.parametrize(
    ("memo", "expected"),
    [
        ("Pmt INV-2026-00042 thanks", [((1,), "exact")]),
        ("INV202600042", [((1,), "exact")]),
        ("inv 2026 42", [((1,), "exact")]),
        ("Inv/2026/000042", [((1,), "exact")]),
        ("Rechnung Nr. 2026-00042", [((1,), "exact")]),
        ("Zahlung 2026-00939", [((3,), "no_prefix")]),
        ("INV-2O26-00060", [((2,), "lookalike")]),
        ("INV-2026-00024", [((1,), "typo")]),
        ("Invoice 1439", [((4,), "partial")]),
        ("1439", [((4,), "bare")]),
    ],
)
def test_retyped_numbers_of_the_default_scheme(memo: str, expected: list) -> None:
    assert _found(_index(NUMBERS, DEFAULT), memo) == expected


@pytest.mark.parametrize(
    "memo",
    [
        "paid 15.03.2026, 1.200,00 EUR",
        "value date 2026-01-12",
        "CN-2026-00042",  # another document series glued to the digits
        "INV-2026-00042X",
        "XINV-2026-00042",
    ],
)
def test_dates_amounts_and_glued_tokens_are_not_invoice_numbers(memo: str) -> None:
    assert _found(_index(NUMBERS, DEFAULT), memo) == []


def test_inv_1_never_matches_inv_12_or_inv_123() -> None:
    index = _index(["INV-1", "INV-12", "INV-123"], ("INV-{SEQ}",))
    assert _found(index, "payment INV-1") == [((1,), "exact")]
    assert _found(index, "payment INV-12") == [((2,), "exact")]
    assert _found(index, "payment inv 123.") == [((3,), "exact")]
    # Short numbers are never stretched by the typo rule: INV-13 is nobody.
    assert _found(index, "payment INV-13") == []


def test_two_digit_year_scheme_without_prefix() -> None:
    index = _index(["260123", "260124", "250123"], ("{YY}{SEQ:04}",))
    assert _found(index, "Rechnung 260123") == [((1,), "exact")]
    assert _found(index, "260124 danke") == [((2,), "no_prefix")]
    # 26 0132 is one swap away from 26 0123 (typo), never an exact match.
    assert _found(index, "Rechnung 260132") == [((1,), "typo")]


def test_slash_scheme_with_unpadded_sequence() -> None:
    index = _index(["F2026/7", "F2026/77", "F2025/7"], ("F{YYYY}/{SEQ}",))
    assert _found(index, "F2026/7") == [((1,), "exact")]
    assert _found(index, "f 2026 77") == [((2,), "exact")]
    # Without the prefix, "2025-7" reads as July 2025 as easily: only a bare hint.
    assert _found(index, "2025-7") == [((3,), "bare")]
    assert _found(index, "2026-077") == [((2,), "no_prefix")]


def test_year_and_six_digit_sequence_scheme() -> None:
    index = _index(["2026-000123", "2026-000124"], ("{YYYY}-{SEQ:06}",))
    assert _found(index, "Facture 2026-000123") == [((1,), "exact")]
    assert _found(index, "ref 2026/124") == [((2,), "no_prefix")]


def test_numbers_that_fit_no_template_are_read_by_their_own_shape() -> None:
    index = _index(["F2026/386", "F2026/387"], DEFAULT)
    assert _found(index, "Payment F2026/386") == [((1,), "exact")]
    assert _found(index, "2026-387") == [((2,), "no_prefix")]


def test_a_number_of_no_open_invoice_is_reported_as_unknown() -> None:
    scan = _index(NUMBERS, DEFAULT).scan("Pmt INV-2026-00500 and INV-2026-00042")
    assert [h.invoice_ids for h in scan.hits] == [(1,)]
    assert scan.unknown == ("INV-2026-00500",)


def test_every_reading_of_several_numbers_is_kept_in_order() -> None:
    found = _found(_index(NUMBERS, DEFAULT), "INV-2026-00060, 2026-00939 and inv 2026 42")
    assert found == [((2,), "exact"), ((3,), "no_prefix"), ((1,), "exact")]


@pytest.mark.parametrize("template", ["INV-{YYYY}", "INV-{SEQ}-{XX}", "INV-{SEQ"])
def test_templates_without_sequence_or_with_unknown_fields_are_refused(template: str) -> None:
    with pytest.raises(ValueError):
        parse_template(template)


def test_a_period_after_a_year_is_not_taken_for_a_number() -> None:
    # "2026-03" is March 2026 as much as invoice 3: a bare hint at most, and
    # never reported as an unknown invoice number.
    index = _index(["INV-2026-00003"], DEFAULT)
    assert _found(index, "Beitrag 2026-03") == [((1,), "bare")]
    assert _index(NUMBERS, DEFAULT).scan("Beitrag 2026-03").unknown == ()
