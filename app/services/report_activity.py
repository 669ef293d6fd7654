"""What happened in a period: invoiced, collected, the invoice register, tax, revenue.

*Invoiced* is the gross total (tax included) of invoices issued in the period
(void invoices excluded); credit notes are shown beside it, never netted
silently.  *Collected* is money received: payments dated in the period, less
payments later reversed (returned by the bank); refunds are listed as
negative receipts.  Tax and revenue count credit notes negatively in the
period they were issued, which is what a VAT/GST return needs.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session

from app.core.invoice_math import TAX_LABELS, TaxCategory
from app.core.money import Money
from app.core.reports import Period, ReportColumn, ReportTable, quarter_key, share
from app.services.context import AppContext
from app.services.report_sql import (
    BILLED_SQL,
    BILLED_STATUSES,
    currency_filter,
    day,
    hint,
    id_filter,
    in_list,
    month_of,
    rows,
)

RATE_SCALE = Decimal(10) ** 4  # tax rates are stored × 10^4 (ScaledDecimal(4))


def _m(minor: int, currency: str) -> Money:
    return Money.from_minor(int(minor or 0), currency)


def _range(column: str, period: Period) -> str:
    return f"{column} >= {day(period.start)} AND {column} <= {day(period.end)}"


def _totals(
    rows_: list[tuple[Any, ...]], currency_at: int, money_at: list[int], label_at: int
) -> tuple[tuple[Any, ...], ...]:
    """One total row per currency: money columns summed, other cells blank."""
    sums: dict[str, list[Any]] = {}
    for r in rows_:
        cur = r[currency_at]
        t = sums.get(cur)
        if t is None:
            t = ["" for _ in r]
            t[label_at] = "Total"
            t[currency_at] = cur
            for i in money_at:
                t[i] = Money.zero(cur)
            sums[cur] = t
        for i in money_at:
            t[i] = t[i] + r[i]
    return tuple(tuple(v) for _, v in sorted(sums.items()))


# --- per month, for charts and KPIs ------------------------------------------------------------


def invoiced_by_month(s: Session, period: Period) -> dict[str, dict[str, int]]:
    """Per currency and ``YYYY-MM``: gross total invoiced (voids and credit notes excluded)."""
    sql = (
        f"SELECT currency, {month_of(s, 'issue_date')}, SUM(total_minor) FROM invoices"
        f"{hint(s, 'ix_invoices_issue_figures')} WHERE {_range('issue_date', period)} "
        f"AND kind = 'invoice' AND status IN {BILLED_SQL} GROUP BY 1, 2"
    )
    out: dict[str, dict[str, int]] = defaultdict(dict)
    for cur, month, total in rows(s, sql):
        out[cur][month] = int(total or 0)
    return dict(out)


def collected_by_month(s: Session, period: Period) -> dict[str, dict[str, int]]:
    """Per currency and month: payments received (not reversed) minus refunds paid."""
    sql = (
        f"SELECT currency, {month_of(s, 'date')}, "
        "SUM(CASE WHEN kind = 'refund' THEN -amount_minor ELSE amount_minor END) FROM payments"
        f"{hint(s, 'ix_payments_date_figures')} WHERE {_range('date', period)} "
        "AND kind IN ('payment','refund') AND reversed_at IS NULL GROUP BY 1, 2"
    )
    out: dict[str, dict[str, int]] = defaultdict(dict)
    for cur, month, total in rows(s, sql):
        out[cur][month] = int(total or 0)
    return dict(out)


def collected_between(s: Session, period: Period) -> dict[str, int]:
    out: dict[str, int] = defaultdict(int)
    for cur, months in collected_by_month(s, period).items():
        out[cur] = sum(months.values())
    return dict(out)


# --- collections / cash receipts -------------------------------------------------------------


def _bucket(s: Session, column: str, group: str) -> str:
    """Days as they are; months (and quarters, folded from months in Python) by key."""
    return column if group == "day" else month_of(s, column)


@dataclass
class ReportResult:
    """A finished report: its table plus anything a chart needs."""

    report: ReportTable
    chart: dict[str, dict[str, int]]

    @property
    def rows(self) -> tuple[tuple[Any, ...], ...]:
        return self.report.rows

    def table(self) -> ReportTable:
        return self.report


def collections(
    ctx: AppContext, period: Period, *, group: str = "month", currency: str = ""
) -> ReportResult:
    """Cash receipts by period and method (refunds as negative lines)."""
    with ctx.uow.read() as uow:
        s = uow.session
        sql = (
            f"SELECT {_bucket(s, 'date', group)}, method, currency, kind, COUNT(*), "
            f"SUM(amount_minor) FROM payments{hint(s, 'ix_payments_date_figures')} "
            f"WHERE {_range('date', period)} AND kind IN ('payment','refund') "
            f"AND reversed_at IS NULL{currency_filter('currency', currency)} "
            "GROUP BY 1, 2, 3, 4"
        )
        found = rows(s, sql)
    merged: dict[tuple[str, str, str], list[int]] = defaultdict(lambda: [0, 0])
    chart: dict[str, dict[str, int]] = defaultdict(dict)
    for when, method, cur, kind, count, amount in found:
        key_when = str(when)
        if group == "quarter":
            key_when = quarter_key(date(int(key_when[:4]), int(key_when[5:7]), 1))
        label = "Refund" if kind == "refund" else (method or "unspecified")
        signed = -int(amount) if kind == "refund" else int(amount)
        cell = merged[(key_when, label, cur)]
        cell[0] += int(count)
        cell[1] += signed
        chart[cur][key_when] = chart[cur].get(key_when, 0) + signed
    body = tuple(
        (when, method, cur, n, _m(amount, cur))
        for (when, method, cur), (n, amount) in sorted(merged.items())
    )
    cols = (
        ReportColumn("period", "Period"),
        ReportColumn("method", "Method"),
        ReportColumn("currency", "Currency"),
        ReportColumn("count", "Receipts", "int"),
        ReportColumn("amount", "Amount", "money"),
    )
    table = ReportTable(
        "collections",
        "Collections (cash receipts)",
        cols,
        body,
        _totals(list(body), 2, [4], 0),
        subtitle=f"{period.start.isoformat()} – {period.end.isoformat()}",
        notes=("Payments received, less payments later reversed; refunds are negative.",),
    )
    return ReportResult(table, dict(chart))


# --- invoice register ---------------------------------------------------------------------------


def invoice_register(
    ctx: AppContext, period: Period, *, currency: str = "", client_id: int | None = None
) -> ReportResult:
    """Every invoice and credit note issued in the period (credit notes negative)."""
    with ctx.uow.read() as uow:
        s = uow.session
        sql = (
            "SELECT i.number, i.issue_date, i.due_date, c.name, i.kind, i.status, i.currency, "
            "i.subtotal_minor, i.tax_minor, i.total_minor, i.balance_minor "
            f"FROM invoices AS i{hint(s, 'ix_invoices_issue_figures')} "
            "JOIN clients AS c ON c.id = i.client_id "
            f"WHERE {_range('i.issue_date', period)} "
            f"AND i.status IN {in_list((*BILLED_STATUSES, 'void'))}"
            f"{currency_filter('i.currency', currency)}{id_filter('i.client_id', client_id)} "
            "ORDER BY i.issue_date, i.number"
        )
        found = rows(s, sql)
    body = []
    chart: dict[str, dict[str, int]] = defaultdict(dict)
    for number, issued, due, name, kind, status, cur, net, tax, total, balance in found:
        sign = -1 if kind == "credit_note" else 1
        void = status == "void"
        body.append(
            (
                number or "",
                issued if isinstance(issued, date) else date.fromisoformat(str(issued)),
                due if isinstance(due, date) else date.fromisoformat(str(due)),
                name,
                "Credit note" if kind == "credit_note" else "Invoice",
                status,
                cur,
                _m(0 if void else sign * net, cur),
                _m(0 if void else sign * tax, cur),
                _m(0 if void else sign * total, cur),
                _m(balance, cur),
            )
        )
        month = str(issued)[:7]
        chart[cur][month] = chart[cur].get(month, 0) + (0 if void else sign * int(total))
    cols = (
        ReportColumn("number", "Number"),
        ReportColumn("issue_date", "Issued", "date"),
        ReportColumn("due_date", "Due", "date"),
        ReportColumn("client", "Client"),
        ReportColumn("kind", "Type"),
        ReportColumn("status", "Status"),
        ReportColumn("currency", "Currency"),
        ReportColumn("net", "Net", "money"),
        ReportColumn("tax", "Tax", "money"),
        ReportColumn("total", "Total", "money"),
        ReportColumn("balance", "Open", "money"),
    )
    table = ReportTable(
        "register",
        "Invoice register",
        cols,
        tuple(body),
        _totals(body, 6, [7, 8, 9, 10], 0),
        subtitle=f"{period.start.isoformat()} – {period.end.isoformat()}",
        notes=("Credit notes are negative; void invoices keep their number with zero amounts.",),
    )
    return ReportResult(table, dict(chart))


# --- tax summary -----------------------------------------------------------------------------


def _tax_label(category: str, rate: Decimal) -> str:
    """As on the invoices: "VAT 23%", "Zero-rated", "Reverse charge"…"""
    try:
        cat = TaxCategory(category)
    except ValueError:
        return category
    if cat is TaxCategory.STANDARD:
        return f"{TAX_LABELS[cat]} {rate.normalize():f}%"
    return TAX_LABELS[cat]


def tax_summary(
    ctx: AppContext, period: Period, *, group: str = "month", currency: str = ""
) -> ReportResult:
    """Taxable base and tax by rate, period and currency (credit notes subtract)."""
    with ctx.uow.read() as uow:
        s = uow.session
        sql = (
            f"SELECT {month_of(s, 'i.issue_date')}, i.currency, l.tax_category, l.tax_rate, "
            "SUM(CASE WHEN i.kind = 'credit_note' THEN -l.net_minor ELSE l.net_minor END), "
            "SUM(CASE WHEN i.kind = 'credit_note' THEN -l.tax_minor ELSE l.tax_minor END), "
            "COUNT(DISTINCT i.id) "
            f"FROM invoices AS i{hint(s, 'ix_invoices_issue_figures')} "
            "JOIN invoice_lines AS l ON l.invoice_id = i.id "
            f"WHERE {_range('i.issue_date', period)} AND i.status IN {BILLED_SQL}"
            f"{currency_filter('i.currency', currency)} GROUP BY 1, 2, 3, 4"
        )
        found = rows(s, sql)
    merged: dict[tuple[str, str, str, int], list[int]] = defaultdict(lambda: [0, 0, 0])
    for month, cur, category, rate, net, tax, docs in found:
        when = str(month)
        if group == "quarter":
            when = quarter_key(date(int(when[:4]), int(when[5:7]), 1))
        cell = merged[(when, cur, category, int(rate or 0))]
        cell[0] += int(net or 0)
        cell[1] += int(tax or 0)
        cell[2] += int(docs or 0)
    body = []
    chart: dict[str, dict[str, int]] = defaultdict(dict)
    for (when, cur, category, rate_scaled), (net, tax, docs) in sorted(merged.items()):
        rate = Decimal(rate_scaled) / RATE_SCALE
        body.append(
            (
                when,
                cur,
                _tax_label(category, rate),
                rate,
                docs,
                _m(net, cur),
                _m(tax, cur),
                _m(net + tax, cur),
            )
        )
        chart[cur][when] = chart[cur].get(when, 0) + tax
    cols = (
        ReportColumn("period", "Period"),
        ReportColumn("currency", "Currency"),
        ReportColumn("category", "Tax"),
        ReportColumn("rate", "Rate %", "percent"),
        ReportColumn("documents", "Documents", "int"),
        ReportColumn("net", "Taxable base", "money"),
        ReportColumn("tax", "Tax", "money"),
        ReportColumn("gross", "Gross", "money"),
    )
    table = ReportTable(
        "tax",
        "Tax summary",
        cols,
        tuple(body),
        _totals(body, 1, [5, 6, 7], 0),
        subtitle=f"{period.start.isoformat()} – {period.end.isoformat()}",
        notes=(
            "By issue date (the tax point); credit notes reduce the period they were issued in.",
        ),
    )
    return ReportResult(table, dict(chart))


# --- revenue -----------------------------------------------------------------------------------


def revenue(
    ctx: AppContext, period: Period, *, by: str = "client", currency: str = ""
) -> ReportResult:
    """Net revenue (before tax) by client or by service, credit notes subtracted.

    A service is the agreement line an invoice line came from (its description
    on the schedule), or the line's own description for one-off work.
    """
    if by not in ("client", "service"):
        raise ValueError("revenue is by 'client' or by 'service'")
    with ctx.uow.read() as uow:
        s = uow.session
        signed = "CASE WHEN i.kind = 'credit_note' THEN -{0} ELSE {0} END"
        where = (
            f"WHERE {_range('i.issue_date', period)} AND i.status IN {BILLED_SQL}"
            f"{currency_filter('i.currency', currency)}"
        )
        if by == "client":
            sql = (
                "SELECT c.name, i.currency, "
                f"SUM({signed.format('i.subtotal_minor')}), "
                "SUM(CASE WHEN i.kind = 'invoice' THEN 1 ELSE 0 END) "
                f"FROM invoices AS i{hint(s, 'ix_invoices_issue_figures')} "
                f"JOIN clients AS c ON c.id = i.client_id {where} GROUP BY c.id, c.name, i.currency"
            )
        else:
            sql = (
                "SELECT COALESCE(sl.description, l.description), i.currency, "
                f"SUM({signed.format('l.net_minor')}), COUNT(DISTINCT i.id) "
                f"FROM invoices AS i{hint(s, 'ix_invoices_issue_figures')} "
                "JOIN invoice_lines AS l ON l.invoice_id = i.id "
                "LEFT JOIN schedule_lines AS sl ON sl.id = l.schedule_line_id "
                f"{where} GROUP BY 1, 2"
            )
        found = rows(s, sql)
    grand: dict[str, int] = defaultdict(int)
    for _, cur, net, _n in found:
        grand[cur] += int(net or 0)
    body = sorted(
        (
            (
                str(name),
                cur,
                int(n or 0),
                _m(net, cur),
                _share(int(net or 0), grand[cur]),
            )
            for name, cur, net, n in found
        ),
        key=lambda r: (r[1], -r[3].amount, r[0].casefold()),
    )
    chart: dict[str, dict[str, int]] = defaultdict(dict)
    for name, cur, _n, money, _sh in body:
        chart[cur][name] = money.minor
    cols = (
        ReportColumn("name", "Client" if by == "client" else "Service"),
        ReportColumn("currency", "Currency"),
        ReportColumn("invoices", "Invoices", "int"),
        ReportColumn("net", "Net revenue", "money"),
        ReportColumn("share", "Share %", "percent"),
    )
    table = ReportTable(
        f"revenue_{by}",
        f"Revenue by {by}",
        cols,
        tuple(body),
        _totals(body, 1, [3], 0),
        subtitle=f"{period.start.isoformat()} – {period.end.isoformat()}",
        notes=("Net of tax; credit notes subtract in the period they were issued.",),
    )
    return ReportResult(table, dict(chart))


def _share(part: int, whole: int) -> Decimal | None:
    return share(part, whole)
