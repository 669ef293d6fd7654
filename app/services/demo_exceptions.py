"""Demo situations for the exceptions queue, then a first scan.

A little of what a real book collects: a payment short by a bank fee, a
client who paid too much, a statement imported twice with a different memo,
an unusually large one-off invoice, a dispute and a promise to pay that
passed.  The scan that follows settles what its rules may and leaves the rest
in the queue, so the demo shows both.
"""

from __future__ import annotations

import csv
import io
import random
import tempfile
from dataclasses import replace
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

from sqlalchemy import func, select

from app.core.invoice_math import LineInput
from app.core.invoices import InvoiceDraft
from app.core.money import Money
from app.db import models as m
from app.services import invoicing
from app.services.context import AppContext
from app.services.exception_scan import run_scan
from app.services.payments import record_payment

MARKER = "demo: exceptions"


def load_demo_exceptions(ctx: AppContext, rng: random.Random) -> dict[str, int]:
    ctx = replace(ctx, actor="demo")
    today = ctx.clock.today()
    with ctx.uow.read() as uow:
        s = uow.session
        if s.scalar(
            select(func.count()).select_from(m.Payment).where(m.Payment.reference == MARKER)
        ):
            return {}
        open_eur = s.execute(
            select(m.Invoice.id, m.Invoice.client_id, m.Invoice.issue_date, m.Invoice.balance_minor)
            .where(
                m.Invoice.kind == "invoice",
                m.Invoice.currency == "EUR",
                m.Invoice.status == "issued",
                m.Invoice.balance_minor > 10_000,
                m.Invoice.disputed.is_(False),
            )
            .order_by(m.Invoice.issue_date, m.Invoice.id)
        ).all()
        matched = (
            s.execute(
                select(m.BankLine)
                .where(m.BankLine.status == "auto", m.BankLine.amount_minor > 0)
                .order_by(m.BankLine.booking_date, m.BankLine.id)
            )
            .scalars()
            .first()
        )
        line = (
            None
            if matched is None
            else (
                matched.booking_date,
                matched.counterparty,
                matched.description,
                matched.amount_minor,
            )
        )
    if len(open_eur) < 6:
        return {}
    picks = rng.sample(range(len(open_eur)), 4)
    short, disputed, promised, extra = (open_eur[i] for i in picks)
    fee = 150  # €1.50 kept by the payer's bank
    record_payment(
        ctx,
        short.client_id,
        Money.from_minor(short.balance_minor - fee, "EUR").amount,
        today - timedelta(days=2),
        reference=MARKER,
        allocations=[(short.id, Money.from_minor(short.balance_minor - fee, "EUR").amount)],
    )
    _over_payment(ctx, open_eur, {short.id, disputed.id, promised.id})
    invoicing.mark_disputed(ctx, disputed.id, True, "The client says the hours were not agreed.")
    invoicing.set_promise(ctx, promised.id, today - timedelta(days=5))
    invoicing.create_draft(
        ctx,
        InvoiceDraft(
            extra.client_id,
            today,
            (LineInput("Website relaunch project", Decimal(1), Decimal("9850.00"), Decimal(23)),),
        ),
    )
    imported = _statement_again(ctx, line) if line else 0
    result = run_scan(ctx)
    return {"exception_items": result.raised + result.auto_resolved, "duplicate_lines": imported}


def _over_payment(ctx: AppContext, open_eur: list, taken: set[int]) -> None:  # type: ignore[type-arg]
    """A client pays one invoice with €25.00 too much; a later invoice can take the credit."""
    by_client: dict[int, list] = {}  # type: ignore[type-arg]
    for row in open_eur:
        if row.id not in taken:
            by_client.setdefault(row.client_id, []).append(row)
    for rows in by_client.values():
        if len(rows) >= 2 and rows[0].issue_date < rows[-1].issue_date:
            first, later = rows[0], rows[-1]
            paid = Money.from_minor(first.balance_minor, "EUR").amount
            record_payment(
                ctx,
                first.client_id,
                paid + Decimal("25.00"),
                later.issue_date,
                reference=MARKER,
                allocations=[(first.id, paid)],
            )
            return


def _statement_again(ctx: AppContext, line: tuple) -> int:  # type: ignore[type-arg]
    """The same transaction exported again by the bank with a longer memo."""
    day, payer, memo, amount = line
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    writer.writerow(["Buchungstag", "Auftraggeber/Empfänger", "Verwendungszweck", "Betrag"])
    euros = Money.from_minor(amount, "EUR").plain().replace(".", ",")
    writer.writerow([day.strftime("%d.%m.%Y"), payer, f"{memo} / BANK REF 77812", euros])
    from app.services.bank_import import import_statement

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "demo-statement-export.csv"
        path.write_text(out.getvalue(), encoding="utf-8")
        return import_statement(ctx, path, account="Main account").imported
