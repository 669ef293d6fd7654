"""The arithmetic behind the reports and the dashboard, as pure functions.

Amounts arrive as integer minor units per currency (the database sums them);
this module decides what the sums *mean*: which aging bucket a due date falls
in, what DSO is, how a change against the previous period is expressed, how a
schedule's price becomes a monthly recurring amount and how the recurring
revenue of two dates splits into new, expansion, contraction and churn.  Every
formula is written once here and documented in docs/reports.md, so the GUI,
the command line and the exports cannot disagree.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, TypeVar

from dateutil.relativedelta import relativedelta

from app.core.billing_plan import SchedulePlan, terms_at
from app.core.currency import exponent
from app.core.money import Money
from app.core.recurrence import Cadence

K = TypeVar("K")

# --- aging ---------------------------------------------------------------------------

BUCKETS: tuple[str, ...] = ("Current", "1–30 days", "31–60 days", "61–90 days", "90+ days")
_BUCKET_DAYS = (0, 30, 60, 90)


def days_overdue(due: date, as_of: date) -> int:
    """Whole days past the due date on ``as_of``; an invoice due today is not overdue."""
    return max((as_of - due).days, 0)


def bucket_of(due: date, as_of: date) -> int:
    """The aging bucket (index into ``BUCKETS``) of an amount due on ``due``.

    Current: not yet due (due on or after ``as_of``); then 1–30, 31–60, 61–90
    and over 90 days past due.
    """
    late = days_overdue(due, as_of)
    for index, limit in enumerate(_BUCKET_DAYS):
        if late <= limit:
            return index
    return len(BUCKETS) - 1


def bucket_floors(as_of: date) -> tuple[date, ...]:
    """The earliest due date of buckets 0–3: a due date on or after ``floors[i]`` is in
    bucket ``i`` or younger.  SQL uses these to bucket with plain date comparisons."""
    return tuple(as_of - timedelta(days=d) for d in _BUCKET_DAYS)


# --- ratios and comparisons ------------------------------------------------------------

_TENTH = Decimal("0.1")


def dso(receivable_minor: int, invoiced_minor: int, days: int) -> Decimal | None:
    """Days sales outstanding: DSO = AR at period end ÷ invoiced in period × days in period.

    Both amounts are in the same currency.  With nothing invoiced the ratio has
    no meaning and ``None`` is returned (the dashboard shows "—").  Rounded to
    one decimal, half up.
    """
    if invoiced_minor <= 0 or days <= 0:
        return None
    value = Decimal(receivable_minor) / Decimal(invoiced_minor) * days
    return value.quantize(_TENTH, rounding=ROUND_HALF_UP)


def share(part: int | Decimal, whole: int | Decimal) -> Decimal | None:
    """``part`` as a percentage of ``whole`` (one decimal), or ``None`` when whole is 0."""
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(_TENTH, rounding=ROUND_HALF_UP)


def average_days(total_days: int | Decimal, count: int) -> Decimal | None:
    """Mean of day counts (one decimal); ``None`` when there is nothing to average."""
    if count <= 0:
        return None
    return (Decimal(total_days) / count).quantize(_TENTH, rounding=ROUND_HALF_UP)


def error_rate(credit_notes: int, voids: int, issued: int) -> Decimal | None:
    """Invoice error rate = (credit notes + voided invoices) ÷ invoices issued, as a percent."""
    return share(credit_notes + voids, issued)


@dataclass(frozen=True)
class Change:
    """A figure beside the same figure for the previous period.

    ``percent`` is the relative change (one decimal); it is ``None`` when the
    previous value is zero or unknown, because a change "from nothing" has no
    meaningful percentage.
    """

    current: Decimal | int | None
    previous: Decimal | int | None

    @property
    def delta(self) -> Decimal | int | None:
        if self.current is None or self.previous is None:
            return None
        return self.current - self.previous

    @property
    def percent(self) -> Decimal | None:
        if self.current is None or not self.previous:
            return None
        diff = Decimal(self.current) - Decimal(self.previous)
        return (diff * 100 / abs(Decimal(self.previous))).quantize(_TENTH, ROUND_HALF_UP)

    def as_dict(self) -> dict[str, Any]:
        return {"current": self.current, "previous": self.previous, "percent": self.percent}


# --- periods -----------------------------------------------------------------------------


def _month_end(d: date) -> date:
    return d + relativedelta(day=31)


@dataclass(frozen=True)
class Period:
    """An inclusive range of calendar days, and how to find the one before it.

    ``months`` is the period's length for comparisons: the previous period is
    the same days shifted back by that many months (a month-to-date of 1–25
    November compares with 1–25 October; a whole month ending on its last day
    compares with the whole previous month).
    """

    start: date
    end: date
    months: int = 1
    label: str = ""

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise ValueError("a period cannot end before it starts")

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def previous(self) -> Period:
        start = self.start - relativedelta(months=self.months)
        end = self.end - relativedelta(months=self.months)
        if self.end == _month_end(self.end):
            end = _month_end(end)
        return Period(start, end, self.months, "previous period")

    def __contains__(self, day: object) -> bool:
        return isinstance(day, date) and self.start <= day <= self.end


PERIOD_CHOICES: tuple[tuple[str, str], ...] = (
    ("month", "This month"),
    ("last_month", "Last month"),
    ("quarter", "This quarter"),
    ("last_quarter", "Last quarter"),
    ("year", "Year to date"),
    ("last_12_months", "Last 12 months"),
)


def period_for(key: str, today: date) -> Period:
    """A named period relative to ``today`` (see ``PERIOD_CHOICES``)."""
    label = dict(PERIOD_CHOICES).get(key)
    if label is None:
        raise ValueError(f"unknown period {key!r}; use one of {', '.join(dict(PERIOD_CHOICES))}")
    month_start = today.replace(day=1)
    quarter_start = today.replace(month=(today.month - 1) // 3 * 3 + 1, day=1)
    if key == "month":
        return Period(month_start, today, 1, label)
    if key == "last_month":
        start = month_start - relativedelta(months=1)
        return Period(start, month_start - timedelta(days=1), 1, label)
    if key == "quarter":
        return Period(quarter_start, today, 3, label)
    if key == "last_quarter":
        start = quarter_start - relativedelta(months=3)
        return Period(start, quarter_start - timedelta(days=1), 3, label)
    if key == "year":
        return Period(today.replace(month=1, day=1), today, 12, label)
    return Period(today - relativedelta(months=12) + timedelta(days=1), today, 12, label)


def months_back(last: date, count: int) -> list[Period]:
    """``count`` calendar months ending with the month of ``last`` (that one up to ``last``)."""
    first = last.replace(day=1) - relativedelta(months=count - 1)
    out = []
    for i in range(count):
        start = first + relativedelta(months=i)
        out.append(Period(start, min(_month_end(start), last), 1, start.strftime("%Y-%m")))
    return out


def month_key(day: date) -> str:
    """``YYYY-MM``, the grouping key the SQL uses for months."""
    return f"{day.year:04d}-{day.month:02d}"


def quarter_key(day: date) -> str:
    return f"{day.year:04d}-Q{(day.month - 1) // 3 + 1}"


# --- recurring revenue -------------------------------------------------------------------

_PER_MONTH = {
    Cadence.MONTHLY: Decimal(1),
    Cadence.QUARTERLY: Decimal(1) / 3,
    Cadence.HALF_YEARLY: Decimal(1) / 6,
    Cadence.YEARLY: Decimal(1) / 12,
    Cadence.WEEKLY: Decimal(52) / 12,
}
_AVERAGE_MONTH_DAYS = Decimal("365.25") / 12


def per_month_factor(plan: SchedulePlan, day: date) -> Decimal:
    """How many billing periods of ``plan`` fit in one month.

    Fixed cadences use the calendar (a quarter is 1/3 of a month's worth, a week
    52/12); an RRULE agreement uses the length of the period around ``day``
    against an average month of 365.25 ÷ 12 days.
    """
    rec = plan.recurrence
    factor = _PER_MONTH.get(rec.cadence)
    if factor is not None:
        return factor / rec.interval
    period = rec.period_containing(day)
    if period is None:
        return Decimal(0)
    return _AVERAGE_MONTH_DAYS / period.full_days


def active_on(plan: SchedulePlan, day: date, ended_on: date | None = None) -> bool:
    """Whether the agreement bills on ``day``: started, not ended, not paused."""
    rec = plan.recurrence
    if day < rec.start:
        return False
    last = min((d for d in (rec.end, ended_on) if d is not None), default=None)
    if last is not None and day > last:
        return False
    return not any(p.start <= day and (p.end is None or day < p.end) for p in plan.pauses)


def monthly_amount(plan: SchedulePlan, day: date, ended_on: date | None = None) -> Decimal:
    """A schedule's monthly recurring amount (net of tax, unrounded) on ``day``.

    MRR contribution = Σ lines (quantity × unit price × (1 − discount)) at the
    terms in effect that day (changes and yearly uplifts included) × periods per
    month.  Prices that include tax are reduced to their net amount.  Zero when
    the agreement has not started, has ended or is paused.
    """
    if not active_on(plan, day, ended_on):
        return Decimal(0)
    total = Decimal(0)
    for line in plan.lines:
        terms = terms_at(plan, line, day)
        amount = terms.quantity * terms.unit_price
        if line.discount_percent:
            amount = amount * (100 - line.discount_percent) / 100
        if plan.prices_include_tax and line.tax_rate:
            amount = amount * 100 / (100 + line.tax_rate)
        total += amount
    return total * per_month_factor(plan, day)


def round_minor(value: Decimal, currency: str) -> int:
    """An unrounded amount as integer minor units (half up, as ``Money.of`` rounds)."""
    scaled = Decimal(value).scaleb(exponent(currency))
    return int(scaled.quantize(Decimal(1), rounding=ROUND_HALF_UP))


@dataclass(frozen=True)
class MrrMovement:
    """How recurring revenue moved between two dates, in minor units of one currency.

    Identity (checked by the tests): start + new + expansion − contraction − churn = end.
    """

    currency: str
    start: int = 0
    new: int = 0
    expansion: int = 0
    contraction: int = 0
    churn: int = 0
    end: int = 0
    customers_start: int = 0
    customers_end: int = 0

    def as_dict(self) -> dict[str, Any]:
        def plain(minor: int) -> str:
            return Money.from_minor(minor, self.currency).plain()

        return {
            "currency": self.currency,
            "start": plain(self.start),
            "new": plain(self.new),
            "expansion": plain(self.expansion),
            "contraction": plain(self.contraction),
            "churn": plain(self.churn),
            "end": plain(self.end),
            "customers_start": self.customers_start,
            "customers_end": self.customers_end,
        }


def mrr_movements(currency: str, before: Mapping[K, int], after: Mapping[K, int]) -> MrrMovement:
    """Split the change in MRR between two dates by customer.

    For each key (a client): 0 → x is *new*, x → 0 is *churn*, a rise is
    *expansion* and a fall *contraction*.  Keys are clients rather than single
    agreements, so a client who swaps one agreement for another is an
    expansion or contraction, not a churn plus a new customer.
    """
    new = expansion = contraction = churn = 0
    for key in set(before) | set(after):
        was, now = before.get(key, 0), after.get(key, 0)
        if was <= 0 < now:
            new += now
        elif now <= 0 < was:
            churn += was
        elif now > was:
            expansion += now - was
        elif now < was:
            contraction += was - now
    return MrrMovement(
        currency,
        start=sum(v for v in before.values() if v > 0),
        new=new,
        expansion=expansion,
        contraction=contraction,
        churn=churn,
        end=sum(v for v in after.values() if v > 0),
        customers_start=sum(1 for v in before.values() if v > 0),
        customers_end=sum(1 for v in after.values() if v > 0),
    )


# --- report tables -----------------------------------------------------------------------

KINDS = ("text", "money", "int", "date", "days", "percent")


@dataclass(frozen=True)
class ReportColumn:
    """One column of a report; ``kind`` says how to show and export its cells.

    ``money`` cells are ``Money`` (the currency travels with the amount),
    ``int`` counts, ``date`` dates, ``days`` and ``percent`` Decimals.
    """

    key: str
    title: str
    kind: str = "text"

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"unknown column kind {self.kind!r}")

    @property
    def numeric(self) -> bool:
        return self.kind != "text" and self.kind != "date"


@dataclass(frozen=True)
class ReportTable:
    """What every report hands to the screen, the exports and the command line.

    ``totals`` are extra rows (one per currency: amounts in different currencies
    are never added together).  ``notes`` explain the figures.
    """

    key: str
    title: str
    columns: tuple[ReportColumn, ...]
    rows: tuple[tuple[Any, ...], ...] = ()
    totals: tuple[tuple[Any, ...], ...] = ()
    subtitle: str = ""
    notes: tuple[str, ...] = field(default=())

    def __post_init__(self) -> None:
        width = len(self.columns)
        for row in (*self.rows, *self.totals):
            if len(row) != width:
                raise ValueError(f"{self.key}: a row has {len(row)} cells for {width} columns")

    def column(self, key: str) -> int:
        return next(i for i, c in enumerate(self.columns) if c.key == key)

    def records(self, with_totals: bool = False) -> list[dict[str, Any]]:
        """Rows as dictionaries keyed by column (money as plain strings) for JSON."""
        rows = [*self.rows, *(self.totals if with_totals else ())]
        return [
            {c.key: plain_cell(v) for c, v in zip(self.columns, row, strict=True)} for row in rows
        ]


def plain_cell(value: Any) -> Any:
    """A cell for JSON and CSV: money as its exact plain string, dates in ISO form."""
    if isinstance(value, Money):
        return value.plain()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value
