"""What the schedule list shows: its columns, its filters and the detail it loads."""

from __future__ import annotations

from typing import Any

from app.core.billing_plan import Pause, PlanChange
from app.core.schedules import Schedule, ScheduleRow
from app.services import schedules as svc
from app.ui.models.lazy_table import Column
from app.ui.widgets.badges import SCHEDULE_COLOURS, SCHEDULE_LABELS
from app.ui.widgets.figures import Figures

STATUS_FILTERS = [
    ("live", "Active & paused"),
    ("paused", "Paused"),
    ("ended", "Ended"),
    ("all", "All"),
]
UPCOMING_IN_DETAIL = 6


def schedule_columns(fig: Figures) -> list[Column[ScheduleRow]]:
    """The list's columns; the service orders by client then agreement (no header sorting)."""
    return [
        Column("Client", lambda r: r.client_name),
        Column("Agreement", lambda r: r.name),
        Column("Cadence", lambda r: r.cadence_text, tooltip=lambda r: r.cadence_text),
        Column(
            "Per period",
            lambda r: fig.amount(r.amount_minor, r.currency),
            numeric=True,
            tooltip=lambda r: "One period's charges before tax",
        ),
        Column("Cur.", lambda r: r.currency),
        Column("Next bill", lambda r: fig.date(r.next_bill_date) if r.next_bill_date else "—"),
        Column(
            "Status",
            lambda r: SCHEDULE_LABELS.get(r.status, r.status),
            foreground=lambda r: SCHEDULE_COLOURS.get(r.status),
        ),
    ]


def schedule_ids_for(ctx: Any, search: str, status: str) -> list[int]:
    """Ids for one filter; "all" lists the live agreements first, then the ended ones."""
    if status == "all":
        return svc.schedule_ids(ctx, svc.ScheduleQuery(search, "")) + svc.schedule_ids(
            ctx, svc.ScheduleQuery(search, "ended")
        )
    return svc.schedule_ids(ctx, svc.ScheduleQuery(search, "" if status == "live" else status))


def schedule_detail(ctx: Any, schedule_id: int) -> tuple[Schedule, list[svc.PreviewItem]]:
    """The agreement and its next bill dates (with its recorded changes and pauses)."""
    s = svc.get_schedule(ctx, schedule_id)
    if s.status == "ended":
        return s, []
    upcoming = svc.preview(
        ctx,
        s.data,
        UPCOMING_IN_DETAIL,
        None,
        tuple(PlanChange(*c) for c in s.changes),
        tuple(Pause(a, b) for a, b in s.pauses),
    )
    return s, upcoming
