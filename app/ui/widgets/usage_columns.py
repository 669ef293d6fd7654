"""Choosing how a usage file is read: which column feeds each field, the dates and decimals.

Each field the import knows gets one row: what Counterfoil found for it (by
the column's name), a drop-down of the file's columns to change it, and the
first value in that column, so a wrong guess is visible before anything is
imported.  Fields the import cannot do without are marked, and missing ones
are shown in red until a column is chosen.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGridLayout,
    QLabel,
    QWidget,
)

from app.ui.widgets.usage_reading import DELIMITER_NAMES, FIELD_LABELS, REQUIRED, UsageReading

NOT_IN_FILE = "— not in the file —"
AUTO = "auto"
DOUBT_STYLE = "background: #fff4d6; border: 1px solid #d48a00;"
MISSING_STYLE = "background: #fff6f5; border: 1px solid #b3261e;"


class FieldColumns(QWidget):
    """One drop-down per field; ``edited(field, header)`` fires when the user changes one."""

    edited = Signal(str, str)

    def __init__(self) -> None:
        super().__init__()
        self.boxes: dict[str, QComboBox] = {}
        self.examples: dict[str, QLabel] = {}
        self._values: dict[str, str] = {}
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setVerticalSpacing(3)
        grid.setAlignment(Qt.AlignmentFlag.AlignTop)
        for col, text in enumerate(("Field", "Column in the file", "First value")):
            title = QLabel(text)
            title.setStyleSheet("font-weight: 600; color: #3b4450;")
            grid.addWidget(title, 0, col)
        for row, (name, label) in enumerate(FIELD_LABELS.items(), start=1):
            text = QLabel(label + (" *" if name in REQUIRED else ""))
            box = QComboBox()
            box.setMinimumWidth(170)
            box.setAccessibleName(label)
            box.activated.connect(lambda _i, f=name: self._chosen(f))
            example = QLabel()
            example.setObjectName("muted")
            grid.addWidget(text, row, 0)
            grid.addWidget(box, row, 1)
            grid.addWidget(example, row, 2)
            self.boxes[name] = box
            self.examples[name] = example
        grid.setColumnStretch(2, 1)

    def show_reading(
        self, reading: UsageReading, overrides: dict[str, str], values: dict[str, str]
    ) -> None:
        """Fill every drop-down with the file's columns and select what will be read."""
        self._values = values
        chosen = reading.columns(overrides)
        for name, box in self.boxes.items():
            box.blockSignals(True)
            box.clear()
            # The reader always uses a column it recognises by name; it can be pointed at
            # another column, not switched off, so "not in the file" is only offered when
            # nothing was recognised.
            if name not in reading.detected:
                box.addItem(NOT_IN_FILE, "")
            for title in reading.header:
                if title:
                    box.addItem(title, title)
            box.setCurrentIndex(max(0, box.findData(chosen.get(name, ""))))
            box.blockSignals(False)
            self._mark(name, chosen.get(name, ""))

    def _mark(self, name: str, title: str) -> None:
        box = self.boxes[name]
        missing = name in REQUIRED and not title
        box.setStyleSheet(MISSING_STYLE if missing else "")
        box.setToolTip(
            f"Choose the column that holds the {FIELD_LABELS[name].lower()}." if missing else ""
        )
        example = self._values.get(title, "") if title else ""
        short = example[:28] + ("…" if len(example) > 28 else "")
        self.examples[name].setText(short)
        self.examples[name].setToolTip(example)

    def _chosen(self, name: str) -> None:
        title = str(self.boxes[name].currentData() or "")
        self._mark(name, title)
        self.edited.emit(name, title)

    def choose(self, name: str, title: str) -> None:
        """Pick a column from code, as the user would."""
        box = self.boxes[name]
        box.setCurrentIndex(box.findData(title))
        self._chosen(name)

    def column_of(self, name: str) -> str:
        return str(self.boxes[name].currentData() or "")


class ReadOptions(QWidget):
    """Day/month order and decimal mark: automatic (decided from the whole column) or fixed."""

    edited = Signal()

    def __init__(self) -> None:
        super().__init__()
        self.order = QComboBox()
        self.order.addItem("As the dates show", AUTO)
        self.order.addItem("Day first — 31/12/2026", "day")
        self.order.addItem("Month first — 12/31/2026", "month")
        self.mark = QComboBox()
        self.mark.addItem("As the numbers show", AUTO)
        self.mark.addItem("Point — 1,234.5", ".")
        self.mark.addItem("Comma — 1.234,5", ",")
        self.found = QLabel()
        self.found.setObjectName("muted")
        self.found.setWordWrap(True)
        form = QFormLayout(self)
        form.setContentsMargins(0, 0, 0, 0)
        form.addRow("Dates", self.order)
        form.addRow("Decimal mark", self.mark)
        form.addRow("", self.found)
        self.order.activated.connect(lambda _i: self._touched())
        self.mark.activated.connect(lambda _i: self._touched())

    def _touched(self) -> None:
        self.order.setStyleSheet("")
        self.edited.emit()

    def day_first(self) -> bool | None:
        value = self.order.currentData()
        return None if value == AUTO else value == "day"

    def decimal_mark(self) -> str | None:
        value = str(self.mark.currentData())
        return None if value == AUTO else value

    def set_choices(self, day_first: bool | None, decimal_mark: str | None) -> None:
        order = AUTO if day_first is None else ("day" if day_first else "month")
        self.order.setCurrentIndex(max(0, self.order.findData(order)))
        self.mark.setCurrentIndex(max(0, self.mark.findData(decimal_mark or AUTO)))

    def set_day_first(self, value: bool | None) -> None:
        """Change the order from code, as the user would."""
        self.set_choices(value, self.decimal_mark())
        self._touched()

    def show_reading(self, reading: UsageReading) -> None:
        """Say what the reader decided, and flag a day/month order nothing in the file settles."""
        parts = [
            f"Characters {reading.encoding}",
            f"separated by {DELIMITER_NAMES.get(reading.delimiter, repr(reading.delimiter))}",
        ]
        if reading.file is not None:
            order = "day first" if reading.file.day_first else "month first"
            mark = "point" if reading.file.decimal_mark == "." else "comma"
            parts.append(f"dates read {order}, decimals with a {mark}")
        self.found.setText(" · ".join(parts) + ".")
        doubtful = reading.order_is_guess and self.day_first() is None
        self.order.setStyleSheet(DOUBT_STYLE if doubtful else "")
        self.order.setToolTip(
            "Every date in the file reads both ways (like 03/04/2026), so day first was "
            "assumed. Check the dates in the preview."
            if doubtful
            else ""
        )
