"""Small books for the exceptions tests: invoices, payments and bank statements on a real file."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D
from pathlib import Path
from typing import Any

from sqlalchemy import select

from app.core.invoice_math import LineInput
from app.core.invoices import InvoiceDraft
from app.db import models as m
from app.services import invoicing
from app.services.bank_import import import_statement
from app.services.exceptions import ExceptionQuery, list_exceptions
from app.services.settings import save_settings


def draft(
    ctx: Any,
    client_id: int,
    price: str,
    day: date,
    *,
    qty: str = "1",
    description: str = "Consulting",
    tax: str = "0",
) -> int:
    lines = (LineInput(description, D(qty), D(price), D(tax)),)
    return invoicing.create_draft(ctx, InvoiceDraft(client_id, day, lines)).row.id


def issued(ctx: Any, client_id: int, price: str, day: date, **kw: Any) -> int:
    invoice_id = draft(ctx, client_id, price, day, **kw)
    invoicing.issue_invoices(ctx, [invoice_id])
    return invoice_id


def statement(ctx: Any, tmp: Path, name: str, rows: list[tuple[date, str, str, str]]) -> int:
    """Import a German-style CSV statement of (date, payer, memo, amount) rows."""
    lines = ["Buchungstag;Auftraggeber/Empfänger;Verwendungszweck;Betrag"]
    lines += [
        f"{d:%d.%m.%Y};{payer};{memo};{amount.replace('.', ',')}" for d, payer, memo, amount in rows
    ]
    path = tmp / name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return import_statement(ctx, path, account="Main account").imported


def items(ctx: Any, status: str = "all", *types: str) -> list[Any]:
    return list_exceptions(ctx, ExceptionQuery(status=status, types=types))


def one(ctx: Any, type: str, status: str = "all") -> Any:
    found = items(ctx, status, type)
    assert len(found) == 1, [(r.type, r.title, r.status) for r in found]
    return found[0]


def setting(ctx: Any, key: str, value: Any) -> None:
    save_settings(ctx, {key: value})


def invoice_row(ctx: Any, invoice_id: int) -> m.Invoice:
    with ctx.uow.read() as uow:
        row = uow.session.execute(select(m.Invoice).where(m.Invoice.id == invoice_id)).scalar_one()
        uow.session.expunge(row)
        return row


def bank_line_status(ctx: Any) -> list[tuple[str, str]]:
    with ctx.uow.read() as uow:
        return [
            (r.description, r.status)
            for r in uow.session.execute(select(m.BankLine).order_by(m.BankLine.id)).scalars()
        ]
