"""Agreement use cases: create, edit, pause/resume, changes, previews, lists."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.core.billing_plan import (
    Pause,
    PlanChange,
    PlanLine,
    SchedulePlan,
    period_lines,
    upcoming_periods,
)
from app.core.currency import exponent
from app.core.invoice_math import TaxCategory
from app.core.money import Money
from app.core.recurrence import Cadence, Timing
from app.core.schedules import (
    Schedule,
    ScheduleData,
    ScheduleLineData,
    ScheduleRow,
    validate_schedule,
)
from app.core.text import fold
from app.core.usage import pricing_to_dict
from app.db import models as m
from app.services.audit import record
from app.services.context import AppContext
from app.services.errors import NotFoundError, ValidationError
from app.services.invoice_store import compute, rounding_rules
from app.services.usage import period_usage, plan_pricing


def _money(minor: int, currency: str) -> Decimal:
    return Money.from_minor(minor, currency).amount


def to_plan(row: m.Schedule, currency: str) -> SchedulePlan:
    """The pure description of a stored agreement, for the bill run and previews."""
    from app.core.money import Rounding

    return SchedulePlan(
        id=row.id,
        name=row.name,
        currency=currency,
        recurrence=_data(row).recurrence(),
        timing=Timing(row.timing),
        lines=tuple(
            PlanLine(
                id=ln.id,
                description=ln.description,
                quantity=ln.quantity,
                unit_price=_money(ln.unit_price_minor, currency),
                tax_rate=ln.tax_rate,
                tax_category=TaxCategory(ln.tax_category),
                discount_percent=ln.discount_percent,
                unit=ln.unit,
                pricing=plan_pricing(ln),
                meter_item=ln.meter_item,
            )
            for ln in row.lines
        ),
        changes=tuple(
            PlanChange(
                c.line_id,
                c.effective_date,
                c.quantity,
                None if c.unit_price_minor is None else _money(c.unit_price_minor, currency),
            )
            for c in row.changes
        ),
        pauses=tuple(Pause(p.start, p.end) for p in row.pauses),
        uplift_percent=row.uplift_percent,
        prices_include_tax=row.prices_include_tax,
        rounding=Rounding.HALF_UP,
    )


def _data(row: m.Schedule) -> ScheduleData:
    return ScheduleData(
        client_id=row.client_id,
        name=row.name,
        cadence=Cadence(row.cadence),
        start_date=row.start_date,
        interval=row.interval,
        anchor_day=row.anchor_day,
        rrule=row.rrule,
        end_date=row.end_date,
        timing=Timing(row.timing),
        terms_kind=row.terms_kind,
        terms_days=row.terms_days,
        uplift_percent=row.uplift_percent,
        prices_include_tax=row.prices_include_tax,
        reference=row.reference,
        notes=row.notes,
        lines=tuple(
            ScheduleLineData(
                description=ln.description,
                quantity=ln.quantity,
                unit_price=Decimal(0),
                tax_rate=ln.tax_rate,
                tax_category=TaxCategory(ln.tax_category),
                discount_percent=ln.discount_percent,
                unit=ln.unit,
                id=ln.id,
                pricing=plan_pricing(ln),
                meter_item=ln.meter_item,
            )
            for ln in row.lines
        ),
    )


def to_schedule(session: Session, row: m.Schedule) -> Schedule:
    client = session.get(m.Client, row.client_id)
    assert client is not None
    data = _data(row)
    lines = tuple(
        ScheduleLineData(
            description=ln.description,
            quantity=ln.quantity,
            unit_price=_money(ln.unit_price_minor, client.currency),
            tax_rate=ln.tax_rate,
            tax_category=TaxCategory(ln.tax_category),
            discount_percent=ln.discount_percent,
            unit=ln.unit,
            id=ln.id,
            pricing=plan_pricing(ln),
            meter_item=ln.meter_item,
        )
        for ln in row.lines
    )
    from dataclasses import replace

    return Schedule(
        id=row.id,
        data=replace(data, lines=lines),
        status=row.status,
        client_name=client.name,
        currency=client.currency,
        pauses=tuple((p.start, p.end) for p in row.pauses),
        changes=tuple(
            (
                c.line_id,
                c.effective_date,
                c.quantity,
                None if c.unit_price_minor is None else _money(c.unit_price_minor, client.currency),
                c.note,
            )
            for c in row.changes
        ),
    )


def _validate(session: Session, data: ScheduleData) -> m.Client:
    client = session.get(m.Client, data.client_id)
    errors = validate_schedule(data, exponent(client.currency) if client else 2)
    if client is None:
        from app.core.clients import FieldError

        errors.insert(0, FieldError("client_id", "Choose a client for the agreement."))
    if errors:
        raise ValidationError(errors)
    assert client is not None
    return client


def _apply(row: m.Schedule, data: ScheduleData, currency: str) -> None:
    for name in (
        "client_id",
        "name",
        "interval",
        "anchor_day",
        "rrule",
        "start_date",
        "end_date",
        "terms_days",
        "uplift_percent",
        "prices_include_tax",
        "reference",
        "notes",
    ):
        setattr(row, name, getattr(data, name))
    row.cadence = data.cadence.value
    row.timing = data.timing.value
    row.terms_kind = data.terms_kind
    existing = {ln.id: ln for ln in row.lines}
    keep: list[m.ScheduleLine] = []
    for pos, ld in enumerate(data.lines):
        ln = existing.get(ld.id) if ld.id is not None else None
        if ln is None:
            ln = m.ScheduleLine()
        ln.position = pos
        ln.description = ld.description.strip()
        ln.quantity = ld.quantity
        ln.unit = ld.unit
        ln.unit_price_minor = Money.of(ld.unit_price, currency).minor
        ln.tax_rate = ld.tax_rate
        ln.tax_category = ld.tax_category.value
        ln.discount_percent = ld.discount_percent
        ln.metered = ld.pricing is not None
        ln.meter_item = ld.meter_item.strip() if ld.pricing is not None else ""
        ln.pricing_json = json.dumps(pricing_to_dict(ld.pricing)) if ld.pricing is not None else ""
        keep.append(ln)
    row.lines[:] = keep


def _snapshot(s: Schedule) -> dict[str, Any]:
    d = s.data
    return {
        "name": d.name,
        "cadence": d.cadence_text(),
        "start": d.start_date,
        "end": d.end_date,
        "lines": [f"{ln.quantity} × {ln.unit_price} {ln.description}" for ln in d.lines],
        "uplift": d.uplift_percent,
    }


def create_schedule(ctx: AppContext, data: ScheduleData) -> Schedule:
    with ctx.uow() as uow:
        s = uow.session
        client = _validate(s, data)
        now = ctx.clock.now_utc()
        row = m.Schedule(created_at=now, updated_at=now, status="active")
        _apply(row, data, client.currency)
        s.add(row)
        s.flush()
        result = to_schedule(s, row)
        record(s, ctx.audit, "schedule.create", "schedule", row.id, after=_snapshot(result))
        uow.commit()
        return result


def update_schedule(ctx: AppContext, schedule_id: int, data: ScheduleData) -> Schedule:
    """Edit terms; already issued invoices are untouched (they are immutable)."""
    with ctx.uow() as uow:
        s = uow.session
        row = _load(s, schedule_id)
        client = _validate(s, data)
        before = _snapshot(to_schedule(s, row))
        _apply(row, data, client.currency)
        row.updated_at = ctx.clock.now_utc()
        s.flush()
        result = to_schedule(s, row)
        record(
            s,
            ctx.audit,
            "schedule.update",
            "schedule",
            row.id,
            before=before,
            after=_snapshot(result),
        )
        uow.commit()
        return result


def _load(s: Session, schedule_id: int) -> m.Schedule:
    row = s.get(m.Schedule, schedule_id)
    if row is None:
        raise NotFoundError(f"There is no schedule with id {schedule_id}.")
    return row


def get_schedule(ctx: AppContext, schedule_id: int) -> Schedule:
    with ctx.uow.read() as uow:
        return to_schedule(uow.session, _load(uow.session, schedule_id))


def pause_schedule(ctx: AppContext, schedule_id: int, start: date) -> Schedule:
    with ctx.uow() as uow:
        s = uow.session
        row = _load(s, schedule_id)
        if any(p.end is None for p in row.pauses):
            raise ValidationError("The agreement is already paused.")
        row.pauses.append(m.SchedulePause(start=start, end=None))
        row.status = "paused"
        record(s, ctx.audit, "schedule.pause", "schedule", row.id, after={"from": start})
        result = to_schedule(s, row)
        uow.commit()
        return result


def resume_schedule(ctx: AppContext, schedule_id: int, on: date) -> Schedule:
    with ctx.uow() as uow:
        s = uow.session
        row = _load(s, schedule_id)
        open_pause = next((p for p in row.pauses if p.end is None), None)
        if open_pause is None:
            raise ValidationError("The agreement is not paused.")
        if on < open_pause.start:
            raise ValidationError("The agreement cannot resume before it was paused.")
        open_pause.end = on
        row.status = "active"
        record(s, ctx.audit, "schedule.resume", "schedule", row.id, after={"on": on})
        result = to_schedule(s, row)
        uow.commit()
        return result


def add_change(
    ctx: AppContext,
    schedule_id: int,
    line_id: int,
    effective: date,
    quantity: Decimal | None = None,
    unit_price: Decimal | None = None,
    note: str = "",
) -> Schedule:
    """Record an agreed quantity or price change from a date; billing prorates it by day."""
    if quantity is None and unit_price is None:
        raise ValidationError("Give a new quantity, a new price, or both.")
    if quantity is not None and quantity <= 0:
        raise ValidationError("The new quantity must be above zero.")
    with ctx.uow() as uow:
        s = uow.session
        row = _load(s, schedule_id)
        if line_id not in {ln.id for ln in row.lines}:
            raise ValidationError("That line is not part of this agreement.")
        currency = s.get(m.Client, row.client_id).currency  # type: ignore[union-attr]
        row.changes.append(
            m.ScheduleChange(
                line_id=line_id,
                effective_date=effective,
                quantity=quantity,
                unit_price_minor=None
                if unit_price is None
                else Money.of(unit_price, currency).minor,
                note=note,
                created_at=ctx.clock.now_utc(),
            )
        )
        record(
            s,
            ctx.audit,
            "schedule.change",
            "schedule",
            row.id,
            after={"line": line_id, "from": effective, "quantity": quantity, "price": unit_price},
        )
        result = to_schedule(s, row)
        uow.commit()
        return result


def set_status(ctx: AppContext, schedule_id: int, status: str) -> Schedule:
    """End an agreement (no further periods) or reopen one."""
    if status not in ("active", "ended"):
        raise ValidationError("Status must be active or ended.")
    with ctx.uow() as uow:
        row = _load(uow.session, schedule_id)
        before = row.status
        row.status = status
        record(
            uow.session,
            ctx.audit,
            "schedule.status",
            "schedule",
            row.id,
            before={"status": before},
            after={"status": status},
        )
        result = to_schedule(uow.session, row)
        uow.commit()
        return result


@dataclass(frozen=True)
class PreviewItem:
    bill_date: date
    period_start: date
    period_end: date
    total: Money
    net: Money
    notes: str


def preview(
    ctx: AppContext,
    data: ScheduleData,
    count: int = 12,
    after: date | None = None,
    plan_changes: tuple[PlanChange, ...] = (),
    pauses: tuple[Pause, ...] = (),
    schedule_id: int | None = None,
) -> list[PreviewItem]:
    """The next ``count`` invoices this agreement would produce (dates and amounts)."""
    with ctx.uow.read() as uow:
        s = uow.session
        client = s.get(m.Client, data.client_id)
        currency = client.currency if client else "EUR"
        errors = validate_schedule(data, exponent(currency))
        if errors:
            raise ValidationError(errors)
        rules = rounding_rules(s)
        plan = SchedulePlan(
            id=0,
            name=data.name,
            currency=currency,
            recurrence=data.recurrence(),
            timing=data.timing,
            lines=tuple(
                PlanLine(
                    ld.id or -(i + 1),
                    ld.description,
                    ld.quantity,
                    ld.unit_price,
                    ld.tax_rate,
                    ld.tax_category,
                    ld.discount_percent,
                    ld.unit,
                    ld.pricing,
                    ld.meter_item,
                )
                for i, ld in enumerate(data.lines)
            ),
            changes=plan_changes,
            pauses=pauses,
            uplift_percent=data.uplift_percent,
            prices_include_tax=data.prices_include_tax,
            rounding=rules.rounding,
        )
        start_after = after if after is not None else ctx.clock.today() - _one_day()
        items = []
        for due in upcoming_periods(plan, start_after, count):
            usage = None
            if schedule_id is not None and any(ln.metered for ln in plan.lines):
                # what the next invoice would be with the usage records received so far
                usage = {
                    ln.id: period_usage(
                        s, schedule_id, ln.meter_item, due.period.start, due.period.end
                    ).quantity
                    for ln in plan.lines
                    if ln.metered
                }
            lines = period_lines(plan, due.period, due.previous, usage)
            totals = compute(s, lines, currency, data.prices_include_tax, rules)
            notes = []
            if any(ln.kind == "proration" for ln in lines):
                notes.append("includes proration")
            if due.period.is_partial or any(ln.factor != 1 for ln in lines if ln.kind == "charge"):
                notes.append("partial period")
            items.append(
                PreviewItem(
                    due.bill_date,
                    due.period.start,
                    due.period.end,
                    totals.total,
                    totals.subtotal,
                    ", ".join(notes),
                )
            )
        return items


def _one_day():  # type: ignore[no-untyped-def]
    from datetime import timedelta

    return timedelta(days=1)


@dataclass(frozen=True)
class ScheduleQuery:
    search: str = ""
    status: str = ""  # "" = active and paused; "all"; or one status
    client_id: int | None = None
    sort: str = "client"  # client, name, status, start, end
    descending: bool = False


SCHEDULE_SORTS = {
    "client": m.Client.search_key,
    "name": m.Schedule.name,
    "status": m.Schedule.status,
    "start": m.Schedule.start_date,
    "end": m.Schedule.end_date,
}


def schedule_ids(ctx: AppContext, q: ScheduleQuery) -> list[int]:
    stmt = select(m.Schedule.id).join(m.Client, m.Client.id == m.Schedule.client_id)
    if q.status == "all":
        pass
    elif q.status:
        stmt = stmt.where(m.Schedule.status == q.status)
    else:
        stmt = stmt.where(m.Schedule.status.in_(("active", "paused")))
    if q.client_id:
        stmt = stmt.where(m.Schedule.client_id == q.client_id)
    for word in fold(q.search).split():
        stmt = stmt.where(
            m.Client.search_key.like(f"%{word}%") | func.upper(m.Schedule.name).like(f"%{word}%")
        )
    column = SCHEDULE_SORTS.get(q.sort, m.Client.search_key)
    first = column.desc() if q.descending else column.asc()
    stmt = stmt.order_by(first, m.Client.search_key, m.Schedule.name, m.Schedule.id)
    with ctx.uow.read() as uow:
        return list(uow.session.execute(stmt).scalars())


def schedule_rows(ctx: AppContext, ids: list[int]) -> list[ScheduleRow]:
    if not ids:
        return []
    with ctx.uow.read() as uow:
        s = uow.session
        rows = s.execute(select(m.Schedule).where(m.Schedule.id.in_(ids))).scalars().all()
        clients = {
            c.id: c
            for c in s.execute(
                select(m.Client).where(m.Client.id.in_({r.client_id for r in rows}))
            ).scalars()
        }
        today = ctx.clock.today()
        rules = rounding_rules(s)
        out: dict[int, ScheduleRow] = {}
        for r in rows:
            client = clients[r.client_id]
            plan = to_plan(r, client.currency)
            nxt = upcoming_periods(plan, today, 3) if r.status != "ended" else []
            # A full period's charges before tax, with discounts, changes and uplift
            # (a short first or last period would understate the agreement).
            full = next((d for d in nxt if not d.period.is_partial), nxt[0] if nxt else None)
            if full is not None:
                lines = period_lines(plan, full.period, full.previous)
                amount = compute(s, lines, client.currency, plan.prices_include_tax, rules).subtotal
            else:
                amount = sum(
                    (Money.of(ln.unit_price * ln.quantity, client.currency) for ln in plan.lines),
                    Money.zero(client.currency),
                )
            out[r.id] = ScheduleRow(
                id=r.id,
                client_id=r.client_id,
                client_name=client.name,
                name=r.name,
                cadence_text=_data(r).cadence_text(),
                currency=client.currency,
                amount_minor=amount.minor,
                next_bill_date=nxt[0].bill_date if nxt else None,
                status=r.status,
                start_date=r.start_date,
                end_date=r.end_date,
            )
    return [out[i] for i in ids if i in out]
