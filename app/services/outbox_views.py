"""The Outbox as lists and single messages, for the Outbox page and ``list outbox``."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, or_, select

from app.core.text import fold
from app.db import models as m
from app.services.context import AppContext
from app.services.errors import NotFoundError

# What a page tab shows: "queued" includes the ones being sent right now.
GROUPS: dict[str, tuple[str, ...]] = {
    "queued": ("queued", "sending"),
    "sent": ("sent",),
    "failed": ("failed",),
    "unknown": ("unknown",),
    "other": ("cancelled", "skipped"),
}


@dataclass(frozen=True)
class OutboxRow:
    id: int
    kind: str
    stage: str
    status: str
    to_address: str
    subject: str
    invoice_number: str
    client_name: str
    attempts: int
    created_at: datetime
    not_before: datetime
    sent_at: datetime | None
    last_error: str

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


@dataclass(frozen=True)
class OutboxQuery:
    statuses: tuple[str, ...] = ()
    search: str = ""
    invoice_id: int | None = None


def outbox_ids(ctx: AppContext, q: OutboxQuery) -> list[int]:
    """Matching messages, newest first (one indexed query)."""
    stmt = select(m.OutboxMessage.id)
    if q.statuses:
        stmt = stmt.where(m.OutboxMessage.status.in_(q.statuses))
    if q.invoice_id is not None:
        stmt = stmt.where(m.OutboxMessage.invoice_id == q.invoice_id)
    words = fold(q.search).split()
    if words:
        stmt = stmt.outerjoin(m.Invoice, m.Invoice.id == m.OutboxMessage.invoice_id).outerjoin(
            m.Client, m.Client.id == m.OutboxMessage.client_id
        )
        for word in words:
            stmt = stmt.where(
                or_(
                    func.upper(m.OutboxMessage.to_address).like(f"%{word}%"),
                    func.upper(m.Invoice.number).like(f"%{word}%"),
                    m.Client.search_key.like(f"%{word}%"),
                )
            )
    with ctx.uow.read() as uow:
        return list(uow.session.execute(stmt.order_by(m.OutboxMessage.id.desc())).scalars())


def outbox_rows(ctx: AppContext, ids: list[int]) -> list[OutboxRow]:
    if not ids:
        return []
    stmt = (
        select(m.OutboxMessage, m.Invoice.number, m.Client.name)
        .outerjoin(m.Invoice, m.Invoice.id == m.OutboxMessage.invoice_id)
        .outerjoin(m.Client, m.Client.id == m.OutboxMessage.client_id)
        .where(m.OutboxMessage.id.in_(ids))
    )
    with ctx.uow.read() as uow:
        found = {
            r.id: OutboxRow(
                r.id,
                r.kind,
                r.stage,
                r.status,
                r.to_address,
                r.subject,
                number or "",
                name or "",
                r.attempts,
                r.created_at,
                r.not_before,
                r.sent_at,
                r.last_error,
            )
            for r, number, name in uow.session.execute(stmt)
        }
    return [found[i] for i in ids if i in found]


def list_outbox(ctx: AppContext, q: OutboxQuery) -> list[OutboxRow]:
    ids = outbox_ids(ctx, q)
    out: list[OutboxRow] = []
    for start in range(0, len(ids), 900):
        out += outbox_rows(ctx, ids[start : start + 900])
    return out


def outbox_counts(ctx: AppContext) -> dict[str, int]:
    """How many messages are in each state (the page's tab labels)."""
    with ctx.uow.read() as uow:
        counts = dict(
            uow.session.execute(
                select(m.OutboxMessage.status, func.count()).group_by(m.OutboxMessage.status)
            ).all()
        )
    return {
        status: int(counts.get(status, 0))
        for status in ("queued", "sending", "sent", "failed", "cancelled", "unknown", "skipped")
    }


@dataclass(frozen=True)
class MessageView:
    """A message as it was (or will be) sent: headers, both bodies and what was attached."""

    row: OutboxRow
    message_id: str
    sender: str
    reply_to: str
    body_text: str
    body_html: str
    attachment: str
    claimed_at: datetime | None

    def as_dict(self) -> dict[str, Any]:
        return {**self.__dict__, "row": self.row.as_dict()}


ATTACHMENTS = {
    "invoice_pdf": "the invoice PDF",
    "reminder_pdf": "the reminder letter PDF",
    "statement_pdf": "the statement PDF",
}


def message_view(ctx: AppContext, message_id: int) -> MessageView:
    from app.services import settings as settings_service

    rows = outbox_rows(ctx, [message_id])
    if not rows:
        raise NotFoundError(f"There is no outbox message {message_id}.")
    with ctx.uow.read() as uow:
        r = uow.session.get(m.OutboxMessage, message_id)
        assert r is not None
        values = settings_service.get_all(uow.session)
        sender = values["smtp.sender_address"] or values["company.email"]
        name = values["smtp.sender_name"] or values["company.name"]
        return MessageView(
            rows[0],
            r.message_id,
            f"{name} <{sender}>" if name else sender,
            values["smtp.reply_to"],
            r.body_text,
            r.body_html,
            ATTACHMENTS.get(r.attachment_kind, ""),
            r.claimed_at,
        )
