"""The import wizard's preview: the first lines exactly as they will be stored.

Dates are written with the month as a word ("9 Aug 2022"), so a wrong day/month
order is visible at a glance; amounts are signed from the account's point of
view (money in positive, in green).  Lines that cannot be read are listed with
their line number and the reason, never silently dropped.
"""

from __future__ import annotations

from babel.numbers import format_decimal
from PySide6.QtWidgets import QHeaderView, QLabel, QVBoxLayout, QWidget

from app.core.bankfile import Statement
from app.ui.widgets.bank_lines import counted
from app.ui.widgets.figures import Figures
from app.ui.widgets.rows_model import Cell, Col, RowsModel, show_unreadable
from app.ui.widgets.tables import list_view

PREVIEW_ROWS = 50
AMOUNT_PATTERN = "#,##0.00###"  # at least cents, and every decimal the file gives
LINE_COLUMNS = [
    Col("Line", numeric=True),
    Col("Date"),
    Col("Amount", numeric=True),
    Col("Cur."),
    Col("Counterparty"),
    Col("Description"),
]
PROBLEM_COLUMNS = [Col("Line", numeric=True), Col("Why it cannot be read"), Col("Text in the file")]


def statement_summary(statement: Statement, duplicates: int, complete: bool = True) -> str:
    """One sentence: what was found, what will be skipped and why.

    For a long file only its head is read for the preview, and the sentence says so:
    the counts are those of the lines shown, the import reads the whole file.
    """
    booked = counted(len(statement.booked), "transaction", "transactions")
    parts = [
        f"{booked} found"
        if complete
        else f"The first {booked} shown (the import reads the whole file)"
    ]
    if duplicates:
        parts.append(f"{counted(duplicates, 'is', 'are')} already imported and will be skipped")
    if statement.pending:
        parts.append(
            f"{counted(len(statement.pending), 'pending line', 'pending lines')} left for later"
        )
    if statement.problems:
        parts.append(f"{counted(len(statement.problems), 'line', 'lines')} cannot be read")
    return "; ".join(parts) + "."


class StatementPreview(QWidget):
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
        self.model = RowsModel(LINE_COLUMNS)
        self.table = list_view(row_height=24)
        self.table.setModel(self.model)
        header = self.table.horizontalHeader()
        for col, width in ((0, 46), (1, 150), (2, 92), (3, 44), (4, 160)):
            header.resizeSection(col, width)
        header.setSectionResizeMode(5, QHeaderView.ResizeMode.Stretch)
        self.problems_title = QLabel()
        self.problems_title.setObjectName("errorText")
        self.problems_model = RowsModel(PROBLEM_COLUMNS)
        self.problems = list_view(row_height=24)
        self.problems.setModel(self.problems_model)
        self.problems.setMaximumHeight(110)
        ph = self.problems.horizontalHeader()
        ph.resizeSection(0, 50)
        ph.resizeSection(1, 300)
        ph.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.summary)
        layout.addWidget(self.error)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.problems_title)
        layout.addWidget(self.problems)
        self._show_problems([])

    def show_statement(
        self, statement: Statement, duplicates: int = 0, complete: bool = True
    ) -> None:
        self.error.hide()
        self.table.setEnabled(True)
        self.summary.setText(statement_summary(statement, duplicates, complete))
        fig = self.figures
        rows = []
        for line in statement.lines[:PREVIEW_ROWS]:
            amount = format_decimal(line.amount, AMOUNT_PATTERN, locale=fig.locale)
            when = fig.date(line.booking_date) if line.booking_date else "no date"
            rows.append(
                [
                    Cell(str(line.line_no)),
                    Cell(
                        when + (" (pending)" if line.pending else ""),
                        "#8a8f98" if line.pending else None,
                    ),
                    Cell(amount, "#2e7d32" if line.amount > 0 else None),
                    Cell(line.currency or statement.currency or ""),
                    Cell(line.counterparty, tooltip=line.counterparty_iban),
                    Cell(" ".join(line.description.split()), tooltip=line.raw),
                ]
            )
        self.model.set_rows(rows)
        self._show_problems(
            [
                [Cell(str(p.line_no)), Cell(p.reason, tooltip=p.reason), Cell(p.raw, tooltip=p.raw)]
                for p in statement.problems
            ]
        )

    def _show_problems(self, rows: list[list[Cell]]) -> None:
        show_unreadable(self.problems_model, self.problems, self.problems_title, rows, "line")

    def show_error(self, message: str) -> None:
        """The settings do not read the file at all: say why, keep the last preview greyed."""
        self.error.setText(f"The file cannot be read this way: {message}")
        self.error.show()
        self.table.setEnabled(False)

    def dates(self) -> list[str]:
        return [self.model.text(r, 1) for r in range(self.model.rowCount())]

    def amounts(self) -> list[str]:
        return [self.model.text(r, 2) for r in range(self.model.rowCount())]
