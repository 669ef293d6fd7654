"""The reminder policy editor, with the schedule it gives a sample invoice.

Every change re-computes the preview in the background with the same policy
code the sender uses, so a mistyped stage list shows its problem at once.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QLabel,
    QLineEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from app.ui.handle import AppHandle
from app.ui.widgets.prompts import date_edit, pydate
from app.ui.widgets.rows_model import Col, RowsModel
from app.ui.widgets.tables import list_view

RULES = [
    ("eu_2011_7", "EU Directive 2011/7/EU (+8 points, €40)"),
    ("uk_late_payment", "UK Late Payment Act (+8 %, £40/£70/£100)"),
]
MODES = [("reminder", "On the reminder letter"), ("invoice", "As a separate invoice")]


def _spin(low: int, high: int, suffix: str = "") -> QSpinBox:
    box = QSpinBox()
    box.setRange(low, high)
    box.setSuffix(suffix)
    return box


class DunningEditor(QWidget):
    def __init__(self, handle: AppHandle, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.handle = handle
        self._base: dict[str, Any] = {}
        self.enabled = QCheckBox("Send payment reminders automatically")
        self.stages = QLineEdit()
        self.stages.setToolTip("Name and days from the due date; '!' also raises an exception.")
        self.window_start = QLineEdit()
        self.window_end = QLineEdit()
        self.window_days = QLineEdit()
        self.minimum = QLineEdit()
        self.spacing = _spin(0, 30, " days")
        self.grace = _spin(0, 30, " days")
        self.hold = _spin(0, 60, " days")
        self.require_import = QCheckBox("Overdue reminders wait for a recent bank import")
        self.import_age = _spin(1, 60, " business days")
        self.habitual = _spin(1, 50, " late invoices")
        self.fees = QCheckBox("Claim late-payment interest and compensation (business clients)")
        self.rule = QComboBox()
        for key, label in RULES:
            self.rule.addItem(label, key)
        self.rates = QLineEdit()
        self.rates.setPlaceholderText("2026-01-01 2.15; 2026-07-01 2.40")
        self.from_stage = QLineEdit()
        self.mode = QComboBox()
        for key, label in MODES:
            self.mode.addItem(label, key)
        self.sample_due = date_edit(handle.ctx.clock.today() + timedelta(days=14))
        self.preview = RowsModel(
            [Col("Stage"), Col("Days", numeric=True), Col("Day"), Col("Goes out")]
        )
        self.preview_view = list_view(row_height=24)
        self.preview_view.setModel(self.preview)
        self.problem = QLabel()
        self.problem.setObjectName("errorText")
        self.problem.setWordWrap(True)

        policy = QGroupBox("Reminders")
        form = QFormLayout(policy)
        form.addRow("", self.enabled)
        form.addRow("Stages", self.stages)
        form.addRow("Send from", self.window_start)
        form.addRow("Send until", self.window_end)
        form.addRow("On days", self.window_days)
        form.addRow("Minimum balance", self.minimum)
        form.addRow("Between e-mails", self.spacing)
        form.addRow("After a promise", self.grace)
        form.addRow("Hold when paid", self.hold)
        form.addRow("", self.require_import)
        form.addRow("Import older than", self.import_age)
        form.addRow("Firmer after", self.habitual)
        fees = QGroupBox("Late payment")
        fee_form = QFormLayout(fees)
        fee_form.addRow("", self.fees)
        fee_form.addRow("Law", self.rule)
        fee_form.addRow("Reference rates", self.rates)
        fee_form.addRow("From stage", self.from_stage)
        fee_form.addRow("Claim", self.mode)
        sample = QGroupBox("Preview for a sample invoice")
        sample_layout = QFormLayout(sample)
        sample_layout.addRow("Due on", self.sample_due)
        sample_layout.addRow(self.preview_view)
        sample_layout.addRow(self.problem)
        layout = QVBoxLayout(self)
        layout.addWidget(policy)
        layout.addWidget(fees)
        layout.addWidget(sample, 1)

        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(250)
        self._debounce.timeout.connect(self.update_preview)
        for edit in (
            self.stages,
            self.window_start,
            self.window_end,
            self.window_days,
            self.minimum,
        ):
            edit.textChanged.connect(lambda _t: self._debounce.start())
        self.sample_due.dateChanged.connect(lambda _d: self._debounce.start())

    def fill(self, values: dict[str, Any]) -> None:
        self._base = dict(values)
        self.enabled.setChecked(bool(values["dunning.enabled"]))
        self.stages.setText(values["dunning.stages"])
        self.window_start.setText(values["mail.window_start"])
        self.window_end.setText(values["mail.window_end"])
        self.window_days.setText(values["mail.window_days"])
        self.minimum.setText(str(values["dunning.minimum_balance"]))
        self.spacing.setValue(int(values["dunning.spacing_days"]))
        self.grace.setValue(int(values["dunning.promise_grace_days"]))
        self.hold.setValue(int(values["dunning.payment_hold_days"]))
        self.require_import.setChecked(bool(values["dunning.require_recent_import"]))
        self.import_age.setValue(int(values["dunning.import_max_age_days"]))
        self.habitual.setValue(int(values["dunning.habitual_after"]))
        self.fees.setChecked(bool(values["late_fees.enabled"]))
        self.rule.setCurrentIndex(max(self.rule.findData(values["late_fees.rule"]), 0))
        self.rates.setText(values["late_fees.rate_table"])
        self.from_stage.setText(values["late_fees.from_stage"])
        self.mode.setCurrentIndex(max(self.mode.findData(values["late_fees.mode"]), 0))
        self.update_preview()

    def values(self) -> dict[str, Any]:
        try:
            minimum: Any = Decimal(self.minimum.text().strip() or "0")
        except InvalidOperation:
            minimum = self.minimum.text()
        return {
            "dunning.enabled": self.enabled.isChecked(),
            "dunning.stages": self.stages.text().strip(),
            "mail.window_start": self.window_start.text().strip(),
            "mail.window_end": self.window_end.text().strip(),
            "mail.window_days": self.window_days.text().strip(),
            "dunning.minimum_balance": minimum,
            "dunning.spacing_days": self.spacing.value(),
            "dunning.promise_grace_days": self.grace.value(),
            "dunning.payment_hold_days": self.hold.value(),
            "dunning.require_recent_import": self.require_import.isChecked(),
            "dunning.import_max_age_days": self.import_age.value(),
            "dunning.habitual_after": self.habitual.value(),
            "late_fees.enabled": self.fees.isChecked(),
            "late_fees.rule": self.rule.currentData(),
            "late_fees.rate_table": self.rates.text().strip(),
            "late_fees.from_stage": self.from_stage.text().strip(),
            "late_fees.mode": self.mode.currentData(),
        }

    def update_preview(self) -> None:
        from app.services.dunning_policy import preview_schedule

        due: date = pydate(self.sample_due.date())
        values = self._base | self.values()
        tz = self.handle.ctx.clock.tz

        def show(plan: list[Any]) -> None:
            self.problem.setText("")
            self.preview.set_rows(
                [
                    [
                        p.title + ("  (+ escalation)" if p.escalate else ""),
                        f"{p.offset_days:+d}",
                        p.day.strftime("%a %d %b"),
                        p.first_chance.astimezone(tz).strftime("%a %d %b %H:%M"),
                    ]
                    for p in plan
                ]
            )

        def failed(exc: BaseException) -> None:
            self.preview.set_rows([])
            self.problem.setText(str(exc))

        self.handle.call(preview_schedule, values, due, on_done=show, on_error=failed)
