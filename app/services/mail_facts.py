"""The facts an e-mail may state, read from the books and written the company's way.

Every amount, date, number and payment instruction in an e-mail comes from
here; templates only choose the words around them.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.core.dunning import STAGE_TITLES, Stage
from app.core.late_fees import RULES, RateTableError, late_fee, parse_rate_table
from app.core.money import Money
from app.db import models as m
from app.formatting import format_date, format_money
from app.services.context import AppContext


def _money(minor: int, currency: str, values: dict[str, Any]) -> str:
    return format_money(Money.from_minor(minor, currency), values["company.locale"])


def _date(day: date, values: dict[str, Any]) -> str:
    return format_date(day, values["company.locale"])


def company_values(values: dict[str, Any], today: date) -> dict[str, str]:
    return {
        "company_name": values["company.name"],
        "company_email": values["company.email"],
        "company_phone": values["company.phone"],
        "company_website": values["company.website"],
        "sender_name": values["smtp.sender_name"] or values["company.name"],
        "today": _date(today, values),
    }


def _grouped(code: str) -> str:
    compact = "".join(code.split())
    return " ".join(compact[i : i + 4] for i in range(0, len(compact), 4))


def payment_link(values: dict[str, Any], number: str, reference: str, amount: Money) -> str:
    from urllib.parse import quote

    template = values["payment.link_template"]
    if not template:
        return ""
    try:
        return str(
            template.format_map(
                {
                    "number": quote(number, safe=""),
                    "reference": quote("".join(reference.split()), safe=""),
                    "amount": amount.plain(),
                    "currency": amount.currency,
                }
            )
        )
    except (KeyError, IndexError, ValueError):
        return ""


def payment_instructions(
    values: dict[str, Any], balance: Money, due: date, reference: str, link: str
) -> str:
    lines = [
        f"Please pay {format_money(balance, values['company.locale'])} by {_date(due, values)}"
    ]
    if values["payment.iban"]:
        lines[0] += " to:"
        if values["payment.bank_name"]:
            lines.append(f"Bank: {values['payment.bank_name']}")
        lines.append(f"Account holder: {values['company.name']}" if values["company.name"] else "")
        lines.append(f"IBAN: {_grouped(values['payment.iban'])}")
        if values["payment.bic"]:
            lines.append(f"BIC: {values['payment.bic'].strip().upper()}")
    else:
        lines[0] += "."
    if reference:
        lines.append(f"Reference: {_grouped(reference)} (please quote it with your payment)")
    if link:
        lines.append(f"Pay online: {link}")
    return "\n".join(line for line in lines if line)


def invoice_values(
    s: Session, invoice: m.Invoice, values: dict[str, Any], today: date
) -> dict[str, str]:
    cur = invoice.currency
    balance = Money.from_minor(invoice.balance_minor, cur)
    number = invoice.number or f"#{invoice.id}"
    link = (
        payment_link(values, number, invoice.creditor_reference, balance)
        if balance.amount > 0
        else ""
    )
    period = ""
    if invoice.period_start and invoice.period_end:
        period = f"{_date(invoice.period_start, values)} – {_date(invoice.period_end, values)}"
    return {
        "invoice_number": number,
        "issue_date": _date(invoice.issue_date, values),
        "due_date": _date(invoice.due_date, values),
        "total": _money(invoice.total_minor, cur, values),
        "balance": _money(invoice.balance_minor, cur, values),
        "amount_paid": _money(invoice.paid_minor, cur, values),
        "terms": invoice.terms_text,
        "period": period,
        "payment_reference": _grouped(invoice.creditor_reference),
        "iban": _grouped(values["payment.iban"]),
        "bic": values["payment.bic"],
        "bank_name": values["payment.bank_name"],
        "payment_link": link,
        "payment_instructions": payment_instructions(
            values, balance, invoice.due_date, invoice.creditor_reference, link
        )
        if balance.amount > 0
        else "",
        "days_overdue": str(max((today - invoice.due_date).days, 0)),
        "days_until_due": str(max((invoice.due_date - today).days, 0)),
    }


def credit_note_values(s: Session, note: m.Invoice) -> dict[str, str]:
    related = s.get(m.Invoice, note.related_invoice_id) if note.related_invoice_id else None
    return {
        "credit_note_number": note.number or "",
        "related_number": related.number or "" if related else "",
        "payment_instructions": "",
    }


def reminder_extras(
    s: Session,
    ctx: AppContext,
    invoice: m.Invoice,
    stage_key: str,
    values: dict[str, Any],
    today: date,
) -> tuple[dict[str, str], str, list[tuple[str, Money]]]:
    """Stage title, late-payment charges and total due; the tone from the client's history."""
    from app.core.dunning import tone_for
    from app.services.dunning_facts import read_book

    book = read_book(s, today, [invoice.id])
    client = book.clients[invoice.client_id]
    policy = client.policy
    stage = policy.stage(stage_key) or Stage(stage_key, 0)
    tone = tone_for(book.facts[invoice.id], policy)
    fees = _fees(s, ctx, invoice, stage, policy.stages, client.is_business, values, today)
    balance = Money.from_minor(invoice.balance_minor, invoice.currency)
    total = balance
    for _, amount in fees:
        total = total + amount
    locale = values["company.locale"]
    return (
        {
            "stage_title": STAGE_TITLES.get(stage.key, stage.title),
            "late_fee": format_money(total - balance, locale) if fees else "",
            "late_fee_lines": "\n".join(f"{label}: {format_money(a, locale)}" for label, a in fees),
            "total_due": format_money(total, locale),
        },
        tone,
        fees,
    )


def _fees(
    s: Session,
    ctx: AppContext,
    invoice: m.Invoice,
    stage: Stage,
    stages: tuple[Stage, ...],
    business: bool,
    values: dict[str, Any],
    today: date,
) -> list[tuple[str, Money]]:
    if not values["late_fees.enabled"] or values["late_fees.mode"] != "reminder":
        return []
    if invoice.related_invoice_id is not None:
        return []  # a late-fee invoice itself earns no further interest
    start = next((st for st in stages if st.key == values["late_fees.from_stage"]), None)
    if start is None or stage.offset_days < start.offset_days:
        return []
    try:
        table = parse_rate_table(values["late_fees.rate_table"])
        fee = late_fee(
            Money.from_minor(invoice.balance_minor, invoice.currency),
            invoice.due_date,
            today,
            RULES[values["late_fees.rule"]],
            table,
            business_client=business,
        )
    except RateTableError as exc:
        from app.services.exceptions import raise_item

        raise_item(
            s,
            ctx,
            type="late_fee_rates",
            entity_type="invoice",
            entity_id=invoice.id,
            client_id=invoice.client_id,
            title="Late-payment interest could not be computed",
            explanation=f"{exc}. The reminder went out without late-payment charges.",
            actions="add the missing reference rate in the e-mail settings",
        )
        return []
    return fee.lines() if fee is not None else []


def receipt_values(s: Session, payment: m.Payment, values: dict[str, Any]) -> dict[str, str]:
    cur = payment.currency
    lines = [
        f"{number}: {_money(amount, cur, values)}"
        for number, amount in s.execute(
            select(m.Invoice.number, m.Allocation.amount_minor)
            .join(m.Invoice, m.Invoice.id == m.Allocation.invoice_id)
            .where(m.Allocation.payment_id == payment.id, m.Allocation.reverses_id.is_(None))
            .order_by(m.Allocation.id)
        )
    ]
    return {
        "payment_date": _date(payment.date, values),
        "payment_amount": _money(payment.amount_minor, cur, values),
        "paid_invoices": "\n".join(lines),
        "credit_left": _money(payment.unallocated_minor, cur, values)
        if payment.unallocated_minor > 0
        else "",
    }


def statement_period(stage: str) -> tuple[date, date]:
    start, _, end = stage.partition("-")
    return datetime.strptime(start, "%Y%m%d").date(), datetime.strptime(end, "%Y%m%d").date()


def statement_values(
    s: Session, client: m.Client, stage: str, values: dict[str, Any]
) -> tuple[dict[str, str], Callable[[], tuple[str, bytes]]]:
    from app.services.mail_documents import statement_document
    from app.services.pdf_archive import branding

    start, end = statement_period(stage)
    doc = statement_document(s, client, start, end, values)
    open_lines = [
        f"{inv.number}, due {_date(inv.due_date, values)}: {_money(inv.balance_minor, inv.currency, values)}"
        for inv in s.execute(
            select(m.Invoice)
            .where(
                m.Invoice.client_id == client.id,
                m.Invoice.kind == "invoice",
                m.Invoice.status.in_(("issued", "sent", "partly_paid")),
                m.Invoice.balance_minor > 0,
            )
            .order_by(m.Invoice.due_date)
        ).scalars()
    ]
    brand = branding(values)

    def pdf() -> tuple[str, bytes]:
        from app.pdf import render_statement

        return f"Statement-{end.isoformat()}.pdf", render_statement(doc, brand)

    return (
        {
            "statement_date": _date(end, values),
            "period_start": _date(start, values),
            "period_end": _date(end, values),
            "closing_balance": format_money(doc.closing_balance, values["company.locale"]),
            "open_invoices": "\n".join(open_lines),
        },
        pdf,
    )
