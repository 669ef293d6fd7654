"""Money, numbers and dates are written the way each locale's readers expect."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from app.core.money import Money
from app.formatting import (
    format_amount,
    format_date,
    format_decimal,
    format_money,
    format_percent,
    format_quantity,
)

NBSP = "\u00a0"


def test_euro_in_germany_puts_the_symbol_after_with_a_no_break_space() -> None:
    # German: dot groups thousands, comma marks decimals, "€" after a no-break space.
    assert format_money(Money.of("1234.50", "EUR"), "de_DE") == f"1.234,50{NBSP}€"


def test_euro_in_ireland_puts_the_symbol_first() -> None:
    assert format_money(Money.of("1234.50", "EUR"), "en_IE") == "€1,234.50"


def test_yen_has_no_decimals_and_uses_the_ordinary_yen_sign() -> None:
    # 1,234.5 yen rounds half-up to 1,235 when it becomes Money (JPY has 0 decimals);
    # CLDR's Japanese data uses the full-width ￥, which Latin fonts lack.
    assert format_money(Money.of("1234.5", "JPY"), "ja_JP") == "¥1,235"


def test_kuwaiti_dinar_shows_three_decimals() -> None:
    # KWD has three decimals (fils); an alphabetic symbol is kept off the digits.
    amount = Money.of("1234.567", "KWD")
    assert format_money(amount, "en_IE") == f"KWD{NBSP}1,234.567"
    assert format_money(amount, "de_DE") == f"1.234,567{NBSP}KWD"
    assert format_amount(amount, "en_IE") == "1,234.567"


def test_decimals_follow_the_currency_not_cldr_cash_digits() -> None:
    # ISO 4217 gives IQD three decimals (CLDR says 0): the amount is shown as rounded.
    assert format_amount(Money.of("1234.567", "IQD"), "en_IE") == "1,234.567"


def test_negative_amounts_keep_the_sign_in_front() -> None:
    assert format_money(Money.of("-5", "EUR"), "en_IE") == "-€5.00"


def test_indian_grouping_for_rupees() -> None:
    # Indian English groups in lakhs and crores: 12,34,567.50.
    assert format_money(Money.of("1234567.5", "INR"), "en_IN") == "₹12,34,567.50"


def test_quantities_have_no_padding_zeros() -> None:
    assert format_quantity(Decimal("2.000"), "en_IE") == "2"
    assert format_quantity(Decimal("1.50"), "de_DE") == "1,5"
    assert format_quantity(Decimal("1000"), "de_DE") == "1.000"
    assert format_quantity(Decimal("0.25"), "en_IE") == "0.25"


def test_percentages_are_given_in_percent() -> None:
    assert format_percent(Decimal("20"), "en_IE") == "20%"
    assert format_percent(Decimal("5.5"), "en_IE") == "5.5%"
    assert format_percent(Decimal("19.00"), "de_DE") == f"19{NBSP}%"


def test_decimal_with_fixed_places() -> None:
    assert format_decimal(Decimal("1234.5"), "de_DE", places=2) == "1.234,50"
    assert format_decimal(Decimal("1234.5"), "en_IE") == "1,234.5"


def test_dates_in_three_styles() -> None:
    day = date(2024, 1, 15)
    assert format_date(day, "en_IE", "medium") == "15 Jan 2024"
    assert format_date(day, "en_IE", "long") == "15 January 2024"
    assert format_date(day, "de_DE", "medium") == "15.01.2024"
    assert format_date(day, "en_IE", "short") == "15/01/2024"


def test_hyphenated_locale_names_are_accepted() -> None:
    assert format_money(Money.of("1", "EUR"), "en-IE") == "€1.00"


def test_unknown_locale_is_a_clear_error() -> None:
    with pytest.raises(ValueError, match="unknown locale 'xx_YY'"):
        format_money(Money.of("1", "EUR"), "xx_YY")


def test_unknown_date_style_is_refused() -> None:
    with pytest.raises(ValueError, match="date style"):
        format_date(date(2024, 1, 1), "en_IE", "full")  # type: ignore[arg-type]
