"""Money in and out: payments, allocations, client credit, refunds, write-offs, undo.

Every movement is an allocation row; undo never deletes, it adds a reversal
row, so an invoice returns to its exact former balance and the history stays.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.core.allocation import OpenItem, oldest_first
from app.core.invoices import OPEN, settled_status
from app.core.money import Money
from app.db import models as m
from app.services import settings as settings_service
from app.services.audit import record
from app.services.bank_line_memory import LineMemory
from app.services.context import AppContext
from app.services.errors import InvariantError, NotFoundError, ValidationError
from app.services.payment_views import AllocationLine as AllocationLine
from app.services.payment_views import PaymentDetail as PaymentDetail
from app.services.payment_views import PaymentQuery as PaymentQuery
from app.services.payment_views import PaymentRow as PaymentRow
from app.services.payment_views import list_payments as list_payments
from app.services.payment_views import payment_detail as payment_detail
from app.services.payment_views import payment_ids as payment_ids
from app.services.payment_views import payment_rows as payment_rows

OPEN_VALUES = [s.value for s in OPEN]
CREDIT_KINDS = ("payment", "credit")


@dataclass
class PaymentResult:
    payment_id: int
    client_id: int
    currency: str
    amount_minor: int
    allocations: list[tuple[str, int]] = field(default_factory=list)  # (invoice number, amount)
    credit_minor: int = 0

    def as_dict(self) -> dict[str, Any]:
        return {
            "payment_id": self.payment_id,
            "client_id": self.client_id,
            "currency": self.currency,
            "amount": Money.from_minor(self.amount_minor, self.currency).plain(),
            "allocations": [
                {"invoice": n, "amount": Money.from_minor(a, self.currency).plain()}
                for n, a in self.allocations
            ],
            "credit": Money.from_minor(self.credit_minor, self.currency).plain(),
        }


def _client(s: Session, client_id: int) -> m.Client:
    c = s.get(m.Client, client_id)
    if c is None:
        raise NotFoundError(f"There is no client with id {client_id}.")
    return c


def open_items(s: Session, client_id: int, currency: str) -> list[OpenItem]:
    rows = s.execute(
        select(
            m.Invoice.id, m.Invoice.due_date, m.Invoice.issue_date, m.Invoice.balance_minor
        ).where(
            m.Invoice.client_id == client_id,
            m.Invoice.currency == currency,
            m.Invoice.kind == "invoice",
            m.Invoice.status.in_(OPEN_VALUES),
            m.Invoice.balance_minor > 0,
        )
    ).all()
    return [OpenItem(r.id, r.due_date, r.issue_date, r.balance_minor) for r in rows]


def settle(s: Session, ctx: AppContext, invoice: m.Invoice, delta_paid: int) -> None:
    """Move an invoice's paid amount and balance by ``delta_paid`` and update its status."""
    invoice.paid_minor += delta_paid
    invoice.balance_minor = invoice.total_minor - invoice.paid_minor - invoice.credited_minor
    if invoice.balance_minor < 0:
        raise InvariantError(f"{invoice.number} would be paid more than its total.")
    invoice.status = settled_status(
        paid_minor=invoice.paid_minor,
        balance_minor=invoice.balance_minor,
        sent=invoice.sent_at is not None,
    ).value
    invoice.updated_at = ctx.clock.now_utc()


def allocate(
    s: Session,
    ctx: AppContext,
    payment: m.Payment,
    invoice: m.Invoice,
    amount_minor: int,
    *,
    source: str = "manual",
    kind: str = "payment",
    note: str = "",
) -> m.Allocation:
    if amount_minor <= 0:
        raise ValidationError("An allocation must be above zero.")
    if invoice.client_id != payment.client_id or invoice.currency != payment.currency:
        raise InvariantError(f"{invoice.number} belongs to another client or currency.")
    if invoice.status not in OPEN_VALUES:
        raise InvariantError(
            f"{invoice.number} is {invoice.status}; only open invoices can be paid."
        )
    if amount_minor > invoice.balance_minor:
        raise ValidationError(
            f"{Money.from_minor(amount_minor, invoice.currency).plain()} is more than the "
            f"{Money.from_minor(invoice.balance_minor, invoice.currency).plain()} still due on {invoice.number}."
        )
    if amount_minor > payment.unallocated_minor:
        raise ValidationError("The allocation is more than what is left of the payment.")
    alloc = m.Allocation(
        invoice_id=invoice.id,
        payment_id=payment.id,
        kind=kind,
        date=payment.date,
        amount_minor=amount_minor,
        source=source,
        note=note,
        created_at=ctx.clock.now_utc(),
    )
    s.add(alloc)
    payment.unallocated_minor -= amount_minor
    settle(s, ctx, invoice, amount_minor)
    s.flush()
    record(
        s,
        ctx.audit,
        "allocation.create",
        "invoice",
        invoice.id,
        after={
            "payment_id": payment.id,
            "amount": Money.from_minor(amount_minor, invoice.currency).plain(),
            "source": source,
            "balance": Money.from_minor(invoice.balance_minor, invoice.currency).plain(),
        },
    )
    return alloc


def record_payment(
    ctx: AppContext,
    client_id: int,
    amount: Decimal,
    on: date,
    *,
    method: str = "bank transfer",
    reference: str = "",
    allocations: list[tuple[int, Decimal]] | None = None,
    bank_line_id: int | None = None,
    source: str = "manual",
) -> PaymentResult:
    """Record money received; allocate it (oldest first by default); keep the rest as credit."""
    with ctx.uow() as uow:
        result = add_payment(
            uow.session,
            ctx,
            client_id,
            amount,
            on,
            method=method,
            reference=reference,
            allocations=allocations,
            bank_line_id=bank_line_id,
            source=source,
        )
        uow.commit()
        return result


def add_payment(
    s: Session,
    ctx: AppContext,
    client_id: int,
    amount: Decimal,
    on: date,
    *,
    method: str = "bank transfer",
    reference: str = "",
    allocations: list[tuple[int, Decimal]] | None = None,
    bank_line_id: int | None = None,
    source: str = "manual",
) -> PaymentResult:
    """Record a payment in the caller's transaction; with receipts switched on
    (``mail.send_receipts``) its thank-you is queued in that same transaction, so a
    payment never exists without its receipt, nor a receipt without its payment."""
    client = _client(s, client_id)
    money = Money.of(amount, client.currency)
    if money.minor <= 0:
        raise ValidationError("A payment must be above zero (record a refund for money paid out).")
    if on > ctx.clock.today():
        raise ValidationError("A payment cannot be dated in the future.")
    payment = m.Payment(
        client_id=client.id,
        kind="payment",
        date=on,
        amount_minor=money.minor,
        currency=client.currency,
        method=method,
        reference=reference,
        unallocated_minor=money.minor,
        bank_line_id=bank_line_id,
        created_at=ctx.clock.now_utc(),
    )
    s.add(payment)
    s.flush()
    record(
        s,
        ctx.audit,
        "payment.create",
        "payment",
        payment.id,
        after={
            "client_id": client.id,
            "amount": money.plain(),
            "currency": client.currency,
            "date": on,
            "method": method,
            "reference": reference,
            "source": source,
        },
    )
    if allocations is None:
        plan = oldest_first(money.minor, open_items(s, client.id, client.currency))
    else:
        plan = [(invoice_id, Money.of(a, client.currency).minor) for invoice_id, a in allocations]
        if sum(a for _, a in plan) > money.minor:
            raise ValidationError("The allocations add up to more than the payment.")
    result = PaymentResult(payment.id, client.id, client.currency, money.minor)
    for invoice_id, amount_minor in plan:
        if amount_minor == 0:
            continue
        invoice = s.get(m.Invoice, invoice_id)
        if invoice is None:
            raise NotFoundError(f"There is no invoice with id {invoice_id}.")
        allocate(s, ctx, payment, invoice, amount_minor, source=source)
        result.allocations.append((invoice.number or "", amount_minor))
    result.credit_minor = payment.unallocated_minor
    if settings_service.get(s, "mail.send_receipts"):
        # Imported here: the outbox hooks are installed by the composition root, not by
        # whoever happens to import the payments service first.
        from app.services.mail_queue import queue_receipt

        queue_receipt(s, ctx, payment.id)
    return result


def undo_allocation(ctx: AppContext, allocation_id: int, reason: str = "") -> None:
    """Reverse one allocation: the invoice returns to its former balance, the money to credit."""
    with ctx.uow() as uow:
        s = uow.session
        reverse_allocation(s, ctx, allocation_id, reason)
        uow.commit()


def reverse_allocation(s: Session, ctx: AppContext, allocation_id: int, reason: str = "") -> None:
    alloc = s.get(m.Allocation, allocation_id)
    if alloc is None:
        raise NotFoundError(f"There is no allocation {allocation_id}.")
    if alloc.reversed_by_id is not None or alloc.reverses_id is not None:
        raise InvariantError("That allocation was already undone.")
    invoice = s.get(m.Invoice, alloc.invoice_id)
    assert invoice is not None
    reversal = m.Allocation(
        invoice_id=alloc.invoice_id,
        payment_id=alloc.payment_id,
        credit_note_id=alloc.credit_note_id,
        kind=alloc.kind,
        date=ctx.clock.today(),
        amount_minor=-alloc.amount_minor,
        source="undo",
        reverses_id=alloc.id,
        note=reason,
        created_at=ctx.clock.now_utc(),
    )
    s.add(reversal)
    s.flush()
    alloc.reversed_by_id = reversal.id
    if alloc.kind == "credit":
        invoice.credited_minor -= alloc.amount_minor
        settle(s, ctx, invoice, 0)
    else:
        settle(s, ctx, invoice, -alloc.amount_minor)
    if alloc.payment_id is not None and alloc.kind == "payment":
        payment = s.get(m.Payment, alloc.payment_id)
        assert payment is not None
        payment.unallocated_minor += alloc.amount_minor
    record(
        s,
        ctx.audit,
        "allocation.undo",
        "invoice",
        invoice.id,
        after={
            "allocation_id": alloc.id,
            "amount": Money.from_minor(alloc.amount_minor, invoice.currency).plain(),
            "balance": Money.from_minor(invoice.balance_minor, invoice.currency).plain(),
            "reason": reason,
        },
    )


def reverse_payment(ctx: AppContext, payment_id: int, reason: str) -> None:
    """A returned or reversed payment: undo its allocations and take it out of credit."""
    with ctx.uow() as uow:
        s = uow.session
        reverse_payment_in(s, ctx, payment_id, reason)
        uow.commit()


def reverse_payment_in(s: Session, ctx: AppContext, payment_id: int, reason: str) -> None:
    payment = s.get(m.Payment, payment_id)
    if payment is None:
        raise NotFoundError(f"There is no payment {payment_id}.")
    if payment.reversed_at is not None:
        raise InvariantError("That payment was already reversed.")
    live = (
        s.execute(
            select(m.Allocation.id).where(
                m.Allocation.payment_id == payment.id,
                m.Allocation.reversed_by_id.is_(None),
                m.Allocation.reverses_id.is_(None),
                m.Allocation.amount_minor > 0,
            )
        )
        .scalars()
        .all()
    )
    for alloc_id in live:
        reverse_allocation(s, ctx, alloc_id, reason)
    if payment.bank_line_id is not None:
        _reverse_bank_charges(s, ctx, payment.bank_line_id, reason)
    payment.unallocated_minor = 0
    payment.reversed_at = ctx.clock.now_utc()
    record(s, ctx.audit, "payment.reverse", "payment", payment.id, after={"reason": reason})


def _reverse_bank_charges(s: Session, ctx: AppContext, bank_line_id: int, reason: str) -> None:
    """The bank charges written off with a bank line's payment go when the payment goes:
    they only closed the gap that payment left, and without them the invoice is back at
    exactly its former balance."""
    line = s.get(m.BankLine, bank_line_id)
    if line is None:
        return
    memory = LineMemory.read(line.suggestions_json)
    if not memory.writeoffs:
        return
    for allocation_id in memory.writeoffs:
        alloc = s.get(m.Allocation, allocation_id)
        if alloc is not None and alloc.reversed_by_id is None:
            reverse_allocation(s, ctx, allocation_id, reason)
    memory.writeoffs = []
    line.suggestions_json = memory.dump()


def write_off(
    ctx: AppContext, invoice_id: int, amount: Decimal, reason: str = "bank charges"
) -> None:
    with ctx.uow() as uow:
        write_off_in(uow.session, ctx, invoice_id, amount, reason)
        uow.commit()


def write_off_in(
    s: Session, ctx: AppContext, invoice_id: int, amount: Decimal, reason: str
) -> m.Allocation:
    """Settle part of a balance without money (bank charges); the allocation row is returned
    so that whoever wrote it off can take it back with ``reverse_allocation``."""
    invoice = s.get(m.Invoice, invoice_id)
    if invoice is None:
        raise NotFoundError(f"There is no invoice with id {invoice_id}.")
    minor = Money.of(amount, invoice.currency).minor
    if minor <= 0 or minor > invoice.balance_minor:
        raise ValidationError("A write-off must be above zero and at most the balance.")
    alloc = m.Allocation(
        invoice_id=invoice.id,
        kind="writeoff",
        date=ctx.clock.today(),
        amount_minor=minor,
        source="writeoff",
        note=reason,
        created_at=ctx.clock.now_utc(),
    )
    s.add(alloc)
    settle(s, ctx, invoice, minor)
    s.flush()
    record(
        s,
        ctx.audit,
        "invoice.write_off",
        "invoice",
        invoice.id,
        after={"amount": Money.from_minor(minor, invoice.currency).plain(), "reason": reason},
    )
    return alloc


def credit_balance(ctx: AppContext, client_id: int) -> Money:
    with ctx.uow.read() as uow:
        return _credit(uow.session, _client(uow.session, client_id))


def _credit(s: Session, client: m.Client) -> Money:
    total = (
        s.scalar(
            select(func.coalesce(func.sum(m.Payment.unallocated_minor), 0)).where(
                m.Payment.client_id == client.id,
                m.Payment.currency == client.currency,
                m.Payment.kind.in_(CREDIT_KINDS),
                m.Payment.reversed_at.is_(None),
            )
        )
        or 0
    )
    return Money.from_minor(int(total), client.currency)


def apply_credit(ctx: AppContext, client_id: int, invoice_id: int | None = None) -> PaymentResult:
    """Use the client's credit (oldest first) on one invoice, or on the oldest open ones."""
    with ctx.uow() as uow:
        s = uow.session
        client = _client(s, client_id)
        credits = (
            s.execute(
                select(m.Payment)
                .where(
                    m.Payment.client_id == client.id,
                    m.Payment.currency == client.currency,
                    m.Payment.kind.in_(CREDIT_KINDS),
                    m.Payment.reversed_at.is_(None),
                    m.Payment.unallocated_minor > 0,
                )
                .order_by(m.Payment.date, m.Payment.id)
            )
            .scalars()
            .all()
        )
        items = open_items(s, client.id, client.currency)
        if invoice_id is not None:
            items = [i for i in items if i.invoice_id == invoice_id]
            if not items:
                raise InvariantError("That invoice is not open for this client.")
        result = PaymentResult(0, client.id, client.currency, 0)
        for payment in credits:
            for inv_id, amount in oldest_first(payment.unallocated_minor, items):
                invoice = s.get(m.Invoice, inv_id)
                assert invoice is not None
                allocate(s, ctx, payment, invoice, amount, source="credit")
                result.allocations.append((invoice.number or "", amount))
                result.amount_minor += amount
            items = open_items(s, client.id, client.currency)
            if invoice_id is not None:
                items = [i for i in items if i.invoice_id == invoice_id]
        result.credit_minor = _credit(s, client).minor
        uow.commit()
        return result


def refund(
    ctx: AppContext,
    client_id: int,
    amount: Decimal,
    on: date,
    method: str = "bank transfer",
    reference: str = "",
) -> PaymentResult:
    """Pay a client's credit back; only credit that exists can be refunded."""
    with ctx.uow() as uow:
        s = uow.session
        client = _client(s, client_id)
        money = Money.of(amount, client.currency)
        available = _credit(s, client)
        if money.minor <= 0 or money > available:
            raise ValidationError(
                f"Only {available.plain()} {client.currency} of credit can be refunded."
            )
        left = money.minor
        for payment in s.execute(
            select(m.Payment)
            .where(
                m.Payment.client_id == client.id,
                m.Payment.currency == client.currency,
                m.Payment.kind.in_(CREDIT_KINDS),
                m.Payment.reversed_at.is_(None),
                m.Payment.unallocated_minor > 0,
            )
            .order_by(m.Payment.date, m.Payment.id)
        ).scalars():
            take = min(left, payment.unallocated_minor)
            payment.unallocated_minor -= take
            left -= take
            if left == 0:
                break
        out = m.Payment(
            client_id=client.id,
            kind="refund",
            date=on,
            amount_minor=money.minor,
            currency=client.currency,
            method=method,
            reference=reference,
            unallocated_minor=0,
            created_at=ctx.clock.now_utc(),
        )
        s.add(out)
        s.flush()
        record(
            s,
            ctx.audit,
            "payment.refund",
            "payment",
            out.id,
            after={"client_id": client.id, "amount": money.plain(), "date": on},
        )
        uow.commit()
        return PaymentResult(
            out.id, client.id, client.currency, money.minor, [], _credit(s, client).minor
        )
