"""The payment dialog's allocation table: the client's open invoices and what this payment pays.

It starts filled oldest first (the same rule the service applies when nothing
is said); the "Pay" cells stay editable, and each one is read with the same
amount parser as every other money field, so a typo is named, never read as 0.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor

from app.core.allocation import OpenItem, oldest_first
from app.core.amounts import AmountParseError, parse_amount
from app.core.currency import exponent
from app.core.invoices import InvoiceRow
from app.core.money import Money
from app.ui.widgets.figures import Figures

Index = QModelIndex | QPersistentModelIndex
PAY = 4
TITLES = ("Invoice", "Issued", "Due", "Open", "Pay")
PROBLEM = "#b3261e"


def to_minor(value: Decimal, currency: str) -> tuple[int | None, str]:
    """The amount in minor units, or why it cannot be one (too many decimals for the currency)."""
    places = exponent(currency)
    if value != value.quantize(Decimal(1).scaleb(-places)):
        return None, f"{currency} amounts have at most {places} decimals."
    return Money.of(value, currency).minor, ""


@dataclass
class _Row:
    invoice: InvoiceRow
    text: str = ""


class AllocationModel(QAbstractTableModel):
    def __init__(self, figures: Figures) -> None:
        super().__init__()
        self.figures = figures
        self.decimal_mark = figures.decimal_mark
        self.currency = ""
        self._rows: list[_Row] = []
        self.edited_by_hand = False

    # filling --------------------------------------------------------------------------
    def set_invoices(self, invoices: list[InvoiceRow], currency: str) -> None:
        self.beginResetModel()
        self.currency = currency
        self._rows = [_Row(i) for i in invoices if i.balance_minor > 0 and i.currency == currency]
        self.edited_by_hand = False
        self.endResetModel()

    def spread(self, amount_minor: int) -> None:
        """Fill the Pay cells oldest first (by due date, then issue date) up to the amount."""
        items = [
            OpenItem(
                r.invoice.id, r.invoice.due_date, r.invoice.issue_date, r.invoice.balance_minor
            )
            for r in self._rows
        ]
        plan = dict(oldest_first(max(amount_minor, 0), items))
        for r in self._rows:
            paid = plan.get(r.invoice.id, 0)
            r.text = self._plain(paid) if paid else ""
        self.edited_by_hand = False
        if self._rows:
            self.dataChanged.emit(self.index(0, PAY), self.index(len(self._rows) - 1, PAY))

    def _plain(self, minor: int) -> str:
        return f"{Money.from_minor(minor, self.currency).amount:f}".replace(".", self.decimal_mark)

    # reading ---------------------------------------------------------------------------
    def pay(self, row: int) -> tuple[int, str]:
        """(minor units to pay on this row, problem); an empty cell pays nothing."""
        r = self._rows[row]
        text = r.text.strip()
        if not text:
            return 0, ""
        try:
            value = parse_amount(text, None, default_mark=self.decimal_mark)
        except AmountParseError as exc:
            return 0, f"“{exc.text}” is not an amount ({exc.reason})."
        if value < 0:
            return 0, "Use a positive amount."
        minor, problem = to_minor(value, self.currency)
        if minor is None:
            return 0, problem
        if minor > r.invoice.balance_minor:
            due = self.figures.amount(r.invoice.balance_minor, self.currency)
            return 0, f"More than the {due} still due on {r.invoice.number}."
        return minor, ""

    def problems(self) -> list[str]:
        return [p for p in (self.pay(i)[1] for i in range(len(self._rows))) if p]

    def total_minor(self) -> int:
        return sum(self.pay(i)[0] for i in range(len(self._rows)))

    def allocations(self) -> list[tuple[int, Decimal]]:
        out = []
        for i, r in enumerate(self._rows):
            minor = self.pay(i)[0]
            if minor:
                out.append((r.invoice.id, Money.from_minor(minor, self.currency).amount))
        return out

    def invoice_ids(self) -> list[int]:
        return [r.invoice.id for r in self._rows]

    def set_pay_text(self, row: int, text: str) -> None:
        self.setData(self.index(row, PAY), text)

    # model API -------------------------------------------------------------------------
    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(TITLES)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = 0) -> Any:
        if orientation != Qt.Orientation.Horizontal:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return TITLES[section]
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return self._align(section)
        return None

    def _align(self, column: int) -> int:
        side = Qt.AlignmentFlag.AlignRight if column >= 3 else Qt.AlignmentFlag.AlignLeft
        return int(side | Qt.AlignmentFlag.AlignVCenter)

    def flags(self, index: Index) -> Qt.ItemFlag:
        base = super().flags(index)
        return base | Qt.ItemFlag.ItemIsEditable if index.column() == PAY else base

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        r, col = self._rows[index.row()], index.column()
        inv, fig = r.invoice, self.figures
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            values = (
                inv.number or "",
                fig.date(inv.issue_date),
                fig.date(inv.due_date),
                fig.amount(inv.balance_minor, self.currency),
                r.text,
            )
            return values[col]
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return self._align(col)
        problem = self.pay(index.row())[1] if col == PAY else ""
        if role == Qt.ItemDataRole.ForegroundRole and problem:
            return QBrush(QColor(PROBLEM))
        if role == Qt.ItemDataRole.ToolTipRole:
            return problem or (
                "Type the amount this payment pays on the invoice" if col == PAY else None
            )
        if role == Qt.ItemDataRole.BackgroundRole and col == PAY:
            return QBrush(QColor("#fff6f5" if problem else "#f4f8fc"))
        return None

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if not index.isValid() or index.column() != PAY or role != Qt.ItemDataRole.EditRole:
            return False
        self._rows[index.row()].text = str(value or "")
        self.edited_by_hand = True
        self.dataChanged.emit(index, index)
        return True
