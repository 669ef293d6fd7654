"""The milestone plan of an agreement: a contract value billed in steps, each exactly once.

The sum of the steps is checked as the owner types (percentages are rounded
to the currency, and when they make 100 % the last step takes the rounding
cent), so a plan above the contract value is visible before the service
refuses it, and what is left to plan is always shown.  Each step says where
it stands — invoiced (with its number), delivered, or due — and a saved step
can be marked delivered for the next bill run.

Open it with ``open_milestone_editor(parent, handle, schedule_id, figures=None)``.
"""

from __future__ import annotations

import contextlib
import html
from datetime import date
from decimal import Decimal
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from app.core.currency import exponent
from app.core.money import Money
from app.core.schedules import Schedule
from app.core.usage import UsageError, milestone_amounts
from app.services import milestones as svc
from app.services.schedules import get_schedule
from app.ui.handle import AppHandle
from app.ui.widgets.decimal_edit import DecimalEdit
from app.ui.widgets.figures import Figures
from app.ui.widgets.milestone_steps import MilestoneRow, MilestoneSteps
from app.ui.widgets.prompts import DateDialog

OK_COLOUR, OVER_COLOUR = "#2e7d32", "#b3261e"


def load_plan(ctx: Any, schedule_id: int) -> tuple[Schedule, svc.MilestonePlan]:
    return get_schedule(ctx, schedule_id), svc.get_plan(ctx, schedule_id)


def save_plan(
    ctx: Any,
    schedule_id: int,
    contract_value: Decimal,
    steps: list[svc.MilestoneInput],
    delivered: list[date | None],
) -> svc.MilestonePlan:
    """Save the steps, then mark delivered again the steps that were delivered before.

    The service replaces every step not yet invoiced, so a delivery recorded
    earlier is carried over by position.
    """
    plan = svc.set_plan(ctx, schedule_id, contract_value, steps)
    for view, on in zip(plan.milestones, delivered, strict=False):
        if on is not None and not view.invoiced and view.delivered_on != on:
            svc.mark_delivered(ctx, view.id, on)
    return svc.get_plan(ctx, schedule_id)


class MilestoneEditor(QDialog):
    def __init__(
        self,
        parent: QWidget | None,
        handle: AppHandle,
        schedule_id: int,
        figures: Figures | None = None,
    ) -> None:
        super().__init__(parent)
        self.handle = handle
        self.schedule_id = schedule_id
        self.figures = figures or Figures()
        self.today = handle.ctx.clock.today()
        self.plan: svc.MilestonePlan | None = None
        self.currency = ""
        self.dirty = False
        self.loaded = False
        self.remaining = Decimal(0)  # contract value less the steps planned
        self.sum_message = ""
        self.setWindowTitle("Milestones")
        self.resize(1120, 540)

        self.heading = QLabel("Loading the plan…")
        self.heading.setWordWrap(True)
        self.contract = DecimalEdit(placeholder="0.00", decimal_mark=self.figures.decimal_mark)
        self.contract.setFixedWidth(140)
        self.billed = QLabel()
        self.billed.setObjectName("muted")
        form = QFormLayout()
        form.addRow("Contract value", self.contract)
        form.addRow("Billed so far", self.billed)
        self.steps = MilestoneSteps(self.figures, self.today)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.steps)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        self.add_button = QPushButton("+ Add step")
        self.sum = QLabel()
        self.sum.setWordWrap(True)
        self.error = QLabel()
        self.error.setObjectName("errorText")
        self.error.setWordWrap(True)
        self.error.hide()
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Close
        )
        self.save_button = buttons.button(QDialogButtonBox.StandardButton.Save)
        self.save_button.setText("Save plan")
        self.save_button.setObjectName("primary")
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addLayout(form)
        layout.addWidget(scroll, 1)
        layout.addWidget(self.add_button, 0, Qt.AlignmentFlag.AlignLeft)
        layout.addWidget(self.sum)
        layout.addWidget(self.error)
        layout.addWidget(buttons)

        self.contract.textChanged.connect(lambda _t: self._edited())
        self.steps.changed.connect(self._edited)
        self.steps.deliver_requested.connect(self.mark_delivered)
        self.add_button.clicked.connect(lambda: self.steps.add_step(currency=self.currency))
        handle.bus.changed.connect(self._on_changed)
        self.save_button.setEnabled(False)
        self.reload()

    # loading ------------------------------------------------------------------------
    def reload(self) -> None:
        self.handle.call(load_plan, self.schedule_id, on_done=self._show, on_error=self._failed)

    def _on_changed(self, what: str) -> None:
        if what in ("invoices", "all") and not self.dirty and self.isVisible():
            self.reload()

    def _show(self, loaded: tuple[Schedule, svc.MilestonePlan]) -> None:
        schedule, plan = loaded
        self.plan, self.currency = plan, plan.currency
        self.setWindowTitle(f"Milestones — {schedule.data.name}")
        first_plan = (
            "<br><span style='color:#a15c00'>Saving a plan makes this a milestone agreement: "
            "it is billed by its steps instead of each period, at the tax rate of its first "
            "line.</span>"
            if not plan.milestones
            else ""
        )
        self.heading.setText(
            f"<b>{html.escape(schedule.data.name)}</b> · {html.escape(schedule.client_name)} · "
            f"amounts in {plan.currency}. Each step is invoiced once by the bill run, on its "
            f"date or once marked delivered.{first_plan}"
        )
        self.contract.blockSignals(True)
        if plan.contract_value_minor:
            self.contract.set_value(
                Money.from_minor(plan.contract_value_minor, plan.currency).amount
            )
        self.contract.blockSignals(False)
        self.steps.blockSignals(True)
        self.steps.clear()
        for view in plan.milestones:
            self.steps.add_step(view, plan.currency)
        if not plan.milestones:
            self.steps.add_step(currency=plan.currency)
        self.steps.blockSignals(False)
        self.billed.setText(
            f"{self.figures.amount(plan.billed_minor, plan.currency)} of "
            f"{self.figures.amount(plan.contract_value_minor, plan.currency)}"
        )
        self.loaded, self.dirty = True, False
        self._update()

    def _failed(self, exc: BaseException) -> None:
        self.error.setText(str(exc))
        self.error.show()

    # checking -----------------------------------------------------------------------
    def _edited(self) -> None:
        self.dirty = True
        self._update()

    def amounts(self) -> tuple[list[Decimal], str]:
        """Each step's amount as the service will work it out, or why it cannot be."""
        value, problem = self.contract.parsed()
        if problem:
            return [], f"Contract value: {problem}"
        if not value:
            return [], "Enter the contract value."
        steps = []
        for row in self.steps.rows:
            step, problem = row.step()
            if step is None:
                return [], problem
            steps.append(step)
        places = exponent(self.currency)
        try:
            return milestone_amounts(value, steps, places), ""
        except UsageError as exc:
            if "more than the contract value" not in str(exc):
                return [], str(exc).capitalize() + "."
        # Over the contract: each step as it would be rounded, to say by how much.
        q = Decimal(1).scaleb(-places)
        each = [
            s.amount if s.amount is not None else (value * (s.percent or 0) / 100).quantize(q)
            for s in steps
        ]
        total, cur, fig = sum(each, Decimal(0)), self.currency, self.figures
        return each, (
            f"The steps add up to {fig.amount(Money.of(total, cur).minor, cur)}, "
            f"{fig.amount(Money.of(total - value, cur).minor, cur)} more than the contract "
            f"value {fig.amount(Money.of(value, cur).minor, cur)}: the plan cannot be saved."
        )

    def _update(self) -> None:
        if not self.loaded:
            return
        amounts, problem = self.amounts()
        cur, fig = self.currency, self.figures
        for i, row in enumerate(self.steps.rows):
            row.amount.setText(
                fig.amount(Money.of(amounts[i], cur).minor, cur) if i < len(amounts) else "—"
            )
            row.status.setText(self.steps.status_text(row))
            v = row.view
            can_deliver = (
                v is not None and not v.invoiced and v.delivered_on is None and not self.dirty
            )
            row.deliver.setVisible(v is not None and not v.invoiced and v.delivered_on is None)
            row.deliver.setEnabled(can_deliver)
            row.deliver.setToolTip(
                "Save the plan first" if self.dirty else "The next bill run invoices this step"
            )
        value = self.contract.value() or Decimal(0)
        planned = sum(amounts, Decimal(0))
        left = value - planned
        if problem:
            self.sum_message, colour = problem, OVER_COLOUR
        else:
            tail = (
                "the whole contract is planned"
                if left == 0
                else f"{fig.amount(Money.of(left, cur).minor, cur)} left to plan"
            )
            self.sum_message, colour = (
                f"Planned {fig.amount(Money.of(planned, cur).minor, cur)} of "
                f"{fig.amount(Money.of(value, cur).minor, cur)} · {tail}",
                OK_COLOUR,
            )
        self.sum.setText(f"<span style='color:{colour}'>{html.escape(self.sum_message)}</span>")
        self.remaining = left
        self.save_button.setEnabled(not problem and self.dirty)

    # actions ------------------------------------------------------------------------
    def save(self) -> None:
        _amounts, problem = self.amounts()
        value = self.contract.value()
        if problem or value is None:
            return
        rows = self.steps.rows
        steps = [r.input() for r in rows]
        delivered = [r.view.delivered_on if r.view else None for r in rows]
        self.save_button.setEnabled(False)
        self.error.hide()

        def saved(_plan: svc.MilestonePlan) -> None:
            name = self.windowTitle().removeprefix("Milestones — ")
            self.handle.bus.status.emit(f"Saved the milestone plan of “{name}”.")
            self.reload()

        def refused(exc: BaseException) -> None:
            self.error.setText(str(exc))
            self.error.show()
            self._update()

        self.handle.call(
            save_plan,
            self.schedule_id,
            value,
            steps,
            delivered,
            on_done=saved,
            on_error=refused,
            changes="schedules",
        )

    def mark_delivered(self, row: MilestoneRow) -> None:
        v = row.view
        if v is None or v.invoiced or self.dirty:
            return
        dialog = DateDialog(
            self,
            "Mark delivered",
            f"“{v.name}” is delivered. The next bill run invoices it, dated as delivered.",
            "Mark delivered",
            self.today,
        )
        dialog.ask(
            lambda on: self.handle.call(
                svc.mark_delivered,
                v.id,
                on,
                changes="schedules",
                on_done=lambda _r: self.reload(),
                on_error=self._failed,
            )
        )

    def done(self, result: int) -> None:
        with contextlib.suppress(RuntimeError, TypeError):  # closed twice
            self.handle.bus.changed.disconnect(self._on_changed)
        super().done(result)


def open_milestone_editor(
    parent: QWidget | None, handle: AppHandle, schedule_id: int, figures: Figures | None = None
) -> MilestoneEditor:
    """Open the editor (window-modal, non-blocking) for the agreement ``schedule_id``."""
    editor = MilestoneEditor(parent, handle, schedule_id, figures)
    editor.open()
    return editor
