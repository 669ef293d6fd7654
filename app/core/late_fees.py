"""Statutory late-payment interest and fixed recovery compensation, business to business.

The law gives a creditor interest at a reference rate plus a margin and a fixed
sum per late invoice; both depend on dates and rates the user keeps up to date
(the central bank's rate changes twice a year), so the rates live in a table
the user maintains and the arithmetic lives here, exact:

* EU Directive 2011/7/EU: reference rate + 8 points, and €40 per invoice.
* UK Late Payment of Commercial Debts (Interest) Act 1998: Bank of England base
  rate + 8 %, and £40 / £70 / £100 by the size of the debt.

Interest is simple (never compounded), counted per day from the day after the
due date, on a 365-day year, and rounded half-up once at the end.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from app.core.money import Money


class RateTableError(ValueError):
    """A rate table line that cannot be read, or a day the table does not cover."""


@dataclass(frozen=True)
class LateFeeRule:
    key: str
    name: str
    margin: Decimal
    currency: str
    # (debt from, compensation): the last band whose threshold the debt reaches applies.
    bands: tuple[tuple[Decimal, Decimal], ...]
    day_count: int = 365


RULES: dict[str, LateFeeRule] = {
    "eu_2011_7": LateFeeRule(
        "eu_2011_7", "EU Directive 2011/7/EU", Decimal(8), "EUR", ((Decimal(0), Decimal(40)),)
    ),
    "uk_late_payment": LateFeeRule(
        "uk_late_payment",
        "Late Payment of Commercial Debts (Interest) Act 1998",
        Decimal(8),
        "GBP",
        ((Decimal(0), Decimal(40)), (Decimal(1000), Decimal(70)), (Decimal(10000), Decimal(100))),
    ),
}


@dataclass(frozen=True)
class RatePeriod:
    """The reference rate (in percent) that applies from ``start`` until the next entry."""

    start: date
    rate: Decimal


_LINE = re.compile(r"^(\d{4}-\d{2}-\d{2})\s+(-?\d+(?:\.\d+)?)\s*%?$")


def parse_rate_table(text: str) -> tuple[RatePeriod, ...]:
    """``"2026-01-01 2.15; 2026-07-01 2.40"`` (or one entry per line) → sorted periods."""
    periods: list[RatePeriod] = []
    for number, raw in enumerate(re.split(r"[;\n]", text), start=1):
        entry = raw.strip()
        if not entry:
            continue
        found = _LINE.match(entry)
        if found is None:
            raise RateTableError(
                f"rate table entry {number} ({entry!r}) should look like '2026-01-01 2.15'"
            )
        try:
            start = date.fromisoformat(found.group(1))
        except ValueError:
            raise RateTableError(
                f"rate table entry {number}: {found.group(1)} is not a date"
            ) from None
        periods.append(RatePeriod(start, Decimal(found.group(2))))
    periods.sort(key=lambda p: p.start)
    if len({p.start for p in periods}) != len(periods):
        raise RateTableError("the rate table lists the same date twice")
    return tuple(periods)


def rate_on(table: tuple[RatePeriod, ...], day: date) -> Decimal:
    applicable = [p for p in table if p.start <= day]
    if not applicable:
        raise RateTableError(
            f"the rate table has no reference rate for {day.isoformat()}; add the rate in force then"
        )
    return applicable[-1].rate


@dataclass(frozen=True)
class LateFee:
    """What the law allows on one late invoice as of a day; ``lines`` read well on a letter."""

    interest: Money
    compensation: Money
    days: int
    rule: LateFeeRule

    @property
    def total(self) -> Money:
        return self.interest + self.compensation

    def lines(self) -> list[tuple[str, Money]]:
        out = []
        if not self.interest.is_zero:
            out.append((f"Statutory interest, {self.days} days ({self.rule.name})", self.interest))
        if not self.compensation.is_zero:
            out.append(
                (f"Fixed compensation for recovery costs ({self.rule.name})", self.compensation)
            )
        return out


def statutory_interest(
    balance: Money, due: date, as_of: date, rule: LateFeeRule, table: tuple[RatePeriod, ...]
) -> tuple[Money, int]:
    """Simple interest on ``balance`` for each day after ``due`` up to ``as_of``; (amount, days)."""
    if as_of <= due or balance.amount <= 0:
        return Money.zero(balance.currency), 0
    total = Decimal(0)
    day = due + timedelta(days=1)
    days = 0
    while day <= as_of:
        rate = rate_on(table, day) + rule.margin
        # Sum whole runs of days at one rate (the table changes twice a year at most).
        run_end = as_of
        for p in table:
            if p.start > day:
                run_end = min(run_end, p.start - timedelta(days=1))
                break
        run = (run_end - day).days + 1
        total += balance.amount * rate * run / (Decimal(100) * rule.day_count)
        days += run
        day = run_end + timedelta(days=1)
    return Money.of(total, balance.currency), days


def compensation(balance: Money, rule: LateFeeRule) -> Money:
    """The fixed sum per late invoice; none when the invoice is in another currency."""
    if balance.currency != rule.currency or balance.amount <= 0:
        return Money.zero(balance.currency)
    amount = Decimal(0)
    for threshold, fee in rule.bands:
        if balance.amount >= threshold:
            amount = fee
    return Money.of(amount, balance.currency)


def late_fee(
    balance: Money,
    due: date,
    as_of: date,
    rule: LateFeeRule,
    table: tuple[RatePeriod, ...],
    *,
    business_client: bool,
) -> LateFee | None:
    """Interest and compensation on a late B2B invoice; None for consumers or nothing late."""
    if not business_client or as_of <= due or balance.amount <= 0:
        return None
    interest, days = statutory_interest(balance, due, as_of, rule, table)
    return LateFee(interest, compensation(balance, rule), days, rule)
