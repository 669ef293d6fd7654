"""What a schedule bills for a period: its lines, prorated days, changes and uplifts.

Pure functions over plain data, so the bill run, the schedule editor's preview
and the tests compute exactly the same lines.

Rules (documented in docs/billing.md):
- A period is billed at the terms in effect on its first day (quantity and price
  after every change effective on or before that day, and the yearly uplift).
- A short period (a stub before the anchor day, an end date, a pause) is billed
  for its billable days over the days of the full period.
- A change that takes effect *inside* a period produces two proration lines —
  a credit for the rest of the period at the old terms and a charge at the new
  terms — on the next invoice: the following period's invoice when billing in
  advance, the same period's invoice when billing in arrears.
- The uplift compounds on each anniversary of the start date since the last
  explicit price change, rounded to the currency at each step.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from app.core.invoice_math import LineInput, TaxCategory
from app.core.money import Rounding, round_amount
from app.core.recurrence import Period, Recurrence, Timing, due_date_of
from app.core.usage import Pricing, rate, rated_lines


@dataclass(frozen=True)
class PlanLine:
    id: int
    description: str
    quantity: Decimal
    unit_price: Decimal
    tax_rate: Decimal = Decimal(0)
    tax_category: TaxCategory = TaxCategory.STANDARD
    discount_percent: Decimal | None = None
    unit: str = ""
    pricing: Pricing | None = None  # set for a metered line: its quantity comes from usage
    meter_item: str = ""

    @property
    def metered(self) -> bool:
        return self.pricing is not None


@dataclass(frozen=True)
class PlanChange:
    line_id: int
    effective: date
    quantity: Decimal | None = None
    unit_price: Decimal | None = None


@dataclass(frozen=True)
class Pause:
    start: date
    end: date | None = None  # the resume date (exclusive); None = still paused


@dataclass(frozen=True)
class SchedulePlan:
    id: int
    name: str
    currency: str
    recurrence: Recurrence
    timing: Timing = Timing.ADVANCE
    lines: tuple[PlanLine, ...] = ()
    changes: tuple[PlanChange, ...] = ()
    pauses: tuple[Pause, ...] = ()
    uplift_percent: Decimal | None = None
    prices_include_tax: bool = False
    rounding: Rounding = Rounding.HALF_UP


@dataclass(frozen=True)
class Terms:
    quantity: Decimal
    unit_price: Decimal


def terms_at(plan: SchedulePlan, line: PlanLine, day: date) -> Terms:
    """Quantity and unit price of ``line`` in effect on ``day``."""
    quantity, price = line.quantity, line.unit_price
    last_price_change = plan.recurrence.start
    for change in sorted(plan.changes, key=lambda c: c.effective):
        if change.line_id != line.id or change.effective > day:
            continue
        if change.quantity is not None:
            quantity = change.quantity
        if change.unit_price is not None:
            price = change.unit_price
            last_price_change = change.effective
    if plan.uplift_percent:
        factor = 1 + plan.uplift_percent / 100
        years = 1
        while True:
            anniversary = _add_years(plan.recurrence.start, years)
            if anniversary > day:
                break
            if anniversary > last_price_change:
                price = round_amount(price * factor, plan.currency, plan.rounding)
            years += 1
    return Terms(quantity, price)


def _add_years(d: date, years: int) -> date:
    try:
        return d.replace(year=d.year + years)
    except ValueError:  # 29 February in a non-leap year
        return d.replace(year=d.year + years, day=28)


def billable_days(period: Period, pauses: Iterable[Pause]) -> int:
    days = period.days
    for pause in pauses:
        start = max(period.start, pause.start)
        end = min(period.end, (pause.end - timedelta(days=1)) if pause.end else period.end)
        if end >= start:
            days -= (end - start).days + 1
    return max(days, 0)


def _span(start: date, end: date) -> str:
    return f"{start.isoformat()} – {end.isoformat()}"


def period_lines(
    plan: SchedulePlan,
    period: Period,
    previous: Period | None,
    usage: dict[int, Decimal] | None = None,
) -> list[LineInput]:
    """The invoice lines for ``period``; ``previous`` is the period before it (or None).

    ``usage`` gives each metered line's quantity for the period (by line id); a
    metered line is rated by its pricing (allowance, tiers, minimum) and not
    prorated, since usage already reflects the days used.
    """
    out: list[LineInput] = []
    days = billable_days(period, plan.pauses)
    factor = Decimal(1) if days == period.full_days else Decimal(days) / Decimal(period.full_days)
    for line in plan.lines:
        if line.pricing is not None:
            if usage is not None and line.id not in usage:
                continue  # billed from time entries (hours × each person's rate) by the caller
            used = (usage or {}).get(line.id, Decimal(0))
            rated = rate(used, line.pricing)
            for text, qty, price in rated_lines(line.description, rated, line.pricing.unit):
                out.append(
                    LineInput(
                        description=text,
                        quantity=qty,
                        unit_price=price,
                        tax_rate=line.tax_rate,
                        tax_category=line.tax_category,
                        kind="usage",
                        unit=line.pricing.unit,
                        period_start=period.start,
                        period_end=period.end,
                        source_id=line.id,
                    )
                )
            continue
        t = terms_at(plan, line, period.start)
        note = "" if factor == 1 else f" ({days} of {period.full_days} days)"
        out.append(
            LineInput(
                description=f"{line.description}{note}",
                quantity=t.quantity,
                unit_price=t.unit_price,
                tax_rate=line.tax_rate,
                tax_category=line.tax_category,
                discount_percent=line.discount_percent,
                factor=factor,
                kind="charge",
                unit=line.unit,
                period_start=period.start,
                period_end=period.end,
                source_id=line.id,
            )
        )
    window = previous if plan.timing is Timing.ADVANCE else period
    if window is not None:
        out.extend(proration_lines(plan, window))
    return out


def proration_lines(plan: SchedulePlan, window: Period) -> list[LineInput]:
    """Credit and charge lines for changes that took effect inside ``window``."""
    out: list[LineInput] = []
    for change in sorted(plan.changes, key=lambda c: (c.effective, c.line_id)):
        if not window.start < change.effective <= window.end:
            continue
        line = next((x for x in plan.lines if x.id == change.line_id), None)
        if line is None or line.metered:
            continue
        old = terms_at(plan, line, change.effective - timedelta(days=1))
        new = terms_at(plan, line, change.effective)
        if old == new:
            continue
        days = (window.end - change.effective).days + 1
        factor = Decimal(days) / Decimal(window.full_days)
        span = _span(change.effective, window.end)
        common = {
            "tax_rate": line.tax_rate,
            "tax_category": line.tax_category,
            "discount_percent": line.discount_percent,
            "factor": factor,
            "kind": "proration",
            "unit": line.unit,
            "period_start": change.effective,
            "period_end": window.end,
            "source_id": line.id,
        }
        out.append(
            LineInput(
                description=f"{line.description}: credit for unused period {span} "
                f"({days} of {window.full_days} days)",
                quantity=-old.quantity,
                unit_price=old.unit_price,
                **common,  # type: ignore[arg-type]
            )
        )
        out.append(
            LineInput(
                description=f"{line.description}: new terms for {span} ({days} of {window.full_days} days)",
                quantity=new.quantity,
                unit_price=new.unit_price,
                **common,  # type: ignore[arg-type]
            )
        )
    return out


def change_inside(plan: SchedulePlan, start: date, end: date) -> bool:
    """True if an agreed change took effect between two dates (explains a variance)."""
    if any(start < c.effective <= end for c in plan.changes):
        return True
    if plan.uplift_percent:
        years = 1
        while (anniv := _add_years(plan.recurrence.start, years)) <= end:
            if anniv > start:
                return True
            years += 1
    return False


@dataclass(frozen=True)
class DuePeriod:
    period: Period
    previous: Period | None
    bill_date: date


def due_periods(
    plan: SchedulePlan,
    today: date,
    invoiced: set[date] | frozenset[date] = frozenset(),
    skipped: set[date] | frozenset[date] = frozenset(),
) -> list[DuePeriod]:
    """Periods that fell due on or before ``today`` and have no invoice yet."""
    out: list[DuePeriod] = []
    previous: Period | None = None
    for period in plan.recurrence.periods(until=today):
        bill_date = due_date_of(period, plan.timing)
        if (
            bill_date <= today
            and period.start not in invoiced
            and period.start not in skipped
            and billable_days(period, plan.pauses) > 0
        ):
            out.append(DuePeriod(period, previous, bill_date))
        previous = period
    return out


def upcoming_periods(plan: SchedulePlan, after: date, count: int) -> list[DuePeriod]:
    """The next ``count`` billable periods whose bill date is after ``after`` (for previews)."""
    out: list[DuePeriod] = []
    previous: Period | None = None
    horizon = after + timedelta(days=3700)
    for period in plan.recurrence.periods(until=horizon):
        bill_date = due_date_of(period, plan.timing)
        if bill_date > after and billable_days(period, plan.pauses) > 0:
            out.append(DuePeriod(period, previous, bill_date))
            if len(out) >= count:
                break
        previous = period
    return out
