"""Milestone agreements: a contract value billed in steps, each exactly once."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import select

from app.core.currency import exponent
from app.core.money import Money
from app.core.usage import Milestone as PlanMilestone
from app.core.usage import UsageError, milestone_amounts
from app.db import models as m
from app.services.audit import record
from app.services.context import AppContext
from app.services.errors import InvariantError, NotFoundError, ValidationError


@dataclass(frozen=True)
class MilestoneInput:
    name: str
    percent: Decimal | None = None
    amount: Decimal | None = None
    due_date: date | None = None


@dataclass(frozen=True)
class MilestoneView:
    id: int
    name: str
    percent: Decimal | None
    amount_minor: int
    due_date: date | None
    delivered_on: date | None
    invoice_number: str | None
    invoiced: bool


@dataclass(frozen=True)
class MilestonePlan:
    schedule_id: int
    currency: str
    contract_value_minor: int
    billed_minor: int
    milestones: tuple[MilestoneView, ...]


def set_plan(
    ctx: AppContext, schedule_id: int, contract_value: Decimal, steps: list[MilestoneInput]
) -> MilestonePlan:
    """Replace the agreement's milestones (only those not yet invoiced may change)."""
    with ctx.uow() as uow:
        s = uow.session
        sched = s.get(m.Schedule, schedule_id)
        if sched is None:
            raise NotFoundError(f"There is no schedule {schedule_id}.")
        client = s.get(m.Client, sched.client_id)
        assert client is not None
        value = Money.of(contract_value, client.currency)
        try:
            milestone_amounts(
                value.amount,
                [PlanMilestone(x.name, x.percent, x.amount) for x in steps],
                exponent(client.currency),
            )
        except UsageError as exc:
            raise ValidationError(str(exc).capitalize() + ".") from exc
        existing = list(
            s.execute(
                select(m.Milestone)
                .where(m.Milestone.schedule_id == schedule_id)
                .order_by(m.Milestone.position)
            ).scalars()
        )
        billed = [x for x in existing if x.invoice_id is not None]
        if billed and [b.name for b in billed] != [x.name for x in steps[: len(billed)]]:
            raise InvariantError("Invoiced milestones cannot change; add new ones after them.")
        delivered = {old.name: old.delivered_on for old in existing if old.invoice_id is None}
        for old in existing:
            if old.invoice_id is None:
                s.delete(old)
        for pos, step in enumerate(steps):
            if pos < len(billed):
                continue
            s.add(
                m.Milestone(
                    schedule_id=schedule_id,
                    position=pos,
                    name=step.name.strip(),
                    percent=step.percent,
                    amount_minor=None
                    if step.amount is None
                    else Money.of(step.amount, client.currency).minor,
                    due_date=step.due_date,
                    delivered_on=delivered.get(step.name.strip()),  # delivery marks survive an edit
                )
            )
        sched.kind = "milestone"
        sched.contract_value_minor = value.minor
        record(
            s,
            ctx.audit,
            "schedule.milestones",
            "schedule",
            schedule_id,
            after={"contract_value": value.plain(), "steps": [x.name for x in steps]},
        )
        uow.commit()
    return get_plan(ctx, schedule_id)


def mark_delivered(ctx: AppContext, milestone_id: int, on: date) -> None:
    """Mark a milestone delivered: the next bill run invoices it."""
    with ctx.uow() as uow:
        ms = uow.session.get(m.Milestone, milestone_id)
        if ms is None:
            raise NotFoundError(f"There is no milestone {milestone_id}.")
        if ms.invoice_id is not None:
            raise InvariantError("That milestone is already invoiced.")
        ms.delivered_on = on
        record(
            uow.session,
            ctx.audit,
            "milestone.delivered",
            "schedule",
            ms.schedule_id,
            after={"milestone": ms.name, "on": on},
        )
        uow.commit()


def get_plan(ctx: AppContext, schedule_id: int) -> MilestonePlan:
    with ctx.uow.read() as uow:
        s = uow.session
        sched = s.get(m.Schedule, schedule_id)
        if sched is None:
            raise NotFoundError(f"There is no schedule {schedule_id}.")
        client = s.get(m.Client, sched.client_id)
        assert client is not None
        rows = list(
            s.execute(
                select(m.Milestone)
                .where(m.Milestone.schedule_id == schedule_id)
                .order_by(m.Milestone.position)
            ).scalars()
        )
        value = sched.contract_value_minor or 0
        amounts = (
            milestone_amounts(
                Money.from_minor(value, client.currency).amount,
                [
                    PlanMilestone(
                        r.name,
                        r.percent,
                        None
                        if r.amount_minor is None
                        else Money.from_minor(r.amount_minor, client.currency).amount,
                    )
                    for r in rows
                ],
                exponent(client.currency),
            )
            if rows
            else []
        )
        numbers = {
            i: n
            for i, n in s.execute(
                select(m.Invoice.id, m.Invoice.number).where(
                    m.Invoice.id.in_([r.invoice_id for r in rows if r.invoice_id])
                )
            )
        }
        views = tuple(
            MilestoneView(
                r.id,
                r.name,
                r.percent,
                Money.of(a, client.currency).minor,
                r.due_date,
                r.delivered_on,
                numbers.get(r.invoice_id) if r.invoice_id else None,
                r.invoice_id is not None,
            )
            for r, a in zip(rows, amounts, strict=True)
        )
        billed = sum(v.amount_minor for v in views if v.invoiced)
        return MilestonePlan(schedule_id, client.currency, value, billed, views)
