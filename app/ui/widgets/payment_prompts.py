"""The refund question: how much of a client's credit goes back, when and how."""

from __future__ import annotations

from datetime import date
from typing import Any

from PySide6.QtWidgets import QComboBox, QLineEdit, QWidget

from app.core.money import Money
from app.ui.widgets.decimal_edit import DecimalEdit
from app.ui.widgets.payment_allocation_table import to_minor
from app.ui.widgets.prompts import PromptDialog, date_edit, pydate

METHODS = ["bank transfer", "cash", "card", "cheque", "other"]


class RefundDialog(PromptDialog):
    """Answers ``(amount: Decimal, on: date, method: str, reference: str)``."""

    def __init__(
        self,
        parent: QWidget | None,
        client: str,
        credit: Money,
        today: date,
        money_text: str,
        decimal_mark: str,
    ) -> None:
        super().__init__(
            parent,
            "Refund credit",
            f"{client} has {money_text} of credit. Record the money you paid back; only "
            "credit that exists can be refunded.",
            "Record refund",
        )
        self.credit = credit
        self.today = today
        self.amount = DecimalEdit(decimal_mark=decimal_mark)
        self.amount.set_value(credit.amount)
        self.date = date_edit(today)
        self.method = QComboBox()
        self.method.setEditable(True)
        self.method.addItems(METHODS)
        self.reference = QLineEdit()
        self.reference.setPlaceholderText("Transfer reference")
        self.form.addRow(f"Amount ({credit.currency})", self.amount)
        self.form.addRow("Paid back on", self.date)
        self.form.addRow("Method", self.method)
        self.form.addRow("Reference", self.reference)

    def answer(self) -> tuple[Any, str]:
        value, problem = self.amount.parsed()
        if problem:
            return None, problem
        if value is None or value <= 0:
            return None, "Enter the amount paid back."
        minor, problem = to_minor(value, self.credit.currency)
        if minor is None:
            return None, problem
        if minor > self.credit.minor:
            return (
                None,
                f"Only {self.credit.plain()} {self.credit.currency} of credit can be refunded.",
            )
        on = pydate(self.date.date())
        if on > self.today:
            return None, "A refund cannot be dated in the future."
        return (
            value,
            on,
            self.method.currentText().strip() or "other",
            self.reference.text().strip(),
        ), ""
