"""The open invoices of one matching run, with balances that go down as lines are applied.

Matching a whole statement must not let two lines pay the same invoice in
full, so the run keeps its own running balance per invoice and an index of
open invoices by (client, currency, balance) that follows every change.  The
invoices themselves stay frozen; only this book moves, and only inside a run.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from typing import Any

from app.core.creditor_reference import compact_reference
from app.core.matching.model import OpenInvoice

_ZERO = Decimal("0")


def fifo_key(invoice: OpenInvoice) -> tuple[date, date, str, int]:
    """Oldest first: by due date, then issue date, then number."""
    return (invoice.due_date, invoice.issue_date, invoice.number, invoice.id)


class OpenBook:
    """Running balances and the look-ups the matcher needs, all by dictionary."""

    def __init__(self, invoices: Iterable[OpenInvoice]) -> None:
        ordered = sorted(invoices, key=fifo_key)
        self.invoices: dict[int, OpenInvoice] = {}
        self.balance: dict[int, Decimal] = {}
        self._by_client: dict[tuple[int, str], list[int]] = {}
        self._by_amount: dict[tuple[int, str], dict[Decimal, dict[int, None]]] = {}
        self._by_amount_any: dict[tuple[str, Decimal], dict[int, None]] = {}
        self._by_reference: dict[str, list[int]] = {}
        for invoice in ordered:
            if invoice.id in self.invoices:
                raise ValueError(f"invoice id {invoice.id} appears twice")
            self.invoices[invoice.id] = invoice
            self.balance[invoice.id] = invoice.balance
            currency = invoice.currency.upper()
            self._by_client.setdefault((invoice.client_id, currency), []).append(invoice.id)
            if invoice.creditor_reference:
                ref = compact_reference(invoice.creditor_reference)
                self._by_reference.setdefault(ref, []).append(invoice.id)
            if invoice.balance > _ZERO:
                self._index_amount(invoice.id, invoice.balance)

    def _index_amount(self, invoice_id: int, amount: Decimal) -> None:
        invoice = self.invoices[invoice_id]
        currency = invoice.currency.upper()
        per_client = self._by_amount.setdefault((invoice.client_id, currency), {})
        per_client.setdefault(amount, {})[invoice_id] = None
        self._by_amount_any.setdefault((currency, amount), {})[invoice_id] = None

    def _unindex_amount(self, invoice_id: int, amount: Decimal) -> None:
        invoice = self.invoices[invoice_id]
        currency = invoice.currency.upper()
        per_client = self._by_amount.get((invoice.client_id, currency), {})
        _discard(per_client, amount, invoice_id)
        _discard(self._by_amount_any, (currency, amount), invoice_id)

    # reading --------------------------------------------------------------
    def by_reference(self, reference: str) -> list[int]:
        return self._by_reference.get(compact_reference(reference), [])

    def open_of_client(self, client_id: int, currency: str) -> list[int]:
        """The client's invoices with money owing, oldest first."""
        ids = self._by_client.get((client_id, currency.upper()), ())
        return [i for i in ids if self.balance[i] > _ZERO]

    def client_with_balance(self, client_id: int, currency: str, amount: Decimal) -> list[int]:
        """The client's open invoices whose balance is exactly ``amount``, oldest first."""
        per_client = self._by_amount.get((client_id, currency.upper()))
        bucket = per_client.get(amount) if per_client else None
        return self._oldest_first(bucket) if bucket else []

    def any_with_balance(self, currency: str, amount: Decimal, limit: int) -> list[int]:
        """Open invoices of any client with balance ``amount``, oldest first.

        Empty when more than ``limit`` invoices share the amount: an amount that
        common says nothing about who paid.
        """
        bucket = self._by_amount_any.get((currency.upper(), amount))
        if not bucket or len(bucket) > limit:
            return []
        return self._oldest_first(bucket)

    def _oldest_first(self, ids: Iterable[int]) -> list[int]:
        return sorted(ids, key=lambda i: fifo_key(self.invoices[i]))

    # changing ---------------------------------------------------------------
    def pay(self, invoice_id: int, amount: Decimal) -> None:
        """Lower an invoice's running balance by ``amount`` (never below zero)."""
        old = self.balance[invoice_id]
        new = max(_ZERO, old - amount)
        if old > _ZERO:
            self._unindex_amount(invoice_id, old)
        self.balance[invoice_id] = new
        if new > _ZERO:
            self._index_amount(invoice_id, new)


def _discard(index: dict[Any, dict[int, None]], key: object, invoice_id: int) -> None:
    bucket = index.get(key)
    if bucket is None:
        return
    bucket.pop(invoice_id, None)
    if not bucket:
        del index[key]
