"""The Payments page: money received, kept as credit and paid back, and where it went.

The list is lazy like every other list; the selected payment shows the
invoices it paid, each with an Undo, and the client's credit with the two
things one does with credit: put it on open invoices, or refund it.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QItemSelectionModel
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
)

from app.core.money import Money
from app.services import payments as svc
from app.services.payments import AllocationLine, PaymentDetail, PaymentResult, PaymentRow
from app.services.settings import load_settings
from app.ui.handle import AppHandle
from app.ui.models.lazy_table import Column, LazyTableModel
from app.ui.pages.base import Page, page_header
from app.ui.widgets.client_picker import ClientPicker
from app.ui.widgets.figures import Figures
from app.ui.widgets.filter_chips import FilterChips
from app.ui.widgets.list_page import master_detail, search_as_you_type
from app.ui.widgets.payment_detail import KIND_COLOURS, PaymentDetailPane, kind_label
from app.ui.widgets.payment_prompts import RefundDialog
from app.ui.widgets.prompts import ReasonDialog
from app.ui.widgets.tables import EmptyHint, list_view

KINDS = [("", "All"), ("payment", "Payments"), ("credit", "Credits"), ("refund", "Refunds")]
CHANGES = "payments,invoices,clients"


def payment_columns(fig: Figures) -> list[Column[PaymentRow]]:
    def amount(r: PaymentRow) -> str:
        text = fig.amount(r.amount_minor, r.currency)
        return f"−{text}" if r.kind == "refund" else text

    return [
        Column("Date", lambda r: fig.date(r.date)),
        Column("Client", lambda r: r.client_name, tooltip=lambda r: r.client_name),
        Column(
            "Kind",
            lambda r: kind_label(r.kind) + (" (reversed)" if r.reversed else ""),
            foreground=lambda r: "#8a8f98" if r.reversed else KIND_COLOURS.get(r.kind),
        ),
        Column("Reference", lambda r: r.reference, tooltip=lambda r: r.reference),
        Column("Amount", amount, numeric=True),
        Column("Cur.", lambda r: r.currency),
        Column(
            "Credit left",
            lambda r: fig.amount(r.unallocated_minor, r.currency) if r.unallocated_minor else "",
            numeric=True,
        ),
    ]


class PaymentsPage(Page):
    title = "Payments"

    def __init__(self, handle: AppHandle) -> None:
        super().__init__(handle)
        self._generation = 0
        self._selected_id: int | None = None
        self.figures = Figures()
        self.credit: Money | None = None

        self.search = QLineEdit()
        self.search.setPlaceholderText("Search client or reference…  (Ctrl+F)")
        self.search.setClearButtonEnabled(True)
        self.client_filter = ClientPicker(handle, allow_all=True, include_archived=True)
        self.client_filter.setMinimumWidth(220)
        self.chips = FilterChips(KINDS)
        self.count_label = QLabel()
        self.count_label.setObjectName("muted")
        self.record_button = QPushButton("Record payment…")
        self.record_button.setObjectName("primary")
        self.record_button.setToolTip("Ctrl+N")
        self.feedback = QLabel()
        self.feedback.setObjectName("muted")

        ctx = handle.ctx
        self.model: LazyTableModel[PaymentRow] = LazyTableModel(
            payment_columns(self.figures), lambda ids: svc.payment_rows(ctx, ids), lambda r: r.id
        )
        self.table = list_view()
        self.table.setModel(self.model)
        header = self.table.horizontalHeader()
        for col, width in ((0, 96), (2, 78), (4, 92), (5, 46), (6, 96)):
            header.resizeSection(col, width)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.empty = EmptyHint(self.table)
        self.pane = PaymentDetailPane(self.figures)

        top = QHBoxLayout()
        top.addWidget(self.search, 3)
        top.addWidget(self.client_filter, 2)
        top.addStretch(1)
        top.addWidget(self.count_label)
        top.addWidget(self.record_button)
        split = master_detail(self.table, self.pane, (640, 420), collapsible=False)
        layout = QVBoxLayout(self)
        layout.addWidget(page_header("Payments", "Money received, kept as credit and refunded"))
        layout.addLayout(top)
        layout.addWidget(self.chips)
        layout.addWidget(split, 1)
        layout.addWidget(self.feedback)

        search_as_you_type(self, self.search, self.refresh)
        self.client_filter.client_changed.connect(lambda _c: self.refresh())
        self.chips.changed.connect(lambda _k: self.refresh())
        self.record_button.clicked.connect(lambda: self.record_payment())
        self.table.selectionModel().currentRowChanged.connect(self._on_current_changed)
        self.pane.undo_requested.connect(self.undo_allocation)
        self.pane.reverse_button.clicked.connect(self.reverse_current)
        self.pane.apply_credit_button.clicked.connect(self.apply_credit)
        self.pane.refund_button.clicked.connect(self.refund)
        QShortcut(QKeySequence("Ctrl+F"), self, activated=self.search.setFocus)
        QShortcut(QKeySequence("Ctrl+N"), self, activated=self.record_payment)

        handle.bus.changed.connect(self._on_changed)
        handle.call(load_settings, on_done=self._set_locale, on_error=lambda _e: None)
        self.refresh()

    # data ---------------------------------------------------------------------------
    def _set_locale(self, values: dict[str, Any]) -> None:
        self.figures.set_locale(str(values.get("company.locale") or ""))
        self.model.invalidate()

    def query(self) -> svc.PaymentQuery:
        return svc.PaymentQuery(
            self.search.text(), self.client_filter.client_id(), self.chips.current()
        )

    def refresh(self) -> None:
        self._generation += 1
        generation = self._generation

        def done(ids: list[int]) -> None:
            if generation != self._generation:
                return
            self.model.invalidate()
            self.model.set_ids(ids)
            self.count_label.setText(f"{len(ids):,} entr{'ies' if len(ids) != 1 else 'y'}")
            self.empty.set_text("No payments yet. Record one, or import a bank statement.")
            self.empty.update_for(len(ids))
            self._restore_selection()

        self.handle.call(svc.payment_ids, self.query(), on_done=done, on_error=self._error)

    def _on_changed(self, what: str) -> None:
        if what in ("payments", "invoices", "bank", "clients", "all"):
            if what == "clients":
                self.client_filter.reload()
            self.refresh()

    def _restore_selection(self) -> None:
        row = self.model.row_of_id(self._selected_id) if self._selected_id is not None else -1
        if row < 0 and self.model.rowCount():
            row = 0
        if row < 0:
            self._selected_id = None
            self.pane.show_payment(None)
            self.pane.show_credit("", None)
            return
        self.table.selectionModel().setCurrentIndex(
            self.model.index(row, 0),
            QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows,
        )

    def _on_current_changed(self, current: Any, _previous: Any) -> None:
        payment = self.model.row(current.row()) if current.isValid() else None
        self._selected_id = payment.id if payment is not None else None
        self.pane.show_payment(payment)
        self.pane.show_credit("", None)
        if payment is None:
            return
        pid = payment.id

        def shown(detail: PaymentDetail) -> None:
            if self._selected_id == pid:
                self.pane.show_detail(detail)

        def credit(value: Money) -> None:
            if self._selected_id == pid:
                self.credit = value
                self.pane.show_credit(payment.client_name, value)

        self.handle.call(svc.payment_detail, pid, on_done=shown, on_error=self._error)
        self.handle.call(
            svc.credit_balance, payment.client_id, on_done=credit, on_error=self._error
        )

    def current(self) -> PaymentRow | None:
        return self.pane.payment

    # actions ------------------------------------------------------------------------
    def record_payment(self, client_id: int | None = None) -> Any:
        from app.ui.dialogs.payment_dialog import open_payment_dialog

        chosen = client_id if client_id is not None else self.client_filter.client_id()
        return open_payment_dialog(self, self.handle, client_id=chosen)

    def undo_allocation(self, item: AllocationLine) -> ReasonDialog:
        currency = self.pane.payment.currency if self.pane.payment is not None else ""
        dialog = ReasonDialog(
            self,
            "Undo allocation",
            f"{item.number} returns to its former balance and "
            f"{self.figures.money(item.amount_minor, currency)} becomes client credit.",
            "Undo allocation",
        )
        self.reason_dialog = dialog

        def go(reason: str) -> None:
            self.handle.call(
                svc.undo_allocation,
                item.allocation_id,
                reason,
                on_done=lambda _r: self._say(f"Allocation to {item.number} undone."),
                on_error=self._error,
                changes=CHANGES,
            )

        return dialog.ask(go)

    def reverse_current(self) -> ReasonDialog | None:
        p = self.current()
        if p is None or p.kind != "payment" or p.reversed:
            return None
        dialog = ReasonDialog(
            self,
            "Reverse payment",
            f"The {self.figures.money(p.amount_minor, p.currency)} from {p.client_name} did not "
            "arrive or was returned: every invoice it paid reopens at its former balance.",
            "Reverse payment",
        )
        self.reason_dialog = dialog

        def go(reason: str) -> None:
            self.handle.call(
                svc.reverse_payment,
                p.id,
                reason,
                on_done=lambda _r: self._say("Payment reversed."),
                on_error=self._error,
                changes=CHANGES,
            )

        return dialog.ask(go)

    def apply_credit(self) -> None:
        p = self.current()
        if p is None:
            return

        def done(r: PaymentResult) -> None:
            if not r.allocations:
                self._say(f"{p.client_name} has no open invoice to put the credit on.")
                return
            used = self.figures.money(r.amount_minor, r.currency)
            self._say(f"{used} of credit applied to {', '.join(n for n, _a in r.allocations)}.")

        self.handle.call(
            svc.apply_credit, p.client_id, on_done=done, on_error=self._error, changes=CHANGES
        )

    def refund(self) -> RefundDialog | None:
        p, credit = self.current(), self.credit
        if p is None or credit is None or credit.is_zero:
            return None
        dialog = RefundDialog(
            self,
            p.client_name,
            credit,
            self.handle.ctx.clock.today(),
            self.figures.money_of(credit),
            self.figures.decimal_mark,
        )
        self.refund_dialog = dialog

        def go(answer: tuple[Any, ...]) -> None:
            amount, on, method, reference = answer
            paid_back = self.figures.money_of(Money.of(amount, credit.currency))
            self.handle.call(
                svc.refund,
                p.client_id,
                amount,
                on,
                method,
                reference,
                on_done=lambda _r: self._say(f"Refund of {paid_back} recorded."),
                on_error=self._error,
                changes=CHANGES,
            )

        dialog.ask(go)
        return dialog

    def _say(self, text: str) -> None:
        self.feedback.setText(text)
        self.handle.bus.status.emit(text)

    def _error(self, exc: BaseException) -> None:
        self.feedback.setText(f"<span style='color:#b3261e'>{exc}</span>")
