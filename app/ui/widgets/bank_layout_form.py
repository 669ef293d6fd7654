"""The import wizard's "how this file is read" form: every guess, editable, doubts in amber.

Each setting the detector decided is shown with the reason it gave; the ones
it flagged as doubtful are highlighted until the user touches them.  Edits
produce a new ``CsvProfile`` (``profile.with_changes``); the wizard re-reads
the file with it in the background and the preview follows.
"""

from __future__ import annotations

import html

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QGridLayout,
    QLabel,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from app.core.bankfile import AmountConvention, ColumnRole, CsvProfile, Detection
from app.core.bankfile.dates import is_day_month_ambiguous, swap_day_month
from app.ui.widgets.bank_columns import ColumnRoles, date_label

DOUBT_STYLE = "background: #fff4d6; border: 1px solid #d48a00;"
ENCODINGS = ["utf-8", "utf-8-sig", "cp1252", "cp1250", "cp1257", "cp852", "latin-1", "ascii"]
DELIMITERS = [(";", "Semicolon  ;"), (",", "Comma  ,"), ("\t", "Tab"), ("|", "Bar  |")]
DECIMAL_MARKS = [(".", "Point — 1,234.56"), (",", "Comma — 1.234,56")]
DATE_FORMATS = [
    "%d.%m.%Y", "%d.%m.%y", "%d/%m/%Y", "%d/%m/%y", "%d-%m-%Y", "%m/%d/%Y", "%m/%d/%y",
    "%m-%d-%Y", "%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d.", "%Y:%m:%d", "%Y%m%d", "%d-%b-%Y", "%d %b %Y",
]  # fmt: skip
ORDERS = [("day", "Day first — 31/12"), ("month", "Month first — 12/31")]
CONVENTIONS = [
    (AmountConvention.SIGNED, "One amount column, minus for money out"),
    (AmountConvention.DEBIT_CREDIT, "Money out and money in in two columns"),
    (AmountConvention.INDICATOR, "Amount plus a column saying in or out"),
]


def _combo(items: list[tuple[str, str]]) -> QComboBox:
    box = QComboBox()
    for value, label in items:
        box.addItem(label, value)
    return box


def _choose(box: QComboBox, value: str, label: str | None = None) -> None:
    idx = box.findData(value)
    if idx < 0:
        box.addItem(label or value, value)
        idx = box.count() - 1
    box.setCurrentIndex(idx)


class LayoutForm(QWidget):
    """``edited`` fires after a user change; ``profile()`` is then the corrected layout."""

    edited = Signal(str)  # which setting changed: "delimiter", "date_format", "columns", …

    def __init__(self, columns: ColumnRoles) -> None:
        super().__init__()
        self._profile: CsvProfile | None = None
        self._filling = False
        self.doubts: dict[str, str] = {}
        self.encoding = _combo([(e, e) for e in ENCODINGS])
        self.delimiter = _combo(DELIMITERS)
        self.skip = QSpinBox()
        self.skip.setRange(0, 200)
        self.skip.setSuffix(" rows above it")
        self.has_header = QCheckBox("The file has a header row")
        self.decimal_mark = _combo(DECIMAL_MARKS)
        self.date_format = _combo([(f, date_label(f)) for f in DATE_FORMATS])
        self.order = _combo(ORDERS)
        self.convention = _combo([(c.value, label) for c, label in CONVENTIONS])
        self.columns = columns
        self.reasons: dict[str, str] = {}
        self.check = QLabel()
        self.check.setWordWrap(True)
        self.check.setStyleSheet(
            "background: #fff8e6; border: 1px solid #e8c16a; border-radius: 5px; padding: 6px;"
            " color: #6b4700;"
        )
        self.notes = QLabel()
        self.notes.setWordWrap(True)
        self.notes.setObjectName("muted")

        grid = QGridLayout()
        grid.setHorizontalSpacing(10)
        grid.setVerticalSpacing(6)
        self.fields: dict[str, QWidget] = {}
        self.titles: dict[str, str] = {}
        rows = [
            [("encoding", "Characters", self.encoding), ("delimiter", "Split by", self.delimiter)],
            [("header", "Header", self.has_header), ("skip_records", "Skip", self.skip)],
            [("date_format", "Dates", self.date_format), ("day_month", "Day / month", self.order)],
            [
                ("decimal_mark", "Decimals", self.decimal_mark),
                ("amount_convention", "Amounts", self.convention),
            ],
        ]
        for row, pairs in enumerate(rows):
            for pair, (key, label, widget) in enumerate(pairs):
                grid.addWidget(QLabel(label), row, pair * 2)
                grid.addWidget(widget, row, pair * 2 + 1)
                self.fields[key] = widget
                self.titles[key] = label
        grid.setColumnStretch(1, 1)
        grid.setColumnStretch(3, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(grid)
        layout.addWidget(self.check)
        layout.addWidget(self.notes)

        for key, box in (
            ("encoding", self.encoding),
            ("delimiter", self.delimiter),
            ("decimal_mark", self.decimal_mark),
            ("date_format", self.date_format),
            ("day_month", self.order),
            ("amount_convention", self.convention),
        ):
            box.currentIndexChanged.connect(lambda _i, k=key: self._changed(k))
        self.skip.valueChanged.connect(lambda _v: self._changed("skip_records"))
        self.has_header.toggled.connect(lambda _c: self._changed("header"))
        self.columns.edited.connect(lambda: self._changed("columns"))

    # filling ------------------------------------------------------------------------
    def set_layout(self, profile: CsvProfile, detection: Detection, examples: list[str]) -> None:
        """Show a detected (or saved) layout with the detector's reasons and doubts."""
        self._filling = True
        self._profile = profile
        self.doubts = {}
        self._show(profile, examples)
        notes: list[str] = []
        self.reasons = {}
        for choice in detection.choices:
            if choice.key == "column" and choice.column is not None:
                self.columns.set_reason(choice.column, choice.reason, choice.doubtful)
                if choice.doubtful:
                    self.doubts[f"column {choice.column + 1}"] = choice.reason
                continue
            targets = ["date_format", "day_month"] if choice.key == "date_format" else [choice.key]
            targets = [t for t in targets if t in self.fields]
            if not targets:
                colour = "#8a5a00" if choice.doubtful else "#6b7480"
                notes.append(f"<span style='color:{colour}'>{html.escape(choice.reason)}</span>")
            for target in targets:
                self.reasons[target] = choice.reason
                self.fields[target].setToolTip(choice.reason)
                if choice.doubtful:
                    self.doubts[target] = choice.reason
        for key, widget in self.fields.items():
            widget.setStyleSheet(DOUBT_STYLE if key in self.doubts else "")
        self.notes.setText("Also noticed: " + "; ".join(notes) if notes else "")
        self.notes.setVisible(bool(notes))
        self._show_doubts()
        self._filling = False

    def _show_doubts(self) -> None:
        """The guesses still worth a look, in words, above the preview."""
        lines = []
        for key, reason in self.doubts.items():
            if key == "date_format" and "day_month" in self.doubts:
                continue
            if key.startswith("column "):
                title = self.columns.name_of(int(key.split()[1]) - 1)
            else:
                title = self.titles.get(key, key.capitalize())
            lines.append(f"<b>{html.escape(title)}</b>: {html.escape(reason)}")
        self.check.setText("Please check — " + "<br>".join(lines) if lines else "")
        self.check.setVisible(bool(lines))

    def reason_of(self, key: str) -> str:
        return self.reasons.get(key, "")

    def update_layout(self, profile: CsvProfile, examples: list[str]) -> None:
        """Show a layout the wizard rebuilt (new delimiter or header row) without new doubts."""
        self._filling = True
        self._profile = profile
        self._show(profile, examples)
        self._filling = False

    def _show(self, profile: CsvProfile, examples: list[str]) -> None:
        _choose(self.encoding, profile.encoding or "utf-8")
        _choose(self.delimiter, profile.delimiter, repr(profile.delimiter))
        self.has_header.setChecked(profile.has_header)
        self.skip.setValue(profile.skip_records)
        _choose(self.decimal_mark, profile.decimal_mark)
        _choose(self.date_format, profile.date_format, date_label(profile.date_format))
        self._show_order(profile.date_format)
        _choose(self.convention, profile.amount_convention.value)
        self.columns.set_columns(profile.columns, profile.header, examples)

    def _show_order(self, fmt: str) -> None:
        ambiguous = is_day_month_ambiguous(fmt)
        self.order.setEnabled(ambiguous)
        self.order.setCurrentIndex(1 if ambiguous and fmt.startswith("%m") else 0)

    # editing ------------------------------------------------------------------------
    def _changed(self, key: str) -> None:
        if self._filling or self._profile is None:
            return
        self._filling = True
        if key == "day_month":
            fmt = self.date_format.currentData()
            wanted_month_first = self.order.currentData() == "month"
            if is_day_month_ambiguous(fmt) and fmt.startswith("%m") != wanted_month_first:
                fmt = swap_day_month(fmt)
                _choose(self.date_format, fmt, date_label(fmt))
        elif key == "date_format":
            self._show_order(self.date_format.currentData())
        self._filling = False
        for settled in (
            {"date_format", "day_month"} if key in ("date_format", "day_month") else {key}
        ):
            self.doubts.pop(settled, None)
            if settled in self.fields:
                self.fields[settled].setStyleSheet("")
        if key == "columns":
            for name in [k for k in self.doubts if k.startswith("column ")]:
                column = int(name.split()[1]) - 1
                if column < len(self.columns.boxes) and not self.columns.boxes[column].property(
                    "doubtful"
                ):
                    self.doubts.pop(name)
        self._show_doubts()
        self.edited.emit(key)

    def profile(self, with_columns: bool = True) -> CsvProfile:
        """The layout as the form now shows it; ValueError names what does not fit together.

        Without columns, the roles of the layout last shown are kept (the wizard re-reads
        the header first when the file is split differently).
        """
        assert self._profile is not None
        roles = self.columns.roles() if with_columns else list(self._profile.columns)
        if with_columns and ColumnRole.DATE not in roles:
            raise ValueError("Choose the column that holds the booking date.")
        return self._profile.with_changes(
            encoding=self.encoding.currentData(),
            delimiter=self.delimiter.currentData(),
            has_header=self.has_header.isChecked(),
            skip_records=self.skip.value(),
            decimal_mark=self.decimal_mark.currentData(),
            date_format=self.date_format.currentData(),
            amount_convention=AmountConvention(self.convention.currentData()),
            columns=tuple(roles),
        )
