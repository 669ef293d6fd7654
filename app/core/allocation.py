"""Spreading a payment over open invoices: oldest first unless the user says otherwise."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class OpenItem:
    invoice_id: int
    due_date: date
    issue_date: date
    balance_minor: int


def oldest_first(amount_minor: int, items: list[OpenItem]) -> list[tuple[int, int]]:
    """(invoice id, amount) pairs paying the oldest balances first; what is left is credit."""
    out: list[tuple[int, int]] = []
    left = amount_minor
    for item in sorted(items, key=lambda i: (i.due_date, i.issue_date, i.invoice_id)):
        if left <= 0:
            break
        if item.balance_minor <= 0:
            continue
        take = min(left, item.balance_minor)
        out.append((item.invoice_id, take))
        left -= take
    return out
