"""Applying a bank line to invoices, and taking exactly that back.

A line is applied as one payment (oldest-first or the matcher's split) plus,
for a short payment within the fee tolerance, a bank-charges write-off.  The
write-offs are remembered on the line, so that undoing the match — or the
bank returning the money — reopens each invoice at its exact former balance,
not short by the charges.  Confirming a match teaches the payer's name and
IBAN to the client; the alias learnt is remembered too, so that undoing the
confirmation forgets it again (unless another confirmed line vouches for it).
"""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.core.money import Money
from app.db import models as m
from app.services.audit import record
from app.services.bank_line_memory import LineMemory
from app.services.context import AppContext
from app.services.errors import InvariantError, ValidationError
from app.services.payments import add_payment, reverse_payment_in, write_off_in


def apply_line(
    s: Session,
    ctx: AppContext,
    row: m.BankLine,
    memory: LineMemory,
    client_id: int | None,
    allocations: list[tuple[int, Decimal]],
    fee: Decimal,
    source: str,
) -> int:
    """Pay ``allocations`` with the line's money; write ``fee`` off as bank charges."""
    if client_id is None:
        first = s.get(m.Invoice, allocations[0][0]) if allocations else None
        if first is None:
            raise ValidationError("The match names no client.")
        client_id = first.client_id
    amount = Money.from_minor(row.amount_minor, row.currency).amount
    if amount <= 0:
        raise InvariantError("Only money coming in can pay invoices.")
    paid = add_payment(
        s,
        ctx,
        client_id,
        amount,
        row.booking_date,
        method="bank transfer",
        reference=(row.reference or row.description)[:200],
        allocations=allocations,
        bank_line_id=row.id,
        source=source,
    )
    fee_left = Money.of(fee, row.currency).minor
    for invoice_id, _ in allocations:
        invoice = s.get(m.Invoice, invoice_id)
        if fee_left <= 0 or invoice is None:
            break
        take = min(fee_left, invoice.balance_minor)
        if take > 0:
            written = write_off_in(
                s, ctx, invoice_id, Money.from_minor(take, row.currency).amount, "bank charges"
            )
            memory.writeoffs.append(written.id)
            fee_left -= take
    record(
        s,
        ctx.audit,
        "bank_line.apply",
        "bank_line",
        row.id,
        after={
            "payment_id": paid.payment_id,
            "source": source,
            "allocations": [[i, str(a)] for i, a in allocations],
            "fee": str(fee),
            "writeoffs": list(memory.writeoffs),
        },
    )
    return paid.payment_id


def unapply_line(s: Session, ctx: AppContext, row: m.BankLine) -> None:
    """Reverse the line's live payments (and with them its bank-charge write-offs, which the
    payments service forgets on the line: read the line's memory again afterwards)."""
    for p in s.execute(
        select(m.Payment).where(m.Payment.bank_line_id == row.id, m.Payment.reversed_at.is_(None))
    ).scalars():
        reverse_payment_in(s, ctx, p.id, "bank match undone")


def reverse_returned(s: Session, ctx: AppContext, row: m.BankLine, invoice_ids: list[int]) -> int:
    """Money returned by the bank: reverse the payment it undoes, reopening the invoice exactly.

    The payment of the same amount on one of ``invoice_ids`` (the latest, if several) is
    reversed with every allocation it made and the bank charges written off with it.
    Returns the payment's id.
    """
    for invoice_id in invoice_ids:
        payment = s.execute(
            select(m.Payment)
            .join(m.Allocation, m.Allocation.payment_id == m.Payment.id)
            .where(
                m.Allocation.invoice_id == invoice_id,
                m.Payment.reversed_at.is_(None),
                m.Payment.amount_minor == -row.amount_minor,
            )
            .order_by(m.Payment.date.desc(), m.Payment.id.desc())
            .limit(1)
        ).scalar_one_or_none()
        if payment is None:
            continue
        reverse_payment_in(s, ctx, payment.id, f"returned by the bank (line {row.id})")
        record(
            s,
            ctx.audit,
            "bank_line.reversal",
            "bank_line",
            row.id,
            after={"payment_id": payment.id},
        )
        return payment.id
    raise InvariantError("No payment of that amount was found to reverse.")


def _payer(row: m.BankLine) -> tuple[str, str]:
    return " ".join(row.counterparty.split()), row.counterparty_iban.replace(" ", "").upper()


def learn_payer(s: Session, ctx: AppContext, client_id: int, row: m.BankLine) -> int | None:
    """Remember the payer's name and IBAN as the client's; the new alias's id, if one was made.

    An IBAN already known for another client is left out (it would make that
    client's payments ambiguous).
    """
    name, iban = _payer(row)
    if (
        iban
        and s.execute(
            select(m.ClientAlias.id).where(
                m.ClientAlias.iban == iban, m.ClientAlias.client_id != client_id
            )
        ).first()
    ):
        iban = ""
    if not (name or iban):
        return None
    known = s.execute(
        select(m.ClientAlias.id).where(
            m.ClientAlias.client_id == client_id,
            m.ClientAlias.name == name,
            m.ClientAlias.iban == iban,
        )
    ).first()
    if known:
        return None
    alias = m.ClientAlias(client_id=client_id, name=name, iban=iban, created_at=ctx.clock.now_utc())
    s.add(alias)
    s.flush()
    record(
        s,
        ctx.audit,
        "client.learn_alias",
        "client",
        client_id,
        after={"alias_id": alias.id, "name": name, "iban": iban, "bank_line_id": row.id},
    )
    return alias.id


def _vouching_line(s: Session, alias: m.ClientAlias, row: m.BankLine) -> m.BankLine | None:
    """Another confirmed line of the same client whose confirmation would teach this alias."""
    for other in s.execute(
        select(m.BankLine)
        .join(m.Payment, m.Payment.bank_line_id == m.BankLine.id)
        .where(
            m.BankLine.status == "matched",
            m.BankLine.id != row.id,
            m.Payment.client_id == alias.client_id,
            m.Payment.reversed_at.is_(None),
        )
        .order_by(m.BankLine.id)
    ).scalars():
        name, iban = _payer(other)
        if name == alias.name and (not alias.iban or iban == alias.iban):
            return other
    return None


def forget_payer(s: Session, ctx: AppContext, alias_id: int, row: m.BankLine) -> None:
    """Undoing a confirmation forgets the alias it taught, so the payer no longer matches by itself.

    If another confirmed line would have taught the same alias it is kept, and
    that line now answers for it (undoing that one later forgets it).
    """
    alias = s.get(m.ClientAlias, alias_id)
    if alias is None:
        return
    other = _vouching_line(s, alias, row)
    if other is not None:
        memory = LineMemory.read(other.suggestions_json)
        memory.learnt_alias = alias.id
        other.suggestions_json = memory.dump()
        return
    record(
        s,
        ctx.audit,
        "client.forget_alias",
        "client",
        alias.client_id,
        before={"alias_id": alias.id, "name": alias.name, "iban": alias.iban},
        after={"bank_line_id": row.id},
    )
    s.delete(alias)
