"""The steps of a milestone plan: one row per step, with its amount and where it stands.

A step is a percentage of the contract value or a fixed amount, due on a
date or when the work is marked delivered.  Rows of steps already invoiced
are locked (an issued invoice is never rewritten); the others can be edited,
removed, and — once saved — marked delivered for the next bill run.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QGridLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QToolButton,
    QWidget,
)

from app.core.money import Money
from app.core.usage import Milestone
from app.services.milestones import MilestoneInput, MilestoneView
from app.ui.widgets.decimal_edit import DecimalEdit
from app.ui.widgets.figures import Figures
from app.ui.widgets.prompts import date_edit, pydate, qdate

PERCENT, AMOUNT = "percent", "amount"
ON_DELIVERY, ON_DATE = "delivery", "date"
TITLES = ("Step", "Share", "", "Due", "", "Amount", "Status", "", "")


class MilestoneRow:
    """The fields of one step and what the book says about it (id, delivery, invoice)."""

    def __init__(self, decimal_mark: str, today: date) -> None:
        self.view: MilestoneView | None = None
        self.name = QLineEdit()
        self.name.setPlaceholderText("e.g. Design approved")
        self.name.setMinimumWidth(170)
        self.kind = QComboBox()
        self.kind.addItem("% of contract", PERCENT)
        self.kind.addItem("Amount", AMOUNT)
        self.value = DecimalEdit(placeholder="0", decimal_mark=decimal_mark)
        self.value.setFixedWidth(90)
        self.due_kind = QComboBox()
        self.due_kind.addItem("When delivered", ON_DELIVERY)
        self.due_kind.addItem("On a date", ON_DATE)
        self.due: QDateEdit = date_edit(today)
        self.due.setVisible(False)
        self.due.setFixedWidth(120)
        self.amount = QLabel()
        self.amount.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.amount.setMinimumWidth(90)
        self.status = QLabel()
        self.status.setObjectName("muted")
        self.status.setWordWrap(True)
        self.status.setMinimumWidth(150)
        self.deliver = QPushButton("Mark delivered")
        self.remove = QToolButton()
        self.remove.setText("✕")
        self.remove.setToolTip("Remove this step")
        self.remove.setAutoRaise(True)
        self.due_kind.currentIndexChanged.connect(
            lambda _i: self.due.setVisible(self.due_kind.currentData() == ON_DATE)
        )

    @property
    def editable(self) -> bool:
        return self.view is None or not self.view.invoiced

    def widgets(self) -> tuple[QWidget, ...]:
        return (
            self.name,
            self.kind,
            self.value,
            self.due_kind,
            self.due,
            self.amount,
            self.status,
            self.deliver,
            self.remove,
        )

    def fill(self, v: MilestoneView, currency_minor: Callable[[int], Decimal]) -> None:
        self.view = v
        self.name.setText(v.name)
        if v.percent is not None:
            self.kind.setCurrentIndex(self.kind.findData(PERCENT))
            self.value.set_value(v.percent.normalize())
        else:
            self.kind.setCurrentIndex(self.kind.findData(AMOUNT))
            self.value.set_value(currency_minor(v.amount_minor))
        if v.due_date is not None:
            self.due_kind.setCurrentIndex(self.due_kind.findData(ON_DATE))
            self.due.setDate(qdate(v.due_date))
        for w in (self.name, self.kind, self.value, self.due_kind, self.due):
            w.setEnabled(self.editable)
        self.remove.setVisible(self.editable)

    def step(self) -> tuple[Milestone | None, str]:
        """The step for the live sum, or what stops it being read."""
        value, problem = self.value.parsed()
        name = self.name.text().strip() or "(unnamed)"
        if problem:
            return None, f"{name}: {problem}"
        if value is None:
            return None, f"{name}: enter a percentage or an amount."
        if self.kind.currentData() == PERCENT:
            return Milestone(name, percent=value), ""
        return Milestone(name, amount=value), ""

    def input(self) -> MilestoneInput:
        step, _problem = self.step()
        assert step is not None
        due = pydate(self.due.date()) if self.due_kind.currentData() == ON_DATE else None
        return MilestoneInput(self.name.text().strip(), step.percent, step.amount, due)


class MilestoneSteps(QWidget):
    """All steps in a grid; ``changed`` on every edit, ``deliver_requested(row)`` per button."""

    changed = Signal()
    deliver_requested = Signal(object)

    def __init__(self, figures: Figures, today: date) -> None:
        super().__init__()
        self.figures = figures
        self.today = today
        self.rows: list[MilestoneRow] = []
        self._grid = QGridLayout(self)
        self._grid.setContentsMargins(0, 0, 0, 0)
        self._grid.setHorizontalSpacing(6)
        self._grid.setVerticalSpacing(4)
        self._grid.setAlignment(Qt.AlignmentFlag.AlignTop)
        self._grid.setColumnStretch(0, 3)
        self._grid.setColumnStretch(6, 2)
        for col, text in enumerate(TITLES):
            title = QLabel(text)
            title.setObjectName("muted")
            self._grid.addWidget(title, 0, col)

    def add_step(self, view: MilestoneView | None = None, currency: str = "EUR") -> MilestoneRow:
        row = MilestoneRow(self.figures.decimal_mark, self.today)
        if view is not None:
            row.fill(view, lambda minor: Money.from_minor(minor, currency).amount)
        for edit in (row.name, row.value):
            edit.textChanged.connect(lambda _t: self.changed.emit())
        for combo in (row.kind, row.due_kind):
            combo.currentIndexChanged.connect(lambda _i: self.changed.emit())
        row.due.dateChanged.connect(lambda _d: self.changed.emit())
        row.remove.clicked.connect(lambda: self.remove_step(row))
        row.deliver.clicked.connect(lambda: self.deliver_requested.emit(row))
        self.rows.append(row)
        for col, w in enumerate(row.widgets()):
            self._grid.addWidget(w, len(self.rows), col)
        self.changed.emit()
        return row

    def remove_step(self, row: MilestoneRow) -> None:
        if row not in self.rows or not row.editable:
            return
        self.rows.remove(row)
        for w in row.widgets():
            self._grid.removeWidget(w)
            w.deleteLater()
        for i, r in enumerate(self.rows, start=1):  # close the gap the row left
            for col, w in enumerate(r.widgets()):
                self._grid.addWidget(w, i, col)
        self.changed.emit()

    def clear(self) -> None:
        for row in list(self.rows):
            self.rows.remove(row)
            for w in row.widgets():
                self._grid.removeWidget(w)
                w.deleteLater()

    def status_text(self, row: MilestoneRow) -> str:
        v, fig = row.view, self.figures
        if v is None:
            return "New — saved with the plan"
        if v.invoiced:
            return f"Invoiced {v.invoice_number}" if v.invoice_number else "Invoiced (draft)"
        if v.delivered_on is not None:
            return f"Delivered {fig.date(v.delivered_on)} · next bill run"
        if v.due_date is not None:
            text = f"Due {fig.date(v.due_date)}"
            return text + " · next bill run" if v.due_date <= self.today else text
        return "Waiting for delivery"
