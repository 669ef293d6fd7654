"""Statement of account: a client's movements over a period with a running balance.

Debits: invoices issued, refunds paid out, payments that were reversed (on the
day they were reversed).  Credits: payments received, credit notes, write-offs
(an undone write-off is a debit on the day it was undone).  Void invoices were
never owed and are left out.  The opening balance is the same sum over
everything before the period, so opening + debits − credits = closing, and the
closing balance equals the open invoices minus the client's unapplied credit
on the last day.  The aging printed on the statement is the aging report for
that client on the same day.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from app.core.documents import AgingBucket, StatementDocument, StatementEntry
from app.core.money import Money
from app.core.reports import BUCKETS, Period, ReportColumn, ReportTable
from app.db import models as m
from app.services import settings as settings_service
from app.services.context import AppContext
from app.services.errors import NotFoundError
from app.services.pdf_archive import branding, company_block, party_block
from app.services.report_sql import BILLED_SQL, day, day_of, rows
from app.services.reports import aging_lines

_ORDER = {"Invoice": 0, "Credit note": 1, "Payment": 2, "Write-off": 3, "Refund": 4}


def _movements_sql(s: Any, client_id: int, currency: str, start: date | None, end: date) -> str:
    """One UNION of every movement (date, kind, text, signed amount: + debit, − credit)."""
    cid, cur = int(client_id), currency

    def window(column: str) -> str:
        lower = f"{column} >= {day(start)} AND " if start else ""
        return f"{lower}{column} <= {day(end)}"

    reversed_day = day_of(s, "reversed_at")
    return (
        "SELECT issue_date AS moved_on, 'Invoice' AS kind, number AS detail, "
        "total_minor AS amount FROM invoices "
        f"WHERE client_id = {cid} AND currency = '{cur}' AND kind = 'invoice' "
        f"AND status IN {BILLED_SQL} AND {window('issue_date')} "
        "UNION ALL "
        "SELECT issue_date, 'Credit note', number, -total_minor FROM invoices "
        f"WHERE client_id = {cid} AND currency = '{cur}' AND kind = 'credit_note' "
        f"AND status IN {BILLED_SQL} AND {window('issue_date')} "
        "UNION ALL "
        "SELECT date, 'Payment', COALESCE(NULLIF(reference, ''), method), -amount_minor "
        f"FROM payments WHERE client_id = {cid} AND currency = '{cur}' AND kind = 'payment' "
        f"AND {window('date')} "
        "UNION ALL "
        f"SELECT {reversed_day}, 'Payment', 'Payment reversed: ' || "
        "COALESCE(NULLIF(reference, ''), method), amount_minor FROM payments "
        f"WHERE client_id = {cid} AND currency = '{cur}' AND kind = 'payment' "
        f"AND reversed_at IS NOT NULL AND {window(reversed_day)} "
        "UNION ALL "
        "SELECT date, 'Refund', COALESCE(NULLIF(reference, ''), method), amount_minor "
        f"FROM payments WHERE client_id = {cid} AND currency = '{cur}' AND kind = 'refund' "
        f"AND {window('date')} "
        "UNION ALL "
        "SELECT a.date, 'Write-off', i.number, -a.amount_minor FROM allocations AS a "
        "JOIN invoices AS i ON i.id = a.invoice_id "
        f"WHERE i.client_id = {cid} AND i.currency = '{cur}' AND a.kind = 'writeoff' "
        f"AND {window('a.date')}"
    )


@dataclass(frozen=True)
class Statement:
    document: StatementDocument
    client_id: int

    @property
    def closing(self) -> Money:
        return self.document.closing_balance


def statement(ctx: AppContext, client_id: int, period: Period, currency: str = "") -> Statement:
    """The statement of account of one client over ``period`` (in the client's currency)."""
    with ctx.uow.read() as uow:
        s = uow.session
        client = s.get(m.Client, client_id)
        if client is None:
            raise NotFoundError(f"There is no client with id {client_id}.")
        cur = (currency or client.currency).upper()
        values = settings_service.get_all(s)
        party = party_block(client)
        company = company_block(values)
        before = period.start.fromordinal(period.start.toordinal() - 1)
        opening_sql = (
            "SELECT SUM(amount) FROM "
            f"({_movements_sql(s, client_id, cur, None, before)}) AS movements"
        )
        opening = int(rows(s, opening_sql)[0][0] or 0)
        found = rows(s, _movements_sql(s, client_id, cur, period.start, period.end))
        lines = aging_lines(s, period.end, currency=cur, client_id=client_id)
    entries = []
    balance = opening
    ordered = sorted(
        ((_as_date(d), kind, text or "", int(amount)) for d, kind, text, amount in found),
        key=lambda e: (e[0], _ORDER.get(e[1], 9), e[2]),
    )
    for when, kind, text, amount in ordered:
        balance += amount
        money = Money.from_minor(abs(amount), cur)
        entries.append(
            StatementEntry(
                when,
                kind,
                text,
                money if amount > 0 else None,
                money if amount < 0 else None,
                Money.from_minor(balance, cur),
            )
        )
    buckets = [0] * len(BUCKETS)
    for line in lines:
        buckets = [a + b for a, b in zip(buckets, line.buckets, strict=True)]
    doc = StatementDocument(
        company=company,
        client=party,
        period_start=period.start,
        period_end=period.end,
        opening_balance=Money.from_minor(opening, cur),
        entries=tuple(entries),
        closing_balance=Money.from_minor(balance, cur),
        aging=tuple(
            AgingBucket(label, Money.from_minor(v, cur))
            for label, v in zip(BUCKETS, buckets, strict=True)
        ),
    )
    return Statement(doc, client_id)


def statement_table(doc: StatementDocument) -> ReportTable:
    """The statement as a report table: opening balance, movements, closing balance."""
    cur = doc.closing_balance.currency
    cols = (
        ReportColumn("date", "Date", "date"),
        ReportColumn("kind", "Type"),
        ReportColumn("details", "Details"),
        ReportColumn("debit", "Debit", "money"),
        ReportColumn("credit", "Credit", "money"),
        ReportColumn("balance", "Balance", "money"),
    )
    body = [(doc.period_start, "Opening balance", "", None, None, doc.opening_balance)]
    body += [
        (e.date, e.kind, e.description, e.debit, e.credit, e.running_balance) for e in doc.entries
    ]
    debit = sum((e.debit.minor for e in doc.entries if e.debit), 0)
    credit = sum((e.credit.minor for e in doc.entries if e.credit), 0)
    closing = (
        doc.period_end,
        "Closing balance",
        "",
        Money.from_minor(debit, cur),
        Money.from_minor(credit, cur),
        doc.closing_balance,
    )
    return ReportTable(
        "statement",
        f"Statement of account – {doc.client.name}",
        cols,
        tuple(body),
        (closing,),
        subtitle=f"{doc.period_start.isoformat()} – {doc.period_end.isoformat()}, {cur}",
        notes=("Opening balance + debits − credits = closing balance.",),
    )


def _as_date(value: Any) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])


def statement_pdf(ctx: AppContext, client_id: int, period: Period, currency: str = "") -> bytes:
    """The statement as a PDF (the PDF engine's statement layout and the company branding)."""
    from app.pdf import render_statement

    found = statement(ctx, client_id, period, currency)
    with ctx.uow.read() as uow:
        values = settings_service.get_all(uow.session)
    return render_statement(found.document, branding(values))
