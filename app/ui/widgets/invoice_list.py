"""What the invoice list shows: the filter chips' queries, the columns and the lazy model.

Kept apart from the page so the model can be built and measured without a window.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from app.core.invoices import EDITABLE, OPEN, InvoiceRow, Status
from app.services import invoicing as svc
from app.ui.models.lazy_table import Column, LazyTableModel
from app.ui.widgets.badges import CREDIT_NOTE, MUTED, OVERDUE, status_colour, status_label
from app.ui.widgets.figures import Figures

FILTERS = [
    ("all", "All"),
    ("review", "Review"),
    ("drafts", "Drafts"),
    ("open", "Open"),
    ("overdue", "Overdue"),
    ("paid", "Paid"),
    ("void", "Void"),
    ("credit_notes", "Credit notes"),
]
EMPTY = {
    "all": "No invoices yet.\nRun a bill run (Ctrl+B) or write one with New invoice (Ctrl+N).",
    "review": "Nothing is waiting for review.",
    "drafts": "No drafts.",
    "open": "No open invoices: everything issued is paid.",
    "overdue": "Nothing is overdue.",
    "paid": "No paid invoices yet.",
    "void": "No void invoices.",
    "credit_notes": "No credit notes.",
}
OPEN_VALUES = tuple(s.value for s in OPEN)
TEXT_SORTS = {"number", "client", "status"}


def invoice_query(
    name: str, search: str, client_id: int | None, sort: tuple[str, bool], today: date
) -> svc.InvoiceQuery:
    """The service query behind a filter chip."""
    statuses: tuple[str, ...] = ()
    kind, overdue = "", None
    if name == "review":
        statuses = (Status.REVIEW.value,)
    elif name == "drafts":
        statuses = (Status.DRAFT.value, Status.APPROVED.value)
    elif name == "open":
        statuses, kind = OPEN_VALUES, "invoice"
    elif name == "overdue":
        overdue, kind = today, "invoice"
    elif name == "paid":
        statuses = (Status.PAID.value,)
    elif name == "void":
        statuses = (Status.VOID.value,)
    elif name == "credit_notes":
        kind = "credit_note"
    return svc.InvoiceQuery(search, statuses, client_id, kind, overdue, "", sort[0], sort[1])


def _overdue(r: InvoiceRow, today: date) -> bool:
    return r.status in OPEN_VALUES and r.kind == "invoice" and r.due_date < today


def _status_text(r: InvoiceRow, today: date) -> str:
    if r.kind == "credit_note":
        return "Credit note"
    return "Overdue" if _overdue(r, today) else status_label(r.status)


def _status_colour(r: InvoiceRow, today: date) -> str:
    if r.kind == "credit_note":
        return CREDIT_NOTE
    return OVERDUE if _overdue(r, today) else status_colour(r.status)


def _status_tip(r: InvoiceRow, today: date) -> str:
    if r.status == Status.REVIEW and r.review_reasons:
        return "Needs review:\n" + r.review_reasons
    if _overdue(r, today):
        days = (today - r.due_date).days
        return f"{days} day{'s' if days != 1 else ''} past its due date"
    return ""


def invoice_columns(fig: Figures, today: Callable[[], date]) -> list[Column[InvoiceRow]]:
    def balance(r: InvoiceRow) -> str:
        if r.status in EDITABLE or r.status == Status.VOID or r.kind == "credit_note":
            return ""
        return fig.amount(r.balance_minor, r.currency)

    return [
        Column(
            "Number",
            lambda r: r.number or f"Draft #{r.id}",
            sort="number",
            foreground=lambda r: None if r.number else MUTED,
        ),
        Column("Date", lambda r: fig.date(r.issue_date), sort="issue_date"),
        Column(
            "Due",
            lambda r: fig.date(r.due_date) if r.kind == "invoice" else "",
            sort="due_date",
            foreground=lambda r: OVERDUE if _overdue(r, today()) else None,
        ),
        Column("Client", lambda r: r.client_name, sort="client", tooltip=lambda r: r.client_name),
        Column(
            "Period",
            lambda r: fig.period_short(r.period_start, r.period_end),
            tooltip=lambda r: fig.period(r.period_start, r.period_end),
        ),
        Column(
            "Total", lambda r: fig.amount(r.total_minor, r.currency), sort="total", numeric=True
        ),
        Column("Balance", balance, sort="balance", numeric=True),
        Column("Cur.", lambda r: r.currency),
        Column(
            "Status",
            lambda r: _status_text(r, today()),
            sort="status",
            foreground=lambda r: _status_colour(r, today()),
            tooltip=lambda r: _status_tip(r, today()),
        ),
    ]


def invoice_model(ctx: Any, fig: Figures, today: Callable[[], date]) -> LazyTableModel[InvoiceRow]:
    """The lazy list model (also used on its own, without a window, in tests)."""
    return LazyTableModel(
        invoice_columns(fig, today), lambda ids: svc.invoice_rows(ctx, ids), lambda r: r.id
    )


def list_with_totals(
    ctx: Any, q: svc.InvoiceQuery
) -> tuple[list[int], list[tuple[str, int, int, int]]]:
    return svc.invoice_ids(ctx, q), svc.invoice_totals(ctx, q)


def badge_counts(ctx: Any, today: date) -> dict[str, int]:
    counts = {}
    for name in ("review", "overdue"):
        q = invoice_query(name, "", None, ("issue_date", True), today)
        counts[name] = sum(n for _c, n, _t, _b in svc.invoice_totals(ctx, q))
    return counts


def delete_drafts(ctx: Any, ids: list[int]) -> int:
    for invoice_id in ids:
        svc.delete_draft(ctx, invoice_id)
    return len(ids)
