"""How due periods (what a bill run would create) are shown in the bill-run dialogs."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import QComboBox, QStyledItemDelegate, QStyleOptionViewItem, QWidget

from app.services.bill_run import DueItem
from app.ui.widgets.figures import Figures
from app.ui.widgets.rows_model import Cell, Col

DUE_COLUMNS = [
    Col("Bill date"),
    Col("Client"),
    Col("Agreement"),
    Col("Period"),
    Col("Amount", True),
    Col("Cur."),
]
DUE_WIDTHS = (100, 200, 176, 184, 96, 46)


def in_date_order(items: list[DueItem]) -> list[DueItem]:
    """Oldest first, then by client, the order a person reads a backlog in."""
    return sorted(items, key=lambda it: (it.bill_date, it.client_name.casefold(), it.schedule_id))


def due_cells(item: DueItem, fig: Figures) -> list[Cell]:
    return [
        Cell(fig.date(item.bill_date)),
        Cell(item.client_name, tooltip=item.client_name),
        Cell(item.schedule_name, tooltip=item.schedule_name),
        Cell(
            fig.period_short(item.period_start, item.period_end),
            tooltip=fig.period(item.period_start, item.period_end),
        ),
        Cell(fig.amount(item.total_minor, item.currency)),
        Cell(item.currency),
    ]


def per_currency(items: list[DueItem], fig: Figures) -> str:
    """'3 invoices · EUR 1,230.00 · GBP 80.00' (each currency on its own, never summed)."""
    sums: dict[str, int] = defaultdict(int)
    for it in items:
        sums[it.currency] += it.total_minor
    n = len(items)
    head = f"{n:,} invoice{'s' if n != 1 else ''}"
    return " · ".join([head] + [f"{cur} {fig.amount(sums[cur], cur)}" for cur in sorted(sums)])


Index = QModelIndex | QPersistentModelIndex
ISSUE, POSTPONE, SKIP = "issue", "postpone", "skip"
CHOICES = {ISSUE: "Issue", POSTPONE: "Postpone", SKIP: "Skip"}
CHOICE_COLOURS = {ISSUE: "#2e7d32", POSTPONE: "#5f6b7a", SKIP: "#b3261e"}


class DueChoicesModel(QAbstractTableModel):
    """The due items with one editable column: what to do with each."""

    def __init__(self, items: list[DueItem], figures: Figures) -> None:
        super().__init__()
        self.items = in_date_order(items)
        self.cells = [due_cells(it, figures) for it in self.items]
        self.choices = [ISSUE] * len(items)
        self.columns = [*DUE_COLUMNS]

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.items)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.columns) + 1

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = 0) -> Any:
        if orientation != Qt.Orientation.Horizontal or role != Qt.ItemDataRole.DisplayRole:
            return None
        return "Action" if section == len(self.columns) else self.columns[section].title

    def flags(self, index: Index) -> Qt.ItemFlag:
        base = super().flags(index)
        return base | Qt.ItemFlag.ItemIsEditable if index.column() == len(self.columns) else base

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        r, c = index.row(), index.column()
        if c == len(self.columns):
            choice = self.choices[r]
            if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
                return f"{CHOICES[choice]}  ▾" if role == Qt.ItemDataRole.DisplayRole else choice
            if role == Qt.ItemDataRole.ForegroundRole:
                return QBrush(QColor(CHOICE_COLOURS[choice]))
            if role == Qt.ItemDataRole.ToolTipRole:
                return "Click to choose Issue, Postpone or Skip (keys I, P, S)"
            return None
        cell = self.cells[r][c]
        if role == Qt.ItemDataRole.DisplayRole:
            return cell.text
        if role == Qt.ItemDataRole.TextAlignmentRole:
            side = (
                Qt.AlignmentFlag.AlignRight
                if self.columns[c].numeric
                else Qt.AlignmentFlag.AlignLeft
            )
            return int(side | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ToolTipRole and cell.tooltip:
            return cell.tooltip
        return None

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if index.column() != len(self.columns) or value not in CHOICES:
            return False
        self.set_choice(index.row(), str(value))
        return True

    def set_choice(self, row: int, choice: str) -> None:
        self.choices[row] = choice
        idx = self.index(row, len(self.columns))
        self.dataChanged.emit(idx, idx)

    def set_all(self, choice: str) -> None:
        for row in range(len(self.items)):
            self.set_choice(row, choice)

    def chosen(self, choice: str) -> list[DueItem]:
        return [it for it, c in zip(self.items, self.choices, strict=True) if c == choice]


class ChoiceDelegate(QStyledItemDelegate):
    """A drop-down of Issue / Postpone / Skip in the Action column."""

    def createEditor(self, parent: QWidget, option: QStyleOptionViewItem, index: Index) -> QWidget:
        combo = QComboBox(parent)
        for key, label in CHOICES.items():
            combo.addItem(label, key)
        combo.activated.connect(lambda _i: self.commitData.emit(combo))
        return combo

    def setEditorData(self, editor: QWidget, index: Index) -> None:
        assert isinstance(editor, QComboBox)
        editor.setCurrentIndex(editor.findData(index.data(Qt.ItemDataRole.EditRole)))

    def setModelData(self, editor: QWidget, model: Any, index: Index) -> None:
        assert isinstance(editor, QComboBox)
        model.setData(index, editor.currentData())
