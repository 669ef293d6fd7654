"""The PDFs that travel with reminders and statements, built from the ledger.

A reminder letter lists the overdue invoice, any late-payment charges and the
total now due; a statement lists the account's movements with a running
balance and the open balance by age.  Figures come from the stored invoices,
payments and allocations, so a PDF always agrees with the books.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.core.documents import (
    AgingBucket,
    Fee,
    OverdueItem,
    ReminderDocument,
    StatementDocument,
    StatementEntry,
)
from app.core.money import Money
from app.db import models as m
from app.services.pdf_archive import company_block, party_block


def reminder_document(
    s: Session,
    invoice: m.Invoice,
    values: dict[str, Any],
    today: date,
    stage_title: str,
    paragraphs: Sequence[str],
    fees: Sequence[tuple[str, Money]],
) -> ReminderDocument:
    client = s.get(m.Client, invoice.client_id)
    assert client is not None
    balance = Money.from_minor(invoice.balance_minor, invoice.currency)
    total = balance
    for _, amount in fees:
        total = total + amount
    return ReminderDocument(
        company=company_block(values),
        client=party_block(client),
        date=today,
        stage_title=stage_title,
        body_paragraphs=tuple(paragraphs),
        overdue_items=(
            OverdueItem(
                invoice.number or "",
                invoice.issue_date,
                invoice.due_date,
                max((today - invoice.due_date).days, 0),
                balance,
            ),
        ),
        fees=tuple(Fee(label, amount) for label, amount in fees),
        total_due=total,
        payment_reference=invoice.creditor_reference or None,
    )


def _movements(s: Session, client: m.Client) -> list[tuple[date, int, str, str, int]]:
    """(date, order, kind, description, signed minor amount) of every movement."""
    cur = client.currency
    out: list[tuple[date, int, str, str, int]] = []
    for inv in s.execute(
        select(m.Invoice).where(
            m.Invoice.client_id == client.id,
            m.Invoice.currency == cur,
            m.Invoice.number.is_not(None),
            m.Invoice.status != "void",
        )
    ).scalars():
        if inv.kind == "credit_note":
            out.append((inv.issue_date, 1, "Credit note", inv.number or "", -inv.total_minor))
        else:
            out.append((inv.issue_date, 0, "Invoice", inv.number or "", inv.total_minor))
    for p in s.execute(
        select(m.Payment).where(
            m.Payment.client_id == client.id,
            m.Payment.currency == cur,
            m.Payment.kind.in_(("payment", "refund")),
            m.Payment.reversed_at.is_(None),
        )
    ).scalars():
        if p.kind == "refund":
            out.append((p.date, 3, "Refund", p.reference or p.method, p.amount_minor))
        else:
            out.append((p.date, 2, "Payment", p.reference or p.method, -p.amount_minor))
    for a in s.execute(
        select(m.Allocation, m.Invoice.number)
        .join(m.Invoice, m.Invoice.id == m.Allocation.invoice_id)
        .where(
            m.Invoice.client_id == client.id,
            m.Invoice.currency == cur,
            m.Allocation.kind == "writeoff",
        )
    ):
        alloc, number = a
        out.append((alloc.date, 4, "Write-off", f"{number}: {alloc.note}", -alloc.amount_minor))
    out.sort(key=lambda x: (x[0], x[1], x[3]))
    return out


AGING = ((0, "Not yet due"), (30, "1–30 days"), (60, "31–60 days"), (90, "61–90 days"))


def statement_document(
    s: Session, client: m.Client, start: date, end: date, values: dict[str, Any]
) -> StatementDocument:
    cur = client.currency
    opening = 0
    entries: list[StatementEntry] = []
    running = 0
    for day, _, kind, text, amount in _movements(s, client):
        if day < start:
            opening += amount
            running = opening
            continue
        if day > end:
            break
        running += amount
        money = Money.from_minor(abs(amount), cur)
        entries.append(
            StatementEntry(
                day,
                kind,
                text,
                money if amount > 0 else None,
                money if amount <= 0 else None,
                Money.from_minor(running, cur),
            )
        )
    if not entries:
        running = opening
    buckets = [0] * (len(AGING) + 1)
    for inv in s.execute(
        select(m.Invoice).where(
            m.Invoice.client_id == client.id,
            m.Invoice.currency == cur,
            m.Invoice.kind == "invoice",
            m.Invoice.status.in_(("issued", "sent", "partly_paid")),
            m.Invoice.balance_minor > 0,
            m.Invoice.issue_date <= end,
        )
    ).scalars():
        late = (end - inv.due_date).days
        index = next((i for i, (limit, _) in enumerate(AGING) if late <= limit), len(AGING))
        buckets[index] += inv.balance_minor
    labels = [label for _, label in AGING] + ["Over 90 days"]
    return StatementDocument(
        company=company_block(values),
        client=party_block(client),
        period_start=start,
        period_end=end,
        opening_balance=Money.from_minor(opening, cur),
        entries=tuple(entries),
        closing_balance=Money.from_minor(running, cur),
        aging=tuple(
            AgingBucket(label, Money.from_minor(amount, cur))
            for label, amount in zip(labels, buckets, strict=True)
        ),
    )
