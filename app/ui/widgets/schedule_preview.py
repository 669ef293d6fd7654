"""The live preview in the schedule editor: the next twelve invoice dates and amounts.

Every edit restarts a 250 ms timer; when it fires, the agreement as typed so
far goes to ``schedules.preview`` in the background.  Answers carry a
generation number and only the newest is shown, so fast typing never leaves an
older preview on screen.  Invalid input shows the reasons instead of dates.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import QHeaderView, QLabel, QStackedWidget, QVBoxLayout, QWidget

from app.core.billing_plan import Pause, PlanChange
from app.core.money import Money
from app.core.schedules import ScheduleData
from app.services.schedules import PreviewItem, preview
from app.ui.handle import AppHandle
from app.ui.widgets.figures import Figures
from app.ui.widgets.rows_model import Cell, Col, RowsModel
from app.ui.widgets.tables import list_view

PREVIEW_COUNT = 12
DEBOUNCE_MS = 250
NOTE_COLOUR = "#a15c00"
Source = Callable[[], tuple[ScheduleData | None, list[str]]]


class SchedulePreview(QWidget):
    """Shows ``preview`` for whatever ``source()`` returns; ``updated`` fires per answer."""

    updated = Signal()

    def __init__(self, handle: AppHandle, figures: Figures, source: Source) -> None:
        super().__init__()
        self.handle = handle
        self.figures = figures
        self.source = source
        self.changes: tuple[PlanChange, ...] = ()
        self.schedule_id: int | None = None  # set when editing: usage so far feeds the preview
        self.pauses: tuple[Pause, ...] = ()
        self.items: list[PreviewItem] = []
        self.messages: list[str] = []
        self._generation = 0
        self.answers = 0

        title = QLabel("Next invoices")
        title.setStyleSheet("font-weight: 600; font-size: 14px; color: #1c2b3a;")
        self.summary = QLabel("Fill in the agreement to see its invoices.")
        self.summary.setObjectName("muted")
        self.summary.setWordWrap(True)
        self.model = RowsModel([Col("Bill date"), Col("Period"), Col("Total", True), Col("Notes")])
        self.table = list_view(row_height=26)
        self.table.setModel(self.model)
        header = self.table.horizontalHeader()
        for col, width in ((0, 96), (1, 120), (2, 90)):
            header.resizeSection(col, width)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.problems = QLabel()
        self.problems.setWordWrap(True)
        self.problems.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.problems.setStyleSheet(
            "background: #fff6f5; border: 1px solid #f0c8c4; border-radius: 6px;"
            " padding: 10px; color: #8c1d18;"
        )
        self.stack = QStackedWidget()
        self.stack.addWidget(self.table)
        self.stack.addWidget(self.problems)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(title)
        layout.addWidget(self.summary)
        layout.addWidget(self.stack, 1)

        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(DEBOUNCE_MS)
        self._timer.timeout.connect(self.refresh)

    def schedule_refresh(self) -> None:
        self._timer.start()

    def refresh(self) -> None:
        self._timer.stop()
        self._generation += 1
        generation = self._generation
        data, problems = self.source()
        if problems or data is None:
            self._show_problems(problems or ["Choose a client and fill in the agreement."])
            return
        self.summary.setText("Working out the dates…")

        def done(items: list[PreviewItem]) -> None:
            if generation == self._generation:
                self._show_items(items)

        def failed(exc: BaseException) -> None:
            if generation != self._generation:
                return
            errors = getattr(exc, "errors", None)
            self._show_problems([e.message for e in errors] if errors else [str(exc)])

        self.handle.call(
            preview,
            data,
            PREVIEW_COUNT,
            None,
            self.changes,
            self.pauses,
            self.schedule_id,
            on_done=done,
            on_error=failed,
        )

    def _show_items(self, items: list[PreviewItem]) -> None:
        fig = self.figures
        self.items, self.messages = list(items), []
        self.model.set_rows(
            [
                [
                    fig.date(it.bill_date),
                    Cell(
                        fig.period_short(it.period_start, it.period_end),
                        tooltip=fig.period(it.period_start, it.period_end),
                    ),
                    Cell(
                        fig.amount(it.total.minor, it.total.currency),
                        tooltip=f"{fig.money_of(it.net)} before tax",
                    ),
                    Cell(it.notes, NOTE_COLOUR if it.notes else None),
                ]
                for it in items
            ]
        )
        if items:
            currency = items[0].total.currency
            total = sum((it.total for it in items), Money.zero(currency))
            self.summary.setText(
                f"{len(items)} invoice{'s' if len(items) != 1 else ''} from "
                f"{fig.date(items[0].bill_date)} · together {fig.money_of(total)} incl. tax"
            )
        else:
            self.summary.setText("No further invoices: the agreement ends or is paused.")
        self.stack.setCurrentWidget(self.table)
        self._answered()

    def _show_problems(self, messages: list[str]) -> None:
        self.items, self.messages = [], list(dict.fromkeys(messages))
        self.problems.setText(
            "<b>No preview until this is fixed:</b><ul style='margin-left:-20px'>"
            + "".join(f"<li>{html.escape(m)}</li>" for m in self.messages)
            + "</ul>"
        )
        self.summary.setText("")
        self.stack.setCurrentWidget(self.problems)
        self._answered()

    def _answered(self) -> None:
        self.answers += 1
        self.updated.emit()

    def stop(self) -> None:
        """Forget pending and in-flight requests (the editor is closing)."""
        self._timer.stop()
        self._generation += 1

    def pending(self) -> bool:
        return self._timer.isActive()

    def dates(self) -> list[Any]:
        return [it.bill_date for it in self.items]
