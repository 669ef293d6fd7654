"""Reading the reminder plan without changing anything: the timeline and ``send --dry-run``.

Both ask the same policy the sender asks, so what the user is shown (next
reminder on Tuesday at 09:00; paused because the invoice is disputed) is what
will happen.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo
from typing import Any

from sqlalchemy import select

from app.core.dunning import DONE, HOLD, SEND, STAGE_TITLES
from app.db import models as m
from app.services.context import AppContext
from app.services.dunning import evaluate
from app.services.errors import NotFoundError

KIND_TITLES = {
    "invoice": "Invoice e-mail",
    "credit_note": "Credit note e-mail",
    "receipt": "Payment receipt",
    "statement": "Statement of account",
}


@dataclass(frozen=True)
class TimelineEntry:
    when: datetime | date | None
    title: str
    status: str  # a message state, or next / paused / planned
    detail: str = ""
    message_id: int | None = None

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


@dataclass(frozen=True)
class ReminderTimeline:
    invoice_id: int
    number: str
    action: str  # send | wait | hold | done
    summary: str
    entries: tuple[TimelineEntry, ...]

    def as_dict(self) -> dict[str, Any]:
        return {**self.__dict__, "entries": [e.as_dict() for e in self.entries]}


def _title(kind: str, stage: str) -> str:
    if kind == "reminder":
        return STAGE_TITLES.get(stage, stage.replace("_", " ").capitalize())
    return KIND_TITLES.get(kind, kind)


def timeline(ctx: AppContext, invoice_id: int) -> ReminderTimeline:
    """What was sent about an invoice, what comes next and when, and why anything waits."""
    with ctx.uow.read() as uow:
        s = uow.session
        invoice = s.get(m.Invoice, invoice_id)
        if invoice is None:
            raise NotFoundError(f"There is no invoice with id {invoice_id}.")
        rows = list(
            s.execute(
                select(m.OutboxMessage)
                .where(m.OutboxMessage.invoice_id == invoice_id)
                .order_by(m.OutboxMessage.id)
            ).scalars()
        )
        entries = [
            TimelineEntry(
                r.sent_at or r.claimed_at or r.created_at,
                _title(r.kind, r.stage),
                r.status,
                r.last_error if r.status != "sent" else f"to {r.to_address}",
                r.id,
            )
            for r in rows
        ]
        due_date = invoice.due_date
        if invoice.kind != "invoice" or not invoice.number:
            return ReminderTimeline(invoice_id, invoice.number or "", DONE, "", tuple(entries))
        ev = evaluate(s, ctx, [invoice_id])[0]
    d = ev.decision
    done = set(ev.facts.stages_done)
    upcoming = [st for st in ev.policy.stages if st.key not in done]
    if d.action != DONE:
        for st in upcoming:
            day = due_date + timedelta(days=st.offset_days)
            if d.stage is not None and st.key == d.stage.key:
                status = "paused" if d.action == HOLD else "next"
                when = d.next_at if d.next_at is not None else day
                if d.action == SEND:
                    when = ctx.clock.now_utc()
                entries.append(TimelineEntry(when, st.title, status, d.reason))
            elif d.stage is not None and st.offset_days < d.stage.offset_days:
                entries.append(
                    TimelineEntry(day, st.title, "planned", "will be skipped: a later stage is due")
                )
            else:
                tz = _zone(ev.facts.client_tz) or ctx.clock.tz
                first = ev.policy.window.next_opening(datetime.combine(day, time(0), tz))
                entries.append(TimelineEntry(first, st.title, "planned", f"{st.label} days"))
    elif d.code != "paid":
        entries.append(TimelineEntry(None, "Reminders", "paused", d.reason))
    return ReminderTimeline(invoice_id, ev.number, d.action, d.reason, tuple(entries))


def _zone(name: str) -> tzinfo | None:
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        return ZoneInfo(name) if name else None
    except (ZoneInfoNotFoundError, ValueError):
        return None


@dataclass(frozen=True)
class PlannedMail:
    """One line of ``send --dry-run``: what would go out now, or why it does not."""

    status: str  # would_send | would_skip | retry_later | held | waiting
    kind: str
    stage: str
    about: str
    to: str
    why: str
    when: datetime | None = None

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


def dry_run(ctx: AppContext, include_waiting: bool = False) -> list[PlannedMail]:
    """What ``send`` would do now, and why; changes nothing."""
    out: list[PlannedMail] = []
    wall = ctx.clock.wall_utc()
    with ctx.uow.read() as uow:
        s = uow.session
        for r, number, client in s.execute(
            select(m.OutboxMessage, m.Invoice.number, m.Client.name)
            .outerjoin(m.Invoice, m.Invoice.id == m.OutboxMessage.invoice_id)
            .outerjoin(m.Client, m.Client.id == m.OutboxMessage.client_id)
            .where(m.OutboxMessage.status == "queued")
            .order_by(m.OutboxMessage.not_before, m.OutboxMessage.id)
        ):
            ready = r.not_before <= wall
            why = f"{_title(r.kind, r.stage)} queued"
            if r.last_error:
                why += f"; last attempt: {r.last_error}"
            out.append(
                PlannedMail(
                    "would_send" if ready else "retry_later",
                    r.kind,
                    r.stage,
                    number or client or "",
                    r.to_address,
                    why,
                    None if ready else r.not_before,
                )
            )
        for ev in evaluate(s, ctx):
            d = ev.decision
            stage = d.stage.key if d.stage else ""
            if d.action == SEND:
                out.append(
                    PlannedMail("would_send", "reminder", stage, ev.number, ev.to_address, d.reason)
                )
                out += [
                    PlannedMail(
                        "would_skip",
                        "reminder",
                        st.key,
                        ev.number,
                        ev.to_address,
                        "an older stage; only the latest due stage is sent",
                    )
                    for st in d.skip
                ]
            elif d.action == HOLD:
                out.append(
                    PlannedMail("held", "reminder", stage, ev.number, ev.to_address, d.reason)
                )
            elif include_waiting and d.action != DONE:
                out.append(
                    PlannedMail(
                        "waiting", "reminder", stage, ev.number, ev.to_address, d.reason, d.next_at
                    )
                )
    return out
