"""One invoice's reminders at a glance: what was sent, what is next and when, what waits and why.

The invoices page embeds it and calls ``show_invoice``; the data comes from
the same policy the sender uses (``app.services.dunning_views.timeline``), so
"next: Tuesday 09:00" is what will happen.
"""

from __future__ import annotations

import html
from datetime import date, datetime, tzinfo

from PySide6.QtWidgets import QLabel, QTextBrowser, QVBoxLayout, QWidget

from app.services.dunning_views import ReminderTimeline as TimelineData
from app.services.dunning_views import TimelineEntry, timeline
from app.ui.handle import AppHandle

STATUS_TEXT = {
    "sent": ("Sent", "#1e7b34"),
    "queued": ("Queued", "#1f4e79"),
    "sending": ("Sending", "#1f4e79"),
    "failed": ("Failed", "#b3261e"),
    "unknown": ("Check Sent folder", "#b26a00"),
    "cancelled": ("Cancelled", "#6b7480"),
    "skipped": ("Skipped", "#6b7480"),
    "next": ("Next", "#1f4e79"),
    "paused": ("Paused", "#b26a00"),
    "planned": ("Planned", "#6b7480"),
}


def _when(value: datetime | date | None, tz: tzinfo) -> str:
    if value is None:
        return "—"
    if isinstance(value, datetime):
        return value.astimezone(tz).strftime("%a %d %b %Y %H:%M")
    return value.strftime("%a %d %b %Y")


def timeline_html(data: TimelineData, tz: tzinfo) -> str:
    rows = []
    for e in data.entries:
        label, colour = STATUS_TEXT.get(e.status, (e.status, "#3b4450"))
        rows.append(
            "<tr>"
            f"<td style='padding:3px 10px 3px 0; white-space:nowrap'>{html.escape(_when(e.when, tz))}</td>"
            f"<td style='padding:3px 10px 3px 0'>{html.escape(e.title)}</td>"
            f"<td style='padding:3px 10px 3px 0; color:{colour}; white-space:nowrap'><b>{label}</b></td>"
            f"<td style='padding:3px 0; color:#5b6470'>{html.escape(e.detail)}</td>"
            "</tr>"
        )
    body = (
        "".join(rows)
        or "<tr><td style='color:#6b7480'>Nothing sent about this invoice yet.</td></tr>"
    )
    return f"<table cellspacing='0'>{body}</table>"


class ReminderTimeline(QWidget):
    """``ReminderTimeline(handle).show_invoice(invoice_id)``."""

    def __init__(self, handle: AppHandle, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.handle = handle
        self.invoice_id: int | None = None
        self.data: TimelineData | None = None
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.browser = QTextBrowser()
        self.browser.setOpenExternalLinks(False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.summary)
        layout.addWidget(self.browser, 1)
        handle.bus.changed.connect(self._on_changed)
        self.clear()

    def clear(self, text: str = "No invoice selected.") -> None:
        self.invoice_id, self.data = None, None
        self.summary.setText(text)
        self.browser.clear()

    def show_invoice(self, invoice_id: int) -> None:
        self.invoice_id = invoice_id
        self.summary.setText("Loading…")
        self.handle.call(
            timeline,
            invoice_id,
            on_done=lambda data: self._show(invoice_id, data),
            on_error=lambda exc: self.summary.setText(str(exc)),
        )

    def entries(self) -> tuple[TimelineEntry, ...]:
        return self.data.entries if self.data is not None else ()

    def _show(self, invoice_id: int, data: TimelineData) -> None:
        if invoice_id != self.invoice_id:
            return
        self.data = data
        verb = {"send": "Due now", "wait": "Waiting", "hold": "Paused", "done": ""}[data.action]
        text = f"<b>{verb}:</b> {html.escape(data.summary)}" if verb else html.escape(data.summary)
        self.summary.setText(text)
        self.browser.setHtml(timeline_html(data, self.handle.ctx.clock.tz))

    def _on_changed(self, what: str) -> None:
        if self.invoice_id is not None and what in ("outbox", "invoices", "payments", "settings"):
            self.show_invoice(self.invoice_id)
