"""How statement lines read on the Bank page: status words, colours, columns and filters.

The reconciliation service stores a status per line; a bookkeeper thinks in
"what do I still have to look at", so the words here say what happened to the
money rather than how the matcher got there.
"""

from __future__ import annotations

from typing import Any

from app.services.reconcile import (
    BankLineQuery,
    BankLineRow,
    bank_line_counts,
    bank_line_ids,
    bank_line_rows,
)
from app.ui.models.lazy_table import Column, LazyTableModel
from app.ui.widgets.badges import MUTED
from app.ui.widgets.figures import Figures

STATUS_LABELS = {
    "suggested": "To review",
    "unmatched": "No match",
    "auto": "Paid automatically",
    "matched": "Confirmed",
    "outgoing": "Money out",
    "ignored": "Ignored",
}
STATUS_COLOURS = {
    "suggested": "#a15c00",
    "unmatched": "#b3261e",
    "auto": "#2e7d32",
    "matched": "#2e7d32",
    "outgoing": "#5f6b7a",
    "ignored": "#8a8f98",
}
MONEY_IN = "#2e7d32"

# (chip key, chip label, statuses shown); the first chip is where triage starts.
FILTERS: list[tuple[str, str, tuple[str, ...]]] = [
    ("suggested", "To review", ("suggested",)),
    ("unmatched", "No match", ("unmatched",)),
    ("auto", "Paid automatically", ("auto",)),
    ("matched", "Confirmed", ("matched",)),
    ("outgoing", "Money out", ("outgoing",)),
    ("ignored", "Ignored", ("ignored",)),
    ("all", "All", ()),
]
STATUSES_OF = {key: statuses for key, _label, statuses in FILTERS}
EMPTY = {
    "suggested": "Nothing to review. Import a statement (drop the file here) and reconcile it.",
    "unmatched": "Every incoming payment found its invoice.",
    "auto": "No line was paid automatically yet.",
    "matched": "No match confirmed by hand yet.",
    "outgoing": "No money going out.",
    "ignored": "No ignored lines.",
    "all": "No statement lines yet. Import your bank's export: drop the file here or press Ctrl+I.",
}


def counted(count: int, one: str, many: str) -> str:
    """``1 line`` / ``3 lines``, with thousands separated."""
    return f"{count:,} {one if count == 1 else many}"


def status_label(status: str) -> str:
    return STATUS_LABELS.get(status, status.replace("_", " ").capitalize())


def status_colour(status: str) -> str:
    return STATUS_COLOURS.get(status, MUTED)


def plain_explanation(row: BankLineRow) -> str:
    """Why the line stands where it does, in a sentence (the matcher's own words when it has them)."""
    if row.explanation:
        return row.explanation
    if row.status == "ignored":
        return "You chose to ignore this line; it is kept but never matched."
    if row.status == "outgoing" or row.amount_minor < 0:
        return "Money going out is never matched to an invoice."
    if row.status == "unmatched":
        return "No open invoice fits this payment. Record it by hand or leave it."
    return ""


def likelihood(score: float) -> str:
    """A 0..1 score as a percentage with a word, so '0.93' reads as a judgement."""
    word = (
        "very likely"
        if score >= 0.9
        else "likely"
        if score >= 0.7
        else "possible"
        if score >= 0.4
        else "unlikely"
    )
    return f"{round(score * 100)} % · {word}"


def bank_columns(fig: Figures) -> list[Column[BankLineRow]]:
    return [
        Column("Date", lambda r: fig.date(r.booking_date)),
        Column(
            "Amount",
            lambda r: fig.amount(r.amount_minor, r.currency),
            numeric=True,
            foreground=lambda r: MONEY_IN if r.amount_minor > 0 else None,
        ),
        Column("Cur.", lambda r: r.currency),
        Column("Counterparty", lambda r: r.counterparty, tooltip=lambda r: r.counterparty),
        Column(
            "Description",
            lambda r: " ".join(r.description.split()),
            tooltip=lambda r: r.description,
        ),
        Column(
            "Status",
            lambda r: status_label(r.status),
            foreground=lambda r: status_colour(r.status),
            tooltip=plain_explanation,
        ),
        Column(
            "Match",
            lambda r: f"{r.match_score} %" if r.status == "suggested" and r.match_score else "",
            numeric=True,
        ),
    ]


BANK_WIDTHS = ((0, 92), (1, 86), (2, 48), (5, 112), (6, 68))
BANK_STRETCH = (3, 4)  # counterparty and description share what is left


def bank_model(ctx: Any, fig: Figures) -> LazyTableModel[BankLineRow]:
    return LazyTableModel(bank_columns(fig), lambda ids: bank_line_rows(ctx, ids), lambda r: r.id)


def status_counts(ctx: Any, search: str = "") -> dict[str, int]:
    """How many lines each chip would show (one grouped count in the service)."""
    counts = bank_line_counts(ctx, search)
    return {
        key: sum(counts.get(s, 0) for s in statuses) if statuses else counts["all"]
        for key, _label, statuses in FILTERS
    }


def suggested_at_least(ctx: Any, min_score: int) -> int:
    """How many suggestions a bulk accept at ``min_score`` would apply (for the confirmation)."""
    ids = bank_line_ids(ctx, BankLineQuery(("suggested",)))
    found = 0
    for start in range(0, len(ids), 900):
        found += sum(
            1 for r in bank_line_rows(ctx, ids[start : start + 900]) if r.match_score >= min_score
        )
    return found
