"""A read-only table model over a short list of already computed rows.

For previews (the next twelve invoices, what a bill run would create): the
rows arrive from a background call in one piece, so no lazy fetching is needed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import QLabel, QWidget

Index = QModelIndex | QPersistentModelIndex


@dataclass(frozen=True)
class Cell:
    text: str
    colour: str | None = None
    tooltip: str = ""


@dataclass(frozen=True)
class Col:
    title: str
    numeric: bool = False


class RowsModel(QAbstractTableModel):
    def __init__(self, columns: Sequence[Col]) -> None:
        super().__init__()
        self._columns = list(columns)
        self._rows: list[list[Cell]] = []

    def set_rows(self, rows: Sequence[Sequence[Cell | str]]) -> None:
        self.beginResetModel()
        self._rows = [[c if isinstance(c, Cell) else Cell(c) for c in r] for r in rows]
        self.endResetModel()

    def text(self, row: int, column: int) -> str:
        return self._rows[row][column].text

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._columns)

    def _align(self, column: int) -> int:
        side = (
            Qt.AlignmentFlag.AlignRight
            if self._columns[column].numeric
            else Qt.AlignmentFlag.AlignLeft
        )
        return int(side | Qt.AlignmentFlag.AlignVCenter)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = 0) -> Any:
        if orientation != Qt.Orientation.Horizontal:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self._columns[section].title
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return self._align(section)
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        cell = self._rows[index.row()][index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return cell.text
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return self._align(index.column())
        if role == Qt.ItemDataRole.ForegroundRole and cell.colour:
            return QBrush(QColor(cell.colour))
        if role == Qt.ItemDataRole.ToolTipRole and cell.tooltip:
            return cell.tooltip
        return None


def show_unreadable(
    model: RowsModel, view: QWidget, title: QLabel, rows: list[list[Cell]], noun: str
) -> None:
    """The import previews' list of rows the current settings cannot read (hidden when
    there are none), under "N <noun>s cannot be read with these settings:"."""
    model.set_rows(rows)
    title.setText(
        f"{len(rows):,} {noun if len(rows) == 1 else noun + 's'} cannot be read with these settings:"
        if rows
        else ""
    )
    title.setVisible(bool(rows))
    view.setVisible(bool(rows))
