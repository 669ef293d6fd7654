"""A line edit for exact amounts, quantities and percentages.

People type "1.234,50", "1,234.50" or "12"; the field reads it with the same
parser the bank import uses, so a value is never a float and a typo is named
("unexpected characters") next to the field instead of silently becoming 0.
"""

from __future__ import annotations

from decimal import Decimal

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLineEdit, QWidget

from app.core.amounts import AmountParseError, parse_amount

_INVALID = "QLineEdit { border: 1px solid #b3261e; background: #fff6f5; }"


class DecimalEdit(QLineEdit):
    """Right-aligned number field; ``value()`` is a Decimal, None when left empty."""

    def __init__(
        self,
        text: str = "",
        *,
        placeholder: str = "",
        decimal_mark: str = ".",
        allow_negative: bool = False,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(text, parent)
        self.decimal_mark = decimal_mark
        self.allow_negative = allow_negative
        self.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.setPlaceholderText(placeholder)
        self.textEdited.connect(lambda _t: self.set_error(""))

    def parsed(self) -> tuple[Decimal | None, str]:
        """(value, problem): value None with no problem means the field is empty."""
        text = self.text().strip()
        if not text:
            return None, ""
        if text.endswith("%"):
            text = text[:-1].strip()
        try:
            value = parse_amount(text, None, default_mark=self.decimal_mark)
        except AmountParseError as exc:
            return None, f"“{exc.text}” is not a number ({exc.reason})."
        if value < 0 and not self.allow_negative:
            return None, "Use a positive number."
        return value, ""

    def value(self) -> Decimal | None:
        return self.parsed()[0]

    def set_value(self, value: Decimal | None) -> None:
        self.setText("" if value is None else f"{value:f}".replace(".", self.decimal_mark))
        self.set_error("")

    def set_error(self, message: str) -> None:
        self.setStyleSheet(_INVALID if message else "")
        self.setToolTip(message)
        self.setProperty("problem", message)

    def problem(self) -> str:
        return str(self.property("problem") or "")
