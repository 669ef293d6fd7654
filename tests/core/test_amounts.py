"""People and banks write amounts in many ways; each is read exactly or refused clearly."""

from __future__ import annotations

from decimal import Decimal

import pytest

from app.core.amounts import AmountParseError, parse_amount


@pytest.mark.parametrize(
    ("text", "mark", "expected"),
    [
        ("1.234,50", None, "1234.50"),
        ("1,234.50", None, "1234.50"),
        ("-12", None, "-12"),
        ("(12.00)", None, "-12.00"),
        ("1 234,50", ",", "1234.50"),
        ("11'373.94", None, "11373.94"),
        ("+ £1,100.00", None, "1100.00"),
        ("1.234.567,89-", None, "-1234567.89"),
        ("-.46", None, "-0.46"),
        ("€ 5,00", ",", "5.00"),
        ("12 EUR", None, "12"),
        ("1,234", ",", "1.234"),
        ("1,234", ".", "1234"),
    ],
)
def test_reads_real_world_amounts(text: str, mark: str | None, expected: str) -> None:
    assert parse_amount(text, mark) == Decimal(expected)


def test_ambiguous_without_a_locale_is_an_error() -> None:
    with pytest.raises(AmountParseError, match="ambiguous"):
        parse_amount("1,234", None, default_mark=None)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("", "empty"),
        ("abc", "unexpected characters"),
        ("12abc34", "unexpected characters"),
        ("1,2,3", "misplaced thousands separator"),
        ("--5", "more than one sign"),
        ("1.234,5.6", "decimal mark"),
    ],
)
def test_refuses_with_a_reason(text: str, reason: str) -> None:
    with pytest.raises(AmountParseError) as info:
        parse_amount(text)
    assert reason in str(info.value)
    assert repr(text) in str(info.value)
