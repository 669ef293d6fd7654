"""Invoices as the rest of the app sees them: statuses, rows, details, drafts."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum

from app.core.invoice_math import LineInput


class Status(StrEnum):
    DRAFT = "draft"
    REVIEW = "review"
    APPROVED = "approved"
    ISSUED = "issued"
    SENT = "sent"
    PARTLY_PAID = "partly_paid"
    PAID = "paid"
    CREDITED = "credited"
    VOID = "void"


EDITABLE = (Status.DRAFT, Status.REVIEW, Status.APPROVED)
OPEN = (Status.ISSUED, Status.SENT, Status.PARTLY_PAID)
STATUS_LABELS = {
    Status.DRAFT: "Draft",
    Status.REVIEW: "In review",
    Status.APPROVED: "Approved",
    Status.ISSUED: "Issued",
    Status.SENT: "Sent",
    Status.PARTLY_PAID: "Partly paid",
    Status.PAID: "Paid",
    Status.CREDITED: "Credited",
    Status.VOID: "Void",
}


def settled_status(*, paid_minor: int, balance_minor: int, sent: bool) -> Status:
    """The status an issued invoice has once payments and credits are counted."""
    if balance_minor == 0:
        return Status.PAID if paid_minor > 0 else Status.CREDITED
    if paid_minor > 0:
        return Status.PARTLY_PAID
    return Status.SENT if sent else Status.ISSUED


@dataclass(frozen=True)
class InvoiceRow:
    id: int
    kind: str
    number: str | None
    client_id: int
    client_name: str
    issue_date: date
    due_date: date
    currency: str
    total_minor: int
    balance_minor: int
    status: str
    period_start: date | None
    period_end: date | None
    review_reasons: str


@dataclass(frozen=True)
class LineView:
    description: str
    quantity: Decimal
    unit: str
    unit_price_minor: int
    discount_percent: Decimal | None
    tax_rate: Decimal
    tax_category: str
    net_minor: int
    tax_minor: int
    total_minor: int
    kind: str
    period_start: date | None
    period_end: date | None


@dataclass(frozen=True)
class TaxRowView:
    label: str
    rate: Decimal
    category: str
    base_minor: int
    tax_minor: int


@dataclass(frozen=True)
class HistoryEntry:
    at: datetime
    actor: str
    action: str
    note: str  # the audit event's data (JSON)
    summary: str = ""  # the same in words, for lists


ACTION_WORDS = {
    "invoice.create": "Draft created",
    "invoice.bill_run": "Created by the bill run",
    "invoice.import": "Imported",
    "invoice.edit": "Draft edited",
    "invoice.approve": "Approved",
    "invoice.issue": "Issued",
    "invoice.void": "Voided",
    "invoice.credit": "Credited",
    "invoice.reject": "Rejected",
    "invoice.dispute": "Marked disputed",
    "invoice.dispute_withdrawn": "Dispute withdrawn",
    "invoice.promise": "Promise to pay recorded",
    "invoice.write_off": "Written off",
    "invoice.sent": "Sent by e-mail",
    "allocation.create": "Payment applied",
    "allocation.undo": "Payment allocation undone",
    "credit_note.create": "Credit note created",
}


def history_summary(action: str, data: dict[str, object]) -> str:
    """One readable line for an audit event about an invoice."""
    after = data.get("after") if isinstance(data.get("after"), dict) else {}
    assert isinstance(after, dict)
    words = ACTION_WORDS.get(action, action.replace(".", " ").replace("_", " ").capitalize())
    details = []
    for key, label in (
        ("number", ""),
        ("amount", ""),
        ("balance", "balance "),
        ("reason", ""),
        ("note", ""),
        ("credit_note", "by "),
        ("total", "total "),
    ):
        value = after.get(key)
        if value:
            details.append(f"{label}{value}")
    return words + (": " + ", ".join(str(d) for d in details) if details else "")


@dataclass(frozen=True)
class AllocationView:
    id: int
    date: date
    kind: str
    amount_minor: int
    source: str
    reference: str
    reversed: bool


@dataclass(frozen=True)
class InvoiceDetail:
    row: InvoiceRow
    lines: tuple[LineView, ...]
    tax_rows: tuple[TaxRowView, ...]
    subtotal_minor: int
    tax_minor: int
    paid_minor: int
    credited_minor: int
    prices_include_tax: bool
    rounding_mode: str
    terms_text: str
    reference: str
    creditor_reference: str
    notes: str
    legal_note: str
    related_number: str | None
    schedule_id: int | None
    schedule_name: str
    pdf_path: str
    void_reason: str
    disputed: bool
    promise_date: date | None
    history: tuple[HistoryEntry, ...] = ()
    allocations: tuple[AllocationView, ...] = ()
    credit_notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class InvoiceDraft:
    """A manual (one-off) invoice while it is being written."""

    client_id: int
    issue_date: date
    lines: tuple[LineInput, ...]
    due_date: date | None = None
    reference: str = ""
    notes: str = ""
    prices_include_tax: bool = False
    period_start: date | None = None
    period_end: date | None = None
    extra: dict[str, str] = field(default_factory=dict)
