"""The dashboard's KPIs as a report table (for ``report summary`` and its exports)."""

from __future__ import annotations

from typing import Any

from app.core.money import Money
from app.core.reports import Change, ReportColumn, ReportTable
from app.services.report_dashboard import Dashboard


def summary_table(board: Dashboard) -> ReportTable:
    """One row per figure and currency: current period, previous period, change."""
    cols = (
        ReportColumn("figure", "Figure"),
        ReportColumn("currency", "Currency"),
        ReportColumn("current", "This period", "money"),
        ReportColumn("previous", "Previous period", "money"),
        ReportColumn("change", "Change %", "percent"),
    )
    body: list[tuple[Any, ...]] = []

    def money(label: str, values: dict[str, Change]) -> None:
        for cur, c in values.items():
            body.append(
                (
                    label,
                    cur,
                    Money.from_minor(int(c.current or 0), cur),
                    Money.from_minor(int(c.previous or 0), cur),
                    c.percent,
                )
            )

    def ratio(label: str, values: dict[str, Change]) -> None:
        for cur, c in values.items():
            body.append((label, cur, c.current, c.previous, c.percent))

    money("Invoiced", board.invoiced)
    money("Collected", board.collected)
    money("Outstanding", board.outstanding)
    money("Overdue", board.overdue)
    ratio("Overdue share %", board.overdue_share)
    ratio("DSO (days)", board.dso)
    money("MRR", board.mrr)
    c = board.days_to_pay
    body.append(("Average days to pay", "", c.current, c.previous, c.percent))
    if board.backlog is not None:
        b = board.backlog
        body.append(("Unmatched bank lines", "", b.bank_lines, None, None))
        body.append(("Open exceptions", "", b.open_exceptions, None, None))
        body.append(("Auto-resolved share %", "", b.auto_share, None, None))
    return ReportTable(
        "summary",
        "Summary",
        cols,
        tuple(body),
        subtitle=(
            f"{board.period.start.isoformat()} – {board.period.end.isoformat()} compared with "
            f"{board.previous.start.isoformat()} – {board.previous.end.isoformat()}"
        ),
        notes=("Amounts per currency; currencies are never added together.",),
    )
