"""The right half of the Payments page: one payment, the invoices it paid, and the client's credit.

Each live allocation has its own Undo button: the invoice returns to its exact
former balance and the money becomes client credit (nothing is deleted; the
undo is a reversal row in the history).
"""

from __future__ import annotations

import html

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QHeaderView, QLabel, QPushButton, QVBoxLayout, QWidget

from app.core.money import Money
from app.services.payments import AllocationLine, PaymentDetail, PaymentRow
from app.ui.widgets.badges import pill
from app.ui.widgets.figures import Figures
from app.ui.widgets.rows_model import Cell, Col, RowsModel
from app.ui.widgets.tables import EmptyHint, list_view

KIND_LABELS = {"payment": "Payment", "credit": "Credit", "refund": "Refund"}
KIND_COLOURS = {"payment": "#2e7d32", "credit": "#6a4c93", "refund": "#a15c00"}
SOURCE_WORDS = {
    "manual": "by hand",
    "auto": "bank (automatic)",
    "confirmed": "bank (confirmed)",
    "credit": "from credit",
    "import": "before import",
}
ALLOCATION_COLUMNS = [Col("Invoice"), Col("Amount", numeric=True), Col("How"), Col("")]
UNDO = 3


def kind_label(kind: str) -> str:
    return KIND_LABELS.get(kind, kind.capitalize())


class PaymentDetailPane(QWidget):
    undo_requested = Signal(object)  # the AllocationLine to undo

    def __init__(self, figures: Figures) -> None:
        super().__init__()
        self.figures = figures
        self.payment: PaymentRow | None = None
        self.items: list[AllocationLine] = []
        self.undo_buttons: list[QPushButton] = []
        self.heading = QLabel()
        self.heading.setWordWrap(True)
        self.heading.setTextFormat(Qt.TextFormat.RichText)
        self.model = RowsModel(ALLOCATION_COLUMNS)
        self.table = list_view(row_height=30)
        self.table.setModel(self.model)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        for col, width in ((0, 124), (1, 90), (3, 70)):
            header.resizeSection(col, width)
        self.empty = EmptyHint(self.table, "")
        self.credit = QLabel()
        self.credit.setWordWrap(True)
        self.reverse_button = QPushButton("Reverse payment…")
        self.reverse_button.setToolTip("The bank returned it: every invoice it paid reopens")
        self.apply_credit_button = QPushButton("Apply credit")
        self.apply_credit_button.setToolTip("Put the client's credit on their oldest open invoices")
        self.refund_button = QPushButton("Refund…")
        self.refund_button.setToolTip("Record credit paid back to the client")
        buttons = QHBoxLayout()
        for b in (self.apply_credit_button, self.refund_button, self.reverse_button):
            buttons.addWidget(b)
        buttons.addStretch(1)
        title = QLabel("Invoices it paid")
        title.setStyleSheet("font-weight: 600; color: #1c2b3a;")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.heading)
        layout.addWidget(title)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.credit)
        layout.addLayout(buttons)
        self.show_payment(None)

    def show_payment(self, p: PaymentRow | None) -> None:
        self.payment = p
        self.show_allocations([])
        self.reverse_button.setEnabled(p is not None and p.kind == "payment" and not p.reversed)
        if p is None:
            self.heading.setText("<p style='color:#6b7480'>No payment selected.</p>")
            self.empty.set_text("")
            return
        esc, fig = html.escape, self.figures
        reversed_note = " " + pill("Reversed", "#b3261e") if p.reversed else ""
        unallocated = (
            f"<div>{esc(fig.money(p.unallocated_minor, p.currency))} of it is client credit</div>"
            if p.unallocated_minor and p.kind != "refund"
            else ""
        )
        self.heading.setText(
            f"<div style='font-size:15px'><b>{esc(fig.money(p.amount_minor, p.currency))}</b>"
            f" &nbsp;{esc(p.client_name)}</div>"
            f"<div>{pill(kind_label(p.kind), KIND_COLOURS.get(p.kind, '#5f6b7a'))}{reversed_note}"
            f" &nbsp;{esc(fig.date(p.date))} · {esc(p.method)}"
            f"{' · ' + esc(p.reference) if p.reference else ''}</div>{unallocated}"
        )
        self.empty.set_text("Loading…" if p.kind != "refund" else "A refund pays no invoice.")
        self.empty.update_for(0)

    def show_detail(self, detail: PaymentDetail) -> None:
        """The invoices the shown payment paid (a detail for another payment is ignored)."""
        if self.payment is not None and detail.row.id == self.payment.id:
            self.show_allocations(list(detail.allocations))

    def show_allocations(self, items: list[AllocationLine]) -> None:
        self.items = list(items)
        fig = self.figures
        currency = self.payment.currency if self.payment is not None else ""
        self.model.set_rows(
            [
                [
                    Cell(a.number, tooltip=f"allocated on {fig.date(a.date)}"),
                    Cell(fig.amount(a.amount_minor, currency), "#8a8f98" if a.reversed else None),
                    Cell(
                        "undone" if a.reversed else SOURCE_WORDS.get(a.source, a.source),
                        "#8a8f98" if a.reversed else None,
                    ),
                    Cell(""),
                ]
                for a in self.items
            ]
        )
        self.undo_buttons = []
        for row, a in enumerate(self.items):
            if a.reversed:
                continue
            button = QPushButton("Undo")
            button.setToolTip(f"{a.number} returns to its former balance; the money becomes credit")
            button.clicked.connect(lambda _c=False, item=a: self.undo_requested.emit(item))
            self.table.setIndexWidget(self.model.index(row, UNDO), button)
            self.undo_buttons.append(button)
        if self.payment is not None and self.payment.kind != "refund":
            self.empty.set_text("It paid no invoice: all of it became client credit.")
        self.empty.update_for(len(self.items))

    def show_credit(self, client_name: str, credit: Money | None) -> None:
        has = credit is not None and not credit.is_zero
        self.apply_credit_button.setEnabled(has)
        self.refund_button.setEnabled(has)
        if credit is None:
            self.credit.setText("")
        elif has:
            self.credit.setText(
                f"<b>{html.escape(client_name)}</b> has <b>{html.escape(self.figures.money_of(credit))}</b>"
                " of credit, offered on their next invoices."
            )
        else:
            self.credit.setText(f"{html.escape(client_name)} has no credit.")
