"""Payment-risk scores and the operational brief, computed from a real book."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal as D
from typing import Any

from app.services.brief import brief_figures, brief_text, period_bounds
from app.services.exceptions import queue_stats
from app.services.payments import record_payment
from app.services.risk import all_risks, client_risk, invoice_risk
from tests.services.billing_fixtures import client
from tests.services.exception_fixtures import invoice_row, issued


def _paid_history(ctx: Any, client_id: int, days_late: list[int]) -> None:
    """One invoice a month from January (net 30), each paid ``days_late`` after its due date."""
    for n, late in enumerate(days_late):
        inv = issued(ctx, client_id, "100.00", date(2025, 1, 1) + timedelta(days=30 * n))
        due = invoice_row(ctx, inv).due_date
        record_payment(
            ctx,
            client_id,
            D("100.00"),
            due + timedelta(days=late),
            allocations=[(inv, D("100.00"))],
        )


def test_risk_from_payment_history(ctx: Any) -> None:
    late, new, good = client(ctx, "Late Ltd"), client(ctx, "New Ltd"), client(ctx, "Good Ltd")
    _paid_history(ctx, late.id, [0, 20, 20, 20, 0, 20, 20, 20])
    _paid_history(ctx, new.id, [20])
    _paid_history(ctx, good.id, [0] * 11)
    # the book: 20 paid, 7 late → p0 = 0.35; 140 days late in all → d0 = 7.00
    a = client_risk(ctx, late.id)
    # (6 + 3 × 0.35) / 11 = 0.64 → 4 points; (120 + 21) / 11 = 12.82 → 1 point
    assert (a.level, a.points) == ("high", 5)
    assert a.reasons[0] == "Paid late 6 of 8: (6 + 3 × 0.35) / (8 + 3) = 0.64, ≥ 0.50 → 4 points"
    b = client_risk(ctx, new.id)
    # (1 + 1.05) / 4 = 0.51 → 4; (20 + 21) / 4 = 10.25 → 1: 5 points, but 1 paid invoice
    assert (b.points, b.level, b.limited_history) == (5, "medium", True)
    g = client_risk(ctx, good.id)
    assert g.level == "low"
    assert [r.name for r in all_risks(ctx, "high")] == ["Late Ltd"]


def test_an_invoice_shows_its_clients_risk(ctx: Any) -> None:
    c = client(ctx)
    inv = issued(ctx, c.id, "100.00", date(2026, 9, 1))  # due 1 Oct, 55 days overdue today
    score = invoice_risk(ctx, inv)
    assert any("55 days overdue now (more than 14) → 2 points" in f.text for f in score.factors)


def test_the_weekly_brief_counts_from_the_book(ctx: Any) -> None:
    acme, brit = client(ctx, "Acme Ltd"), client(ctx, "Thames Ltd", "GBP")
    issued(ctx, acme.id, "1000.00", date(2026, 11, 20))
    old = issued(ctx, acme.id, "500.00", date(2026, 10, 1), description="Support")  # due 31 Oct
    record_payment(ctx, acme.id, D("200.00"), date(2026, 11, 22), allocations=[(old, D("200.00"))])
    issued(ctx, brit.id, "80.00", date(2026, 11, 24))
    assert period_bounds("week", date(2026, 11, 25)) == (date(2026, 11, 19), date(2026, 11, 25))
    f = brief_figures(ctx, "week")
    eur, gbp = f.currencies
    # EUR: 1,000.00 invoiced; 200.00 collected; 500.00 - 200.00 = 300.00 overdue now and
    # 500.00 on 19 November, before the payment
    assert (eur.invoiced_minor, eur.invoiced_count) == (100000, 1)
    assert (eur.collected_minor, eur.collected_count) == (20000, 1)
    assert (eur.overdue_minor, eur.overdue_count, eur.overdue_before_minor) == (30000, 1, 50000)
    assert (gbp.invoiced_minor, gbp.collected_minor, gbp.overdue_minor) == (8000, 0, 0)
    assert f.open_items == queue_stats(ctx).open
    text = brief_text(ctx, "week")
    assert text.splitlines()[:3] == [
        "Brief for the week 19 Nov 2026 – 25 Nov 2026.",
        "In EUR: invoiced €1,000.00 on 1 invoice; collected €200.00 from 1 payment; overdue "
        "€300.00 on 1 invoice, down from €500.00 on 19 Nov 2026.",
        "In GBP: invoiced £80.00 on 1 invoice; collected £0.00 from 0 payments; overdue £0.00 "
        "on 0 invoices, unchanged since 19 Nov 2026.",
    ]
