"""Recording an agreed change to one line of an agreement (new quantity and/or price)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from PySide6.QtWidgets import QComboBox, QLineEdit, QWidget

from app.core.money import Money
from app.core.schedules import Schedule
from app.ui.widgets.decimal_edit import DecimalEdit
from app.ui.widgets.figures import Figures
from app.ui.widgets.prompts import PromptDialog, date_edit, pydate


@dataclass(frozen=True)
class ChangeRequest:
    line_id: int
    effective: date
    quantity: Decimal | None
    unit_price: Decimal | None
    note: str


class RecordChangeDialog(PromptDialog):
    """Billing prorates the change by day from its effective date, so only the date is asked."""

    def __init__(
        self, parent: QWidget | None, schedule: Schedule, today: date, figures: Figures
    ) -> None:
        super().__init__(
            parent,
            "Record a change",
            f"Change a line of “{schedule.data.name}” from a date. Invoices already issued stay"
            " as they are; a change inside a billed period is prorated on the next invoice.",
            "Record change",
        )
        self.schedule = schedule
        self.line = QComboBox()
        for ln in schedule.data.lines:
            self.line.addItem(
                f"{ln.description} — {figures.quantity(ln.quantity)} × "
                f"{figures.amount(Money.of(ln.unit_price, schedule.currency).minor, schedule.currency)}",
                ln.id,
            )
        self.effective = date_edit(today)
        mark = figures.decimal_mark
        self.quantity = DecimalEdit(placeholder="unchanged", decimal_mark=mark)
        self.unit_price = DecimalEdit(placeholder="unchanged", decimal_mark=mark)
        self.note = QLineEdit()
        self.note.setPlaceholderText("e.g. Two more seats from 17 June")
        self.form.addRow("Line", self.line)
        self.form.addRow("Effective from", self.effective)
        self.form.addRow("New quantity", self.quantity)
        self.form.addRow(f"New unit price ({schedule.currency})", self.unit_price)
        self.form.addRow("Note", self.note)

    def answer(self) -> tuple[Any, str]:
        quantity, q_problem = self.quantity.parsed()
        price, p_problem = self.unit_price.parsed()
        if q_problem or p_problem:
            return None, q_problem or p_problem
        if quantity is None and price is None:
            return None, "Give a new quantity, a new price, or both."
        if self.line.currentData() is None:
            return None, "Choose the line that changes."
        return (
            ChangeRequest(
                int(self.line.currentData()),
                pydate(self.effective.date()),
                quantity,
                price,
                self.note.text().strip(),
            ),
            "",
        )
