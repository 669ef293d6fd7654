"""Billing health: how promptly and how correctly the book is billed, and what waits.

Per month of issue: the days from the moment a period became billable to its
invoice (from the period's end when billing in arrears, from its start when
billing in advance), the invoice error rate (credit notes + voided invoices ÷
invoices issued) and the exceptions raised, resolved automatically and still
open.  Plus the work waiting now: unmatched bank lines and open exceptions.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session

from app.core.money import Money
from app.core.reports import (
    Period,
    ReportColumn,
    ReportTable,
    average_days,
    error_rate,
    share,
)
from app.services.context import AppContext
from app.services.report_sql import (
    BILLED_SQL,
    day,
    day_of,
    days_between,
    hint,
    month_of,
    rows,
)


@dataclass(frozen=True)
class Backlog:
    """What waits for a person right now."""

    bank_lines: int
    bank_amounts: dict[str, int]
    open_exceptions: int
    resolved_in_period: int
    auto_resolved_in_period: int

    @property
    def auto_share(self) -> Decimal | None:
        return share(self.auto_resolved_in_period, self.resolved_in_period)

    def as_dict(self) -> dict[str, Any]:
        return {
            "unmatched_bank_lines": self.bank_lines,
            "unmatched_amounts": {
                c: Money.from_minor(v, c).plain() for c, v in self.bank_amounts.items()
            },
            "open_exceptions": self.open_exceptions,
            "resolved_in_period": self.resolved_in_period,
            "auto_resolved_in_period": self.auto_resolved_in_period,
            "auto_resolved_share": self.auto_share,
        }


def backlog(s: Session, period: Period) -> Backlog:
    """Unmatched bank lines (status unmatched or suggested), open exceptions, and of the
    exceptions resolved in ``period`` how many were resolved automatically."""
    bank = rows(
        s,
        "SELECT currency, COUNT(*), SUM(amount_minor) FROM bank_lines"
        f"{hint(s, 'ix_bank_lines_status_date')} "
        "WHERE status IN ('unmatched','suggested') GROUP BY currency",
    )
    opened = rows(s, "SELECT COUNT(*) FROM exceptions WHERE status = 'open'")[0][0]
    resolved = rows(
        s,
        "SELECT COUNT(*), SUM(CASE WHEN auto_resolved THEN 1 ELSE 0 END) FROM exceptions "
        f"WHERE status <> 'open' AND resolved_at IS NOT NULL "
        f"AND {day_of(s, 'resolved_at')} >= {day(period.start)} "
        f"AND {day_of(s, 'resolved_at')} <= {day(period.end)}",
    )[0]
    return Backlog(
        bank_lines=sum(int(r[1]) for r in bank),
        bank_amounts={r[0]: int(r[2] or 0) for r in bank},
        open_exceptions=int(opened or 0),
        resolved_in_period=int(resolved[0] or 0),
        auto_resolved_in_period=int(resolved[1] or 0),
    )


@dataclass
class HealthMonth:
    month: str
    issued: int = 0
    voids: int = 0
    credit_notes: int = 0
    arrears_days: int = 0
    arrears_count: int = 0
    advance_days: int = 0
    advance_count: int = 0
    exceptions: int = 0
    auto_resolved: int = 0
    still_open: int = 0

    @property
    def error_rate(self) -> Decimal | None:
        return error_rate(self.credit_notes, self.voids, self.issued)


def _health_months(s: Session, period: Period) -> dict[str, HealthMonth]:
    months: dict[str, HealthMonth] = {}

    def at(key: Any) -> HealthMonth:
        k = str(key)
        return months.setdefault(k, HealthMonth(k))

    rng = f"issue_date >= {day(period.start)} AND issue_date <= {day(period.end)}"
    for month, kind, status, n in rows(
        s,
        f"SELECT {month_of(s, 'issue_date')}, kind, status, COUNT(*) FROM invoices"
        f"{hint(s, 'ix_invoices_issue_figures')} WHERE {rng} "
        f"AND (status IN {BILLED_SQL} OR status = 'void') GROUP BY 1, 2, 3",
    ):
        h = at(month)
        if kind == "credit_note":
            h.credit_notes += int(n)
            continue
        h.issued += int(n)
        if status == "void":
            h.voids += int(n)
    irng = rng.replace("issue_date", "i.issue_date")
    arrears_lag = days_between(s, "i.issue_date", "i.period_end")
    advance_lag = days_between(s, "i.issue_date", "i.period_start")
    for month, timing, total, n in rows(
        s,
        f"SELECT {month_of(s, 'i.issue_date')}, sc.timing, "
        f"SUM(CASE WHEN sc.timing = 'arrears' THEN {arrears_lag} ELSE {advance_lag} END), "
        "COUNT(*) FROM invoices AS i JOIN schedules AS sc ON sc.id = i.schedule_id "
        f"WHERE {irng} AND i.kind = 'invoice' AND i.period_start IS NOT NULL "
        f"AND (i.status IN {BILLED_SQL} OR i.status = 'void') GROUP BY 1, 2",
    ):
        h = at(month)
        if timing == "arrears":
            h.arrears_days += int(total or 0)
            h.arrears_count += int(n)
        else:
            h.advance_days += int(total or 0)
            h.advance_count += int(n)
    created = day_of(s, "created_at")
    for month, n, auto, still_open in rows(
        s,
        f"SELECT {month_of(s, created)}, COUNT(*), "
        "SUM(CASE WHEN auto_resolved THEN 1 ELSE 0 END), "
        "SUM(CASE WHEN status = 'open' THEN 1 ELSE 0 END) FROM exceptions "
        f"WHERE {created} >= {day(period.start)} AND {created} <= {day(period.end)} "
        "GROUP BY 1",
    ):
        h = at(month)
        h.exceptions += int(n)
        h.auto_resolved += int(auto or 0)
        h.still_open += int(still_open or 0)
    return dict(sorted(months.items()))


@dataclass
class HealthReport:
    period: Period
    months: list[HealthMonth]
    backlog: Backlog

    def table(self) -> ReportTable:
        cols = (
            ReportColumn("month", "Month"),
            ReportColumn("issued", "Invoices issued", "int"),
            ReportColumn("advance_lag", "Days from period start (advance)", "days"),
            ReportColumn("arrears_lag", "Days from period end (arrears)", "days"),
            ReportColumn("credit_notes", "Credit notes", "int"),
            ReportColumn("voids", "Voided", "int"),
            ReportColumn("error_rate", "Error rate %", "percent"),
            ReportColumn("exceptions", "Exceptions raised", "int"),
            ReportColumn("auto_resolved", "Resolved automatically", "int"),
            ReportColumn("still_open", "Still open", "int"),
        )
        body = tuple(
            (
                h.month,
                h.issued,
                average_days(h.advance_days, h.advance_count),
                average_days(h.arrears_days, h.arrears_count),
                h.credit_notes,
                h.voids,
                h.error_rate,
                h.exceptions,
                h.auto_resolved,
                h.still_open,
            )
            for h in self.months
        )
        b = self.backlog
        return ReportTable(
            "health",
            "Billing health",
            cols,
            body,
            subtitle=(
                f"Waiting now: {b.bank_lines} unmatched bank line(s), "
                f"{b.open_exceptions} open exception(s)"
            ),
            notes=(
                "Error rate = (credit notes + voided invoices) ÷ invoices issued in the month.",
                "Billing delay: days from the period's start (billed in advance) or end "
                "(billed in arrears) to the invoice's issue date.",
            ),
        )


def billing_health(ctx: AppContext, period: Period) -> HealthReport:
    with ctx.uow.read() as uow:
        s = uow.session
        months = list(_health_months(s, period).values())
        waiting = backlog(s, period)
    return HealthReport(period, months, waiting)
