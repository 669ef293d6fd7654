"""Small hand-built ledgers for the report tests: invoices and payments on chosen days."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal as D
from typing import Any

from app.core.clock import Clock
from app.core.invoice_math import LineInput
from app.core.invoices import InvoiceDraft
from app.services import invoicing, payments
from tests.services.billing_fixtures import client


def at(ctx: Any, day: date) -> Any:
    """The same book with "today" moved to ``day`` (credit notes and undo are dated today)."""
    return replace(ctx, clock=Clock(ctx.clock.tz_name, as_of=day))


def customer(ctx: Any, name: str, currency: str = "EUR") -> int:
    return int(client(ctx, name, currency, email=f"{name.split()[0].lower()}@x.example").id)


def invoice(
    ctx: Any,
    client_id: int,
    issued: date,
    net: str,
    *,
    tax: str = "0",
    due_in: int = 30,
    description: str = "Consulting",
) -> int:
    """Issue an invoice of one line on ``issued`` (net amount, tax rate in percent)."""
    then = at(ctx, issued)
    draft = invoicing.create_draft(
        then,
        InvoiceDraft(
            client_id,
            issued,
            (LineInput(description, D(1), D(net), D(tax)),),
            due_date=issued + timedelta(days=due_in),
        ),
    )
    invoicing.issue_invoices(then, [draft.row.id])
    return int(draft.row.id)


def pay(
    ctx: Any,
    client_id: int,
    on: date,
    amount: str,
    invoice_id: int | None = None,
    method: str = "bank transfer",
) -> Any:
    """A payment received on ``on``, applied to one invoice (or oldest first)."""
    allocations = None if invoice_id is None else [(invoice_id, D(amount))]
    return payments.record_payment(
        at(ctx, on), client_id, D(amount), on, method=method, allocations=allocations
    )
