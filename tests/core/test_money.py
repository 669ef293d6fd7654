"""Money is exact: currency exponents, explicit rounding, allocation without losing a cent."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.core.currency import UnknownCurrencyError, exponent
from app.core.money import CurrencyMismatchError, Money, Rounding, sum_money


def test_currency_exponents_follow_iso_4217() -> None:
    assert exponent("EUR") == 2
    assert exponent("jpy") == 0
    assert exponent("KWD") == 3
    assert exponent("BHD") == 3
    with pytest.raises(UnknownCurrencyError, match="XYZ"):
        exponent("XYZ")


def test_money_is_quantised_to_the_currency() -> None:
    assert Money.of("1234.5", "EUR").plain() == "1234.50"
    assert Money.of("1234.5", "JPY").plain() == "1235"  # half-up: .5 rounds away from zero
    assert Money.of("1.2345", "KWD").plain() == "1.235"
    assert Money.of("1.2345", "KWD", Rounding.HALF_EVEN).plain() == "1.234"
    assert Money.of("2.5", "JPY", Rounding.HALF_EVEN).plain() == "2"
    with pytest.raises(ValueError, match="more decimals"):
        Money(Decimal("1.001"), "EUR")


def test_minor_units_round_trip() -> None:
    assert Money.of("1234.56", "EUR").minor == 123456
    assert Money.from_minor(-1, "EUR").plain() == "-0.01"
    assert Money.from_minor(1235, "JPY").plain() == "1235"
    assert Money.from_minor(1235, "KWD").plain() == "1.235"


def test_mixing_currencies_is_refused() -> None:
    with pytest.raises(CurrencyMismatchError):
        _ = Money.of(1, "EUR") + Money.of(1, "USD")


def test_allocation_gives_the_odd_cent_to_the_largest_remainder() -> None:
    # 100.00 / 3 = 33.333…: floors 33.33 ×3 = 99.99, one cent left → first part.
    parts = Money.of("100", "EUR").allocate([1, 1, 1])
    assert [p.plain() for p in parts] == ["33.34", "33.33", "33.33"]
    # 10.00 split 1:2 → 3.333… and 6.666…; remainders .333 and .666 → the cent goes to part 2.
    assert [p.plain() for p in Money.of("10", "EUR").allocate([1, 2])] == ["3.33", "6.67"]
    # Negative totals are split by symmetry.
    assert [p.plain() for p in Money.of("-100", "EUR").allocate([1, 1, 1])] == [
        "-33.34",
        "-33.33",
        "-33.33",
    ]


amounts = st.integers(min_value=-(10**12), max_value=10**12)
currencies = st.sampled_from(["EUR", "JPY", "KWD", "USD"])
weights = st.lists(st.integers(min_value=0, max_value=10**6), min_size=1, max_size=12).filter(
    lambda w: sum(w) > 0
)


@given(minor=amounts, currency=currencies, w=weights)
def test_allocations_always_sum_to_the_whole(minor: int, currency: str, w: list[int]) -> None:
    total = Money.from_minor(minor, currency)
    parts = total.allocate(w)
    assert sum_money(parts, currency) == total
    assert len(parts) == len(w)
    for part, weight in zip(parts, w, strict=True):
        if weight == 0:
            assert part.is_zero


@given(minor=amounts, currency=currencies)
def test_minor_round_trip_is_exact(minor: int, currency: str) -> None:
    assert Money.from_minor(minor, currency).minor == minor
