"""Editing the tiers of a tiered or volume price: "up to N units at P", the last one open-ended.

Each row reads its numbers with ``DecimalEdit``; the order and the open end
are checked by the pricing itself (``Pricing.validate``), so the words a user
sees for a wrong table are the same everywhere.
"""

from __future__ import annotations

from decimal import Decimal

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QGridLayout,
    QLabel,
    QPushButton,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from app.core.usage import Tier
from app.ui.widgets.decimal_edit import DecimalEdit


class TierRow:
    def __init__(self, decimal_mark: str) -> None:
        self.up_to = DecimalEdit(placeholder="and above", decimal_mark=decimal_mark)
        self.price = DecimalEdit(placeholder="0.00", decimal_mark=decimal_mark)
        self.label = QLabel()
        self.label.setObjectName("muted")
        self.remove = QToolButton()
        self.remove.setText("✕")
        self.remove.setToolTip("Remove this tier")
        self.remove.setAutoRaise(True)


class TierEditor(QWidget):
    """``tiers()`` reads the table; ``changed`` fires on every edit."""

    changed = Signal()

    def __init__(self, decimal_mark: str = ".") -> None:
        super().__init__()
        self.decimal_mark = decimal_mark
        self.rows: list[TierRow] = []
        self._grid = QGridLayout()
        self._grid.setContentsMargins(0, 0, 0, 0)
        self._grid.setVerticalSpacing(3)
        for col, text in enumerate(("Up to (units)", "Price per unit", "Units")):
            title = QLabel(text)
            title.setObjectName("muted")
            self._grid.addWidget(title, 0, col)
        self.add_button = QPushButton("+ Add tier")
        self.add_button.clicked.connect(lambda: self.add_tier())
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(self._grid)
        layout.addWidget(self.add_button, 0, Qt.AlignmentFlag.AlignLeft)

    def add_tier(self, up_to: Decimal | None = None, price: Decimal | None = None) -> TierRow:
        row = TierRow(self.decimal_mark)
        row.up_to.set_value(up_to)
        row.price.set_value(price)
        for edit in (row.up_to, row.price):
            edit.setFixedWidth(110)
            edit.textChanged.connect(lambda _t: self._edited())
        row.remove.clicked.connect(lambda: self.remove_tier(row))
        self.rows.append(row)
        self._layout_rows()
        self._edited()
        return row

    def remove_tier(self, row: TierRow) -> None:
        if row not in self.rows:
            return
        self.rows.remove(row)
        for w in (row.up_to, row.price, row.label, row.remove):
            self._grid.removeWidget(w)
            w.deleteLater()
        self._layout_rows()
        self._edited()

    def _layout_rows(self) -> None:
        for i, row in enumerate(self.rows, start=1):
            self._grid.addWidget(row.up_to, i, 0)
            self._grid.addWidget(row.price, i, 1)
            self._grid.addWidget(row.label, i, 2)
            self._grid.addWidget(row.remove, i, 3)

    def set_tiers(self, tiers: tuple[Tier, ...]) -> None:
        for row in list(self.rows):
            self.remove_tier(row)
        for t in tiers:
            self.add_tier(t.up_to, t.unit_price)

    def _edited(self) -> None:
        lower = Decimal(0)
        for row in self.rows:
            up = row.up_to.value()
            start = f"{lower + 1:f}"
            row.label.setText(f"{start}–{up:f}" if up is not None else f"{start} and above")
            if up is not None:
                lower = up
        self.changed.emit()

    def tiers(self) -> tuple[tuple[Tier, ...], str]:
        """(tiers, problem): the rows as Tier values, or the first field that cannot be read."""
        out: list[Tier] = []
        for i, row in enumerate(self.rows, start=1):
            up, problem = row.up_to.parsed()
            price, price_problem = row.price.parsed()
            if problem or price_problem:
                return (), f"Tier {i}: {problem or price_problem}"
            if price is None:
                return (), f"Tier {i} needs a price per unit."
            out.append(Tier(up, price))
        return tuple(out), ""
