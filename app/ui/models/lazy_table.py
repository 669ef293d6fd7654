"""A table model over an id list with a lazily filled row cache.

The page asks a service for the ids in display order (one indexed query, fast
even for 100,000 rows), then rows are fetched in batches only when the view
paints them.  Sorting and filtering happen in SQL, never by loading every row.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor

Row = TypeVar("Row")
Index = QModelIndex | QPersistentModelIndex


@dataclass(frozen=True)
class Column(Generic[Row]):
    title: str
    value: Callable[[Row], str]
    sort: str | None = None
    numeric: bool = False
    tooltip: Callable[[Row], str] | None = None
    foreground: Callable[[Row], str | None] | None = None


class LazyTableModel(QAbstractTableModel, Generic[Row]):
    BATCH = 200
    CACHE_LIMIT = 5_000

    def __init__(
        self,
        columns: Sequence[Column[Row]],
        fetch_rows: Callable[[list[int]], list[Row]],
        row_id: Callable[[Row], int],
    ) -> None:
        super().__init__()
        self._columns = list(columns)
        self._fetch = fetch_rows
        self._row_id = row_id
        self._ids: list[int] = []
        self._cache: OrderedDict[int, Row] = OrderedDict()
        self.fetch_count = 0

    # model API ------------------------------------------------------------
    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._ids)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._columns)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = 0) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self._columns[section].title
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.TextAlignmentRole:
            col = self._columns[section]
            return int(
                (Qt.AlignmentFlag.AlignRight if col.numeric else Qt.AlignmentFlag.AlignLeft)
                | Qt.AlignmentFlag.AlignVCenter
            )
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        col = self._columns[index.column()]
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(
                (Qt.AlignmentFlag.AlignRight if col.numeric else Qt.AlignmentFlag.AlignLeft)
                | Qt.AlignmentFlag.AlignVCenter
            )
        if role not in (
            Qt.ItemDataRole.DisplayRole,
            Qt.ItemDataRole.ToolTipRole,
            Qt.ItemDataRole.ForegroundRole,
        ):
            return None
        row = self.row(index.row())
        if row is None:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return col.value(row)
        if role == Qt.ItemDataRole.ToolTipRole:
            return col.tooltip(row) if col.tooltip else None
        colour = col.foreground(row) if col.foreground else None
        return QBrush(QColor(colour)) if colour else None

    def sort_key(self, section: int) -> str | None:
        return self._columns[section].sort

    # rows -----------------------------------------------------------------
    def set_ids(self, ids: list[int]) -> None:
        """Show a new result; cached rows stay valid (they are keyed by id)."""
        self.beginResetModel()
        self._ids = list(ids)
        self.endResetModel()

    def ids(self) -> list[int]:
        return list(self._ids)

    def id_at(self, row: int) -> int | None:
        return self._ids[row] if 0 <= row < len(self._ids) else None

    def row_of_id(self, row_id: int) -> int:
        try:
            return self._ids.index(row_id)
        except ValueError:
            return -1

    def row(self, r: int) -> Row | None:
        if not 0 <= r < len(self._ids):
            return None
        rid = self._ids[r]
        hit = self._cache.get(rid)
        if hit is not None:
            self._cache.move_to_end(rid)
            return hit
        self._load_batch(r)
        return self._cache.get(rid)

    def invalidate(self, ids: list[int] | None = None) -> None:
        """Forget cached rows (all, or some) so they are fetched fresh on next paint."""
        if ids is None:
            self._cache.clear()
        else:
            for i in ids:
                self._cache.pop(i, None)
        if self._ids:
            self.dataChanged.emit(
                self.index(0, 0), self.index(len(self._ids) - 1, len(self._columns) - 1)
            )

    def _load_batch(self, r: int) -> None:
        start = max(0, r - self.BATCH // 4)
        wanted = [i for i in self._ids[start : start + self.BATCH] if i not in self._cache]
        self.fetch_count += 1
        for row in self._fetch(wanted):
            self._cache[self._row_id(row)] = row
        while len(self._cache) > self.CACHE_LIMIT:
            self._cache.popitem(last=False)
