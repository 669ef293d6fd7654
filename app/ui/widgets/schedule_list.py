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
    """The list's columns; sortable ones name the service's sort key."""
    return [
        Column("Client", lambda r: r.client_name, sort="client"),
        Column("Agreement", lambda r: r.name, sort="name"),
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
            sort="status",
            foreground=lambda r: SCHEDULE_COLOURS.get(r.status),
        ),
    ]


def schedule_ids_for(
    ctx: Any, search: str, status: str, sort: str = "client", descending: bool = False
) -> list[int]:
    """Ids for one filter, in the chosen order."""
    return svc.schedule_ids(
        ctx,
        svc.ScheduleQuery(
            search, "" if status == "live" else status, sort=sort, descending=descending
        ),
    )


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
        tuple(PlanChange(*c[:4]) for c in s.changes),
        tuple(Pause(a, b) for a, b in s.pauses),
        schedule_id,  # metered lines: the next invoice with the usage received so far
    )
    return s, upcoming
