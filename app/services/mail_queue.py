"""Which events put an e-mail in the outbox, in the same transaction as the event.

Issuing an invoice queues its e-mail (bill runs: thousands at once, in bulk);
a payment can queue a thank-you receipt; the user can queue a statement or send
an invoice again.  A client without an e-mail address does not stop anything:
the message is recorded as failed and the exceptions queue asks for the address.
"""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.db import models as m
from app.services import settings as settings_service
from app.services.context import AppContext
from app.services.errors import InvariantError, NotFoundError
from app.services.exceptions import raise_item
from app.services.invoice_store import IssuedInvoice
from app.services.outbox import NewMessage, enqueue

NO_ADDRESS = "{name} has no e-mail address; add one to the client, then retry the message."


def _addresses(s: Session, client_ids: set[int]) -> dict[int, tuple[str, str]]:
    """client id → (name, address) for many clients in a few column queries."""
    out: dict[int, tuple[str, str]] = {}
    ids = list(client_ids)
    for start in range(0, len(ids), 900):
        chunk = ids[start : start + 900]
        out.update(
            (cid, (name, email.strip()))
            for cid, name, email in s.execute(
                select(m.Client.id, m.Client.name, m.Client.email).where(m.Client.id.in_(chunk))
            )
        )
    missing = [cid for cid, (_, email) in out.items() if not email]
    for start in range(0, len(missing), 900):
        for cid, email in s.execute(
            select(m.ClientContact.client_id, m.ClientContact.email)
            .where(
                m.ClientContact.client_id.in_(missing[start : start + 900]),
                m.ClientContact.is_billing.is_(True),
                m.ClientContact.email != "",
            )
            .order_by(m.ClientContact.id)
        ):
            if not out[cid][1]:
                out[cid] = (out[cid][0], email.strip())
    return out


def _no_address(
    s: Session, ctx: AppContext, written: dict[str, int], messages: list[NewMessage]
) -> None:
    """One item per client without an address (not one per message: a catch-up would flood)."""
    waiting: dict[int, int] = {}
    for msg in messages:
        if msg.status == "failed" and msg.key in written and msg.client_id is not None:
            waiting[msg.client_id] = waiting.get(msg.client_id, 0) + 1
    for client_id, count in waiting.items():
        client = s.get(m.Client, client_id)
        name = client.name if client else f"client {client_id}"
        raise_item(
            s,
            ctx,
            type="mail_failed",
            entity_type="client",
            entity_id=client_id,
            key="no_address",
            client_id=client_id,
            title=f"{name} has no e-mail address: invoices cannot be e-mailed",
            explanation=NO_ADDRESS.format(name=name)
            + f" {count} message(s) wait in the Outbox; retry them once the address is added.",
            evidence={"messages": count},
            actions="add the address to the client, then retry in the Outbox",
        )


def queue_issued(s: Session, ctx: AppContext, issued: list[IssuedInvoice]) -> None:
    """The issue hook: each issued invoice or credit note gets its e-mail, in bulk."""
    if not issued or not settings_service.get(s, "mail.send_invoices"):
        return
    clients = _addresses(s, {i.client_id for i in issued})
    messages = []
    for item in issued:
        name, address = clients.get(item.client_id, ("The client", ""))
        messages.append(
            NewMessage(
                kind="credit_note" if item.kind == "credit_note" else "invoice",
                to_address=address,
                about="invoice",
                about_id=item.id,
                invoice_id=item.id,
                client_id=item.client_id,
                status="queued" if address else "failed",
                note="" if address else NO_ADDRESS.format(name=name),
                attachment_kind="invoice_pdf",
            )
        )
    written = enqueue(s, ctx, messages)
    _no_address(s, ctx, written, [msg for msg in messages if msg.status == "failed"])


def queue_invoice_email(ctx: AppContext, invoice_id: int) -> int:
    """E-mail an issued invoice (again): a new cycle of its e-mail, queued now."""
    with ctx.uow() as uow:
        s = uow.session
        invoice = s.get(m.Invoice, invoice_id)
        if invoice is None:
            raise NotFoundError(f"There is no invoice with id {invoice_id}.")
        if not invoice.number or invoice.status == "void":
            raise InvariantError("Only an issued invoice can be e-mailed.")
        kind = "credit_note" if invoice.kind == "credit_note" else "invoice"
        cycles = s.execute(
            select(m.OutboxMessage.dedupe_key).where(
                m.OutboxMessage.invoice_id == invoice.id, m.OutboxMessage.kind == kind
            )
        ).scalars()
        cycle = 1 + max((int(key.rsplit(":", 1)[1]) for key in cycles), default=-1)
        name, address = _addresses(s, {invoice.client_id})[invoice.client_id]
        msg = NewMessage(
            kind,
            address,
            "invoice",
            invoice.id,
            invoice_id=invoice.id,
            client_id=invoice.client_id,
            cycle=cycle,
            status="queued" if address else "failed",
            note="" if address else NO_ADDRESS.format(name=name),
            attachment_kind="invoice_pdf",
        )
        written = enqueue(s, ctx, [msg])
        _no_address(s, ctx, written, [msg])
        uow.commit()
        return written[msg.key]


def queue_receipt(s: Session, ctx: AppContext, payment_id: int) -> list[int]:
    """A thank-you for one payment (once per payment), in the caller's transaction."""
    payment = s.get(m.Payment, payment_id)
    if payment is None or payment.kind != "payment" or payment.reversed_at is not None:
        return []
    name, address = _addresses(s, {payment.client_id}).get(payment.client_id, ("", ""))
    msg = NewMessage(
        "receipt",
        address,
        "payment",
        payment.id,
        client_id=payment.client_id,
        status="queued" if address else "failed",
        note="" if address else NO_ADDRESS.format(name=name),
    )
    written = enqueue(s, ctx, [msg])
    _no_address(s, ctx, written, [msg])
    return list(written.values())


def queue_recent_receipts(ctx: AppContext, days: int = 3) -> int:
    """Receipts for payments of the last few days that have none yet (when switched on)."""
    with ctx.uow() as uow:
        s = uow.session
        if not settings_service.get(s, "mail.send_receipts"):
            return 0
        since = ctx.clock.now_utc() - timedelta(days=days)
        payments = s.execute(
            select(m.Payment.id).where(
                m.Payment.kind == "payment",
                m.Payment.reversed_at.is_(None),
                m.Payment.created_at >= since,
            )
        ).scalars()
        queued = sum(len(queue_receipt(s, ctx, pid)) for pid in list(payments))
        uow.commit()
        return queued


def queue_statement(ctx: AppContext, client_id: int, start: date, end: date) -> int:
    """A statement of account for one client and period (once per period)."""
    if end < start:
        raise InvariantError("The statement ends before it starts.")
    with ctx.uow() as uow:
        s = uow.session
        client = s.get(m.Client, client_id)
        if client is None:
            raise NotFoundError(f"There is no client with id {client_id}.")
        name, address = _addresses(s, {client.id})[client.id]
        msg = NewMessage(
            "statement",
            address,
            "client",
            client.id,
            client_id=client.id,
            stage=f"{start:%Y%m%d}-{end:%Y%m%d}",
            status="queued" if address else "failed",
            note="" if address else NO_ADDRESS.format(name=name),
            attachment_kind="statement_pdf",
        )
        written = enqueue(s, ctx, [msg])
        if not written:
            raise InvariantError(
                f"A statement for {start.isoformat()} – {end.isoformat()} was already queued for "
                f"{name}."
            )
        _no_address(s, ctx, written, [msg])
        uow.commit()
        return written[msg.key]
