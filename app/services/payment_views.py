"""Reading payments back: the list, its rows, and one payment with the invoices it paid.

Split from the payments service (which moves money) so that what a page shows
is one query away and never parsed out of the audit log.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select

from app.core.text import fold
from app.db import models as m
from app.services.context import AppContext
from app.services.errors import NotFoundError


@dataclass(frozen=True)
class PaymentRow:
    id: int
    client_id: int
    client_name: str
    kind: str
    date: date
    amount_minor: int
    currency: str
    method: str
    reference: str
    unallocated_minor: int
    reversed: bool


@dataclass(frozen=True)
class PaymentQuery:
    search: str = ""
    client_id: int | None = None
    kind: str = ""


def _row(p: m.Payment, client_name: str) -> PaymentRow:
    return PaymentRow(
        p.id,
        p.client_id,
        client_name,
        p.kind,
        p.date,
        p.amount_minor,
        p.currency,
        p.method,
        p.reference,
        p.unallocated_minor,
        p.reversed_at is not None,
    )


def payment_ids(ctx: AppContext, q: PaymentQuery) -> list[int]:
    stmt = select(m.Payment.id).join(m.Client, m.Client.id == m.Payment.client_id)
    if q.client_id:
        stmt = stmt.where(m.Payment.client_id == q.client_id)
    if q.kind:
        stmt = stmt.where(m.Payment.kind == q.kind)
    for word in fold(q.search).split():
        stmt = stmt.where(
            m.Client.search_key.like(f"%{word}%")
            | func.upper(m.Payment.reference).like(f"%{word}%")
        )
    with ctx.uow.read() as uow:
        return list(
            uow.session.execute(stmt.order_by(m.Payment.date.desc(), m.Payment.id.desc())).scalars()
        )


def payment_rows(ctx: AppContext, ids: list[int]) -> list[PaymentRow]:
    if not ids:
        return []
    stmt = (
        select(m.Payment, m.Client.name)
        .join(m.Client, m.Client.id == m.Payment.client_id)
        .where(m.Payment.id.in_(ids))
    )
    with ctx.uow.read() as uow:
        found = {p.id: _row(p, name) for p, name in uow.session.execute(stmt)}
    return [found[i] for i in ids if i in found]


def list_payments(ctx: AppContext, q: PaymentQuery) -> list[PaymentRow]:
    ids = payment_ids(ctx, q)
    return [
        r for start in range(0, len(ids), 900) for r in payment_rows(ctx, ids[start : start + 900])
    ]


@dataclass(frozen=True)
class AllocationLine:
    """One invoice a payment paid; ``reversed`` once it was undone (the undo row is not listed)."""

    allocation_id: int
    invoice_id: int
    number: str
    date: date
    amount_minor: int
    kind: str
    source: str
    reversed: bool


@dataclass(frozen=True)
class PaymentDetail:
    row: PaymentRow
    allocations: tuple[AllocationLine, ...]
    bank_line_id: int | None


def payment_detail(ctx: AppContext, payment_id: int) -> PaymentDetail:
    """One payment and every allocation it made, oldest first (a refund has none)."""
    with ctx.uow.read() as uow:
        s = uow.session
        found = s.execute(
            select(m.Payment, m.Client.name)
            .join(m.Client, m.Client.id == m.Payment.client_id)
            .where(m.Payment.id == payment_id)
        ).first()
        if found is None:
            raise NotFoundError(f"There is no payment {payment_id}.")
        payment, client_name = found
        allocations = tuple(
            AllocationLine(
                a.id,
                a.invoice_id,
                number or "",
                a.date,
                a.amount_minor,
                a.kind,
                a.source,
                a.reversed_by_id is not None,
            )
            for a, number in s.execute(
                select(m.Allocation, m.Invoice.number)
                .join(m.Invoice, m.Invoice.id == m.Allocation.invoice_id)
                .where(m.Allocation.payment_id == payment.id, m.Allocation.reverses_id.is_(None))
                .order_by(m.Allocation.date, m.Allocation.id)
            )
        )
        return PaymentDetail(_row(payment, client_name), allocations, payment.bank_line_id)
