"""Recurring revenue from the agreements: MRR on any day and how it moved month by month.

The agreements (a few thousand rows at most) are read with plain column
queries into the same ``SchedulePlan`` records the bill run uses, so MRR sees
changes, pauses, end dates and uplifts exactly as billing does.  An agreement
that was ended without an end date stops after the last period it was billed
for.  Milestone agreements (project billing) and metered lines (priced from
usage, so nothing is committed in advance) are not recurring revenue.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session

from app.core.billing_plan import Pause, PlanChange, PlanLine, SchedulePlan
from app.core.currency import exponent
from app.core.invoice_math import TaxCategory
from app.core.money import Money
from app.core.recurrence import Cadence, Recurrence, RecurrenceError
from app.core.reports import (
    MrrMovement,
    Period,
    ReportColumn,
    ReportTable,
    month_key,
    monthly_amount,
    mrr_movements,
    round_minor,
)
from app.services.context import AppContext
from app.services.report_sql import rows


@dataclass(frozen=True)
class Agreement:
    plan: SchedulePlan
    client_id: int
    ended_on: date | None


def _day(value: Any) -> date | None:
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


def _scaled(value: Any, scale: int) -> Decimal | None:
    """A ScaledDecimal column read as a plain integer (× 10^scale) back to a Decimal."""
    return None if value is None else Decimal(int(value)).scaleb(-scale)


def load_agreements(s: Session) -> list[Agreement]:
    """Every agreement as a plan (lines, changes, pauses), with its client and currency.

    Read as plain rows (a few thousand agreements in tens of milliseconds);
    quantities are stored × 10^6 and rates × 10^4, see ``app.db.types``.
    """
    sched = rows(
        s,
        "SELECT s.id, s.client_id, s.name, s.cadence, s.interval, s.anchor_day, s.rrule, "
        "s.start_date, s.end_date, s.status, s.uplift_percent, s.prices_include_tax, c.currency "
        "FROM schedules AS s JOIN clients AS c ON c.id = s.client_id "
        "WHERE s.kind <> 'milestone'",
    )
    if not sched:
        return []
    currency = {r[0]: r[12] for r in sched}
    lines: dict[int, list[PlanLine]] = defaultdict(list)
    for lid, sid, qty, price, rate, category, discount in rows(
        s,
        "SELECT id, schedule_id, quantity, unit_price_minor, tax_rate, tax_category, "
        "discount_percent FROM schedule_lines WHERE metered = 0 "
        "ORDER BY schedule_id, position, id",
    ):
        cur = currency.get(sid)
        if cur is None:
            continue
        lines[sid].append(
            PlanLine(
                lid,
                "",
                _scaled(qty, 6) or Decimal(0),
                Decimal(int(price)).scaleb(-exponent(cur)),
                _scaled(rate, 4) or Decimal(0),
                TaxCategory(category),
                _scaled(discount, 4),
            )
        )
    changes: dict[int, list[PlanChange]] = defaultdict(list)
    for sid, line_id, effective, qty, price in rows(
        s,
        "SELECT schedule_id, line_id, effective_date, quantity, unit_price_minor "
        "FROM schedule_changes",
    ):
        cur = currency.get(sid, "EUR")
        amount = None if price is None else Decimal(int(price)).scaleb(-exponent(cur))
        changes[sid].append(PlanChange(line_id, _day(effective), _scaled(qty, 6), amount))  # type: ignore[arg-type]
    pauses: dict[int, list[Pause]] = defaultdict(list)
    for sid, start, end in rows(s, 'SELECT schedule_id, start, "end" FROM schedule_pauses'):
        pauses[sid].append(Pause(_day(start), _day(end)))  # type: ignore[arg-type]
    ended = [r[0] for r in sched if r[9] == "ended" and r[8] is None]
    last_billed: dict[int, date] = {}
    for start in range(0, len(ended), 900):
        chunk = ",".join(str(int(i)) for i in ended[start : start + 900])
        for sid, last in rows(
            s,
            f"SELECT schedule_id, MAX(period_end) FROM invoices WHERE schedule_id IN ({chunk}) "
            "GROUP BY schedule_id",
        ):
            if last is not None:
                last_billed[sid] = _day(last)  # type: ignore[assignment]
    out = []
    for (
        sid,
        client_id,
        name,
        cadence,
        interval,
        anchor,
        rrule,
        start_,
        end_,
        status,
        uplift,
        incl,
        cur,
    ) in sched:
        start_day, end_day = _day(start_), _day(end_)
        try:
            rec = Recurrence(
                Cadence(cadence),
                start_day,
                int(interval or 1),
                anchor,
                end_day,
                rrule or "",  # type: ignore[arg-type]
            )
        except (RecurrenceError, ValueError):
            continue  # an agreement whose dates cannot be computed bills nothing either
        ended_on = None
        if status == "ended" and end_day is None:
            ended_on = last_billed.get(sid, start_day - timedelta(days=1))  # type: ignore[operator]
        plan = SchedulePlan(
            id=sid,
            name=name,
            currency=cur,
            recurrence=rec,
            lines=tuple(lines[sid]),
            changes=tuple(changes[sid]),
            pauses=tuple(pauses[sid]),
            uplift_percent=_scaled(uplift, 4),
            prices_include_tax=bool(incl),
        )
        out.append(Agreement(plan, client_id, ended_on))
    return out


def mrr_by_client(agreements: list[Agreement], day: date) -> dict[str, dict[int, int]]:
    """Per currency, per client: MRR in minor units on ``day`` (rounded per client)."""
    raw: dict[str, dict[int, Any]] = defaultdict(dict)
    for a in agreements:
        amount = monthly_amount(a.plan, day, a.ended_on)
        if amount:
            bucket = raw[a.plan.currency]
            bucket[a.client_id] = bucket.get(a.client_id, 0) + amount
    return {
        cur: {cid: round_minor(v, cur) for cid, v in clients.items()}
        for cur, clients in raw.items()
    }


def mrr_at(ctx: AppContext, day: date | None = None) -> dict[str, int]:
    """Total MRR per currency on ``day`` (default today)."""
    when = day or ctx.clock.today()
    with ctx.uow.read() as uow:
        agreements = load_agreements(uow.session)
    return {cur: sum(v.values()) for cur, v in mrr_by_client(agreements, when).items()}


@dataclass
class MrrReport:
    months: list[Period]
    movements: list[tuple[str, MrrMovement]]  # (YYYY-MM, movement), per month and currency

    def table(self) -> ReportTable:
        cols = (
            ReportColumn("month", "Month"),
            ReportColumn("currency", "Currency"),
            ReportColumn("start", "MRR at start", "money"),
            ReportColumn("new", "New", "money"),
            ReportColumn("expansion", "Expansion", "money"),
            ReportColumn("contraction", "Contraction", "money"),
            ReportColumn("churn", "Churn", "money"),
            ReportColumn("end", "MRR at end", "money"),
            ReportColumn("customers", "Customers", "int"),
        )
        body = []
        for month, mv in self.movements:
            c = mv.currency

            def mm(x: int, c: str = c) -> Money:
                return Money.from_minor(x, c)

            body.append(
                (
                    month,
                    c,
                    mm(mv.start),
                    mm(mv.new),
                    mm(mv.expansion),
                    mm(-mv.contraction),
                    mm(-mv.churn),
                    mm(mv.end),
                    mv.customers_end,
                )
            )
        return ReportTable(
            "mrr",
            "Recurring revenue (MRR)",
            cols,
            tuple(body),
            notes=(
                "MRR = Σ agreement lines (quantity × price, net of tax) × periods per month.",
                "Start + new + expansion − contraction − churn = end; changes are per client.",
            ),
        )


def mrr_report(ctx: AppContext, months: list[Period], currency: str = "") -> MrrReport:
    """MRR movements for each month: the end of the month before vs the end of the month."""
    with ctx.uow.read() as uow:
        agreements = load_agreements(uow.session)
    days = [months[0].start - timedelta(days=1), *(p.end for p in months)] if months else []
    snapshots = [mrr_by_client(agreements, d) for d in days]
    currencies = sorted({c for snap in snapshots for c in snap})
    if currency:
        currencies = [c for c in currencies if c == currency.upper()]
    movements = []
    for i, period in enumerate(months, start=1):
        for cur in currencies:
            before, after = snapshots[i - 1].get(cur, {}), snapshots[i].get(cur, {})
            movements.append((month_key(period.start), mrr_movements(cur, before, after)))
    return MrrReport(months, movements)
