"""Receivables: aging as of any date, unapplied client credit, AR at month ends, DSO.

**Balance of an invoice as of a day D** = total − allocations dated on or
before D.  It is computed as today's balance + allocations dated after D, which
is the same number whenever the ledger is consistent, ties to the invoice list
exactly for D = today, and needs only the few rows after D: open invoices come
from a partial covering index, later allocations from a date index.  So an
invoice paid after D counts as open on D, and an undo dated on or before D
cancels the allocation it reverses.  Invoices issued after D, drafts and void
invoices never count.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from app.core.money import Money
from app.core.reports import (
    BUCKETS,
    Period,
    ReportColumn,
    ReportTable,
    bucket_floors,
    dso,
    month_key,
    share,
)
from app.services.context import AppContext
from app.services.report_sql import (
    BILLED_SQL,
    OPEN_SQL,
    currency_filter,
    day,
    day_of,
    hint,
    id_filter,
    is_sqlite,
    month_of,
    rows,
)

N = len(BUCKETS)


@dataclass(slots=True)
class AgingLine:
    client_id: int
    client_name: str
    currency: str
    buckets: list[int]
    credit: int = 0  # unapplied payments and credit notes (client credit), positive

    @property
    def total(self) -> int:
        return sum(self.buckets)

    @property
    def overdue(self) -> int:
        return sum(self.buckets[1:])


@dataclass
class AgingReport:
    """Open receivables by client and age on ``as_of``; totals per currency."""

    as_of: date
    lines: list[AgingLine]

    def totals(self) -> dict[str, AgingLine]:
        out: dict[str, AgingLine] = {}
        for line in self.lines:
            t = out.setdefault(line.currency, AgingLine(0, "Total", line.currency, [0] * N))
            t.buckets = [a + b for a, b in zip(t.buckets, line.buckets, strict=True)]
            t.credit += line.credit
        return dict(sorted(out.items()))

    @property
    def rows(self) -> list[AgingLine]:
        return self.lines

    def table(self) -> ReportTable:
        cols = (
            ReportColumn("client", "Client"),
            ReportColumn("currency", "Currency"),
            *(ReportColumn(f"b{i}", label, "money") for i, label in enumerate(BUCKETS)),
            ReportColumn("total", "Total open", "money"),
            ReportColumn("credit", "Credit", "money"),
            ReportColumn("overdue_share", "Overdue %", "percent"),
        )

        def cells(line: AgingLine) -> tuple[Any, ...]:
            cur = line.currency
            return (
                line.client_name,
                cur,
                *(Money.from_minor(b, cur) for b in line.buckets),
                Money.from_minor(line.total, cur),
                Money.from_minor(line.credit, cur),
                share(line.overdue, line.total),
            )

        return ReportTable(
            "aging",
            "Receivables aging",
            cols,
            tuple(cells(x) for x in self.lines),
            tuple(cells(t) for t in self.totals().values()),
            subtitle=f"Open invoices by days past due on {self.as_of.isoformat()}",
            notes=(
                "Balance on the date = total − payments, credits and write-offs dated on or "
                "before it; an invoice paid later counts as open then.",
                "Credit: payments and credit notes not yet applied to an invoice.",
                "Totals are per currency; amounts in different currencies are never added.",
            ),
        )


def _pivot(due: str, amount: str, as_of: date) -> str:
    """Cumulative sums by due date: c0 = not yet due, c1 = due within 30 days…"""
    return ", ".join(
        f"SUM(CASE WHEN {due} >= {day(f)} THEN {amount} ELSE 0 END)" for f in bucket_floors(as_of)
    )


def aging_lines(
    s: Session,
    as_of: date,
    *,
    currency: str = "",
    client_id: int | None = None,
    with_credit: bool = True,
) -> list[AgingLine]:
    """Open balances by client, currency and bucket (see the module docstring)."""
    filters = currency_filter("currency", currency) + id_filter("client_id", client_id)
    issued = f" AND issue_date <= {day(as_of)}"
    found: dict[tuple[int, str], tuple[int, ...]] = {}
    names: dict[int, str] = {}
    open_sql = (
        "SELECT o.*, c.name FROM ("
        f"SELECT client_id, currency, {_pivot('due_date', 'balance_minor', as_of)}, "
        f"SUM(balance_minor) AS total FROM invoices{hint(s, 'ix_invoices_open_aging')} "
        f"WHERE balance_minor <> 0 AND status IN {OPEN_SQL}{issued}{filters} "
        "GROUP BY client_id, currency) AS o JOIN clients AS c ON c.id = o.client_id "
        "ORDER BY o.currency, o.total DESC, c.name, o.client_id"
    )
    for r in rows(s, open_sql):  # already in report order
        found[(r[0], r[1])] = r[2:-1]
        names[r[0]] = r[-1]
    later_filters = currency_filter("i.currency", currency) + id_filter("i.client_id", client_id)
    if is_sqlite(s):
        source = (
            f"allocations AS a{hint(s, 'ix_allocations_date')} CROSS JOIN invoices AS i "
            "WHERE i.id = a.invoice_id AND "
        )
    else:
        source = "allocations AS a JOIN invoices AS i ON i.id = a.invoice_id WHERE "
    later_sql = (
        f"SELECT i.client_id, i.currency, {_pivot('i.due_date', 'a.amount_minor', as_of)}, "
        f"SUM(a.amount_minor) FROM {source}a.date > {day(as_of)} "
        f"AND i.issue_date <= {day(as_of)} AND i.status IN {BILLED_SQL}{later_filters} "
        "GROUP BY i.client_id, i.currency"
    )
    reorder = False
    for r in rows(s, later_sql):
        key = (r[0], r[1])
        base = found.get(key, (0,) * N)
        found[key] = tuple(a + int(b or 0) for a, b in zip(base, r[2:], strict=True))
        reorder = True
    credit = client_credit(s, as_of, currency, client_id) if with_credit else {}
    for key in credit:
        if key not in found:
            found[key] = (0,) * N
            reorder = True
    names.update(client_names(s, {k[0] for k in found if k[0] not in names}))
    lines = [
        AgingLine(
            cid,
            names.get(cid) or f"#{cid}",
            cur,
            [c0, c1 - c0, c2 - c1, c3 - c2, total - c3],
            credit.get((cid, cur), 0),
        )
        for (cid, cur), (c0, c1, c2, c3, total) in found.items()
        if total or (cid, cur) in credit
    ]
    if reorder:
        lines.sort(key=lambda x: (x.currency, -x.total, x.client_name, x.client_id))
    return lines


def client_credit(
    s: Session, as_of: date, currency: str = "", client_id: int | None = None
) -> dict[tuple[int, str], int]:
    """Unapplied client credit (payments and credit-note excess not yet allocated).

    After the last payment or allocation it is the sum of ``unallocated``; before,
    on a day D, it is payments and
    credits dated ≤ D (unless reversed by D) − their allocations dated ≤ D −
    refunds dated ≤ D.
    """
    f = currency_filter("currency", currency) + id_filter("client_id", client_id)
    if as_of >= _last_movement(s):
        sql = (
            f"SELECT client_id, currency, SUM(unallocated_minor) FROM payments"
            f"{hint(s, 'ix_payments_credit')} WHERE unallocated_minor <> 0 "
            f"AND kind IN ('payment','credit') AND reversed_at IS NULL{f} "
            "GROUP BY client_id, currency"
        )
        return {(r[0], r[1]): int(r[2]) for r in rows(s, sql) if r[2]}
    d = day(as_of)
    pf = currency_filter("p.currency", currency) + id_filter("p.client_id", client_id)
    sql = (
        "SELECT client_id, currency, SUM(amount) FROM ("
        f"SELECT client_id, currency, amount_minor AS amount FROM payments "
        f"WHERE kind IN ('payment','credit') AND date <= {d} "
        f"AND (reversed_at IS NULL OR {day_of(s, 'reversed_at')} > {d}){f} "
        "UNION ALL "
        f"SELECT p.client_id, p.currency, -a.amount_minor FROM allocations AS a "
        f"JOIN payments AS p ON p.id = a.payment_id WHERE a.date <= {d} "
        f"AND p.kind IN ('payment','credit') "
        f"AND (p.reversed_at IS NULL OR {day_of(s, 'p.reversed_at')} > {d}){pf} "
        "UNION ALL "
        f"SELECT client_id, currency, -amount_minor FROM payments "
        f"WHERE kind = 'refund' AND date <= {d}{f}"
        ") AS movements GROUP BY client_id, currency"
    )
    return {(r[0], r[1]): int(r[2]) for r in rows(s, sql) if r[2]}


def _last_movement(s: Session) -> date:
    """The latest payment or allocation date (both indexed): after it nothing moved."""
    found = rows(
        s,
        "SELECT MAX(d) FROM (SELECT MAX(date) AS d FROM allocations "
        "UNION ALL SELECT MAX(date) FROM payments) AS latest",
    )[0][0]
    if found is None:
        return date.min
    return found if isinstance(found, date) else date.fromisoformat(str(found)[:10])


def client_names(s: Session, ids: set[int]) -> dict[int, str]:
    out: dict[int, str] = {}
    listed = sorted(ids)
    if not listed:
        return out
    for start in range(0, len(listed), 900):
        chunk = ",".join(str(int(i)) for i in listed[start : start + 900])
        out.update(
            {r[0]: r[1] for r in rows(s, f"SELECT id, name FROM clients WHERE id IN ({chunk})")}
        )
    return out


def aging(
    ctx: AppContext,
    as_of: date | None = None,
    *,
    currency: str = "",
    client_id: int | None = None,
    with_credit: bool = True,
) -> AgingReport:
    """The aging report by client (the Reports page, ``report aging``, the dashboard)."""
    day_ = as_of or ctx.clock.today()
    with ctx.uow.read() as uow:
        lines = aging_lines(
            uow.session,
            day_,
            currency=currency,
            client_id=client_id,
            with_credit=with_credit,
        )
    return AgingReport(day_, lines)


# --- receivables over time and DSO ---------------------------------------------------------


def receivable_at_month_ends(s: Session, months: list[Period]) -> dict[str, dict[str, int]]:
    """AR per currency at the end of each month in ``months`` (by ``YYYY-MM``).

    AR(D) = Σ over invoices issued on or before D of (balance today + allocations
    dated after D), grouped once by issue month and allocation month, then
    accumulated — two aggregate queries for any number of months.  A month still
    running counts everything issued in it so far.
    """
    if not months:
        return {}
    first_end = months[0].end
    open_sql = (
        f"SELECT currency, {month_of(s, 'issue_date')}, SUM(balance_minor) "
        f"FROM invoices{hint(s, 'ix_invoices_open_aging')} "
        f"WHERE balance_minor <> 0 AND status IN {OPEN_SQL} GROUP BY 1, 2"
    )
    if is_sqlite(s):
        source = (
            f"allocations AS a{hint(s, 'ix_allocations_date')} CROSS JOIN invoices AS i "
            "WHERE i.id = a.invoice_id AND "
        )
    else:
        source = "allocations AS a JOIN invoices AS i ON i.id = a.invoice_id WHERE "
    later_sql = (
        f"SELECT i.currency, {month_of(s, 'i.issue_date')}, {month_of(s, 'a.date')}, "
        f"SUM(a.amount_minor) FROM {source}a.date > {day(first_end)} "
        f"AND i.status IN {BILLED_SQL} GROUP BY 1, 2, 3"
    )
    open_by: dict[str, list[tuple[str, int]]] = defaultdict(list)
    for cur, issued, amount in rows(s, open_sql):
        open_by[cur].append((issued, int(amount)))
    later_by: dict[str, list[tuple[str, str, int]]] = defaultdict(list)
    for cur, issued, paid, amount in rows(s, later_sql):
        later_by[cur].append((issued, paid, int(amount)))
    out: dict[str, dict[str, int]] = {}
    for cur in sorted(set(open_by) | set(later_by)):
        series = {}
        for p in months:
            key = month_key(p.start)
            ar = sum(a for m, a in open_by[cur] if m <= key)
            ar += sum(a for m, paid, a in later_by[cur] if m <= key < paid)
            series[key] = ar
        out[cur] = series
    return out


@dataclass(frozen=True)
class DsoFigure:
    """DSO for one currency over one period, with the figures it is made of."""

    currency: str
    period: Period
    receivable: int
    invoiced: int

    @property
    def days(self) -> Any:
        return dso(self.receivable, self.invoiced, self.period.days)

    def as_dict(self) -> dict[str, Any]:
        return {
            "currency": self.currency,
            "start": self.period.start,
            "end": self.period.end,
            "days_in_period": self.period.days,
            "receivable_at_end": Money.from_minor(self.receivable, self.currency).plain(),
            "invoiced": Money.from_minor(self.invoiced, self.currency).plain(),
            "dso": self.days,
        }


def invoiced_between(s: Session, start: date, end: date) -> dict[str, tuple[int, int]]:
    """Per currency: (count, gross total) of invoices issued in [start, end], voids excluded."""
    sql = (
        f"SELECT currency, COUNT(*), SUM(total_minor) FROM invoices"
        f"{hint(s, 'ix_invoices_issue_figures')} WHERE issue_date >= {day(start)} "
        f"AND issue_date <= {day(end)} AND kind = 'invoice' AND status IN {BILLED_SQL} "
        "GROUP BY currency"
    )
    return {r[0]: (int(r[1]), int(r[2] or 0)) for r in rows(s, sql)}


def dso_for(ctx: AppContext, period: Period) -> list[DsoFigure]:
    """DSO = AR at period end ÷ invoiced in period × days in period, per currency."""
    with ctx.uow.read() as uow:
        s = uow.session
        lines = aging_lines(s, period.end, with_credit=False)
        invoiced = invoiced_between(s, period.start, period.end)
    ar: dict[str, int] = defaultdict(int)
    for line in lines:
        ar[line.currency] += line.total
    return [
        DsoFigure(cur, period, ar.get(cur, 0), invoiced.get(cur, (0, 0))[1])
        for cur in sorted(set(ar) | set(invoiced))
    ]


def dso_table(figures: list[DsoFigure]) -> ReportTable:
    cols = (
        ReportColumn("currency", "Currency"),
        ReportColumn("start", "From", "date"),
        ReportColumn("end", "To", "date"),
        ReportColumn("days_in_period", "Days", "int"),
        ReportColumn("receivable", "AR at end", "money"),
        ReportColumn("invoiced", "Invoiced", "money"),
        ReportColumn("dso", "DSO (days)", "days"),
    )
    body = tuple(
        (
            f.currency,
            f.period.start,
            f.period.end,
            f.period.days,
            Money.from_minor(f.receivable, f.currency),
            Money.from_minor(f.invoiced, f.currency),
            f.days,
        )
        for f in figures
    )
    return ReportTable(
        "dso",
        "Days sales outstanding",
        cols,
        body,
        notes=("DSO = AR at period end ÷ invoiced in period × days in period.",),
    )
