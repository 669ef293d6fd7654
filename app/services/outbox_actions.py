"""What the user can do with a message in the Outbox: cancel, retry, mark sent, send again.

An ``unknown`` message is the one case the program cannot settle alone: only
the user can look in the Sent folder.  Both answers are recorded in the audit
log, and "send again" keeps the Message-ID, so a mail client that did receive
the first copy can recognise the second.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy.orm import Session

from app.db import models as m
from app.services.audit import record
from app.services.context import AppContext
from app.services.errors import InvariantError
from app.services.outbox import load_message, mark_invoice_sent, set_status


@contextmanager
def _acting_on(
    ctx: AppContext, message_id: int, allowed: tuple[str, ...], what: str
) -> Iterator[tuple[Session, m.OutboxMessage]]:
    with ctx.uow() as uow:
        row = load_message(uow.session, message_id)
        if row.status not in allowed:
            raise InvariantError(
                f"Message {message_id} is {row.status}; only {' or '.join(allowed)} messages "
                f"can be {what}."
            )
        yield uow.session, row
        uow.commit()


def cancel(ctx: AppContext, message_id: int) -> None:
    """Stop a queued or failed message from ever going out."""
    with _acting_on(ctx, message_id, ("queued", "failed"), "cancelled") as (s, row):
        set_status(s, ctx, row, "cancelled", f"Cancelled by {ctx.actor}.")
        _resolve(s, ctx, row, "cancelled")


def retry(ctx: AppContext, message_id: int) -> None:
    """Put a failed message back in the queue now (after the address was corrected)."""
    with _acting_on(ctx, message_id, ("failed",), "retried") as (s, row):
        row.status, row.attempts, row.last_error = "queued", 0, ""
        row.not_before = ctx.clock.wall_utc()
        client = s.get(m.Client, row.client_id) if row.client_id is not None else None
        if client is not None and client.email:
            row.to_address = client.email
        record(s, ctx.audit, "mail.retry", "outbox", row.id, after={"to": row.to_address})
        _resolve(s, ctx, row, "retried")


def confirm_sent(ctx: AppContext, message_id: int) -> None:
    """The user found an ``unknown`` message in the Sent folder: it went out."""
    with _acting_on(ctx, message_id, ("unknown",), "marked sent") as (s, row):
        row.status = "sent"
        row.sent_at = row.claimed_at or ctx.clock.now_utc()
        if row.kind in ("invoice", "credit_note") and row.invoice_id is not None:
            mark_invoice_sent(s, ctx, row.invoice_id, row.sent_at)
        record(s, ctx.audit, "mail.confirm_sent", "outbox", row.id, after={"by": ctx.actor})


def send_again(ctx: AppContext, message_id: int) -> None:
    """The user checked: an ``unknown`` message did not go out; queue it again (same Message-ID)."""
    with _acting_on(ctx, message_id, ("unknown",), "sent again") as (s, row):
        row.status, row.last_error = "queued", ""
        row.not_before = ctx.clock.wall_utc()
        record(s, ctx.audit, "mail.send_again", "outbox", row.id, after={"by": ctx.actor})


def _resolve(s: Session, ctx: AppContext, row: m.OutboxMessage, how: str) -> None:
    from app.services.exceptions import resolve_items

    resolve_items(s, ctx, entity_type="outbox", entity_id=row.id, resolution=f"message {how}")
