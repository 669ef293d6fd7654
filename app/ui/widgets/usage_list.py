"""What the usage list shows: its columns, its period choices and the per-item totals footer.

Kept apart from the page so the model can be built and checked without a window.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from datetime import date
from decimal import Decimal

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QGridLayout, QLabel, QSizePolicy, QWidget

from app.core.reports import PERIOD_CHOICES, period_for
from app.services.usage import UsageRow
from app.ui.models.lazy_table import Column
from app.ui.widgets.badges import MUTED
from app.ui.widgets.figures import Figures

BILLED_REASON = (
    "Already on an invoice, so it can no longer be changed. A correction for this period "
    "is imported as a new record and billed as an adjustment on the next invoice."
)
ALL_DATES = "all"
CUSTOM = "custom"
PERIODS: list[tuple[str, str]] = [(ALL_DATES, "All dates"), *PERIOD_CHOICES, (CUSTOM, "Custom")]
TOTALS_PER_ROW = 5
_BOX_STYLE = """
QLabel[usageTotals="true"] {
    background: #ffffff; border: 1px solid #dfe3e8; border-radius: 6px; padding: 5px 10px;
    color: #3b4450;
}
"""


def period_range(key: str, today: date) -> tuple[date | None, date | None]:
    """The first and last day of a named period; (None, None) for all dates."""
    if key in (ALL_DATES, CUSTOM):
        return None, None
    p = period_for(key, today)
    return p.start, p.end


def usage_columns(fig: Figures) -> list[Column[UsageRow]]:
    def why(r: UsageRow) -> str:
        return BILLED_REASON if r.billed else ""

    def grey(r: UsageRow) -> str | None:
        return MUTED if r.billed else None

    return [
        Column("Date", lambda r: fig.date(r.occurred_on), tooltip=why, foreground=grey),
        Column("Client", lambda r: r.client_name, tooltip=why, foreground=grey),
        Column("Item", lambda r: r.item, tooltip=why, foreground=grey),
        Column(
            "Quantity",
            lambda r: fig.quantity(r.quantity),
            numeric=True,
            tooltip=why,
            foreground=grey,
        ),
        Column("Person", lambda r: r.person, tooltip=why, foreground=grey),
        Column(
            "Description",
            lambda r: " ".join(r.description.split()),
            tooltip=lambda r: why(r) or r.description,
            foreground=grey,
        ),
        Column(
            "Status",
            lambda r: "Billed" if r.billed else "Open",
            tooltip=lambda r: why(r) or "Not invoiced yet: the quantity can still be corrected",
            foreground=grey,
        ),
    ]


class UsageTotals(QWidget):
    """One box per item: the total quantity and the number of records in the filtered period."""

    def __init__(self, figures: Figures) -> None:
        super().__init__()
        self.setStyleSheet(_BOX_STYLE)
        self.figures = figures
        self.rows: list[tuple[str, Decimal, int]] = []
        self._boxes: list[QLabel] = []
        self._plain: list[str] = []
        self._layout = QGridLayout(self)
        self._layout.setContentsMargins(0, 4, 0, 0)
        self._layout.setHorizontalSpacing(8)
        self._layout.setVerticalSpacing(4)
        self._empty = QLabel("No usage in this period.")
        self._empty.setObjectName("muted")
        self._layout.addWidget(self._empty, 0, 0)
        self._layout.setColumnStretch(TOTALS_PER_ROW, 1)

    def show_totals(
        self, rows: list[tuple[str, Decimal, int]], keep: Callable[[str], bool] = lambda _i: True
    ) -> None:
        """``rows`` are (item, total quantity, records) from the service, one per item."""
        self.rows = sorted((r for r in rows if keep(r[0])), key=lambda r: r[0].casefold())
        for box in self._boxes:
            self._layout.removeWidget(box)
            box.deleteLater()
        self._boxes, self._plain = [], []
        self._empty.setVisible(not self.rows)
        fig = self.figures
        for i, (item, total, count) in enumerate(self.rows):
            noun = "record" if count == 1 else "records"
            box = QLabel(
                f"<b>{html.escape(item)}</b> &nbsp;<span style='color:{MUTED}'>{count:,} {noun}</span><br>"
                f"Total <b>{fig.quantity(total)}</b>"
            )
            box.setProperty("usageTotals", True)
            box.setTextFormat(Qt.TextFormat.RichText)
            box.setAccessibleName(f"Total of {item}")
            box.setSizePolicy(QSizePolicy.Policy.Minimum, QSizePolicy.Policy.Fixed)
            self._layout.addWidget(box, i // TOTALS_PER_ROW, i % TOTALS_PER_ROW)
            self._boxes.append(box)
            self._plain.append(f"{item} {fig.quantity(total)} ({count:,} {noun})")

    def text(self) -> str:
        """Plain text of every box, one item per line."""
        return "\n".join(self._plain)
