"""Reports on awkward books: empty, a date before anything happened, one enormous client."""

from __future__ import annotations

import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import insert, select

from app.core.reports import Period
from app.services import exports, reports
from app.services.errors import ValidationError
from app.services.report_catalog import REPORTS, ReportParams, run_report
from app.services.report_dashboard import dashboard, next_bill_run
from app.services.report_statement import statement
from tests.services.report_fixtures import customer, invoice


def test_an_empty_book_gives_empty_reports_not_errors(ctx: Any, tmp_path: Path) -> None:
    for key in REPORTS:
        if key == "statement":
            continue
        out = run_report(ctx, key)
        assert out.table.rows == (), key
        assert out.table.totals == (), key
    board = dashboard(ctx, "month")
    assert board.empty and board.currencies == []
    assert board.days_to_pay.current is None
    assert next_bill_run(ctx).due_count == 0
    for what in ("invoices", "payments", "clients"):
        assert exports.export_records(ctx, what, tmp_path / f"{what}.xlsx", "xlsx") == 0
    with pytest.raises(ValidationError, match="client"):
        run_report(ctx, "statement")


def test_an_as_of_date_before_the_first_invoice(ctx: Any) -> None:
    oak = customer(ctx, "Oak Ltd")
    invoice(ctx, oak, date(2026, 5, 1), "100.00")
    assert reports.aging(ctx, date(2020, 1, 1)).lines == []
    assert run_report(ctx, "aging", ReportParams(as_of=date(2020, 1, 1))).table.rows == ()
    doc = statement(ctx, oak, Period(date(2020, 1, 1), date(2020, 12, 31))).document
    assert doc.entries == () and doc.closing_balance.minor == 0
    dso = run_report(ctx, "dso", ReportParams(start=date(2019, 1, 1), end=date(2019, 3, 31)))
    assert all(row[-1] is None for row in dso.table.rows)
    with pytest.raises(ValidationError, match="ends before"):
        run_report(ctx, "collections", ReportParams(start=date(2026, 5, 1), end=date(2026, 4, 1)))


def test_a_client_with_ten_thousand_invoices(ctx: Any) -> None:
    from app.db import models as m

    big = customer(ctx, "Enormous Holdings Ltd")
    now = datetime(2026, 11, 25, tzinfo=UTC)
    rows = []
    expected_open = 0
    for n in range(10_000):
        issued = date(2024, 12, 1) + timedelta(days=n % 720)
        paid = n % 4 != 0  # three in four are paid
        total = 10_000 + n  # 100.00 + n cents
        balance = 0 if paid else total
        expected_open += balance
        rows.append(
            {
                "kind": "invoice",
                "number": f"BIG-{n:05d}",
                "client_id": big,
                "issue_date": issued,
                "due_date": issued + timedelta(days=30),
                "currency": "EUR",
                "status": "paid" if paid else "issued",
                "subtotal_minor": total,
                "total_minor": total,
                "paid_minor": total - balance,
                "balance_minor": balance,
                "created_at": now,
                "updated_at": now,
            }
        )
    with ctx.uow() as uow:
        s = uow.session
        s.execute(insert(m.Invoice.__table__), rows)
        ids = dict(
            s.execute(
                select(m.Invoice.number, m.Invoice.id).where(m.Invoice.client_id == big)
            ).all()
        )
        received = []
        for r in rows:
            if r["balance_minor"]:
                continue
            on = min(r["issue_date"] + timedelta(days=20), date(2026, 11, 25))
            pid = s.execute(
                insert(m.Payment.__table__).values(
                    client_id=big,
                    kind="payment",
                    date=on,
                    amount_minor=r["total_minor"],
                    currency="EUR",
                    method="bank transfer",
                    reference=r["number"],
                    unallocated_minor=0,
                    created_at=now,
                )
            ).inserted_primary_key[0]
            received.append(
                {
                    "invoice_id": ids[r["number"]],
                    "payment_id": pid,
                    "kind": "payment",
                    "date": on,
                    "amount_minor": r["total_minor"],
                    "source": "bank",
                    "created_at": now,
                }
            )
        s.execute(insert(m.Allocation.__table__), received)
        uow.commit()
    started = time.perf_counter()
    report = reports.aging(ctx, client_id=big)
    assert len(report.lines) == 1
    assert report.lines[0].total == expected_open
    assert sum(report.lines[0].buckets) == expected_open
    year = Period(date(2026, 1, 1), date(2026, 11, 25))
    doc = statement(ctx, big, year).document
    issued_in_year = sum(1 for r in rows if r["issue_date"] >= year.start)
    paid_in_year = sum(1 for a in received if a["date"] >= year.start)
    assert len(doc.entries) == issued_in_year + paid_in_year
    # every payment applied in full, so the account closes at exactly the open invoices
    assert doc.closing_balance.minor == expected_open
    assert sum(b.amount.minor for b in doc.aging) == expected_open
    register = run_report(ctx, "register", ReportParams(start=year.start, end=year.end))
    assert len(register.table.rows) == issued_in_year
    assert time.perf_counter() - started < 10
