"""Editing invoice or agreement lines: one row of fields per line, add and remove.

Each row reads its numbers with ``DecimalEdit``, so ``values()`` returns exact
Decimals or names the field that could not be read (``lines[2].unit_price``,
the same keys the services use in their validation errors).

Agreement lines can also be metered (``metering=True``): a "Metered…" button
per row asks the owner to choose the usage item and its pricing, and the row
then takes its quantity and price from usage instead of its own fields.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from app.core.clients import FieldError
from app.core.invoice_math import TAX_LABELS, TaxCategory
from app.core.usage import Pricing, PricingModel
from app.ui.widgets.decimal_edit import DecimalEdit

CATEGORY_LABELS = {
    TaxCategory.STANDARD: "Standard",
    TaxCategory.ZERO: TAX_LABELS[TaxCategory.ZERO],
    TaxCategory.EXEMPT: TAX_LABELS[TaxCategory.EXEMPT],
    TaxCategory.REVERSE_CHARGE: TAX_LABELS[TaxCategory.REVERSE_CHARGE],
}
# Column widths in pixels; the description takes what is left.
WIDTHS = {
    "quantity": 64,
    "unit_price": 96,
    "tax_rate": 60,
    "tax_category": 118,
    "discount_percent": 60,
    "amount": 92,
    "remove": 26,
    "meter": 92,
}
METER_MODELS = {
    PricingModel.PER_UNIT: "per unit",
    PricingModel.TIERED: "tiered",
    PricingModel.VOLUME: "volume",
    PricingModel.PACKAGE: "package",
}
_METERED_STYLE = (
    "QToolButton { background: #e8f0f8; border: 1px solid #9db7d1; border-radius: 4px; }"
)
_METER_ERROR = "QToolButton { background: #fff6f5; border: 1px solid #b3261e; border-radius: 4px; }"


@dataclass(frozen=True)
class LineValues:
    description: str
    quantity: Decimal
    unit_price: Decimal
    tax_rate: Decimal
    tax_category: TaxCategory
    discount_percent: Decimal | None
    id: int | None = None
    pricing: Pricing | None = None  # metered: quantity and price come from usage
    meter_item: str = ""


class LineRow(QWidget):
    """The fields of one line."""

    def __init__(self, decimal_mark: str, show_amount: bool, metering: bool = False) -> None:
        super().__init__()
        self.line_id: int | None = None
        self.pricing: Pricing | None = None
        self.meter_item = ""
        self.meter: QToolButton | None = None
        self.description = QLineEdit()
        self.description.setPlaceholderText("What is billed, e.g. Support retainer")
        self.quantity = DecimalEdit("1", decimal_mark=decimal_mark)
        self.unit_price = DecimalEdit(placeholder="0.00", decimal_mark=decimal_mark)
        self.tax_rate = DecimalEdit("0", decimal_mark=decimal_mark)
        self.tax_category = QComboBox()
        for cat, label in CATEGORY_LABELS.items():
            self.tax_category.addItem(label, cat)
        self.discount = DecimalEdit(placeholder="—", decimal_mark=decimal_mark)
        self.amount = QLabel()
        self.amount.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.remove = QToolButton()
        self.remove.setText("✕")
        self.remove.setToolTip("Remove this line")
        self.remove.setAutoRaise(True)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        layout.addWidget(self.description, 1)
        for key, w in (
            ("quantity", self.quantity),
            ("unit_price", self.unit_price),
            ("tax_rate", self.tax_rate),
            ("tax_category", self.tax_category),
            ("discount_percent", self.discount),
        ):
            w.setFixedWidth(WIDTHS[key])
            layout.addWidget(w)
        if show_amount:
            self.amount.setFixedWidth(WIDTHS["amount"])
            layout.addWidget(self.amount)
        if metering:
            self.meter = QToolButton()
            self.meter.setFixedWidth(WIDTHS["meter"])
            self.meter.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
            layout.addWidget(self.meter)
            self.set_metering("", None)
        self.remove.setFixedWidth(WIDTHS["remove"])
        layout.addWidget(self.remove)
        self.tax_category.currentIndexChanged.connect(self._category_changed)

    def _category_changed(self) -> None:
        standard = self.tax_category.currentData() == TaxCategory.STANDARD
        if not standard:
            self.tax_rate.setText("0")
        self.tax_rate.setEnabled(standard)

    def set_metering(self, item: str, pricing: Pricing | None) -> None:
        """Make the row metered by ``item`` under ``pricing``, or fixed again (None)."""
        self.meter_item, self.pricing = (item, pricing) if pricing is not None else ("", None)
        metered = pricing is not None
        for edit in (self.quantity, self.unit_price):
            edit.setEnabled(not metered)
        if metered:
            self.quantity.clear()
            self.unit_price.clear()
            self.quantity.setPlaceholderText("usage")
            self.unit_price.setPlaceholderText("by usage")
        else:
            self.quantity.setPlaceholderText("")
            self.unit_price.setPlaceholderText("0.00")
            if not self.quantity.text():
                self.quantity.setText("1")
        if self.meter is None:
            return
        if pricing is None:
            self.meter.setText("Metered…")
            self.meter.setToolTip("Bill this line from usage records (per unit, tiers, packages)")
            self.meter.setStyleSheet("")
        else:
            self.meter.setText(item)
            self.meter.setToolTip(
                f"Metered: the quantity of “{item}” in each period, priced "
                f"{METER_MODELS[pricing.model]}. Click to change."
            )
            self.meter.setStyleSheet(_METERED_STYLE)

    def field(self, name: str) -> QWidget | None:
        if name in ("meter_item", "pricing"):
            return self.meter
        return {
            "description": self.description,
            "quantity": self.quantity,
            "unit_price": self.unit_price,
            "tax_rate": self.tax_rate,
            "tax_category": self.tax_category,
            "discount_percent": self.discount,
        }.get(name)


class LineItemsEditor(QWidget):
    """All lines of a document; ``changed`` fires on every edit (for live totals)."""

    changed = Signal()

    metering_requested = Signal(object)  # the LineRow whose "Metered…" button was pressed

    def __init__(
        self,
        *,
        decimal_mark: str = ".",
        show_amounts: bool = False,
        default_tax: str = "0",
        metering: bool = False,
    ) -> None:
        super().__init__()
        self.decimal_mark = decimal_mark
        self.show_amounts = show_amounts
        self.metering = metering
        self.default_tax = default_tax
        self.rows: list[LineRow] = []

        header = QWidget()
        hl = QHBoxLayout(header)
        hl.setContentsMargins(0, 0, 0, 0)
        hl.setSpacing(4)
        titles = [
            ("Description", None),
            ("Qty", "quantity"),
            ("Unit price", "unit_price"),
            ("Tax %", "tax_rate"),
            ("Category", "tax_category"),
            ("Disc. %", "discount_percent"),
        ]
        if show_amounts:
            titles.append(("Amount", "amount"))
        if metering:
            titles.append(("Quantity from", "meter"))
        titles.append(("", "remove"))
        for title, key in titles:
            label = QLabel(title)
            label.setObjectName("muted")
            if key is None:
                hl.addWidget(label, 1)
                continue
            label.setFixedWidth(WIDTHS[key])
            if key not in ("tax_category", "remove", "meter"):
                label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            hl.addWidget(label)

        self._body = QWidget()
        self._rows_layout = QVBoxLayout(self._body)
        self._rows_layout.setContentsMargins(0, 0, 0, 0)
        self._rows_layout.setSpacing(4)
        self._rows_layout.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(self._body)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setMinimumHeight(120)
        scroll.setStyleSheet("QScrollArea { background: transparent; }")
        scroll.viewport().setAutoFillBackground(False)
        self._body.setAutoFillBackground(False)
        self._body.setObjectName("lineRows")
        self._body.setStyleSheet("#lineRows { background: transparent; }")

        self.add_button = QPushButton("+ Add line")
        self.add_button.setToolTip("Ctrl+L")
        self.add_button.clicked.connect(lambda: self.add_line(focus=True))
        self.error = QLabel()
        self.error.setObjectName("errorText")
        self.error.setWordWrap(True)
        self.error.hide()
        bottom = QHBoxLayout()
        bottom.addWidget(self.add_button, 0, Qt.AlignmentFlag.AlignTop)
        bottom.addWidget(self.error, 1)
        bottom.addStretch(0)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        layout.addWidget(header)
        layout.addWidget(scroll, 1)
        layout.addLayout(bottom)

    # rows ---------------------------------------------------------------------
    def add_line(self, values: LineValues | None = None, *, focus: bool = False) -> LineRow:
        row = LineRow(self.decimal_mark, self.show_amounts, self.metering)
        row.tax_rate.setText(self.default_tax)
        if values is not None:
            self._fill(row, values)
        if row.meter is not None:
            row.meter.clicked.connect(lambda: self.metering_requested.emit(row))
        for w in (row.description, row.quantity, row.unit_price, row.tax_rate, row.discount):
            w.textChanged.connect(lambda _t: self.changed.emit())
        row.tax_category.currentIndexChanged.connect(lambda _i: self.changed.emit())
        row.remove.clicked.connect(lambda: self.remove_line(row))
        self._rows_layout.insertWidget(len(self.rows), row)
        self.rows.append(row)
        if focus:
            row.description.setFocus()
        self.changed.emit()
        return row

    def remove_line(self, row: LineRow) -> None:
        if row not in self.rows:
            return
        self.rows.remove(row)
        self._rows_layout.removeWidget(row)
        row.hide()
        row.deleteLater()
        self.changed.emit()

    def _fill(self, row: LineRow, v: LineValues) -> None:
        row.line_id = v.id
        row.description.setText(v.description)
        row.quantity.set_value(v.quantity)
        row.unit_price.set_value(v.unit_price)
        row.tax_category.setCurrentIndex(max(0, row.tax_category.findData(v.tax_category)))
        row.tax_rate.set_value(v.tax_rate)
        row.discount.set_value(v.discount_percent)
        if v.pricing is not None:
            row.set_metering(v.meter_item, v.pricing)

    def set_metering(self, row: LineRow, item: str, pricing: Pricing | None) -> None:
        row.set_metering(item, pricing)
        self.changed.emit()

    def load(self, lines: list[LineValues]) -> None:
        for row in list(self.rows):
            self.remove_line(row)
        for v in lines:
            self.add_line(v)

    def set_decimal_mark(self, mark: str) -> None:
        self.decimal_mark = mark
        for row in self.rows:
            for w in (row.quantity, row.unit_price, row.tax_rate, row.discount):
                w.decimal_mark = mark

    # reading --------------------------------------------------------------------
    def values(self) -> tuple[list[LineValues], list[FieldError]]:
        """Lines that could be read, and a FieldError for each field that could not.

        Completely empty rows are ignored, so a spare row left at the bottom is harmless.
        """
        out: list[LineValues] = []
        errors: list[FieldError] = []
        n = 0
        for row in self.rows:
            texts = (row.description.text().strip(), row.unit_price.text().strip())
            if not any(texts) and row.pricing is None:
                continue
            n += 1
            read: dict[str, Decimal | None] = {}
            for name, edit in (
                ("quantity", row.quantity),
                ("unit_price", row.unit_price),
                ("tax_rate", row.tax_rate),
                ("discount_percent", row.discount),
            ):
                value, problem = edit.parsed()
                if problem:
                    errors.append(FieldError(f"lines[{n}].{name}", f"Line {n}: {problem}"))
                read[name] = value
            price_key = f"lines[{n}].unit_price"
            if row.pricing is not None:
                read["quantity"], read["unit_price"] = Decimal(1), Decimal(0)
            elif read["unit_price"] is None and not any(e.field == price_key for e in errors):
                errors.append(FieldError(price_key, f"Line {n} needs a price."))
            if any(e.field.startswith(f"lines[{n}].") for e in errors):
                continue
            out.append(
                LineValues(
                    description=row.description.text().strip(),
                    quantity=read["quantity"] if read["quantity"] is not None else Decimal(1),
                    unit_price=read["unit_price"] or Decimal(0),
                    tax_rate=read["tax_rate"] or Decimal(0),
                    tax_category=TaxCategory(row.tax_category.currentData()),
                    discount_percent=read["discount_percent"],
                    id=row.line_id,
                    pricing=row.pricing,
                    meter_item=row.meter_item,
                )
            )
        return out, errors

    def filled_rows(self) -> list[LineRow]:
        """The rows that count as lines (not left completely empty), in order."""
        return [
            r
            for r in self.rows
            if r.description.text().strip() or r.unit_price.text().strip() or r.pricing is not None
        ]

    def set_amounts(self, texts: list[str]) -> None:
        rows = self.filled_rows()
        for row in self.rows:
            row.amount.setText("")
        for row, text in zip(rows, texts):
            row.amount.setText(text)

    def show_errors(self, errors: list[FieldError]) -> None:
        """Mark the fields named ``lines[n].field`` and list the messages under the lines."""
        rows = self.filled_rows()
        for row in self.rows:
            for name in ("quantity", "unit_price", "tax_rate", "discount_percent"):
                edit = row.field(name)
                if isinstance(edit, DecimalEdit):
                    edit.set_error("")
            row.description.setStyleSheet("")
            if row.meter is not None:
                row.set_metering(row.meter_item, row.pricing)
        messages: list[str] = []
        for e in errors:
            if not e.field.startswith("lines"):
                continue
            messages.append(e.message)
            if "[" not in e.field:
                continue
            index = int(e.field.split("[", 1)[1].split("]", 1)[0]) - 1
            name = e.field.rsplit(".", 1)[-1]
            if 0 <= index < len(rows):
                widget = rows[index].field(name)
                if isinstance(widget, DecimalEdit):
                    widget.set_error(e.message)
                elif isinstance(widget, QToolButton):
                    widget.setStyleSheet(_METER_ERROR)
                    widget.setToolTip(e.message)
                elif isinstance(widget, QLineEdit):
                    widget.setStyleSheet("QLineEdit { border: 1px solid #b3261e; }")
        self.error.setText("\n".join(dict.fromkeys(messages)))
        self.error.setVisible(bool(messages))
