"""Writing invoices: totals from the one rounding engine, numbers, the issue step.

Shared by manual invoices, bill runs, credit notes and imports, so every path
computes and stores figures the same way.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy.orm import Session

from app.core.creditor_reference import make_rf
from app.core.invoice_math import InvoiceTotals, LineInput, TaxRounding, compute_invoice
from app.core.invoices import EDITABLE, Status
from app.core.money import Money, Rounding
from app.db import models as m
from app.services import settings as settings_service
from app.services.audit import record
from app.services.context import AppContext
from app.services.errors import InvariantError
from app.services.numbering import take_number


@dataclass(frozen=True)
class RoundingRules:
    tax_rounding: TaxRounding
    rounding: Rounding


def rounding_rules(session: Session) -> RoundingRules:
    return RoundingRules(
        TaxRounding(settings_service.get(session, "tax.rounding")),
        Rounding(settings_service.get(session, "money.rounding")),
    )


def compute(
    session: Session,
    lines: Sequence[LineInput],
    currency: str,
    prices_include_tax: bool,
    rules: RoundingRules | None = None,
) -> InvoiceTotals:
    r = rules or rounding_rules(session)
    return compute_invoice(
        lines,
        currency,
        prices_include_tax=prices_include_tax,
        tax_rounding=r.tax_rounding,
        rounding=r.rounding,
    )


def line_values(totals: InvoiceTotals) -> list[dict[str, object]]:
    """Column values of each stored line; the ORM path and the bulk path both use them.

    A prorated line keeps its quantity and price; its description says
    "(14 of 30 days)" and its net is the prorated amount.
    """
    out: list[dict[str, object]] = []
    for pos, c in enumerate(totals.lines):
        li = c.line
        out.append(
            {
                "position": pos,
                "kind": li.kind,
                "description": li.description,
                "quantity": li.quantity,
                "unit": li.unit,
                "unit_price_minor": Money.of(li.unit_price, totals.currency).minor,
                "discount_percent": li.discount_percent,
                "tax_rate": li.tax_rate,
                "tax_category": li.tax_category.value,
                "net_minor": c.net.minor,
                "tax_minor": c.tax.minor,
                "total_minor": c.total.minor,
                "period_start": li.period_start,
                "period_end": li.period_end,
                "schedule_line_id": li.source_id if li.kind != "one_off" else None,
            }
        )
    return out


def figure_values(totals: InvoiceTotals) -> dict[str, object]:
    return {
        "subtotal_minor": totals.subtotal.minor,
        "tax_minor": totals.tax.minor,
        "total_minor": totals.total.minor,
        "balance_minor": totals.total.minor,
        "rounding_mode": totals.tax_rounding.value,
        "prices_include_tax": totals.prices_include_tax,
        "legal_note": "\n".join(totals.legal_notes),
    }


def set_lines(row: m.Invoice, totals: InvoiceTotals) -> None:
    """Replace the invoice's lines and figures with freshly computed ones (drafts only)."""
    row.lines.clear()
    for values in line_values(totals):
        row.lines.append(m.InvoiceLine(**values))
    for name, value in figure_values(totals).items():
        setattr(row, name, value)


def new_invoice(
    session: Session,
    ctx: AppContext,
    *,
    client: m.Client,
    lines: Sequence[LineInput],
    issue_date: date,
    due_date: date,
    terms_text: str,
    prices_include_tax: bool = False,
    kind: str = "invoice",
    status: Status = Status.DRAFT,
    schedule_id: int | None = None,
    period_start: date | None = None,
    period_end: date | None = None,
    reference: str = "",
    notes: str = "",
    related_invoice_id: int | None = None,
    review_reasons: str = "",
    bill_run_id: int | None = None,
    rules: RoundingRules | None = None,
    audit_action: str = "invoice.create",
) -> m.Invoice:
    now = ctx.clock.now_utc()
    totals = compute(session, lines, client.currency, prices_include_tax, rules)
    row = m.Invoice(
        kind=kind,
        client_id=client.id,
        schedule_id=schedule_id,
        period_start=period_start,
        period_end=period_end,
        issue_date=issue_date,
        due_date=due_date,
        currency=client.currency,
        status=status.value,
        terms_text=terms_text,
        reference=reference,
        notes=notes,
        related_invoice_id=related_invoice_id,
        review_reasons=review_reasons,
        bill_run_id=bill_run_id,
        created_at=now,
        updated_at=now,
        paid_minor=0,
        credited_minor=0,
    )
    set_lines(row, totals)
    session.add(row)
    session.flush()
    record(
        session,
        ctx.audit,
        audit_action,
        "invoice",
        row.id,
        after={
            "kind": kind,
            "client_id": client.id,
            "total": totals.total.plain(),
            "currency": client.currency,
            "status": status.value,
            "period_start": period_start,
            "review": review_reasons,
        },
    )
    return row


def ensure_editable(row: m.Invoice) -> None:
    if row.status not in EDITABLE:
        what = "credit note" if row.kind == "credit_note" else "invoice"
        raise InvariantError(
            f"{what.capitalize()} {row.number or row.id} is {row.status}; an issued {what} cannot be"
            " edited. Correct it with a credit note."
        )


@dataclass(frozen=True)
class IssuedInvoice:
    """What the issue hooks need to know about a freshly issued document."""

    id: int
    kind: str
    number: str
    client_id: int
    currency: str
    total_minor: int
    issue_date: date
    due_date: date


# Called after documents are issued, in the same transaction (e-mail outbox, …).
IssueHook = Callable[[Session, AppContext, list[IssuedInvoice]], None]
ISSUE_HOOKS: list[IssueHook] = []


def next_number(session: Session, kind: str, issue_date: date) -> tuple[str, str]:
    """The next gap-free number and its RF creditor reference (the payment reference)."""
    number = take_number(session, "credit_note" if kind == "credit_note" else "invoice", issue_date)
    return number, make_rf("".join(ch for ch in number if ch.isalnum())[-21:])


def run_issue_hooks(session: Session, ctx: AppContext, issued: list[IssuedInvoice]) -> None:
    if issued:
        for hook in ISSUE_HOOKS:
            hook(session, ctx, issued)


def issue(session: Session, ctx: AppContext, row: m.Invoice) -> None:
    """Assign the next number, freeze the invoice and run the issue hooks, atomically."""
    if row.status == Status.REVIEW:
        raise InvariantError(
            f"Invoice for {row.period_start or row.issue_date} is waiting for review; approve it first."
        )
    ensure_editable(row)
    row.number, row.creditor_reference = next_number(session, row.kind, row.issue_date)
    row.status = Status.ISSUED.value
    row.issued_at = ctx.clock.now_utc()
    row.updated_at = row.issued_at
    row.balance_minor = row.total_minor - row.paid_minor - row.credited_minor
    session.flush()
    record(
        session,
        ctx.audit,
        "invoice.issue",
        "invoice",
        row.id,
        after=issue_audit(row.number, row.total_minor, row.currency, row.issue_date),
    )
    run_issue_hooks(
        session,
        ctx,
        [
            IssuedInvoice(
                row.id,
                row.kind,
                row.number,
                row.client_id,
                row.currency,
                row.total_minor,
                row.issue_date,
                row.due_date,
            )
        ],
    )


def issue_audit(
    number: str, total_minor: int, currency: str, issue_date: date
) -> dict[str, object]:
    return {
        "number": number,
        "total": Money.from_minor(total_minor, currency).plain(),
        "currency": currency,
        "issue_date": issue_date,
    }


def quantity_text(q: Decimal) -> str:
    return f"{q.normalize():f}"
