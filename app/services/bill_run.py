"""The bill run: every period due up to today becomes exactly one invoice.

Schedules are processed in a fixed order (schedule id, then period) in chunks,
each chunk one transaction; an invoice exists only together with its lines,
its number and its audit events.  A run that is killed loses at most the
chunk in flight, and the next run — finding the same due periods missing —
writes them again in the same order with the same numbers.  The unique key
(schedule, period start) makes a duplicate impossible even if two runs raced
past the lock.
"""

from __future__ import annotations

import os
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import bindparam, func, insert, select, update
from sqlalchemy.orm import Session, selectinload

from app.core.billing_plan import DuePeriod, SchedulePlan, change_inside, due_periods, period_lines
from app.core.clients import terms_text
from app.core.invoice_math import LineInput, TaxCategory, compute_invoice
from app.core.invoices import OPEN, Status
from app.core.money import Money
from app.core.recurrence import invoice_due
from app.core.review import ReviewFacts, ReviewReason, ReviewThresholds, review_reasons
from app.db import models as m
from app.services import locks
from app.services import settings as settings_service
from app.services.audit import record_many
from app.services.context import AppContext
from app.services.exceptions import raise_item
from app.services.invoice_store import (
    IssuedInvoice,
    RoundingRules,
    compute,
    figure_values,
    issue_audit,
    line_values,
    next_number,
    rounding_rules,
    run_issue_hooks,
)
from app.services.schedules import to_plan

Progress = Callable[[int, int, str], None]
Cancel = Callable[[], bool]
# Schedules per transaction; the environment override lets the kill test cut runs finely.
CHUNK = int(os.environ.get("COUNTERFOIL_BILL_RUN_CHUNK", "200"))
ISSUED_OR_LATER = [s.value for s in (*OPEN, Status.PAID, Status.CREDITED)]


@dataclass(frozen=True)
class DueItem:
    """One invoice the run would create (for previews and the "since last run" screen)."""

    schedule_id: int
    schedule_name: str
    client_id: int
    client_name: str
    period_start: date
    period_end: date
    bill_date: date
    currency: str
    total_minor: int

    def as_dict(self) -> dict[str, Any]:
        return {
            "schedule_id": self.schedule_id,
            "schedule": self.schedule_name,
            "client": self.client_name,
            "period_start": self.period_start,
            "period_end": self.period_end,
            "bill_date": self.bill_date,
            "currency": self.currency,
            "total": Money.from_minor(self.total_minor, self.currency).plain(),
        }


@dataclass
class BillRunResult:
    run_id: int = 0
    as_of: date | None = None
    created: int = 0
    issued: int = 0
    review: int = 0
    cancelled: bool = False
    invoice_ids: list[int] = field(default_factory=list)
    review_reasons: dict[int, list[str]] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {
            "run_id": self.run_id,
            "as_of": self.as_of,
            "created": self.created,
            "issued": self.issued,
            "review": self.review,
            "cancelled": self.cancelled,
            "invoice_ids": self.invoice_ids,
        }


def _schedule_ids(session: Session, only: set[int] | None) -> list[int]:
    stmt = select(m.Schedule.id).where(m.Schedule.status != "ended").order_by(m.Schedule.id)
    ids = list(session.execute(stmt).scalars())
    return [i for i in ids if only is None or i in only]


@dataclass
class _Chunk:
    schedules: list[m.Schedule]
    clients: dict[int, m.Client]
    invoiced: dict[int, set[date]]
    skipped: dict[int, set[date]]
    previous_total: dict[int, tuple[date, int]]
    client_invoice_count: dict[int, int]
    one_offs: dict[int, list[m.OneOffCharge]]


def _load_chunk(session: Session, ids: list[int]) -> _Chunk:
    schedules = list(
        session.execute(
            select(m.Schedule)
            .where(m.Schedule.id.in_(ids))
            .options(
                selectinload(m.Schedule.lines),
                selectinload(m.Schedule.changes),
                selectinload(m.Schedule.pauses),
            )
            .order_by(m.Schedule.id)
        ).scalars()
    )
    client_ids = {s.client_id for s in schedules}
    clients = {
        c.id: c
        for c in session.execute(select(m.Client).where(m.Client.id.in_(client_ids))).scalars()
    }
    invoiced: dict[int, set[date]] = defaultdict(set)
    previous_total: dict[int, tuple[date, int]] = {}
    for sid, start, comparable in session.execute(
        select(m.Invoice.schedule_id, m.Invoice.period_start, _comparable_total_sql()).where(
            m.Invoice.schedule_id.in_(ids), m.Invoice.kind == "invoice"
        )
    ):
        if start is None:  # milestone invoices have no period
            continue
        invoiced[sid].add(start)
        if sid not in previous_total or previous_total[sid][0] < start:
            previous_total[sid] = (start, comparable)
    skipped: dict[int, set[date]] = defaultdict(set)
    for sid, start in session.execute(
        select(m.ScheduleSkip.schedule_id, m.ScheduleSkip.period_start).where(
            m.ScheduleSkip.schedule_id.in_(ids)
        )
    ):
        skipped[sid].add(start)
    counts = dict(
        session.execute(
            select(m.Invoice.client_id, func.count())
            .where(
                m.Invoice.client_id.in_(client_ids),
                m.Invoice.kind == "invoice",
                m.Invoice.status.in_(ISSUED_OR_LATER),
            )
            .group_by(m.Invoice.client_id)
        ).all()
    )
    one_offs = _pending_one_offs(session, client_ids)
    return _Chunk(schedules, clients, invoiced, skipped, previous_total, counts, one_offs)


def _comparable_total_sql():  # type: ignore[no-untyped-def]
    """An invoice's total without proration/adjustment lines, for the variance check."""
    return (
        select(func.coalesce(func.sum(m.InvoiceLine.total_minor), 0))
        .where(m.InvoiceLine.invoice_id == m.Invoice.id, m.InvoiceLine.kind == "charge")
        .correlate(m.Invoice)
        .scalar_subquery()
    )


def _pending_one_offs(session: Session, client_ids: set[int]) -> dict[int, list[m.OneOffCharge]]:
    """One-off charges waiting for each client's next invoice (one query per chunk)."""
    out: dict[int, list[m.OneOffCharge]] = defaultdict(list)
    stmt = (
        select(m.OneOffCharge)
        .where(m.OneOffCharge.client_id.in_(client_ids), m.OneOffCharge.invoice_id.is_(None))
        .order_by(m.OneOffCharge.id)
    )
    for r in session.execute(stmt).scalars():
        out[r.client_id].append(r)
    return out


def _one_off_lines(chunk: _Chunk, client: m.Client) -> list[tuple[m.OneOffCharge, LineInput]]:
    """Take (and remove from the chunk) the client's waiting charges in its currency."""
    waiting = chunk.one_offs.get(client.id, [])
    taken = [r for r in waiting if r.currency == client.currency]
    chunk.one_offs[client.id] = [r for r in waiting if r.currency != client.currency]
    return [
        (
            r,
            LineInput(
                r.description,
                r.quantity,
                Money.from_minor(r.unit_price_minor, r.currency).amount,
                r.tax_rate,
                TaxCategory.STANDARD,
                kind="one_off",
            ),
        )
        for r in taken
    ]


def plan_items(session: Session, today: date, only: set[int] | None = None) -> list[DueItem]:
    """Everything a run on ``today`` would create, without writing anything."""
    rules = rounding_rules(session)
    items: list[DueItem] = []
    ids = _schedule_ids(session, only)
    for start in range(0, len(ids), CHUNK):
        chunk = _load_chunk(session, ids[start : start + CHUNK])
        for sched in chunk.schedules:
            client = chunk.clients[sched.client_id]
            plan = to_plan(sched, client.currency)
            for due in due_periods(plan, today, chunk.invoiced[sched.id], chunk.skipped[sched.id]):
                totals = compute(
                    session,
                    period_lines(plan, due.period, due.previous),
                    client.currency,
                    plan.prices_include_tax,
                    rules,
                )
                items.append(
                    DueItem(
                        sched.id,
                        sched.name,
                        client.id,
                        client.name,
                        due.period.start,
                        due.period.end,
                        due.bill_date,
                        client.currency,
                        totals.total.minor,
                    )
                )
    return items


def pending_items(ctx: AppContext, as_of: date | None = None) -> list[DueItem]:
    with ctx.uow.read() as uow:
        return plan_items(uow.session, as_of or ctx.clock.today())


def last_run(ctx: AppContext) -> dict[str, Any] | None:
    with ctx.uow.read() as uow:
        row = uow.session.execute(
            select(m.BillRun)
            .where(m.BillRun.status == "done")
            .order_by(m.BillRun.id.desc())
            .limit(1)
        ).scalar_one_or_none()
        if row is None:
            return None
        return {"as_of": row.as_of, "finished_at": row.finished_at, "created": row.created_count}


def skip_periods(
    ctx: AppContext, items: list[tuple[int, date]], reason: str = "skipped by user"
) -> int:
    """Never bill these periods (recorded, audited, reversible by deleting the skip)."""
    from app.services.audit import record

    with ctx.uow() as uow:
        s = uow.session
        n = 0
        for schedule_id, period_start in items:
            exists = s.execute(
                select(m.ScheduleSkip.id).where(
                    m.ScheduleSkip.schedule_id == schedule_id,
                    m.ScheduleSkip.period_start == period_start,
                )
            ).first()
            if exists:
                continue
            s.add(
                m.ScheduleSkip(
                    schedule_id=schedule_id,
                    period_start=period_start,
                    reason=reason,
                    created_at=ctx.clock.now_utc(),
                )
            )
            record(
                s,
                ctx.audit,
                "schedule.skip_period",
                "schedule",
                schedule_id,
                after={"period_start": period_start, "reason": reason},
            )
            n += 1
        uow.commit()
        return n


def run_bill_run(
    ctx: AppContext,
    *,
    as_of: date | None = None,
    progress: Progress | None = None,
    cancel: Cancel | None = None,
    schedule_ids: set[int] | None = None,
    periods: set[tuple[int, date]] | None = None,
    auto_issue: bool | None = None,
) -> BillRunResult:
    """Create (and, where clean, issue) every invoice due up to ``as_of``."""
    today = as_of or ctx.clock.today()
    result = BillRunResult(as_of=today)
    with locks.held(ctx, "bill_run", "A bill run"):
        with ctx.uow() as uow:
            run = m.BillRun(
                as_of=today, started_at=ctx.clock.now_utc(), status="running", actor=ctx.actor
            )
            uow.session.add(run)
            uow.commit()
            result.run_id = run.id
        with ctx.uow.read() as uow:
            only = schedule_ids
            if periods is not None:
                chosen = {sid for sid, _ in periods}
                only = chosen if only is None else only & chosen
            ids = _schedule_ids(uow.session, only)
        with ctx.uow() as uow:
            _interim_invoices(uow.session, ctx, today, result)
            uow.commit()
        total = len(ids)
        done = 0
        for start in range(0, total, CHUNK):
            if cancel is not None and cancel():
                result.cancelled = True
                break
            chunk_ids = ids[start : start + CHUNK]
            with ctx.uow() as uow:
                _bill_chunk(uow.session, ctx, today, chunk_ids, result, periods, auto_issue)
                uow.commit()
            done += len(chunk_ids)
            if progress is not None:
                progress(done, total, f"{result.created} invoices")
        with ctx.uow() as uow:
            run = uow.session.get(m.BillRun, result.run_id)
            assert run is not None
            run.status = "cancelled" if result.cancelled else "done"
            run.finished_at = ctx.clock.now_utc()
            run.created_count, run.issued_count, run.review_count = (
                result.created,
                result.issued,
                result.review,
            )
            uow.commit()
    return result


def _bill_chunk(
    session: Session,
    ctx: AppContext,
    today: date,
    ids: list[int],
    result: BillRunResult,
    periods: set[tuple[int, date]] | None,
    auto_issue: bool | None,
) -> None:
    chunk = _load_chunk(session, ids)
    values = settings_service.get_all(session)
    rules = rounding_rules(session)
    limits = ReviewThresholds(
        variance_percent=values["billing.variance_percent"],
        approval_amount=values["billing.approval_amount"],
        catch_up_periods=values["billing.catchup_review_periods"],
    )
    issue_clean = values["billing.auto_issue"] if auto_issue is None else auto_issue
    needs_tax_id = values["tax.requires_client_tax_id"]
    drafts: list[_Draft] = []
    for sched in chunk.schedules:
        client = chunk.clients[sched.client_id]
        if sched.kind == "milestone":
            if periods is None:
                drafts += _milestone_drafts(
                    session, sched, client, today, chunk, issue_clean, limits
                )
            continue
        plan = to_plan(sched, client.currency)
        due = due_periods(plan, today, chunk.invoiced[sched.id], chunk.skipped[sched.id])
        if periods is not None:
            due = [d for d in due if (sched.id, d.period.start) in periods]
        for d in due:
            metered = any(ln.metered for ln in plan.lines)
            usage = _usage_for(session, sched, plan, d, today) if metered else None
            if usage is not None and usage.wait:
                break  # usage for this period is not expected yet: bill it on a later run
            draft = _plan_period(
                sched, client, plan, d, len(due), chunk, limits, rules, needs_tax_id, usage
            )
            draft.issue_now = issue_clean and not draft.reasons
            if draft.issue_now:
                chunk.client_invoice_count[client.id] = (
                    chunk.client_invoice_count.get(client.id, 0) + 1
                )
            drafts.append(draft)
    _write(session, ctx, drafts, result)


@dataclass
class _Draft:
    sched: m.Schedule
    client: m.Client
    due: DuePeriod
    totals: Any
    reasons: list[Any]
    one_offs: list[m.OneOffCharge]
    terms_kind: str
    terms_days: int
    issue_now: bool = False
    usage_scopes: tuple[Any, ...] = ()  # the usage records this invoice bills
    milestone_id: int | None = None


def _plan_period(
    sched: m.Schedule,
    client: m.Client,
    plan: SchedulePlan,
    due: DuePeriod,
    catch_up: int,
    chunk: _Chunk,
    limits: ReviewThresholds,
    rules: RoundingRules,
    needs_tax_id: bool,
    usage: _PeriodUsage | None = None,
) -> _Draft:
    """Everything about one period's invoice, decided in memory (nothing written yet)."""
    lines = period_lines(plan, due.period, due.previous, usage.quantities if usage else None)
    if usage is not None:
        lines += usage.adjustments
    one_offs = _one_off_lines(chunk, client)
    lines += [li for _, li in one_offs]
    totals = compute_invoice(
        lines,
        client.currency,
        prices_include_tax=plan.prices_include_tax,
        tax_rounding=rules.tax_rounding,
        rounding=rules.rounding,
    )
    comparable = sum((c.total.amount for c in totals.lines if c.line.kind == "charge"), Decimal(0))
    prev = chunk.previous_total.get(sched.id)
    facts = ReviewFacts(
        total=totals.total,
        comparable_total=Money(comparable, client.currency),
        client_has_email=bool(client.email),
        client_has_address=bool(client.address_line1 and client.city),
        client_invoice_count=chunk.client_invoice_count.get(client.id, 0),
        previous_comparable_total=Money.from_minor(prev[1], client.currency) if prev else None,
        change_explains_variance=bool(prev) and change_inside(plan, prev[0], due.period.start),  # type: ignore[index]
        catch_up_periods=catch_up,
        client_needs_tax_id=needs_tax_id and client.is_business,
        client_has_tax_id=bool(client.tax_id),
    )
    chunk.invoiced[sched.id].add(due.period.start)
    chunk.previous_total[sched.id] = (due.period.start, Money(comparable, client.currency).minor)
    reasons = review_reasons(facts, limits)
    if usage is not None and usage.missing:
        reasons.append(
            ReviewReason(
                "usage_missing",
                f"Usage missing: no records for {', '.join(usage.missing)} in the period that ended "
                f"{due.period.end.isoformat()}; the allowance alone is not billed.",
            )
        )
    return _Draft(
        sched=sched,
        client=client,
        due=due,
        totals=totals,
        reasons=reasons,
        usage_scopes=usage.scopes if usage else (),
        one_offs=[charge for charge, _ in one_offs],
        terms_kind=sched.terms_kind or client.terms_kind,
        terms_days=sched.terms_days if sched.terms_days is not None else client.terms_days,
    )


def _write(session: Session, ctx: AppContext, drafts: list[_Draft], result: BillRunResult) -> None:
    """Store a chunk's invoices with bulk inserts: lines, numbers, audit events, review items.

    The figures, numbers and audit events are exactly those of the one-by-one
    path (invoice_store.new_invoice + issue); only the writing is batched.
    """
    if not drafts:
        return
    now = ctx.clock.now_utc()
    rows = []
    issued: list[IssuedInvoice] = []
    for d in drafts:
        number, reference = (
            next_number(session, "invoice", d.due.bill_date) if d.issue_now else (None, "")
        )
        rows.append(
            {
                "kind": "invoice",
                "number": number,
                "client_id": d.client.id,
                "schedule_id": d.sched.id,
                "period_start": None if d.milestone_id else d.due.period.start,
                "period_end": None if d.milestone_id else d.due.period.end,
                "issue_date": d.due.bill_date,
                "due_date": invoice_due(d.due.bill_date, d.terms_kind, d.terms_days),
                "currency": d.client.currency,
                "status": (
                    Status.ISSUED if d.issue_now else Status.REVIEW if d.reasons else Status.DRAFT
                ).value,
                "terms_text": terms_text(d.terms_kind, d.terms_days),
                "reference": d.sched.reference,
                "creditor_reference": reference,
                "review_reasons": "\n".join(r.text for r in d.reasons),
                "bill_run_id": result.run_id,
                "issued_at": now if d.issue_now else None,
                "created_at": now,
                "updated_at": now,
                "paid_minor": 0,
                "credited_minor": 0,
                **figure_values(d.totals),
            }
        )
    ids = list(
        session.execute(
            insert(m.Invoice).returning(m.Invoice.id, sort_by_parameter_order=True), rows
        ).scalars()
    )
    line_rows = [
        {"invoice_id": invoice_id, **values}
        for invoice_id, d in zip(ids, drafts, strict=True)
        for values in line_values(d.totals)
    ]
    session.execute(insert(m.InvoiceLine), line_rows)
    events: list[tuple[str, str, object, dict[str, Any]]] = []
    billed: list[tuple[int, tuple[Any, ...]]] = []
    for invoice_id, d, row in zip(ids, drafts, rows, strict=True):
        for charge in d.one_offs:
            charge.invoice_id = invoice_id
        if d.milestone_id:
            session.execute(
                update(m.Milestone)
                .where(m.Milestone.id == d.milestone_id)
                .values(invoice_id=invoice_id)
            )
        if d.usage_scopes:
            billed.append((invoice_id, d.usage_scopes))
        events.append(
            (
                "invoice.bill_run",
                "invoice",
                invoice_id,
                {
                    "after": {
                        "kind": "invoice",
                        "client_id": d.client.id,
                        "total": d.totals.total.plain(),
                        "currency": d.client.currency,
                        "status": Status.REVIEW.value if d.reasons else Status.DRAFT.value,
                        "period_start": d.due.period.start,
                        "review": row["review_reasons"],
                    }
                },
            )
        )
        if d.issue_now:
            total = d.totals.total.minor
            events.append(
                (
                    "invoice.issue",
                    "invoice",
                    invoice_id,
                    {
                        "after": issue_audit(
                            row["number"], total, d.client.currency, d.due.bill_date
                        )
                    },
                )
            )
            issued.append(
                IssuedInvoice(
                    invoice_id,
                    "invoice",
                    row["number"],
                    d.client.id,
                    d.client.currency,
                    total,
                    d.due.bill_date,
                    row["due_date"],
                )
            )
    if billed:
        from app.services.usage import mark_billed

        mark_billed(session, [(invoice_id, list(scopes)) for invoice_id, scopes in billed])
    record_many(session, ctx.audit, events)
    run_issue_hooks(session, ctx, issued)
    for invoice_id, d in zip(ids, drafts, strict=True):
        result.created += 1
        result.invoice_ids.append(invoice_id)
        if d.issue_now:
            result.issued += 1
        elif d.reasons:
            result.review += 1
            result.review_reasons[invoice_id] = [r.text for r in d.reasons]
            _raise_review_items(session, ctx, invoice_id, d)


def _raise_review_items(session: Session, ctx: AppContext, invoice_id: int, d: _Draft) -> None:
    for r in d.reasons:
        raise_item(
            session,
            ctx,
            type=r.code if r.code != "catch_up" else "catch_up_bill_run",
            entity_type="invoice",
            entity_id=invoice_id,
            client_id=d.client.id,
            title=f"{d.client.name}: invoice for {d.due.period.start.isoformat()} needs review",
            explanation=r.text,
            severity="high" if r.code in ("high_value", "non_positive") else "medium",
            evidence={
                "schedule": d.sched.name,
                "period_start": d.due.period.start,
                "total": d.totals.total.plain(),
                "currency": d.client.currency,
            },
            actions="approve,edit,reject",
        )


@dataclass
class _PeriodUsage:
    quantities: dict[int, Decimal]
    scopes: tuple[Any, ...]
    adjustments: list[LineInput]
    missing: list[str]
    wait: bool


# Built once: asked for every metered agreement of a bill run.
_INVOICED_PERIODS = select(m.Invoice.period_start, m.Invoice.period_end).where(
    m.Invoice.schedule_id == bindparam("sid"), m.Invoice.period_start < bindparam("before")
)
_INTERIM_IDS = select(m.Invoice.id).where(
    m.Invoice.interim_schedule_id == bindparam("sid"),
    m.Invoice.period_start == bindparam("start"),
    m.Invoice.status != "void",
)


def _usage_for(
    session: Session, sched: m.Schedule, plan: SchedulePlan, due: DuePeriod, today: date
) -> _PeriodUsage:
    """Metered quantities for a period, late records of earlier periods, and the missing-data rule.

    A period whose usage has not arrived is not billed as zero: during the grace
    days after its end it waits; after them it goes to review as "usage missing".
    """
    from datetime import timedelta

    from app.core.usage import TimeEntry, rate, rate_time
    from app.services.usage import hold_usage_steady, late_usage, period_usage

    hold_usage_steady(session)
    quantities: dict[int, Decimal] = {}
    scopes: list[Any] = []
    adjustments: list[LineInput] = []
    missing: list[str] = []
    wait = False
    grace_over = today > due.period.end + timedelta(days=sched.usage_grace_days)
    conn = session.connection()
    invoiced = sorted(
        (p_start, p_end)
        for p_start, p_end in conn.execute(
            _INVOICED_PERIODS, {"sid": sched.id, "before": due.period.start}
        )
        if p_start and p_end
    )
    interim_ids = (
        conn.execute(_INTERIM_IDS, {"sid": sched.id, "start": due.period.start}).scalars().all()
    )
    for interim in (session.get(m.Invoice, i) for i in interim_ids):
        assert interim is not None
        for ln in interim.lines:
            adjustments.append(
                LineInput(
                    description=f"Already billed on interim invoice {interim.number or interim.id}",
                    quantity=Decimal(-1),
                    unit_price=Money.from_minor(ln.net_minor, interim.currency).amount,
                    tax_rate=ln.tax_rate,
                    tax_category=TaxCategory(ln.tax_category),
                    kind="adjustment",
                    period_start=due.period.start,
                    period_end=due.period.end,
                )
            )
    for line in plan.lines:
        if line.pricing is None:
            continue
        now = period_usage(session, sched.id, line.meter_item, due.period.start, due.period.end)
        if now.records == 0:
            wait = wait or not grace_over
            missing.append(line.meter_item or line.description)
        scopes.append(now.scope)
        entries = [
            TimeEntry(
                person or "Unnamed", hours, Money.from_minor(rate_minor, plan.currency).amount
            )
            for person, hours, rate_minor in now.timed
        ]
        if entries:
            for step in rate_time(entries):
                adjustments.append(
                    LineInput(
                        description=f"{line.description}: {step.label}",
                        quantity=step.quantity,
                        unit_price=step.unit_price,
                        tax_rate=line.tax_rate,
                        tax_category=line.tax_category,
                        kind="usage",
                        unit="h",
                        period_start=due.period.start,
                        period_end=due.period.end,
                        source_id=line.id,
                    )
                )
        else:
            quantities[line.id] = now.quantity
        # usage that arrived after its period was invoiced
        late = late_usage(session, sched.id, line.meter_item, invoiced)
        for (p_start, p_end), late_quantity in sorted(late.items()):
            everything = period_usage(session, sched.id, line.meter_item, p_start, p_end)
            billed = everything.quantity - late_quantity
            delta = (
                rate(everything.quantity, line.pricing).amount - rate(billed, line.pricing).amount
            )
            adjustments.append(
                LineInput(
                    description=f"{line.description}: late usage for {p_start.isoformat()} – "
                    f"{p_end.isoformat()} ({late_quantity.normalize():f} {line.pricing.unit} "
                    "arrived after that invoice)",
                    quantity=Decimal(1),
                    unit_price=delta,
                    tax_rate=line.tax_rate,
                    tax_category=line.tax_category,
                    kind="adjustment",
                    unit=line.pricing.unit,
                    period_start=p_start,
                    period_end=p_end,
                    source_id=line.id,
                )
            )
            scopes.append(everything.scope)
    return _PeriodUsage(quantities, tuple(scopes), adjustments, missing, wait)


def _milestone_drafts(
    session: Session,
    sched: m.Schedule,
    client: m.Client,
    today: date,
    chunk: _Chunk,
    issue_clean: bool,
    limits: ReviewThresholds,
) -> list[_Draft]:
    """Each milestone due (by date or delivery) and not yet invoiced becomes one invoice."""
    from app.core.currency import exponent
    from app.core.recurrence import Period
    from app.core.usage import Milestone as PlanMilestone
    from app.core.usage import milestone_amounts

    rows = list(
        session.execute(
            select(m.Milestone)
            .where(m.Milestone.schedule_id == sched.id)
            .order_by(m.Milestone.position)
        ).scalars()
    )
    if not rows or sched.contract_value_minor is None:
        return []
    value = Money.from_minor(sched.contract_value_minor, client.currency)
    amounts = milestone_amounts(
        value.amount,
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
    tax_rate = sched.lines[0].tax_rate if sched.lines else Decimal(0)
    out = []
    for ms, amount in zip(rows, amounts, strict=True):
        due_on = ms.delivered_on or ms.due_date
        if ms.invoice_id is not None or due_on is None or due_on > today:
            continue
        share = f"{ms.percent.normalize():f}% of " if ms.percent is not None else ""
        line = LineInput(
            f"{sched.name} — milestone: {ms.name} ({share}contract {value.plain()} {client.currency})",
            Decimal(1),
            amount,
            tax_rate,
            kind="milestone",
        )
        totals = compute_invoice([line], client.currency)
        point = Period(ms.position, due_on, due_on, due_on, due_on)
        draft = _Draft(
            sched=sched,
            client=client,
            due=DuePeriod(point, None, due_on),
            totals=totals,
            reasons=[],
            one_offs=[],
            terms_kind=sched.terms_kind or client.terms_kind,
            terms_days=sched.terms_days if sched.terms_days is not None else client.terms_days,
            milestone_id=ms.id,
        )
        draft.reasons = review_reasons(
            ReviewFacts(
                total=totals.total,
                comparable_total=totals.total,
                client_has_email=bool(client.email),
                client_has_address=bool(client.address_line1 and client.city),
                client_invoice_count=chunk.client_invoice_count.get(client.id, 0),
                previous_comparable_total=None,
                change_explains_variance=False,
                catch_up_periods=1,
            ),
            limits,
        )
        draft.issue_now = issue_clean and not draft.reasons
        if draft.issue_now:
            chunk.client_invoice_count[client.id] = chunk.client_invoice_count.get(client.id, 0) + 1
        out.append(draft)
    return out


def _interim_invoices(
    session: Session, ctx: AppContext, today: date, result: BillRunResult
) -> None:
    """Issue an interim invoice when a period's usage so far passes the line's threshold."""
    from app.core.usage import rate
    from app.services.invoice_store import issue, new_invoice
    from app.services.usage import hold_usage_steady, period_usage

    hold_usage_steady(session)
    schedule_ids = set(
        session.execute(
            select(m.ScheduleLine.schedule_id).where(
                m.ScheduleLine.metered.is_(True),
                m.ScheduleLine.pricing_json.like('%"interim_threshold": "%'),
            )
        ).scalars()
    )
    for sched in session.execute(
        select(m.Schedule).where(m.Schedule.id.in_(schedule_ids), m.Schedule.status == "active")
    ).scalars():
        client = session.get(m.Client, sched.client_id)
        assert client is not None
        plan = to_plan(sched, client.currency)
        period = plan.recurrence.period_containing(today)
        if period is None or period.end < today:
            continue
        already = session.execute(
            select(m.Invoice.id).where(
                m.Invoice.interim_schedule_id == sched.id, m.Invoice.period_start == period.start
            )
        ).first()
        if already:
            continue
        lines: list[LineInput] = []
        billed_scopes: list[Any] = []
        for line in plan.lines:
            threshold = line.pricing.interim_threshold if line.pricing else None
            if line.pricing is None or threshold is None:
                continue
            so_far = period_usage(session, sched.id, line.meter_item, period.start, today)
            if so_far.quantity <= threshold:
                continue
            rated = rate(so_far.quantity, line.pricing)
            lines.append(
                LineInput(
                    f"{line.description}: interim for {period.start.isoformat()} – {today.isoformat()}, "
                    f"{so_far.quantity.normalize():f} {line.pricing.unit} so far (above {threshold.normalize():f})",
                    Decimal(1),
                    rated.amount,
                    line.tax_rate,
                    line.tax_category,
                    kind="usage",
                    unit=line.pricing.unit,
                    period_start=period.start,
                    period_end=today,
                    source_id=line.id,
                )
            )
            billed_scopes.append(so_far.scope)
        if not lines:
            continue
        row = new_invoice(
            session,
            ctx,
            client=client,
            lines=lines,
            issue_date=today,
            due_date=invoice_due(
                today,
                sched.terms_kind or client.terms_kind,
                sched.terms_days if sched.terms_days is not None else client.terms_days,
            ),
            terms_text=terms_text(
                sched.terms_kind or client.terms_kind,
                sched.terms_days if sched.terms_days is not None else client.terms_days,
            ),
            period_start=period.start,
            period_end=today,
            reference=f"Interim: {sched.name}",
            bill_run_id=result.run_id,
            audit_action="invoice.interim",
        )
        row.interim_schedule_id = sched.id
        issue(session, ctx, row)
        from app.services.usage import mark_billed

        mark_billed(session, [(row.id, billed_scopes)])
        result.created += 1
        result.issued += 1
        result.invoice_ids.append(row.id)
