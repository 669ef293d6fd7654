"""A sortable table model over a finished report (``ReportTable``).

Reports are aggregates — a few hundred rows, a register of a period at most a
few tens of thousands — so the rows arrive in one piece and sort in Python by
their real values (money by amount, dates by date), not by the text shown.
Total rows (one per currency) stay at the bottom in bold, whatever the order.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor, QFont

from app.core.money import Money
from app.core.reports import ReportTable
from app.formatting import format_amount, format_decimal
from app.ui.widgets.figures import Figures

Index = QModelIndex | QPersistentModelIndex
NEGATIVE = "#b3261e"
TOTAL_BACKGROUND = "#eef2f7"


def _sort_value(value: Any) -> tuple[int, Any]:
    """Blank cells last; numbers, dates and text each in their own natural order."""
    if value is None or value == "":
        return (2, 0)
    if isinstance(value, Money):
        return (0, value.amount)
    if isinstance(value, (int, Decimal)):
        return (0, value)
    if isinstance(value, date):
        return (0, value.toordinal())
    return (1, str(value).casefold())


class ReportTableModel(QAbstractTableModel):
    def __init__(self, figures: Figures | None = None) -> None:
        super().__init__()
        self.figures = figures or Figures()
        self.report: ReportTable | None = None
        self._rows: list[tuple[Any, ...]] = []
        self._totals: list[tuple[Any, ...]] = []
        self._bold = QFont()
        self._bold.setBold(True)
        self.sorted_by: tuple[int, bool] | None = None

    def set_report(self, report: ReportTable | None) -> None:
        self.beginResetModel()
        self.report = report
        self._rows = list(report.rows) if report else []
        self._totals = list(report.totals) if report else []
        self.sorted_by = None
        self.endResetModel()

    def body_rows(self) -> int:
        return len(self._rows)

    def row_values(self, row: int) -> tuple[Any, ...]:
        rows = self._rows + self._totals
        return rows[row]

    def text(self, row: int, column: int) -> str:
        return self._display(self.row_values(row)[column], column)

    # Qt model API -------------------------------------------------------------------
    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows) + len(self._totals)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        if parent.isValid() or self.report is None:
            return 0
        return len(self.report.columns)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = 0) -> Any:
        if self.report is None or orientation != Qt.Orientation.Horizontal:
            return None
        col = self.report.columns[section]
        if role == Qt.ItemDataRole.DisplayRole:
            return col.title
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return self._align(section)
        return None

    def _align(self, column: int) -> int:
        assert self.report is not None
        numeric = self.report.columns[column].numeric
        side = Qt.AlignmentFlag.AlignRight if numeric else Qt.AlignmentFlag.AlignLeft
        return int(side | Qt.AlignmentFlag.AlignVCenter)

    def _display(self, value: Any, column: int) -> str:
        if value is None or value == "":
            return ""
        if (
            isinstance(value, str)
            and self.report is not None
            and self.report.columns[column].key in ("period", "month")
        ):
            return self._period_text(value)
        if isinstance(value, Money):
            return format_amount(value, self.figures.locale)
        if isinstance(value, date):
            return self.figures.date(value)
        if isinstance(value, Decimal):
            return format_decimal(value, self.figures.locale, 1)
        if isinstance(value, int) and not isinstance(value, bool):
            return f"{value:,}"
        return str(value)

    def _period_text(self, key: str) -> str:
        """``2026-03`` → ``Mar 2026``; ``2026-Q1`` stays; a day is a date."""
        from babel.dates import format_date

        from app.formatting import parse_locale

        try:
            if len(key) == 7 and key[4] == "-" and key[5:].isdigit():
                d = date(int(key[:4]), int(key[5:7]), 1)
                return format_date(d, "MMM y", locale=parse_locale(self.figures.locale))
            if len(key) == 10:
                return self.figures.date(date.fromisoformat(key))
        except ValueError:
            return key
        return key

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or self.report is None:
            return None
        value = self.row_values(index.row())[index.column()]
        is_total = index.row() >= len(self._rows)
        if role == Qt.ItemDataRole.DisplayRole:
            key = self.report.columns[index.column()].key
            if isinstance(value, Money) and value.amount == 0 and not is_total and key != "balance":
                return "–"  # a dash reads faster than a column of 0.00
            return self._display(value, index.column())
        if role == Qt.ItemDataRole.ToolTipRole and isinstance(value, str) and len(value) > 20:
            return value
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return self._align(index.column())
        if role == Qt.ItemDataRole.FontRole and is_total:
            return self._bold
        if role == Qt.ItemDataRole.BackgroundRole and is_total:
            return QBrush(QColor(TOTAL_BACKGROUND))
        if role == Qt.ItemDataRole.ForegroundRole and isinstance(value, Money) and value.amount < 0:
            return QBrush(QColor(NEGATIVE))
        if role == Qt.ItemDataRole.UserRole:
            return value
        return None

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if self.report is None or not 0 <= column < len(self.report.columns):
            return
        descending = order == Qt.SortOrder.DescendingOrder
        self.layoutAboutToBeChanged.emit()
        self._rows.sort(key=lambda r: _sort_value(r[column]), reverse=descending)
        if descending:
            # keep blanks last in both directions
            blanks = [r for r in self._rows if _sort_value(r[column])[0] == 2]
            self._rows = [r for r in self._rows if _sort_value(r[column])[0] != 2] + blanks
        self.sorted_by = (column, descending)
        self.layoutChanged.emit()
