"""On the demo book, aging, collections, the register and the dashboard agree with each
other and with the invoice list — whatever the demo happens to contain."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from app.core.invoices import OPEN
from app.core.reports import BUCKETS, dso, month_key, period_for
from app.services import invoicing, reports
from app.services import report_activity as activity
from app.services.report_catalog import ReportParams, run_report
from app.services.report_dashboard import dashboard
from app.services.report_statement import statement
from tests.conftest import AS_OF

OPEN_STATUSES = tuple(s.value for s in OPEN)


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    from app.bootstrap import open_app
    from app.services.demo import load_demo

    opened = open_app(Path(tmp_path_factory.mktemp("demo")) / "home", as_of=AS_OF)
    load_demo(opened.ctx)
    yield opened
    opened.close()


def _list_balances(ctx: Any, q: invoicing.InvoiceQuery) -> dict[str, int]:
    return {cur: bal for cur, _n, _t, bal in invoicing.invoice_totals(ctx, q) if bal}


def test_aging_ties_to_the_open_and_overdue_invoice_lists(demo: Any) -> None:
    ctx = demo.ctx
    report = reports.aging(ctx)
    totals = report.totals()
    open_list = _list_balances(ctx, invoicing.InvoiceQuery(statuses=OPEN_STATUSES, kind="invoice"))
    overdue_list = _list_balances(ctx, invoicing.InvoiceQuery(kind="invoice", overdue_on=AS_OF))
    assert open_list, "the demo has open invoices"
    assert {c: t.total for c, t in totals.items() if t.total} == open_list
    assert {c: t.overdue for c, t in totals.items() if t.overdue} == overdue_list
    # by client: every client's line equals that client's open invoices in the list
    for line in report.lines:
        q = invoicing.InvoiceQuery(
            statuses=OPEN_STATUSES, kind="invoice", client_id=line.client_id, currency=line.currency
        )
        assert _list_balances(ctx, q).get(line.currency, 0) == line.total, line.client_name


def test_dashboard_agrees_with_aging_collections_and_register(demo: Any) -> None:
    ctx = demo.ctx
    for key in ("month", "last_month", "year"):
        board = dashboard(ctx, key)
        period = board.period
        aged = reports.aging(ctx, period.end, with_credit=False).totals()
        collected = activity.collections(ctx, period).table().totals
        register = activity.invoice_register(ctx, period).table()
        invoiced: dict[str, int] = defaultdict(int)
        for row in register.rows:
            if row[4] == "Invoice":
                invoiced[row[6]] += row[9].minor
        for cur in board.currencies:
            assert board.outstanding[cur].current == (aged[cur].total if cur in aged else 0)
            assert board.overdue[cur].current == (aged[cur].overdue if cur in aged else 0)
            received = next((t[4].minor for t in collected if t[2] == cur), 0)
            assert board.collected[cur].current == received, (key, cur)
            assert board.invoiced[cur].current == invoiced.get(cur, 0), (key, cur)
            assert sum(board.aging[cur]) == board.outstanding[cur].current
        # the last point of the DSO trend is the period's own month
        if key == "month":
            for cur in board.currencies:
                month = board.invoiced_months[cur][-1]
                assert board.dso_months[cur][-1] == dso(
                    board.outstanding[cur].current, month, period.days
                )
                assert board.months[-1] == month_key(period.start)


def test_aging_on_past_dates_matches_the_definition(demo: Any) -> None:
    """Balance on D = total − allocations dated on or before D, summed independently in SQL."""
    ctx = demo.ctx
    for day in (date(2025, 6, 30), date(2026, 3, 31), date(2026, 10, 31)):
        with ctx.uow.read() as uow:
            expected = dict(
                uow.session.execute(
                    text(
                        "SELECT i.currency, SUM(i.total_minor - COALESCE((SELECT SUM(a.amount_minor) "
                        "FROM allocations a WHERE a.invoice_id = i.id AND a.date <= :d), 0)) "
                        "FROM invoices i WHERE i.kind = 'invoice' AND i.issue_date <= :d "
                        "AND i.status IN ('issued','sent','partly_paid','paid','credited') "
                        "GROUP BY i.currency"
                    ),
                    {"d": day.isoformat()},
                ).all()
            )
        got = {c: t.total for c, t in reports.aging(ctx, day).totals().items()}
        assert got == {c: v for c, v in expected.items() if v}, day


def test_statements_close_at_open_invoices_less_credit(demo: Any) -> None:
    ctx = demo.ctx
    period = period_for("year", AS_OF)
    for line in reports.aging(ctx).lines[:8]:
        doc = statement(ctx, line.client_id, period, line.currency).document
        assert doc.closing_balance.minor == line.total - line.credit, line.client_name
        assert sum(b.amount.minor for b in doc.aging) == line.total
        assert len(doc.aging) == len(BUCKETS)


def test_every_report_runs_on_the_demo(demo: Any) -> None:
    ctx = demo.ctx
    client_id = reports.aging(ctx).lines[0].client_id
    for key in ("aging", "dso", "collections", "register", "tax", "revenue", "mrr", "health"):
        out = run_report(ctx, key)
        assert out.table.rows, key
    assert run_report(ctx, "statement", ReportParams(client_id=client_id)).table.rows
    mrr = run_report(ctx, "mrr").table
    for row in mrr.rows:
        start, new, expansion, contraction, churn, end = (row[i].minor for i in range(2, 8))
        # contraction and churn are shown negative: start + movements = end
        assert start + new + expansion + contraction + churn == end


def test_the_demo_bills_its_api_plan_from_each_months_records(demo: Any) -> None:
    """Every past month of the demo's metered plan is one invoice whose net amount is the
    tiered price of that month's calls: 2,000 included, the next 10,000 at 0.010, the
    rest at 0.004 — worked out here from the records, not by the rating code."""
    from decimal import ROUND_HALF_UP, Decimal

    with demo.ctx.uow.read() as uow:
        s = uow.session
        invoices = s.execute(
            text(
                "SELECT i.period_start, i.period_end, i.subtotal_minor FROM invoices i "
                "JOIN schedules s ON s.id = i.schedule_id WHERE s.name = 'API platform' "
                "ORDER BY i.period_start"
            )
        ).all()
        assert len(invoices) >= 4
        for start, end, net_minor in invoices:
            calls = s.execute(
                text(
                    "SELECT sum(quantity) FROM usage_records WHERE item = 'api-calls' "
                    "AND occurred_on BETWEEN :a AND :b"
                ),
                {"a": start, "b": end},
            ).scalar_one()
            q = Decimal(calls) / 10**6  # quantities are stored in millionths
            billable = max(q - 2000, Decimal(0))
            expected = min(billable, Decimal(10000)) * Decimal("0.010") + max(
                billable - 10000, Decimal(0)
            ) * Decimal("0.004")
            cents = int((expected * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))
            assert net_minor == cents, (start, q)
        open_records = s.execute(
            text("SELECT count(*) FROM usage_records WHERE occurred_on >= :today"),
            {"today": date(AS_OF.year, AS_OF.month, 1)},
        ).scalar_one()
        assert open_records > 0  # this month's usage waits for the month's end
