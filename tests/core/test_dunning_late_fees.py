"""Statutory interest and recovery compensation, computed exactly from a user's rate table."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from app.core.late_fees import (
    RULES,
    RateTableError,
    compensation,
    late_fee,
    parse_rate_table,
    statutory_interest,
)
from app.core.money import Money

EU = RULES["eu_2011_7"]
UK = RULES["uk_late_payment"]


def test_eu_interest_and_the_flat_forty_euros() -> None:
    # €1,000.00 due 31 Jan 2026, as of 2 Mar 2026: 28 February days + 2 March days = 30 days
    # at 2.15 % + 8 points = 10.15 %:  1000 × 0.1015 × 30 / 365 = 8.3424… → €8.34; plus €40.
    table = parse_rate_table("2026-01-01 2.15")
    fee = late_fee(
        Money.of("1000.00", "EUR"),
        date(2026, 1, 31),
        date(2026, 3, 2),
        EU,
        table,
        business_client=True,
    )
    assert fee is not None
    assert (fee.interest, fee.days) == (Money.of("8.34", "EUR"), 30)
    assert fee.compensation == Money.of("40", "EUR")
    assert fee.total == Money.of("48.34", "EUR")
    assert [label.split(",")[0] for label, _ in fee.lines()] == [
        "Statutory interest",
        "Fixed compensation for recovery costs (EU Directive 2011/7/EU)",
    ]


def test_uk_interest_follows_a_rate_change_and_the_band() -> None:
    # £5,000.00 due 20 June 2026, as of 10 July: 21–30 June (10 days) at 2.15 + 8 = 10.15 %,
    # 1–10 July (10 days) at 2.40 + 8 = 10.40 %:
    # 5000 × (0.1015 × 10 + 0.1040 × 10) / 365 = 10275 / 365 = 28.1506… → £28.15.
    table = parse_rate_table("2025-07-01 2.15; 2026-07-01 2.40")
    interest, days = statutory_interest(
        Money.of("5000.00", "GBP"), date(2026, 6, 20), date(2026, 7, 10), UK, table
    )
    assert (interest, days) == (Money.of("28.15", "GBP"), 20)
    # £1,000–£9,999.99 → £70; below £1,000 → £40; £10,000 and more → £100.
    assert compensation(Money.of("5000.00", "GBP"), UK) == Money.of("70", "GBP")
    assert compensation(Money.of("999.99", "GBP"), UK) == Money.of("40", "GBP")
    assert compensation(Money.of("10000.00", "GBP"), UK) == Money.of("100", "GBP")


def test_no_late_fee_for_consumers_or_invoices_not_yet_late() -> None:
    table = parse_rate_table("2026-01-01 2.15")
    balance = Money.of("100.00", "EUR")
    assert (
        late_fee(balance, date(2026, 3, 1), date(2026, 3, 20), EU, table, business_client=False)
        is None
    )
    assert (
        late_fee(balance, date(2026, 3, 1), date(2026, 3, 1), EU, table, business_client=True)
        is None
    )


def test_the_flat_sum_is_not_converted_into_another_currency() -> None:
    assert compensation(Money.of("500.00", "USD"), EU) == Money.zero("USD")


def test_a_day_the_rate_table_does_not_cover_is_named() -> None:
    table = parse_rate_table("2026-07-01 2.40")
    with pytest.raises(RateTableError, match="2026-06-21"):
        statutory_interest(Money.of("10.00", "EUR"), date(2026, 6, 20), date(2026, 7, 5), EU, table)


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("2026-01-01", "should look like"),
        ("2026-02-30 2.0", "not a date"),
        ("2026-01-01 1; 2026-01-01 2", "twice"),
    ],
)
def test_a_rate_table_that_cannot_be_read_is_refused(text: str, problem: str) -> None:
    with pytest.raises(RateTableError, match=problem):
        parse_rate_table(text)


def test_rate_entries_may_be_written_one_per_line_with_percent_signs() -> None:
    table = parse_rate_table("2026-07-01 2.40%\n2026-01-01 2.15 %\n")
    assert [(p.start, p.rate) for p in table] == [
        (date(2026, 1, 1), Decimal("2.15")),
        (date(2026, 7, 1), Decimal("2.40")),
    ]
