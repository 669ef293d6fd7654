"""Creating or editing a recurring agreement, with a live preview of its next invoices."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QLabel,
    QLineEdit,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from app.core.billing_plan import Pause, PlanChange
from app.core.clients import FieldError
from app.core.schedules import Schedule, ScheduleData, ScheduleLineData
from app.services import schedules as svc
from app.ui.dialogs.pricing_dialog import Metering, PricingDialog
from app.ui.handle import AppHandle
from app.ui.widgets.client_picker import ClientPicker
from app.ui.widgets.field_errors import FieldErrors
from app.ui.widgets.figures import Figures
from app.ui.widgets.line_items import LineItemsEditor, LineRow, LineValues
from app.ui.widgets.schedule_preview import SchedulePreview
from app.ui.widgets.schedule_terms import ScheduleTermsBox


class ScheduleEditor(QDialog):
    """Collects ScheduleData; the service validates and saves, errors land next to fields."""

    def __init__(
        self,
        parent: QWidget | None,
        handle: AppHandle,
        figures: Figures,
        *,
        schedule: Schedule | None = None,
        today: date | None = None,
        default_tax: Decimal = Decimal(0),
        on_saved: Callable[[Schedule], Any] | None = None,
    ) -> None:
        super().__init__(parent)
        self.handle = handle
        self.schedule = schedule
        self.on_saved = on_saved
        self.saved: Schedule | None = None
        self.errors = FieldErrors()
        self.setWindowTitle("Edit agreement" if schedule else "New agreement")
        self.resize(1180, 740)

        self.client = ClientPicker(handle)
        self.name = QLineEdit()
        self.name.setPlaceholderText("e.g. Monthly support retainer")
        self.reference = QLineEdit()
        self.reference.setPlaceholderText("Purchase order or contract number (optional)")
        self.billing = ScheduleTermsBox(figures, today or handle.ctx.clock.today(), self.errors)
        self.figures = figures
        self.lines = LineItemsEditor(
            decimal_mark=figures.decimal_mark,
            default_tax=figures.plain_decimal(default_tax),
            metering=True,
        )
        self.currency_note = QLabel()
        self.currency_note.setObjectName("muted")
        self.preview = SchedulePreview(handle, figures, self.preview_source)

        self._build_layout()
        self._connect()
        if schedule is not None:
            self._fill(schedule)
        else:
            self.lines.add_line()
        self.name.setFocus()

    def _build_layout(self) -> None:
        agreement = QGroupBox("Agreement")
        af = QFormLayout(agreement)
        self.errors.add_row(af, "Client *", self.client, "client_id")
        self.errors.add_row(af, "Name *", self.name, "name")
        self.errors.add_row(af, "Reference", self.reference, "reference")

        lines_box = QGroupBox("Lines billed each period")
        lv = QVBoxLayout(lines_box)
        lv.addWidget(self.currency_note)
        lv.addWidget(self.lines, 1)

        left = QWidget()
        ll = QVBoxLayout(left)
        ll.setContentsMargins(0, 0, 6, 0)
        ll.addWidget(agreement)
        ll.addWidget(self.billing)
        ll.addWidget(lines_box, 1)
        right = QGroupBox("Preview")
        QVBoxLayout(right).addWidget(self.preview)
        split = QSplitter()
        split.addWidget(left)
        split.addWidget(right)
        split.setStretchFactor(0, 5)
        split.setStretchFactor(1, 4)
        split.setSizes([690, 470])
        split.setChildrenCollapsible(False)

        self.summary = QLabel()
        self.summary.setObjectName("errorText")
        self.summary.setWordWrap(True)
        self.summary.hide()
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        self.save_button = buttons.button(QDialogButtonBox.StandardButton.Save)
        self.save_button.setText("Save agreement")
        self.save_button.setObjectName("primary")
        self.save_button.setToolTip("Ctrl+Enter")
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(split, 1)
        layout.addWidget(self.summary)
        layout.addWidget(buttons)

    def _connect(self) -> None:
        refresh = self.preview.schedule_refresh
        self.client.client_changed.connect(lambda _c: self._client_changed())
        self.client.loaded.connect(self._client_changed)
        self.name.textChanged.connect(lambda _t: refresh())
        self.billing.changed.connect(refresh)
        self.lines.changed.connect(refresh)
        self.lines.metering_requested.connect(self.edit_metering)
        for keys in ("Ctrl+Return", "Ctrl+Enter"):
            QShortcut(QKeySequence(keys), self, activated=self.save)
        QShortcut(QKeySequence("Ctrl+L"), self, activated=lambda: self.lines.add_line(focus=True))

    def _client_changed(self) -> None:
        currency = self.client.currency()
        self.currency_note.setText(
            f"Prices in {currency}, the client's currency." if currency else "Choose a client."
        )
        self.preview.schedule_refresh()

    def edit_metering(self, row: LineRow) -> PricingDialog:
        """Ask which usage the line bills and how it is priced (or make it fixed again)."""
        dialog = PricingDialog(
            self,
            self.figures,
            item=row.meter_item,
            pricing=row.pricing,
            currency=self.client.currency(),
        )

        def chosen(answer: Metering) -> None:
            if row in self.lines.rows:
                self.lines.set_metering(row, *(answer or ("", None)))

        dialog.ask(chosen)
        return dialog

    # values -----------------------------------------------------------------------
    def _fill(self, s: Schedule) -> None:
        d = s.data
        self.client.set_client_id(d.client_id)
        self.name.setText(d.name)
        self.reference.setText(d.reference)
        self.billing.fill(d)
        self.lines.load(
            [
                LineValues(
                    ln.description,
                    ln.quantity,
                    ln.unit_price,
                    ln.tax_rate,
                    ln.tax_category,
                    ln.discount_percent,
                    ln.id,
                    ln.pricing,
                    ln.meter_item,
                )
                for ln in d.lines
            ]
        )
        self.preview.changes = tuple(PlanChange(*c[:4]) for c in s.changes)
        self.preview.schedule_id = s.id
        self.preview.pauses = tuple(Pause(start, end) for start, end in s.pauses)

    def value(self) -> tuple[ScheduleData | None, list[FieldError]]:
        """The agreement as typed, or the fields that cannot be read yet."""
        lines, errors = self.lines.values()
        terms, term_errors = self.billing.read()
        errors += term_errors
        client_id = self.client.client_id()
        if client_id is None:
            errors.insert(0, FieldError("client_id", "Choose a client for the agreement."))
        if errors or client_id is None:
            return None, errors
        data = ScheduleData(
            client_id=client_id,
            name=self.name.text().strip(),
            lines=tuple(
                ScheduleLineData(
                    ln.description,
                    ln.quantity,
                    ln.unit_price,
                    ln.tax_rate,
                    ln.tax_category,
                    ln.discount_percent,
                    id=ln.id,
                    pricing=ln.pricing,
                    meter_item=ln.meter_item,
                )
                for ln in lines
            ),
            reference=self.reference.text().strip(),
            notes=self.schedule.data.notes if self.schedule else "",
            **terms,
        )
        return data, []

    def preview_source(self) -> tuple[ScheduleData | None, list[str]]:
        data, errors = self.value()
        return data, [e.message for e in errors]

    # saving -----------------------------------------------------------------------
    def show_errors(self, errors: list[FieldError]) -> None:
        unplaced = self.errors.show(errors)
        self.lines.show_errors(errors)
        self.summary.setText(
            "Please correct the highlighted fields."
            + ("\n" + "\n".join(unplaced) if unplaced else "")
        )
        self.summary.setVisible(bool(errors))

    def save(self) -> None:
        data, errors = self.value()
        if errors or data is None:
            self.show_errors(errors)
            return
        self.save_button.setEnabled(False)

        def done(result: Schedule) -> None:
            self.saved = result
            self.accept()
            if self.on_saved is not None:
                self.on_saved(result)

        def failed(exc: BaseException) -> None:
            self.save_button.setEnabled(True)
            self.show_errors(getattr(exc, "errors", None) or [FieldError("", str(exc))])

        if self.schedule is None:
            self.handle.call(
                svc.create_schedule, data, on_done=done, on_error=failed, changes="schedules"
            )
        else:
            self.handle.call(
                svc.update_schedule,
                self.schedule.id,
                data,
                on_done=done,
                on_error=failed,
                changes="schedules",
            )

    def done(self, result: int) -> None:
        self.preview.stop()  # no preview requests after the dialog has closed
        super().done(result)

    def keyPressEvent(self, event: Any) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and not (
            event.modifiers() & Qt.KeyboardModifier.ControlModifier
        ):
            return  # Enter moves on in a form; saving is Ctrl+Enter or the button
        super().keyPressEvent(event)
