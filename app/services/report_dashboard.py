"""The dashboard's figures in one read transaction: KPIs against the previous period,
month-by-month series for the charts, aging, top overdue clients and the backlog.

Money is kept per currency throughout (no conversion): the window shows one
currency at a time and lists the others beside it.  Each KPI reuses the
report it summarises — outstanding and overdue come from the aging, collected
from the collections report, invoiced from the register's rule — so the
dashboard and the reports always agree.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session

from app.core.money import Money
from app.core.reports import (
    BUCKETS,
    Change,
    Period,
    average_days,
    dso,
    month_key,
    months_back,
    period_for,
    share,
)
from app.services import settings as settings_service
from app.services.context import AppContext
from app.services.report_activity import collected_between, collected_by_month, invoiced_by_month
from app.services.report_health import Backlog, backlog
from app.services.report_recurring import load_agreements, mrr_by_client
from app.services.report_sql import day, days_between, hint, is_sqlite, rows
from app.services.reports import aging_lines, invoiced_between, receivable_at_month_ends

TOP_OVERDUE = 6  # as many names as the dashboard's chart can label legibly


@dataclass(frozen=True)
class OverdueClient:
    client_id: int
    name: str
    amount: int
    oldest_bucket: int


@dataclass
class Dashboard:
    as_of: date
    period: Period
    previous: Period
    currencies: list[str]
    invoiced: dict[str, Change] = field(default_factory=dict)
    invoice_count: dict[str, Change] = field(default_factory=dict)
    collected: dict[str, Change] = field(default_factory=dict)
    outstanding: dict[str, Change] = field(default_factory=dict)
    overdue: dict[str, Change] = field(default_factory=dict)
    overdue_share: dict[str, Change] = field(default_factory=dict)
    dso: dict[str, Change] = field(default_factory=dict)
    mrr: dict[str, Change] = field(default_factory=dict)
    days_to_pay: Change = field(default_factory=lambda: Change(None, None))
    backlog: Backlog | None = None
    months: list[str] = field(default_factory=list)
    invoiced_months: dict[str, list[int]] = field(default_factory=dict)
    collected_months: dict[str, list[int]] = field(default_factory=dict)
    dso_months: dict[str, list[Decimal | None]] = field(default_factory=dict)
    aging: dict[str, list[int]] = field(default_factory=dict)
    top_overdue: dict[str, list[OverdueClient]] = field(default_factory=dict)

    @property
    def empty(self) -> bool:
        return not self.currencies

    def as_dict(self) -> dict[str, Any]:
        """The figures for ``report summary --format json`` (money as plain strings)."""

        def money(values: dict[str, Change]) -> dict[str, Any]:
            return {
                cur: {
                    "current": _plain(c.current, cur),
                    "previous": _plain(c.previous, cur),
                    "change_percent": c.percent,
                }
                for cur, c in values.items()
            }

        def ratio(values: dict[str, Change]) -> dict[str, Any]:
            return {cur: c.as_dict() for cur, c in values.items()}

        return {
            "as_of": self.as_of,
            "period": {"start": self.period.start, "end": self.period.end},
            "previous": {"start": self.previous.start, "end": self.previous.end},
            "currencies": self.currencies,
            "invoiced": money(self.invoiced),
            "collected": money(self.collected),
            "outstanding": money(self.outstanding),
            "overdue": money(self.overdue),
            "overdue_share_percent": ratio(self.overdue_share),
            "dso_days": ratio(self.dso),
            "average_days_to_pay": self.days_to_pay.as_dict(),
            "mrr": money(self.mrr),
            "backlog": self.backlog.as_dict() if self.backlog else None,
            "aging": {
                cur: dict(zip(BUCKETS, (_plain(v, cur) for v in b), strict=True))
                for cur, b in self.aging.items()
            },
        }


def _plain(minor: Any, currency: str) -> str | None:
    return None if minor is None else Money.from_minor(int(minor), currency).plain()


def days_to_pay(s: Session, period: Period) -> tuple[int, int]:
    """(total days, payments) over payments applied in ``period``: from the invoice's issue
    date to the day the payment was applied; undone allocations are left out."""
    if is_sqlite(s):
        source = (
            f"allocations AS a{hint(s, 'ix_allocations_date')} CROSS JOIN invoices AS i "
            "WHERE i.id = a.invoice_id AND "
        )
    else:
        source = "allocations AS a JOIN invoices AS i ON i.id = a.invoice_id WHERE "
    found = rows(
        s,
        f"SELECT SUM({days_between(s, 'a.date', 'i.issue_date')}), COUNT(*) FROM {source}"
        f"a.date >= {day(period.start)} AND a.date <= {day(period.end)} "
        "AND a.kind = 'payment' AND a.amount_minor > 0 "
        "AND a.reverses_id IS NULL AND a.reversed_by_id IS NULL",
    )
    total, count = found[0]
    return int(total or 0), int(count or 0)


def _ordered(currencies: set[str], home: str) -> list[str]:
    return sorted(currencies, key=lambda c: (c != home, c))


def dashboard(ctx: AppContext, period_key: str = "month", months: int = 12) -> Dashboard:
    """Everything the dashboard shows, for the named period (see ``PERIOD_CHOICES``)."""
    today = ctx.clock.today()
    period = period_for(period_key, today)
    previous = period.previous()
    window = months_back(period.end, months)
    with ctx.uow.read() as uow:
        s = uow.session
        home = str(settings_service.get(s, "company.currency") or "EUR")
        now_lines = aging_lines(s, period.end, with_credit=False)
        then_lines = aging_lines(s, previous.end, with_credit=False)
        inv_now = invoiced_between(s, period.start, period.end)
        inv_then = invoiced_between(s, previous.start, previous.end)
        col_now = collected_between(s, period)
        col_then = collected_between(s, previous)
        span = Period(window[0].start, period.end)
        inv_months = invoiced_by_month(s, span)
        col_months = collected_by_month(s, span)
        ar_months = receivable_at_month_ends(s, window)
        pay_now = days_to_pay(s, period)
        pay_then = days_to_pay(s, previous)
        waiting = backlog(s, period)
        agreements = load_agreements(s)
    mrr_now = mrr_by_client(agreements, period.end)
    mrr_then = mrr_by_client(agreements, previous.end)

    def ar(lines: list[Any]) -> dict[str, tuple[int, int]]:
        out: dict[str, tuple[int, int]] = {}
        for line in lines:
            total, late = out.get(line.currency, (0, 0))
            out[line.currency] = (total + line.total, late + line.overdue)
        return out

    ar_now, ar_then = ar(now_lines), ar(then_lines)
    currencies = (
        set(ar_now)
        | set(ar_then)
        | set(inv_now)
        | set(inv_then)
        | set(col_now)
        | set(col_then)
        | set(inv_months)
        | set(col_months)
        | set(mrr_now)
        | set(mrr_then)
    )
    board = Dashboard(today, period, previous, _ordered(currencies, home), backlog=waiting)
    board.months = [month_key(p.start) for p in window]
    for cur in board.currencies:
        a_now, a_then = ar_now.get(cur, (0, 0)), ar_then.get(cur, (0, 0))
        i_now, i_then = inv_now.get(cur, (0, 0)), inv_then.get(cur, (0, 0))
        board.invoiced[cur] = Change(i_now[1], i_then[1])
        board.invoice_count[cur] = Change(i_now[0], i_then[0])
        board.collected[cur] = Change(col_now.get(cur, 0), col_then.get(cur, 0))
        board.outstanding[cur] = Change(a_now[0], a_then[0])
        board.overdue[cur] = Change(a_now[1], a_then[1])
        board.overdue_share[cur] = Change(share(a_now[1], a_now[0]), share(a_then[1], a_then[0]))
        board.dso[cur] = Change(
            dso(a_now[0], i_now[1], period.days), dso(a_then[0], i_then[1], previous.days)
        )
        board.mrr[cur] = Change(
            sum(mrr_now.get(cur, {}).values()), sum(mrr_then.get(cur, {}).values())
        )
        board.invoiced_months[cur] = [inv_months.get(cur, {}).get(k, 0) for k in board.months]
        board.collected_months[cur] = [col_months.get(cur, {}).get(k, 0) for k in board.months]
        trend = []
        for p, k in zip(window, board.months, strict=True):
            receivable = a_now[0] if p.end == period.end else ar_months.get(cur, {}).get(k, 0)
            trend.append(dso(receivable, inv_months.get(cur, {}).get(k, 0), p.days))
        board.dso_months[cur] = trend
        buckets = [0] * len(BUCKETS)
        late: list[OverdueClient] = []
        for line in now_lines:
            if line.currency != cur:
                continue
            buckets = [a + b for a, b in zip(buckets, line.buckets, strict=True)]
            if line.overdue > 0:
                oldest = max(i for i, v in enumerate(line.buckets) if v)
                late.append(OverdueClient(line.client_id, line.client_name, line.overdue, oldest))
        board.aging[cur] = buckets
        late.sort(key=lambda x: (-x.amount, x.name.casefold()))
        board.top_overdue[cur] = late[:TOP_OVERDUE]
    board.days_to_pay = Change(average_days(*pay_now), average_days(*pay_then))
    return board


# --- the next bill run -------------------------------------------------------------------


@dataclass(frozen=True)
class NextRun:
    """What the next bill run would create: due now, or the next date something falls due."""

    due_count: int
    due_totals: dict[str, int]
    next_date: date | None
    next_count: int
    next_totals: dict[str, int]

    def as_dict(self) -> dict[str, Any]:
        return {
            "due_now": self.due_count,
            "due_totals": {c: _plain(v, c) for c, v in self.due_totals.items()},
            "next_date": self.next_date,
            "next_count": self.next_count,
            "next_totals": {c: _plain(v, c) for c, v in self.next_totals.items()},
        }


def next_bill_run(ctx: AppContext, horizon_days: int = 35) -> NextRun:
    """Items a run would create today, and the first later day with something due."""
    from app.services.bill_run import pending_items

    today = ctx.clock.today()
    items = pending_items(ctx, today + timedelta(days=horizon_days))
    due = [i for i in items if i.bill_date <= today]
    later = [i for i in items if i.bill_date > today]
    first = min((i.bill_date for i in later), default=None)
    on_first = [i for i in later if i.bill_date == first]

    def totals(chosen: list[Any]) -> dict[str, int]:
        out: dict[str, int] = {}
        for i in chosen:
            out[i.currency] = out.get(i.currency, 0) + i.total_minor
        return dict(sorted(out.items()))

    return NextRun(len(due), totals(due), first, len(on_first), totals(on_first))
