"""MRR from the stored agreements, and its monthly movements."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D
from typing import Any

from sqlalchemy import text

from app.core.recurrence import Cadence
from app.core.reports import months_back
from app.services import schedules
from app.services.report_recurring import mrr_at, mrr_report
from tests.services.billing_fixtures import schedule
from tests.services.report_fixtures import customer


def test_mrr_from_agreements_of_every_cadence(ctx: Any) -> None:
    ash = customer(ctx, "Ash Ltd")
    birch = customer(ctx, "Birch plc", "GBP")
    schedule(ctx, ash, "100.00", start=date(2026, 1, 1))
    schedule(ctx, ash, "300.00", start=date(2026, 1, 1), cadence=Cadence.QUARTERLY, name="Review")
    schedule(ctx, birch, "1200.00", start=date(2026, 3, 1), cadence=Cadence.YEARLY, tax="20")
    # EUR: 100.00 + 300.00 / 3 = 200.00 a month; GBP: 1,200.00 / 12 = 100.00 (net of tax)
    assert mrr_at(ctx, date(2026, 6, 1)) == {"EUR": 20_000, "GBP": 10_000}
    assert mrr_at(ctx, date(2026, 2, 1)) == {"EUR": 20_000}  # Birch starts in March


def test_mrr_movements_month_by_month(ctx: Any) -> None:
    ash = customer(ctx, "Ash Ltd")
    cedar = customer(ctx, "Cedar Inc")
    first = schedule(ctx, ash, "100.00", start=date(2026, 1, 1), qty="2")
    schedule(ctx, cedar, "50.00", start=date(2026, 9, 10))
    # Ash drops to one seat from 15 Oct
    schedules.add_change(ctx, first.id, first.data.lines[0].id, date(2026, 10, 15), quantity=D(1))
    report = mrr_report(ctx, months_back(date(2026, 11, 25), 3))
    rows = [
        (m, mv.start, mv.new, mv.expansion, mv.contraction, mv.churn, mv.end)
        for m, mv in report.movements
    ]
    assert rows == [
        # September: Cedar is new (+50.00); Ash stays at 200.00
        ("2026-09", 20_000, 5_000, 0, 0, 0, 25_000),
        # October: Ash contracts from 200.00 to 100.00
        ("2026-10", 25_000, 0, 0, 10_000, 0, 15_000),
        # November (to the 25th): no change yet
        ("2026-11", 15_000, 0, 0, 0, 0, 15_000),
    ]


def test_milestones_and_metered_lines_are_not_recurring_revenue(ctx: Any) -> None:
    ash = customer(ctx, "Ash Ltd")
    project = schedule(ctx, ash, "5000.00", start=date(2026, 1, 1), name="Website project")
    metered = schedule(ctx, ash, "0.10", start=date(2026, 1, 1), name="API calls")
    schedule(ctx, ash, "100.00", start=date(2026, 1, 1))
    with ctx.uow() as uow:
        uow.session.execute(
            text("UPDATE schedules SET kind = 'milestone' WHERE id = :id"), {"id": project.id}
        )
        uow.session.execute(
            text("UPDATE schedule_lines SET metered = 1 WHERE schedule_id = :id"),
            {"id": metered.id},
        )
        uow.commit()
    assert mrr_at(ctx, date(2026, 6, 1)) == {"EUR": 10_000}
