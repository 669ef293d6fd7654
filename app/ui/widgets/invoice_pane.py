"""The lower half of the Invoices page: the selected invoice and what can be done to it."""

from __future__ import annotations

from datetime import date, tzinfo

from PySide6.QtWidgets import (
    QHBoxLayout,
    QPushButton,
    QTabWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from app.core.invoices import EDITABLE, InvoiceDetail, InvoiceRow, Status
from app.ui.widgets.figures import Figures
from app.ui.widgets.invoice_view import invoice_html


class InvoiceDetailPane(QWidget):
    """The invoice's full detail, with the actions that fit the selection beside it."""

    def __init__(self, timeline: QWidget | None = None) -> None:
        super().__init__()
        self.detail: InvoiceDetail | None = None

        def button(text: str, tip: str = "") -> QPushButton:
            b = QPushButton(text)
            b.setToolTip(tip)
            return b

        self.approve_button = button(
            "Approve && issue", "Ctrl+Enter — approves every selected draft"
        )
        self.approve_button.setObjectName("primary")
        self.issue_button = button("Issue", "Give the selected drafts their numbers")
        self.edit_button = button("Edit", "Enter")
        self.delete_button = button("Delete", "Delete key — a draft has no number yet")
        self.reject_button = button("Reject…", "Delete the draft and never bill this period")
        self.void_button = button("Void…", "Cancel an unpaid invoice; it keeps its number")
        self.credit_button = button("Credit note…", "Correct an issued invoice")
        self.duplicate_button = button("Duplicate", "A new draft with the same lines")
        self.pdf_button = button("Open PDF", "The archived PDF (a watermarked preview for drafts)")
        self.email_button = button(
            "E-mail again", "Queue the invoice e-mail again (sent within minutes)"
        )
        self.dispute_button = button("Dispute…", "Reminders pause while an invoice is disputed")
        self.promise_button = button("Promise to pay…", "Reminders pause until the promised date")
        self.browser = QTextBrowser()
        self.browser.setOpenExternalLinks(False)
        self.tabs = QTabWidget()
        self.tabs.addTab(self.browser, "Invoice")
        if timeline is not None:
            self.tabs.addTab(timeline, "Reminders")

        actions = QVBoxLayout()
        actions.setSpacing(6)
        for b in (
            self.approve_button,
            self.issue_button,
            self.edit_button,
            self.delete_button,
            self.reject_button,
            self.void_button,
            self.credit_button,
            self.duplicate_button,
            self.pdf_button,
            self.email_button,
            self.dispute_button,
            self.promise_button,
        ):
            b.setMinimumWidth(150)
            actions.addWidget(b)
        actions.addStretch(1)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(8)
        layout.addWidget(self.tabs, 1)
        layout.addLayout(actions)
        self.show_nothing()

    def show_nothing(self, text: str = "No invoice selected.") -> None:
        self.detail = None
        self.browser.setHtml(f"<p style='color:#6b7480'>{text}</p>")
        self.update_actions([])

    def show_detail(self, detail: InvoiceDetail, fig: Figures, today: date, tz: tzinfo) -> None:
        self.detail = detail
        scroll = self.browser.verticalScrollBar().value()
        self.browser.setHtml(invoice_html(detail, fig, today, tz))
        self.browser.verticalScrollBar().setValue(scroll)

    def update_actions(self, selected: list[InvoiceRow], *, too_many: bool = False) -> None:
        """Show what applies: bulk approve/issue for the selection, the rest for one invoice."""
        if too_many:
            for b in self.findChildren(QPushButton):
                b.setVisible(False)
            return
        review = sum(1 for r in selected if r.status == Status.REVIEW)
        drafts = sum(1 for r in selected if r.status in (Status.DRAFT, Status.APPROVED))
        self.approve_button.setVisible(review > 0)
        self.approve_button.setText(f"Approve && issue{f' ({review})' if review > 1 else ''}")
        self.issue_button.setVisible(drafts > 0)
        self.issue_button.setText(f"Issue{f' ({drafts})' if drafts > 1 else ''}")
        one = self.detail if len(selected) <= 1 else None
        if one is not None and selected and selected[0].id != one.row.id:
            one = None  # the detail of the newly selected invoice is still loading
        if one is None:
            for b in (
                self.edit_button,
                self.delete_button,
                self.reject_button,
                self.void_button,
                self.credit_button,
                self.duplicate_button,
                self.pdf_button,
                self.email_button,
                self.dispute_button,
                self.promise_button,
            ):
                b.setVisible(False)
            return
        row = one.row
        editable = row.status in EDITABLE
        issued = row.kind == "invoice" and not editable and row.status != Status.VOID
        untouched = row.kind == "invoice" and not one.paid_minor and not one.credited_minor
        self.edit_button.setVisible(editable)
        self.delete_button.setVisible(editable)
        self.reject_button.setVisible(row.status == Status.REVIEW and one.schedule_id is not None)
        self.void_button.setVisible(row.status in (Status.ISSUED, Status.SENT) and untouched)
        self.credit_button.setVisible(issued and row.total_minor > one.credited_minor)
        self.duplicate_button.setVisible(row.kind == "invoice")
        self.pdf_button.setVisible(True)
        open_invoice = row.kind == "invoice" and row.status in (
            Status.ISSUED,
            Status.SENT,
            Status.PARTLY_PAID,
        )
        self.email_button.setVisible(row.number is not None and row.status != Status.VOID)
        self.dispute_button.setVisible(open_invoice)
        self.dispute_button.setText("Withdraw dispute" if one.disputed else "Dispute…")
        self.promise_button.setVisible(open_invoice)
