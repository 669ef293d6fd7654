"""The usage import preview: the first records exactly as they will be stored, and the rejects.

Dates are written with the month as a word ("3 Nov 2026"), so a wrong
day/month order shows at a glance; quantities are written in the company's
locale.  Rows that cannot be read are listed with their line number and the
reason, never dropped silently.
"""

from __future__ import annotations

from PySide6.QtWidgets import QHeaderView, QLabel, QVBoxLayout, QWidget

from app.core.client_import import RowError
from app.core.usage_import import UsageFile
from app.ui.widgets.bank_lines import counted
from app.ui.widgets.figures import Figures
from app.ui.widgets.rows_model import Cell, Col, RowsModel, show_unreadable
from app.ui.widgets.tables import list_view

PREVIEW_ROWS = 50
# (title, field that must be read for the column to be shown; "" = always shown)
COLUMNS = [
    ("Line", ""),
    ("Date", ""),
    ("Client", ""),
    ("Agreement", "schedule"),
    ("Item", ""),
    ("Quantity", ""),
    ("Person", "person"),
    ("Rate", "rate"),
    ("Billable", "billable"),
    ("Description", "description"),
]
NUMERIC = {"Line", "Quantity", "Rate"}
GREY = "#8a8f98"


class UsagePreview(QWidget):
    def __init__(self, figures: Figures) -> None:
        super().__init__()
        self.figures = figures
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.summary.setStyleSheet("font-weight: 600; color: #1c2b3a;")
        self.error = QLabel()
        self.error.setObjectName("errorText")
        self.error.setWordWrap(True)
        self.error.hide()
        self.model = RowsModel([Col(t, t in NUMERIC) for t, _ in COLUMNS])
        self.table = list_view(row_height=24)
        self.table.setModel(self.model)
        header = self.table.horizontalHeader()
        for col, width in enumerate((46, 92, 130, 100, 70, 72, 90, 60, 56)):
            header.resizeSection(col, width)
        header.setStretchLastSection(True)
        self.rejects_title = QLabel()
        self.rejects_title.setObjectName("errorText")
        self.rejects_model = RowsModel([Col("Line", True), Col("Why it cannot be read")])
        self.rejects = list_view(row_height=24)
        self.rejects.setModel(self.rejects_model)
        self.rejects.setMaximumHeight(120)
        rh = self.rejects.horizontalHeader()
        rh.resizeSection(0, 50)
        rh.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.summary)
        layout.addWidget(self.error)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.rejects_title)
        layout.addWidget(self.rejects)
        self.show_rejects([])

    def show_file(self, found: UsageFile, columns: dict[str, str]) -> None:
        """The first rows as read with ``columns`` (field → header) and the rows refused."""
        self.error.hide()
        self.table.setEnabled(True)
        fig = self.figures
        n = len(found.rows)
        parts = [f"{counted(n, 'record', 'records')} can be read"]
        if found.errors:
            parts.append(f"{counted(len(found.errors), 'row', 'rows')} cannot")
        shown = f" — the first {PREVIEW_ROWS} are shown" if n > PREVIEW_ROWS else ""
        self.summary.setText("; ".join(parts) + shown + ".")
        rows = []
        for r in found.rows[:PREVIEW_ROWS]:
            grey = None if r.billable else GREY
            rows.append(
                [
                    Cell(str(r.line)),
                    Cell(fig.date(r.occurred_on), grey),
                    Cell(r.client, grey),
                    Cell(r.schedule, grey),
                    Cell(r.item, grey),
                    Cell(fig.quantity(r.quantity), grey),
                    Cell(r.person, grey),
                    Cell(fig.quantity(r.rate) if r.rate is not None else "", grey),
                    Cell("yes" if r.billable else "no", grey),
                    Cell(" ".join(r.description.split()), grey, tooltip=r.raw),
                ]
            )
        self.model.set_rows(rows)
        self.show_columns(columns)
        self.show_rejects(found.errors)

    def show_columns(self, columns: dict[str, str]) -> None:
        """Hide the columns of optional fields the file does not have."""
        for col, (_title, needs) in enumerate(COLUMNS):
            self.table.setColumnHidden(col, bool(needs) and needs not in columns)

    def show_rejects(self, errors: list[RowError]) -> None:
        rows = [[Cell(str(e.line)), Cell(e.reason, tooltip=e.reason)] for e in errors]
        show_unreadable(self.rejects_model, self.rejects, self.rejects_title, rows, "row")

    def show_error(self, message: str) -> None:
        """The choices do not read the file at all: say why and grey the last preview."""
        self.error.setText(f"The file cannot be read this way: {message}.")
        self.error.show()
        self.summary.setText("")
        self.table.setEnabled(False)

    def dates(self) -> list[str]:
        return [self.model.text(r, 1) for r in range(self.model.rowCount())]

    def quantities(self) -> list[str]:
        return [self.model.text(r, 5) for r in range(self.model.rowCount())]

    def rejected_lines(self) -> list[int]:
        return [int(self.rejects_model.text(r, 0)) for r in range(self.rejects_model.rowCount())]
