"""Recording money received: who paid, how much, when, and which invoices it settles.

The client's open invoices are listed oldest first and filled in as the amount
is typed; the bookkeeper may change any "Pay" cell.  What is not allocated is
said plainly ("50.00 becomes client credit") before anything is saved, and
every problem is named beside its field.

Open it with ``open_payment_dialog(parent, handle, client_id=None, amount=None)``.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.core.invoices import InvoiceRow
from app.core.money import Money
from app.services.invoicing import InvoiceQuery, list_invoices
from app.services.payments import PaymentResult, credit_balance, record_payment
from app.services.settings import load_settings
from app.ui.handle import AppHandle
from app.ui.widgets.client_picker import ClientPicker
from app.ui.widgets.decimal_edit import DecimalEdit
from app.ui.widgets.figures import Figures
from app.ui.widgets.payment_allocation_table import AllocationModel, to_minor
from app.ui.widgets.prompts import date_edit, pydate
from app.ui.widgets.tables import EmptyHint, list_view

METHODS = ["bank transfer", "card", "cash", "cheque", "direct debit", "other"]
OPEN_STATUSES = ("issued", "sent", "partly_paid")


def _error_label() -> QLabel:
    label = QLabel()
    label.setObjectName("errorText")
    label.setWordWrap(True)
    label.hide()
    return label


def _with_error(widget: QWidget, error: QLabel) -> QWidget:
    box = QWidget()
    v = QVBoxLayout(box)
    v.setContentsMargins(0, 0, 0, 0)
    v.setSpacing(2)
    v.addWidget(widget)
    v.addWidget(error)
    return box


class PaymentDialog(QDialog):
    """``result`` holds the PaymentResult once saved."""

    def __init__(
        self,
        parent: QWidget | None,
        handle: AppHandle,
        *,
        client_id: int | None = None,
        amount: Decimal | None = None,
    ) -> None:
        super().__init__(parent)
        self.handle = handle
        self.result: PaymentResult | None = None
        self.figures = Figures()
        self.setWindowTitle("Record payment")
        self.resize(760, 600)

        self.client = ClientPicker(handle)
        self.amount = DecimalEdit(placeholder="Amount received")
        self.currency = QLabel()
        self.currency.setObjectName("muted")
        self.date = date_edit(handle.ctx.clock.today())
        self.method = QComboBox()
        self.method.setEditable(True)
        self.method.addItems(METHODS)
        self.reference = QLineEdit()
        self.reference.setPlaceholderText("Bank reference, cheque number…")
        self.errors = {k: _error_label() for k in ("client", "amount", "date", "allocations")}
        self.credit_note = QLabel()
        self.credit_note.setObjectName("muted")

        self.model = AllocationModel(self.figures)
        self.table = list_view(row_height=26)
        self.table.setModel(self.model)
        self.table.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
            | QAbstractItemView.EditTrigger.AnyKeyPressed
            | QAbstractItemView.EditTrigger.SelectedClicked
        )
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for col, width in ((1, 110), (2, 110), (3, 100), (4, 110)):
            header.resizeSection(col, width)
        self.empty = EmptyHint(self.table, "Choose a client to see their open invoices.")
        self.spread_button = QPushButton("Oldest first")
        self.spread_button.setToolTip("Fill the Pay column again, oldest invoice first")
        self.remainder = QLabel()
        self.remainder.setWordWrap(True)
        self.failure = _error_label()

        amount_row = QWidget()
        ar = QHBoxLayout(amount_row)
        ar.setContentsMargins(0, 0, 0, 0)
        ar.addWidget(self.amount, 1)
        ar.addWidget(self.currency)
        form = QFormLayout()
        form.addRow("Received from", _with_error(self.client, self.errors["client"]))
        form.addRow("Amount", _with_error(amount_row, self.errors["amount"]))
        form.addRow("Date", _with_error(self.date, self.errors["date"]))
        form.addRow("Method", self.method)
        form.addRow("Reference", self.reference)
        alloc_title = QHBoxLayout()
        title = QLabel("Open invoices it pays")
        title.setStyleSheet("font-weight: 600; color: #1c2b3a;")
        alloc_title.addWidget(title)
        alloc_title.addStretch(1)
        alloc_title.addWidget(self.spread_button)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        self.save_button = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        self.save_button.setText("Record payment")
        self.save_button.setObjectName("primary")

        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.credit_note)
        layout.addLayout(alloc_title)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.errors["allocations"])
        layout.addWidget(self.remainder)
        layout.addWidget(self.failure)
        layout.addWidget(self.buttons)

        self.client.client_changed.connect(self._client_changed)
        self.amount.textChanged.connect(lambda _t: self._amount_changed())
        self.model.dataChanged.connect(lambda *_a: self._show_remainder())
        self.spread_button.clicked.connect(self._spread)
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        handle.call(load_settings, on_done=self._set_locale, on_error=lambda _e: None)
        if client_id is not None:
            self.client.set_client_id(client_id)
        if amount is not None:
            self.amount.set_value(amount)
        self._show_remainder()

    # loading --------------------------------------------------------------------------
    def _set_locale(self, values: dict[str, Any]) -> None:
        self.figures.set_locale(str(values.get("company.locale") or ""))
        self.amount.decimal_mark = self.model.decimal_mark = self.figures.decimal_mark

    def _client_changed(self, client_id: int | None) -> None:
        currency = self.client.currency()
        self.currency.setText(currency)
        self.errors["client"].hide()
        self.credit_note.setText("")
        if client_id is None:
            self.model.set_invoices([], "")
            self.empty.set_text("Choose a client to see their open invoices.")
            self.empty.update_for(0)
            self._show_remainder()
            return
        q = InvoiceQuery(
            client_id=client_id,
            statuses=OPEN_STATUSES,
            kind="invoice",
            sort="due_date",
            descending=False,
        )

        def loaded(rows: list[InvoiceRow]) -> None:
            if self.client.client_id() != client_id:
                return
            self.model.set_invoices(rows, currency)
            self.empty.set_text("Nothing open: the whole payment becomes client credit.")
            self.empty.update_for(self.model.rowCount())
            self._spread()

        def credit(value: Money) -> None:
            if self.client.client_id() == client_id and not value.is_zero:
                self.credit_note.setText(
                    f"This client already has {self.figures.money_of(value)} of credit; use "
                    "“Apply credit” on the Payments page to put it on an invoice."
                )

        self.handle.call(list_invoices, q, on_done=loaded, on_error=self._failed)
        self.handle.call(credit_balance, client_id, on_done=credit, on_error=lambda _e: None)

    # amounts --------------------------------------------------------------------------
    def amount_minor(self) -> tuple[int | None, str]:
        value, problem = self.amount.parsed()
        if problem:
            return None, problem
        if value is None:
            return None, "Enter the amount received."
        if value <= 0:
            return None, "A payment must be above zero (a refund is recorded on the Payments page)."
        currency = self.model.currency or self.client.currency()
        return to_minor(value, currency) if currency else (None, "Choose who paid first.")

    def _amount_changed(self) -> None:
        self.errors["amount"].hide()
        if not self.model.edited_by_hand:
            self._spread()
        self._show_remainder()

    def _spread(self) -> None:
        minor, _problem = self.amount_minor()
        self.model.spread(minor or 0)
        self._show_remainder()

    def _show_remainder(self) -> None:
        cur = self.model.currency
        minor, _problem = self.amount_minor()
        allocated = self.model.total_minor()
        if minor is None or not cur:
            self.remainder.setText("")
            return
        fig = self.figures
        left = minor - allocated
        issues = self.model.problems()
        if issues:
            self.remainder.setText(f"<span style='color:#b3261e'>{issues[0]}</span>")
        elif left < 0:
            self.remainder.setText(
                f"<span style='color:#b3261e'>The invoices add up to {fig.money(-left, cur)} more "
                "than the payment.</span>"
            )
        elif left == 0:
            self.remainder.setText(f"All {fig.money(minor, cur)} goes to the invoices above.")
        else:
            self.remainder.setText(
                f"{fig.money(allocated, cur)} to invoices · <b>{fig.money(left, cur)} becomes client "
                "credit</b>, offered on the next invoices or refunded."
            )

    # saving ---------------------------------------------------------------------------
    def problems(self) -> dict[str, str]:
        """What is wrong, by field; empty when the payment can be recorded."""
        found: dict[str, str] = {}
        if self.client.client_id() is None:
            found["client"] = "Choose who paid."
        minor, problem = self.amount_minor()
        if problem and "client" not in found:
            found["amount"] = problem
        if pydate(self.date.date()) > self.handle.ctx.clock.today():
            found["date"] = "A payment cannot be dated in the future."
        issues = self.model.problems()
        if issues:
            found["allocations"] = issues[0]
        elif minor is not None and self.model.total_minor() > minor:
            over = self.figures.money(self.model.total_minor() - minor, self.model.currency)
            found["allocations"] = f"The invoices add up to {over} more than the payment."
        return found

    def save(self) -> None:
        found = self.problems()
        for key, label in self.errors.items():
            label.setText(found.get(key, ""))
            label.setVisible(key in found)
        self.failure.hide()
        if found:
            return
        client_id = self.client.client_id()
        value = self.amount.value()
        assert client_id is not None and value is not None
        self.save_button.setEnabled(False)
        self.handle.call(
            record_payment,
            client_id,
            value,
            pydate(self.date.date()),
            method=self.method.currentText().strip() or "other",
            reference=self.reference.text().strip(),
            allocations=self.model.allocations(),
            on_done=self._saved,
            on_error=self._failed,
            changes="payments,invoices,clients",
        )

    def _saved(self, result: PaymentResult) -> None:
        self.result = result
        fig, cur = self.figures, result.currency
        paid = ", ".join(number for number, _a in result.allocations)
        text = f"Payment of {fig.money(result.amount_minor, cur)} recorded"
        text += f": {paid}" if paid else ""
        if result.credit_minor:
            text += f"; {fig.money(result.credit_minor, cur)} kept as client credit"
        self.handle.bus.status.emit(text + ".")
        self.accept()

    def _failed(self, exc: BaseException) -> None:
        self.save_button.setEnabled(True)
        self.failure.setText(str(exc))
        self.failure.show()


def open_payment_dialog(
    parent: QWidget | None,
    handle: AppHandle,
    client_id: int | None = None,
    amount: Decimal | None = None,
) -> PaymentDialog:
    """Open the dialog window-modal without blocking; it records the payment itself."""
    dialog = PaymentDialog(parent, handle, client_id=client_id, amount=amount)
    dialog.open()
    return dialog
