"""Payment reminders: deciding what is due for each open invoice and queuing it.

One pass reads the book once (app.services.dunning_facts), asks the pure
policy (app.core.dunning) for each invoice, and writes in one transaction:
the due reminder, the older stages it replaces marked ``skipped``, and the
items a human must see (final-notice escalations, clients without an address,
"import your bank statement first").  Two windows or a window and a cron job
running the pass at once cannot double anything: the reminder's key is unique
and the pass runs under SQLite's single write lock.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.core.dunning import SEND, Decision, DunningPolicy, InvoiceFacts, decide
from app.core.late_fees import RULES, RateTableError, late_fee, parse_rate_table
from app.core.money import Money
from app.db import models as m
from app.services.context import AppContext
from app.services.dunning_facts import Book, read_book
from app.services.exceptions import raise_item, resolve_items
from app.services.outbox import NewMessage, enqueue


@dataclass
class DunningRun:
    queued: list[dict[str, Any]] = field(default_factory=list)
    skipped: list[dict[str, Any]] = field(default_factory=list)
    held: dict[str, int] = field(default_factory=dict)
    escalated: int = 0
    late_fee_invoices: int = 0

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


@dataclass(frozen=True)
class Evaluation:
    invoice_id: int
    number: str
    client_id: int
    client_name: str
    to_address: str
    facts: InvoiceFacts
    decision: Decision
    policy: DunningPolicy


def evaluate(s: Session, ctx: AppContext, invoice_ids: list[int] | None = None) -> list[Evaluation]:
    """The policy's decision for every open invoice (or the given ones), right now."""
    book = read_book(s, ctx.clock.today(), invoice_ids)
    return _evaluate(book, ctx.clock.now_utc(), ctx)


def _evaluate(book: Book, now: datetime, ctx: AppContext) -> list[Evaluation]:
    out = []
    for invoice_id, facts in book.facts.items():
        client = book.clients[book.invoice_client[invoice_id]]
        out.append(
            Evaluation(
                invoice_id,
                facts.number,
                client.id,
                client.name,
                client.email,
                facts,
                decide(facts, client.policy, now, ctx.clock.tz),
                client.policy,
            )
        )
    return out


def queue_due_reminders(ctx: AppContext) -> DunningRun:
    """Queue every reminder that is due now; mark the stages it replaces as skipped."""
    run = DunningRun()
    with ctx.uow() as uow:
        s = uow.session
        book = read_book(s, ctx.clock.today())
        messages: list[NewMessage] = []
        due: list[Evaluation] = []
        for ev in _evaluate(book, ctx.clock.now_utc(), ctx):
            d = ev.decision
            if d.action != SEND:
                if d.action == "hold":
                    run.held[d.code] = run.held.get(d.code, 0) + 1
                if d.code == "no_email":
                    _no_email(s, ctx, ev)
                continue
            assert d.stage is not None
            due.append(ev)
            messages.append(_reminder(ev, d.stage.key, "queued", ""))
            run.queued.append({"invoice": ev.number, "stage": d.stage.key, "tone": d.tone})
            for older in d.skip:
                note = (
                    f"Skipped: by the time it could go out, the {d.stage.label} stage was due; "
                    "only the latest stage is sent."
                )
                messages.append(_reminder(ev, older.key, "skipped", note))
                run.skipped.append({"invoice": ev.number, "stage": older.key})
        written = enqueue(s, ctx, messages)
        for ev in due:
            d = ev.decision
            assert d.stage is not None
            if _reminder(ev, d.stage.key, "queued", "").key not in written:
                continue
            if d.stage.escalate:
                _escalate(s, ctx, ev)
                run.escalated += 1
            run.late_fee_invoices += _late_fee_invoice(s, ctx, book, ev)
        _import_first(s, ctx, run)
        uow.commit()
    return run


def _reminder(ev: Evaluation, stage: str, status: str, note: str) -> NewMessage:
    return NewMessage(
        "reminder",
        ev.to_address,
        "invoice",
        ev.invoice_id,
        invoice_id=ev.invoice_id,
        client_id=ev.client_id,
        stage=stage,
        status=status,
        note=note,
        attachment_kind="reminder_pdf" if status == "queued" else "",
    )


def _no_email(s: Session, ctx: AppContext, ev: Evaluation) -> None:
    raise_item(
        s,
        ctx,
        type="no_email",
        entity_type="client",
        entity_id=ev.client_id,
        client_id=ev.client_id,
        title=f"{ev.client_name} has no e-mail address: reminders cannot go out",
        explanation=f"Invoice {ev.number} is overdue and a reminder is due, but the client has no "
        "e-mail address.",
        actions="add an address to the client, or mark the client 'no automatic reminders'",
    )


def _escalate(s: Session, ctx: AppContext, ev: Evaluation) -> None:
    d = ev.decision
    assert d.stage is not None
    raise_item(
        s,
        ctx,
        type="dunning_escalation",
        entity_type="invoice",
        entity_id=ev.invoice_id,
        key=d.stage.key,
        client_id=ev.client_id,
        severity="high",
        title=f"Invoice {ev.number}: {d.stage.title.lower()} sent, still unpaid",
        explanation=f"The last reminder stage ({d.stage.label} days) went out to {ev.client_name}. "
        "Decide the next step: call the client, agree a payment plan, or hand it over.",
        evidence={"balance_minor": ev.facts.balance_minor, "currency": ev.facts.currency},
        actions="call the client; record a promise to pay; write off",
    )


def _import_first(s: Session, ctx: AppContext, run: DunningRun) -> None:
    waiting = run.held.get("import_first", 0)
    if waiting:
        raise_item(
            s,
            ctx,
            type="import_first",
            entity_type="bank",
            entity_id=0,
            title="Import your bank statement: overdue reminders are waiting",
            explanation=f"{waiting} overdue reminder(s) wait because the last bank import is more "
            "than a week old; some of these clients may already have paid.",
            actions="import the latest bank statement",
        )
    else:
        resolve_items(
            s,
            ctx,
            entity_type="bank",
            entity_id=0,
            types=("import_first",),
            resolution="bank statement imported",
            auto=True,
        )


def _late_fee_invoice(s: Session, ctx: AppContext, book: Book, ev: Evaluation) -> int:
    """In 'invoice' mode, the late-payment charges become their own invoice (once)."""
    values = book.values
    d = ev.decision
    client = book.clients[ev.client_id]
    if not values["late_fees.enabled"] or values["late_fees.mode"] != "invoice":
        return 0
    start = client.policy.stage(values["late_fees.from_stage"])
    if d.stage is None or start is None or d.stage.offset_days < start.offset_days:
        return 0
    exists = s.execute(
        select(m.Invoice.id).where(
            m.Invoice.related_invoice_id == ev.invoice_id, m.Invoice.kind == "invoice"
        )
    ).first()
    invoice = s.get(m.Invoice, ev.invoice_id)
    if exists is not None or invoice is None or invoice.related_invoice_id is not None:
        return 0  # charged once, and never interest on a late-fee invoice
    try:
        fee = late_fee(
            Money.from_minor(invoice.balance_minor, invoice.currency),
            invoice.due_date,
            ctx.clock.today(),
            RULES[values["late_fees.rule"]],
            parse_rate_table(values["late_fees.rate_table"]),
            business_client=client.is_business,
        )
    except RateTableError as exc:
        raise_item(
            s,
            ctx,
            type="late_fee_rates",
            entity_type="invoice",
            entity_id=invoice.id,
            client_id=invoice.client_id,
            title="Late-payment interest could not be computed",
            explanation=str(exc),
            actions="add the missing reference rate in the e-mail settings",
        )
        return 0
    if fee is None or fee.total.is_zero:
        return 0
    _issue_fee_invoice(s, ctx, invoice, fee.lines())
    return 1


def _issue_fee_invoice(
    s: Session, ctx: AppContext, invoice: m.Invoice, lines: list[tuple[str, Money]]
) -> None:
    from app.core.invoice_math import LineInput, TaxCategory
    from app.services.invoice_store import issue, new_invoice

    client = s.get(m.Client, invoice.client_id)
    assert client is not None
    today = ctx.clock.today()
    row = new_invoice(
        s,
        ctx,
        client=client,
        lines=[
            LineInput(
                f"{label} on invoice {invoice.number}",
                Decimal(1),
                amount.amount,
                Decimal(0),
                TaxCategory.EXEMPT,
            )
            for label, amount in lines
        ],
        issue_date=today,
        due_date=today,
        terms_text="Due on receipt",
        reference=f"Late payment: {invoice.number}",
        related_invoice_id=invoice.id,
        audit_action="invoice.late_fee",
    )
    issue(s, ctx, row)
