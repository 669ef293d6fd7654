"""The transactional outbox: every e-mail is a row written with the event that caused it.

A message moves queued → sending → sent, or to failed / cancelled / unknown /
skipped.  A unique key (invoice, kind, stage, cycle) makes a second copy
impossible, whoever writes it.  Sending is claim (committed, Message-ID fixed)
→ send → mark sent, so a crash can only leave a message in ``sending``; on the
next start such a claim becomes ``unknown`` and waits for the user ("it may
have gone out — check your Sent folder"), because sending it again by itself
is exactly the duplicate reminder we promise never to send.
"""

from __future__ import annotations

import os
import socket
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.utils import make_msgid

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from app.db import models as m
from app.services.audit import record, record_many
from app.services.context import AppContext
from app.services.errors import NotFoundError

STATES = ("queued", "sending", "sent", "failed", "cancelled", "unknown", "skipped")
KINDS = ("invoice", "credit_note", "reminder", "receipt", "statement")
MAX_ATTEMPTS = 8
FIRST_RETRY = timedelta(minutes=1)
LONGEST_RETRY = timedelta(hours=6)
LEASE = timedelta(minutes=15)
UNKNOWN_TEXT = (
    "Counterfoil stopped while this e-mail was being sent, so it may have gone out. "
    "Check your Sent folder, then mark it sent or send it again."
)


def dedupe_key(kind: str, about: str, about_id: int, stage: str = "", cycle: int = 0) -> str:
    """``invoice:42:reminder:second:0`` — what makes a second copy impossible."""
    return f"{about}:{about_id}:{kind}:{stage}:{cycle}"


def about_of(key: str) -> tuple[str, int]:
    """The (entity, id) a message is about, read back from its key (receipts name a payment)."""
    about, about_id, *_ = key.split(":")
    return about, int(about_id)


@dataclass(frozen=True)
class NewMessage:
    kind: str
    to_address: str
    about: str  # invoice | client | payment
    about_id: int
    invoice_id: int | None = None
    client_id: int | None = None
    stage: str = ""
    cycle: int = 0
    status: str = "queued"
    note: str = ""
    attachment_kind: str = ""

    @property
    def key(self) -> str:
        return dedupe_key(self.kind, self.about, self.about_id, self.stage, self.cycle)


def enqueue(session: Session, ctx: AppContext, messages: Sequence[NewMessage]) -> dict[str, int]:
    """Write messages in the caller's transaction; those whose key exists are left out.

    Returns key → id of the messages written now.

    Works in bulk (a bill run issues thousands of invoices in one transaction):
    one query for the keys already present, one insert, one audit batch.
    """
    if not messages:
        return {}
    wanted = {msg.key: msg for msg in messages}
    present: set[str] = set()
    keys = list(wanted)
    for start in range(0, len(keys), 900):
        present.update(
            session.execute(
                select(m.OutboxMessage.dedupe_key).where(
                    m.OutboxMessage.dedupe_key.in_(keys[start : start + 900])
                )
            ).scalars()
        )
    now = ctx.clock.now_utc()
    rows = [
        {
            "dedupe_key": key,
            "kind": msg.kind,
            "stage": msg.stage,
            "invoice_id": msg.invoice_id,
            "client_id": msg.client_id,
            "to_address": msg.to_address,
            "subject": "",
            "body_text": "",
            "body_html": "",
            "attachment_kind": msg.attachment_kind,
            "message_id": "",
            "status": msg.status,
            "attempts": 0,
            "not_before": min(now, ctx.clock.wall_utc()),
            "last_error": msg.note,
            "claimed_by": "",
            "created_at": now,
        }
        for key, msg in wanted.items()
        if key not in present
    ]
    if not rows:
        return {}
    session.flush()
    inserted = session.scalars(
        insert(m.OutboxMessage).returning(m.OutboxMessage.id, sort_by_parameter_order=True), rows
    ).all()
    ids = {r["dedupe_key"]: message_id for r, message_id in zip(rows, inserted, strict=True)}
    record_many(
        session,
        ctx.audit,
        [
            (
                "mail.queue" if r["status"] == "queued" else f"mail.{r['status']}",
                "outbox",
                ids[r["dedupe_key"]],
                {"key": r["dedupe_key"], "to": r["to_address"], "note": r["last_error"]},
            )
            for r in rows
        ],
    )
    return ids


# --- claiming and delivery states ---------------------------------------------------


def worker_id() -> str:
    """``host:pid/token``: the process part tells a later start whether the claimer died."""
    return f"{socket.gethostname()}:{os.getpid()}/{uuid.uuid4().hex[:8]}"


@dataclass(frozen=True)
class Claim:
    id: int
    kind: str
    stage: str
    dedupe_key: str
    invoice_id: int | None
    client_id: int | None
    to_address: str
    subject: str
    body_text: str
    body_html: str
    message_id: str
    attempts: int
    worker: str
    attachment: Callable[[], tuple[str, bytes]] | None = None


@dataclass(frozen=True)
class Composed:
    """The message's words, fixed at claim time from the data as it is then."""

    subject: str
    body_text: str
    body_html: str
    to_address: str
    attachment: Callable[[], tuple[str, bytes]] | None = None


@dataclass(frozen=True)
class Refused:
    """Why a queued message must not go out after all (paid meanwhile, no address…)."""

    status: str  # cancelled | failed
    reason: str


Composer = Callable[[Session, AppContext, m.OutboxMessage], Composed | Refused]


def claim_next(ctx: AppContext, worker: str, compose: Composer, domain: str) -> Claim | None:
    """Claim the next message that may go now, in its own committed transaction."""
    while True:
        with ctx.uow() as uow:
            s = uow.session
            row = s.execute(
                select(m.OutboxMessage)
                .where(
                    m.OutboxMessage.status == "queued",
                    m.OutboxMessage.not_before <= ctx.clock.wall_utc(),
                )
                .order_by(m.OutboxMessage.not_before, m.OutboxMessage.id)
                .limit(1)
                .with_for_update(skip_locked=True)
            ).scalar_one_or_none()
            if row is None:
                return None
            outcome = compose(s, ctx, row)
            if isinstance(outcome, Refused):
                set_status(s, ctx, row, outcome.status, outcome.reason)
                uow.commit()
                continue
            row.subject, row.body_text, row.body_html = (
                outcome.subject,
                outcome.body_text,
                outcome.body_html,
            )
            row.to_address = outcome.to_address
            if not row.message_id:
                row.message_id = make_msgid(idstring=f"cf{row.id}", domain=domain)
            row.status = "sending"
            row.claimed_at = ctx.clock.wall_utc()
            row.claimed_by = worker
            row.attempts += 1
            claim = Claim(
                row.id,
                row.kind,
                row.stage,
                row.dedupe_key,
                row.invoice_id,
                row.client_id,
                row.to_address,
                row.subject,
                row.body_text,
                row.body_html,
                row.message_id,
                row.attempts,
                worker,
                outcome.attachment,
            )
            uow.commit()
            return claim


def set_status(s: Session, ctx: AppContext, row: m.OutboxMessage, status: str, note: str) -> None:
    before = row.status
    row.status = status
    row.last_error = note
    record(
        s,
        ctx.audit,
        f"mail.{status}",
        "outbox",
        row.id,
        before={"status": before},
        after={"status": status, "note": note[:300]},
    )
    if status == "failed":
        _raise_failure(s, ctx, row, note)


def _raise_failure(s: Session, ctx: AppContext, row: m.OutboxMessage, note: str) -> None:
    from app.services.exceptions import raise_item

    raise_item(
        s,
        ctx,
        type="mail_failed",
        entity_type="outbox",
        entity_id=row.id,
        client_id=row.client_id,
        severity="high" if row.kind == "reminder" else "medium",
        title=f"E-mail to {row.to_address or 'a client without address'} could not be sent",
        explanation=note,
        evidence={"kind": row.kind, "stage": row.stage, "invoice_id": row.invoice_id},
        actions="fix the address, then retry in the Outbox; or cancel",
    )


def load_message(s: Session, message_id: int) -> m.OutboxMessage:
    row = s.get(m.OutboxMessage, message_id)
    if row is None:
        raise NotFoundError(f"There is no outbox message {message_id}.")
    return row


def mark_sent(ctx: AppContext, claim: Claim, reply: str = "") -> None:
    """The server accepted the message: record it (and an invoice e-mail makes it 'sent')."""
    with ctx.uow() as uow:
        s = uow.session
        row = load_message(s, claim.id)
        if row.status not in ("sending", "unknown"):
            return
        row.status = "sent"
        row.sent_at = ctx.clock.now_utc()
        row.last_error = ""
        if row.kind in ("invoice", "credit_note") and row.invoice_id is not None:
            mark_invoice_sent(s, ctx, row.invoice_id, row.sent_at)
        record(
            s,
            ctx.audit,
            "mail.sent",
            "outbox",
            row.id,
            after={
                "key": row.dedupe_key,
                "to": row.to_address,
                "message_id": row.message_id,
                "reply": reply[:200],
            },
        )
        uow.commit()


def mark_invoice_sent(s: Session, ctx: AppContext, invoice_id: int, at: datetime) -> None:
    from app.core.invoices import OPEN, settled_status

    invoice = s.get(m.Invoice, invoice_id)
    if invoice is None or invoice.sent_at is not None:
        return
    invoice.sent_at = at
    if invoice.status in {st.value for st in OPEN}:
        invoice.status = settled_status(
            paid_minor=invoice.paid_minor, balance_minor=invoice.balance_minor, sent=True
        ).value
    invoice.updated_at = at


def backoff(attempts: int) -> timedelta:
    """1, 2, 4, 8 … minutes after each failed attempt, never more than six hours."""
    return min(FIRST_RETRY * (2 ** max(attempts - 1, 0)), LONGEST_RETRY)


def retry_later(
    ctx: AppContext, claim: Claim, error: str, *, counted: bool = True, may_fail: bool = True
) -> str:
    """A temporary failure: back to the queue after a growing pause; failed after many.

    ``counted=False`` (a setting is wrong, not the message) puts it back at once;
    ``may_fail=False`` (the server is unreachable) keeps it queued however long
    that lasts, still pausing longer and longer between tries.
    """
    with ctx.uow() as uow:
        s = uow.session
        row = load_message(s, claim.id)
        if row.status != "sending":
            return row.status
        if not counted:
            row.attempts = max(row.attempts - 1, 0)
        if may_fail and row.attempts >= MAX_ATTEMPTS:
            set_status(s, ctx, row, "failed", f"Gave up after {row.attempts} attempts: {error}")
        else:
            row.status = "queued"
            row.last_error = error
            row.not_before = ctx.clock.wall_utc() + (
                backoff(row.attempts) if counted else timedelta()
            )
        uow.commit()
        return row.status


def fail(ctx: AppContext, claim: Claim, error: str) -> None:
    """A permanent failure (5xx, bad address): stop, and ask a human via the exceptions queue."""
    with ctx.uow() as uow:
        row = load_message(uow.session, claim.id)
        if row.status == "sending":
            set_status(uow.session, ctx, row, "failed", error)
        uow.commit()


def mark_unknown(ctx: AppContext, claim: Claim, error: str) -> None:
    with ctx.uow() as uow:
        row = load_message(uow.session, claim.id)
        if row.status == "sending":
            set_status(uow.session, ctx, row, "unknown", f"{UNKNOWN_TEXT} ({error})")
        uow.commit()


def _claimer_gone(claimed_by: str) -> bool:
    host, _, pid = claimed_by.split("/", 1)[0].rpartition(":")
    if host != socket.gethostname() or not pid.isdigit() or int(pid) == os.getpid():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False


def recover(ctx: AppContext) -> int:
    """Claims left by a process that died (or went silent) become ``unknown``; never re-sent."""
    cutoff = ctx.clock.wall_utc() - LEASE
    with ctx.uow() as uow:
        s = uow.session
        stale = [
            row
            for row in s.execute(
                select(m.OutboxMessage).where(m.OutboxMessage.status == "sending")
            ).scalars()
            if _claimer_gone(row.claimed_by)
            or (row.claimed_at is not None and row.claimed_at < cutoff)
        ]
        for row in stale:
            set_status(s, ctx, row, "unknown", UNKNOWN_TEXT)
        uow.commit()
    return len(stale)
