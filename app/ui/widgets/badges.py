"""Colours and words for statuses, the same in lists, detail panes and dialogs."""

from __future__ import annotations

import html

from app.core.invoices import STATUS_LABELS, Status

STATUS_COLOURS = {
    Status.DRAFT: "#5f6b7a",
    Status.REVIEW: "#a15c00",
    Status.APPROVED: "#1f4e79",
    Status.ISSUED: "#1f4e79",
    Status.SENT: "#1f4e79",
    Status.PARTLY_PAID: "#8a5a00",
    Status.PAID: "#2e7d32",
    Status.CREDITED: "#6a4c93",
    Status.VOID: "#8a8f98",
}
OVERDUE = "#b3261e"
CREDIT_NOTE = "#6a4c93"
SCHEDULE_COLOURS = {"active": "#2e7d32", "paused": "#a15c00", "ended": "#8a8f98"}
SCHEDULE_LABELS = {"active": "Active", "paused": "Paused", "ended": "Ended"}
MUTED = "#6b7480"


def status_label(status: str) -> str:
    try:
        return STATUS_LABELS[Status(status)]
    except ValueError:
        return status.replace("_", " ").capitalize()


def status_colour(status: str) -> str:
    try:
        return STATUS_COLOURS[Status(status)]
    except ValueError:
        return MUTED


def tint(colour: str, strength: float = 0.12) -> str:
    """A pale background of the same hue (``strength`` of the colour over white)."""
    r, g, b = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    mix = [round(255 - (255 - c) * strength) for c in (r, g, b)]
    return "#" + "".join(f"{c:02x}" for c in mix)


def pill(text: str, colour: str) -> str:
    """An inline coloured label for rich-text panes."""
    return (
        f"<span style='background-color:{tint(colour)}; color:{colour}; font-weight:600;'>"
        f"&nbsp;{html.escape(text)}&nbsp;</span>"
    )
