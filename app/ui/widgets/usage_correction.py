"""Correcting the quantity of one usage record before it is invoiced.

A metering feed is sometimes wrong (a double-counted day, a test account);
until the record is on an invoice its quantity can be corrected, with a note
that goes into the audit trail beside the old and the new figure.
"""

from __future__ import annotations

import html
from typing import Any

from PySide6.QtWidgets import QLineEdit, QWidget

from app.services.usage import UsageRow
from app.ui.widgets.decimal_edit import DecimalEdit
from app.ui.widgets.figures import Figures
from app.ui.widgets.prompts import PromptDialog


class CorrectionDialog(PromptDialog):
    """Answers (new quantity, note)."""

    def __init__(self, parent: QWidget | None, row: UsageRow, figures: Figures) -> None:
        what = html.escape(row.item) + (f" by {html.escape(row.person)}" if row.person else "")
        super().__init__(
            parent,
            "Correct usage",
            f"<b>{what}</b> on {figures.date(row.occurred_on)} for "
            f"{html.escape(row.client_name)}: {figures.quantity(row.quantity)} recorded.<br>"
            "The old and the new quantity are kept in the audit trail with your note.",
            "Correct",
        )
        self.row = row
        self.quantity = DecimalEdit(decimal_mark=figures.decimal_mark)
        self.quantity.setText(figures.plain_decimal(row.quantity) or "0")
        self.quantity.selectAll()
        self.note = QLineEdit()
        self.note.setPlaceholderText("Why, e.g. 'Test traffic removed'")
        self.form.addRow("Quantity", self.quantity)
        self.form.addRow("Note", self.note)
        self.quantity.setFocus()

    def answer(self) -> tuple[Any, str]:
        value, problem = self.quantity.parsed()
        if problem:
            return None, problem
        if value is None:
            return None, "Enter the corrected quantity (0 when nothing was used)."
        if value == self.row.quantity:
            return None, "That is the quantity already recorded."
        return (value, self.note.text().strip()), ""
