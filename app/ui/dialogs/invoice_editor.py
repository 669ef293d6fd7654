"""Writing a manual invoice (or editing a draft) with its totals worked out as you type.

Totals come from the same pure rounding engine the services use
(``compute_invoice``), so what the editor shows is what the invoice will hold.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from app.core.clients import FieldError
from app.core.currency import exponent
from app.core.invoice_math import (
    InvoiceMathError,
    InvoiceTotals,
    LineInput,
    TaxRounding,
    compute_invoice,
)
from app.core.invoices import InvoiceDetail, InvoiceDraft
from app.core.money import Rounding
from app.services import invoicing as svc
from app.ui.handle import AppHandle
from app.ui.widgets.client_picker import ClientPicker
from app.ui.widgets.field_errors import FieldErrors
from app.ui.widgets.figures import Figures
from app.ui.widgets.line_items import LineItemsEditor, LineValues
from app.ui.widgets.prompts import date_edit, pydate, qdate


class InvoiceEditor(QDialog):
    """A one-off invoice: it stays a draft (no number) until it is issued."""

    def __init__(
        self,
        parent: QWidget | None,
        handle: AppHandle,
        figures: Figures,
        *,
        detail: InvoiceDetail | None = None,
        settings: dict[str, Any] | None = None,
        on_saved: Callable[[InvoiceDetail], Any] | None = None,
    ) -> None:
        super().__init__(parent)
        settings = settings or {}
        self.handle = handle
        self.figures = figures
        self.detail = detail
        self.on_saved = on_saved
        self.saved: InvoiceDetail | None = None
        self.totals: InvoiceTotals | None = None
        self._tax_rounding = TaxRounding(settings.get("tax.rounding", "line"))
        self._rounding = Rounding(settings.get("money.rounding", "half_up"))
        self.errors = FieldErrors()
        today = handle.ctx.clock.today()
        title = f"Edit draft #{detail.row.id}" if detail else "New invoice"
        self.setWindowTitle(title)
        self.resize(900, 680)

        self.client = ClientPicker(handle)
        self.issue_date = date_edit(today)
        self.set_due = QCheckBox("Due on")
        self.set_due.setToolTip("Leave unticked to use the client's payment terms")
        self.due_date = date_edit(today + timedelta(days=30))
        self.due_date.setEnabled(False)
        self.set_due.toggled.connect(self.due_date.setEnabled)
        self.reference = QLineEdit()
        self.reference.setPlaceholderText("Purchase order or project (optional)")
        self.includes_tax = QCheckBox("Prices include tax")
        default_tax = figures.plain_decimal(Decimal(settings.get("tax.default_rate") or 0))
        self.lines = LineItemsEditor(
            decimal_mark=figures.decimal_mark, show_amounts=True, default_tax=default_tax
        )
        self.notes = QPlainTextEdit()
        self.notes.setPlaceholderText("Printed on the invoice (optional)")
        self.notes.setFixedHeight(60)
        self.totals_label = QLabel()
        self.totals_label.setTextFormat(Qt.TextFormat.RichText)
        self.totals_label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
        self.totals_label.setMinimumWidth(280)

        head = QGroupBox("Invoice")
        form = QFormLayout(head)
        self.errors.add_row(form, "Client *", self.client, "client_id")
        dates = QWidget()
        dl = QHBoxLayout(dates)
        dl.setContentsMargins(0, 0, 0, 0)
        dl.addWidget(self.issue_date)
        dl.addSpacing(12)
        dl.addWidget(self.set_due)
        dl.addWidget(self.due_date)
        dl.addStretch(1)
        self.errors.add_row(form, "Issue date", dates, "issue_date")
        self.errors.add_row(form, "Reference", self.reference, "reference")
        form.addRow("", self.includes_tax)

        lines_box = QGroupBox("Lines")
        lv = QVBoxLayout(lines_box)
        lv.addWidget(self.lines, 1)
        bottom = QHBoxLayout()
        notes_box = QVBoxLayout()
        notes_box.addWidget(QLabel("Notes"))
        notes_box.addWidget(self.notes)
        bottom.addLayout(notes_box, 1)
        bottom.addWidget(self.totals_label)
        lv.addLayout(bottom)

        self.summary = QLabel()
        self.summary.setObjectName("errorText")
        self.summary.setWordWrap(True)
        self.summary.hide()
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        self.save_button = buttons.button(QDialogButtonBox.StandardButton.Save)
        self.save_button.setText("Save draft")
        self.save_button.setObjectName("primary")
        self.save_button.setToolTip("Ctrl+Enter — the draft gets its number when it is issued")
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(head)
        layout.addWidget(lines_box, 1)
        layout.addWidget(self.summary)
        layout.addWidget(buttons)

        self.lines.changed.connect(self.recompute)
        self.includes_tax.toggled.connect(lambda _c: self.recompute())
        self.client.client_changed.connect(lambda _c: self.recompute())
        self.client.loaded.connect(self.recompute)
        QShortcut(QKeySequence("Ctrl+Return"), self, activated=self.save)
        QShortcut(QKeySequence("Ctrl+Enter"), self, activated=self.save)
        QShortcut(QKeySequence("Ctrl+L"), self, activated=lambda: self.lines.add_line(focus=True))
        if detail is not None:
            self._fill(detail)
        else:
            self.lines.add_line()
        self.recompute()

    def _fill(self, detail: InvoiceDetail) -> None:
        draft = svc.draft_of(detail)
        self.client.set_client_id(draft.client_id)
        self.client.setEnabled(False)
        self.client.setToolTip("A draft's client cannot change; duplicate it for another client.")
        self.issue_date.setDate(qdate(draft.issue_date))
        if draft.due_date is not None:
            self.set_due.setChecked(True)
            self.due_date.setDate(qdate(draft.due_date))
        self.reference.setText(draft.reference)
        self.notes.setPlainText(draft.notes)
        self.includes_tax.setChecked(draft.prices_include_tax)
        self.lines.load(
            [
                LineValues(
                    li.description,
                    li.quantity,
                    li.unit_price,
                    li.tax_rate,
                    li.tax_category,
                    li.discount_percent,
                )
                for li in draft.lines
            ]
        )

    def currency(self) -> str:
        if self.detail is not None:
            return self.detail.row.currency
        return self.client.currency()

    # values -------------------------------------------------------------------------
    def line_inputs(self) -> tuple[list[LineInput], list[FieldError]]:
        values, errors = self.lines.values()
        currency = self.currency()
        places = exponent(currency) if currency else 2
        for n, v in enumerate(values, start=1):
            if v.unit_price.as_tuple().exponent < -places:  # type: ignore[operator]
                errors.append(
                    FieldError(
                        f"lines[{n}].unit_price",
                        f"Line {n}: {currency or 'the currency'} prices have at most {places}"
                        " decimals.",
                    )
                )
        inputs = [
            LineInput(
                v.description,
                v.quantity,
                v.unit_price,
                v.tax_rate,
                v.tax_category,
                v.discount_percent,
            )
            for v in values
        ]
        return inputs, errors

    def value(self) -> tuple[InvoiceDraft | None, list[FieldError]]:
        lines, errors = self.line_inputs()
        client_id = self.client.client_id()
        if client_id is None:
            errors.insert(0, FieldError("client_id", "Choose who the invoice is for."))
        if not lines and not errors:
            errors.append(FieldError("lines", "Add at least one line."))
        issue = pydate(self.issue_date.date())
        due: date | None = pydate(self.due_date.date()) if self.set_due.isChecked() else None
        if due is not None and due < issue:
            errors.append(FieldError("issue_date", "The due date is before the issue date."))
        if errors or client_id is None:
            return None, errors
        return (
            InvoiceDraft(
                client_id=client_id,
                issue_date=issue,
                due_date=due,
                lines=tuple(lines),
                reference=self.reference.text().strip(),
                notes=self.notes.toPlainText().strip(),
                prices_include_tax=self.includes_tax.isChecked(),
            ),
            [],
        )

    def recompute(self) -> None:
        """Price the lines as typed, exactly as the invoice will be priced when saved."""
        currency = self.currency()
        lines, errors = self.line_inputs()
        self.lines.show_errors(errors)
        if not currency:
            self.totals = None
            self.totals_label.setText(
                "<span style='color:#6b7480'>Choose a client to see totals.</span>"
            )
            return
        try:
            totals = compute_invoice(
                lines,
                currency,
                prices_include_tax=self.includes_tax.isChecked(),
                tax_rounding=self._tax_rounding,
                rounding=self._rounding,
            )
        except InvoiceMathError as exc:
            self.totals = None
            self.totals_label.setText(f"<span style='color:#b3261e'>{exc}</span>")
            return
        self.totals = totals
        fig = self.figures
        self.lines.set_amounts([fig.amount(c.net.minor, currency) for c in totals.lines])
        rows = [("Subtotal", fig.amount(totals.subtotal.minor, currency))]
        rows += [(t.label, fig.amount(t.tax.minor, currency)) for t in totals.tax_rows]
        rows.append(
            (f"<b>Total {currency}</b>", f"<b>{fig.amount(totals.total.minor, currency)}</b>")
        )
        self.totals_label.setText(
            "<table cellspacing='0' cellpadding='3'>"
            + "".join(
                f"<tr><td align='right'>{k}</td><td align='right' width='110'>{v}</td></tr>"
                for k, v in rows
            )
            + "</table>"
        )

    # saving -------------------------------------------------------------------------
    def show_errors(self, errors: list[FieldError]) -> None:
        unplaced = self.errors.show(errors, skip_prefix="lines[")
        self.lines.show_errors([e for e in errors if e.field.startswith("lines[")])
        self.summary.setText("\n".join(unplaced) or "Please correct the highlighted fields.")
        self.summary.setVisible(bool(errors))

    def save(self) -> None:
        draft, errors = self.value()
        if errors or draft is None:
            self.show_errors(errors)
            return
        self.save_button.setEnabled(False)

        def done(result: InvoiceDetail) -> None:
            self.saved = result
            self.accept()
            if self.on_saved is not None:
                self.on_saved(result)

        def failed(exc: BaseException) -> None:
            self.save_button.setEnabled(True)
            self.show_errors(getattr(exc, "errors", None) or [FieldError("", str(exc))])

        if self.detail is None:
            self.handle.call(
                svc.create_draft, draft, on_done=done, on_error=failed, changes="invoices"
            )
        else:
            self.handle.call(
                svc.update_draft,
                self.detail.row.id,
                draft,
                on_done=done,
                on_error=failed,
                changes="invoices",
            )

    def keyPressEvent(self, event: Any) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and not (
            event.modifiers() & Qt.KeyboardModifier.ControlModifier
        ):
            return
        super().keyPressEvent(event)
