"""On the demo book, the queue, its auto-resolved share and the dashboard agree with SQL counts."""

from __future__ import annotations

import random
import sqlite3
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from app.services.demo import SEED, load_demo
from app.services.demo_exceptions import load_demo_exceptions
from app.services.exception_scan import run_scan
from app.services.exceptions import ExceptionQuery, exception_ids, queue_stats, type_counts


def _direct(ctx: Any, sql: str) -> list[tuple[Any, ...]]:
    db = sqlite3.connect(ctx.home.database)
    try:
        return db.execute(sql).fetchall()
    finally:
        db.close()


def test_demo_queue_and_auto_share_match_the_database(ctx: Any) -> None:
    load_demo(ctx)
    load_demo_exceptions(ctx, random.Random(SEED))  # does nothing if the demo already did it
    run_scan(ctx)

    [(open_n, resolved, dismissed, auto)] = _direct(
        ctx,
        "SELECT SUM(status = 'open'), SUM(status = 'resolved'), SUM(status = 'dismissed'), "
        "SUM(auto_resolved) FROM exceptions",
    )
    stats = queue_stats(ctx)
    assert (stats.open, stats.resolved, stats.dismissed, stats.auto_resolved) == (
        open_n,
        resolved,
        dismissed,
        auto,
    )
    # the demo has situations the rules settle (a bank fee, an over payment, a statement
    # imported twice) and others that need a person
    assert auto >= 3 and open_n > 0
    assert stats.auto_share == Decimal(auto) / Decimal(resolved + dismissed)

    open_ids = {i for (i,) in _direct(ctx, "SELECT id FROM exceptions WHERE status = 'open'")}
    assert set(exception_ids(ctx, ExceptionQuery("open"))) == open_ids
    by_type = dict(
        _direct(ctx, "SELECT type, COUNT(*) FROM exceptions WHERE status = 'open' GROUP BY type")
    )
    assert type_counts(ctx, "open") == by_type

    from app.services.report_dashboard import dashboard

    board = dashboard(ctx, "month").backlog
    assert board is not None
    [(closed_month, auto_month)] = _direct(
        ctx,
        "SELECT COUNT(*), SUM(auto_resolved) FROM exceptions WHERE status <> 'open' "
        "AND date(resolved_at) >= '2026-11-01' AND date(resolved_at) <= '2026-11-25'",
    )
    assert board.open_exceptions == open_n
    assert (board.resolved_in_period, board.auto_resolved_in_period) == (closed_month, auto_month)
    # the dashboard shows a percentage with one decimal
    expected = (Decimal(auto_month) * 100 / Decimal(closed_month)).quantize(
        Decimal("0.1"), rounding=ROUND_HALF_UP
    )
    assert board.auto_share == expected
