"""Which invoices one payment paid, read from the invoices' own allocation history.

The payments service lists payments and each invoice lists its allocations,
but nothing yet lists the allocations of one payment.  An allocation made by
the service is written together with an audit event naming its payment, in
the same order, so pairing an invoice's audited allocations with those events
tells which of them belong to the payment.  Where the pairing is not certain
(the counts differ) the invoice is left out rather than guessed.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from typing import Any

from app.core.invoices import InvoiceDetail
from app.services.invoicing import InvoiceQuery, get_detail, invoice_ids
from app.services.payments import PaymentRow

PAID_STATUSES = ("issued", "sent", "partly_paid", "paid", "credited")
# Allocations written without an "allocation.create" event: credit notes, write-offs,
# undo rows and invoices imported as already paid.
UNAUDITED_SOURCES = ("credit_note", "writeoff", "undo", "import")


@dataclass(frozen=True)
class PaidInvoice:
    allocation_id: int
    invoice_id: int
    number: str
    date: date
    amount_minor: int
    currency: str
    source: str
    undone: bool


def _payment_of(note: str) -> int | None:
    try:
        value = json.loads(note or "{}").get("after", {}).get("payment_id")
    except (ValueError, AttributeError):
        return None
    return int(value) if value is not None else None


def paid_by(detail: InvoiceDetail, payment: PaymentRow) -> list[PaidInvoice]:
    """The allocations on one invoice that came from ``payment``."""
    row = detail.row
    audited = [
        a
        for a in detail.allocations
        if a.kind == "payment" and a.amount_minor > 0 and a.source not in UNAUDITED_SOURCES
    ]
    events = [_payment_of(h.note) for h in detail.history if h.action == "allocation.create"]
    out: list[PaidInvoice] = []
    if len(audited) == len(events):
        pairs = [a for a, paid in zip(audited, events, strict=True) if paid == payment.id]
    else:
        pairs = []
    if payment.method == "imported":
        pairs += [
            a
            for a in detail.allocations
            if a.source == "import"
            and a.date == payment.date
            and a.amount_minor == payment.amount_minor
        ]
    for a in pairs:
        out.append(
            PaidInvoice(
                a.id,
                row.id,
                row.number or "",
                a.date,
                a.amount_minor,
                row.currency,
                a.source,
                a.reversed,
            )
        )
    return out


def payment_allocations(ctx: Any, payment: PaymentRow) -> list[PaidInvoice]:
    """Every invoice allocation of ``payment``, oldest first (runs in the background)."""
    if payment.kind == "refund":
        return []
    ids = invoice_ids(
        ctx,
        InvoiceQuery(
            client_id=payment.client_id,
            statuses=PAID_STATUSES,
            kind="invoice",
            currency=payment.currency,
            sort="issue_date",
            descending=False,
        ),
    )
    found: list[PaidInvoice] = []
    for invoice_id in ids:
        found += paid_by(get_detail(ctx, invoice_id), payment)
    return sorted(found, key=lambda p: (p.date, p.allocation_id))
