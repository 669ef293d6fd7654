"""The 'Billing' part of the agreement editor: cadence, billing day, dates, timing, terms."""

from __future__ import annotations

from datetime import date
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QLabel,
    QLineEdit,
    QSpinBox,
)

from app.core.clients import FieldError
from app.core.recurrence import LAST_DAY, Cadence, Timing
from app.core.schedules import CADENCE_LABELS, ScheduleData
from app.ui.widgets.decimal_edit import DecimalEdit
from app.ui.widgets.field_errors import FieldErrors, inline
from app.ui.widgets.figures import Figures
from app.ui.widgets.prompts import date_edit, pydate, qdate

UNITS = {
    Cadence.WEEKLY: "week(s)",
    Cadence.MONTHLY: "month(s)",
    Cadence.QUARTERLY: "quarter(s)",
    Cadence.HALF_YEARLY: "half-year(s)",
    Cadence.YEARLY: "year(s)",
}
TERMS = [
    ("The client's usual terms", ""),
    ("Net days", "net"),
    ("End of month + days", "eom"),
    ("Due on receipt", "receipt"),
]


def ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


class ScheduleTermsBox(QGroupBox):
    """When and how an agreement bills; ``changed`` fires on every edit."""

    changed = Signal()

    def __init__(self, figures: Figures, today: date, errors: FieldErrors) -> None:
        super().__init__("Billing")
        self.cadence = QComboBox()
        for cadence, label in CADENCE_LABELS.items():
            self.cadence.addItem(label, cadence)
        self.cadence.setCurrentIndex(self.cadence.findData(Cadence.MONTHLY))
        self.interval = QSpinBox()
        self.interval.setRange(1, 52)
        self.interval.setPrefix("every ")
        self.rrule = QLineEdit()
        self.rrule.setPlaceholderText("FREQ=MONTHLY;BYMONTHDAY=15")
        self.anchor = QComboBox()
        self.anchor.addItem("Same day as the start date", None)
        self.anchor.addItem("Last day of the month", LAST_DAY)
        for day in range(1, 32):
            self.anchor.addItem(f"On the {ordinal(day)}", day)
        self.start = date_edit(today)
        self.has_end = QCheckBox("until")
        self.end = date_edit(today)
        self.end.setEnabled(False)
        self.timing = QComboBox()
        self.timing.addItem("In advance — bill on the first day of each period", Timing.ADVANCE)
        self.timing.addItem("In arrears — bill the day after each period ends", Timing.ARREARS)
        self.terms = QComboBox()
        for label, kind in TERMS:
            self.terms.addItem(label, kind)
        self.terms_days = QSpinBox()
        self.terms_days.setRange(0, 365)
        self.terms_days.setValue(30)
        self.terms_days.setSuffix(" days")
        self.terms_days.setEnabled(False)
        self.uplift = DecimalEdit(
            placeholder="none", decimal_mark=figures.decimal_mark, allow_negative=True
        )
        self.uplift.setFixedWidth(80)
        self.includes_tax = QCheckBox("Prices include tax")

        form = QFormLayout(self)
        errors.add_row(form, "Cadence", inline(self.cadence, self.interval, self.rrule), "cadence")
        errors.alias("interval", "cadence")
        errors.add_row(form, "Billing day", self.anchor, "anchor_day")
        errors.add_row(form, "Runs from", inline(self.start, self.has_end, self.end), "end_date")
        errors.add_row(form, "Invoice", self.timing, "timing")
        errors.add_row(form, "Payment terms", inline(self.terms, self.terms_days), "terms_kind")
        uplift = inline(self.uplift, QLabel("% a year on each anniversary"), stretch=True)
        uplift.layout().addWidget(self.includes_tax)  # type: ignore[union-attr]
        errors.add_row(form, "Price uplift", uplift, "uplift_percent")
        self._connect()
        self._cadence_changed()

    def _connect(self) -> None:
        emit = self.changed.emit
        self.rrule.textChanged.connect(lambda _t: emit())
        self.uplift.textChanged.connect(lambda _t: emit())
        for combo in (self.cadence, self.anchor, self.timing, self.terms):
            combo.currentIndexChanged.connect(lambda _i: emit())
        self.cadence.currentIndexChanged.connect(lambda _i: self._cadence_changed())
        self.terms.currentIndexChanged.connect(
            lambda _i: self.terms_days.setEnabled(self.terms.currentData() in ("net", "eom"))
        )
        for spin in (self.interval, self.terms_days):
            spin.valueChanged.connect(lambda _v: emit())
        for edit in (self.start, self.end):
            edit.dateChanged.connect(lambda _d: emit())
        self.has_end.toggled.connect(self.end.setEnabled)
        self.has_end.toggled.connect(lambda _c: emit())
        self.includes_tax.toggled.connect(lambda _c: emit())

    def _cadence_changed(self) -> None:
        cadence = Cadence(self.cadence.currentData())
        is_rule = cadence is Cadence.RRULE
        self.rrule.setVisible(is_rule)
        self.interval.setVisible(not is_rule)
        if not is_rule:
            self.interval.setSuffix(f" {UNITS[cadence]}")
        monthly = cadence not in (Cadence.WEEKLY, Cadence.RRULE)
        self.anchor.setEnabled(monthly)
        self.anchor.setToolTip(
            "" if monthly else "Weekly and custom rules bill from the start date."
        )

    def fill(self, d: ScheduleData) -> None:
        self.cadence.setCurrentIndex(self.cadence.findData(d.cadence))
        self.interval.setValue(d.interval)
        self.rrule.setText(d.rrule)
        self.anchor.setCurrentIndex(max(0, self.anchor.findData(d.anchor_day)))
        self.start.setDate(qdate(d.start_date))
        self.has_end.setChecked(d.end_date is not None)
        if d.end_date is not None:
            self.end.setDate(qdate(d.end_date))
        self.timing.setCurrentIndex(self.timing.findData(d.timing))
        self.terms.setCurrentIndex(max(0, self.terms.findData(d.terms_kind)))
        if d.terms_days is not None:
            self.terms_days.setValue(d.terms_days)
        self.uplift.set_value(d.uplift_percent)
        self.includes_tax.setChecked(d.prices_include_tax)

    def read(self) -> tuple[dict[str, Any], list[FieldError]]:
        """The ScheduleData fields this box holds, or why one cannot be read."""
        uplift, problem = self.uplift.parsed()
        errors = [FieldError("uplift_percent", problem)] if problem else []
        cadence = Cadence(self.cadence.currentData())
        terms_kind = str(self.terms.currentData())
        values = {
            "cadence": cadence,
            "start_date": pydate(self.start.date()),
            "interval": 1 if cadence is Cadence.RRULE else self.interval.value(),
            "anchor_day": self.anchor.currentData() if self.anchor.isEnabled() else None,
            "rrule": self.rrule.text().strip() if cadence is Cadence.RRULE else "",
            "end_date": pydate(self.end.date()) if self.has_end.isChecked() else None,
            "timing": Timing(self.timing.currentData()),
            "terms_kind": terms_kind,
            "terms_days": self.terms_days.value() if terms_kind in ("net", "eom") else None,
            "uplift_percent": uplift,
            "prices_include_tax": self.includes_tax.isChecked(),
        }
        return values, errors
