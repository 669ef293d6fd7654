"""The records the payment matcher reads and the verdict it gives back.

All of them are frozen: the matcher never changes what it is given, and a
verdict can be shown, stored or compared without fear of it moving.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Literal

Action = Literal["auto", "suggest", "none"]


@dataclass(frozen=True, slots=True)
class OpenInvoice:
    """An issued invoice that still has money owing (``balance``) at the start of a run."""

    id: int
    number: str
    client_id: int
    issue_date: date
    due_date: date
    currency: str
    total: Decimal
    balance: Decimal
    creditor_reference: str = ""


@dataclass(frozen=True, slots=True)
class ClientProfile:
    """What identifies a client on a bank statement: names it pays under and its accounts."""

    id: int
    name: str
    aliases: tuple[str, ...] = ()
    ibans: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class BankLine:
    """One statement line; ``amount`` is signed, positive for money coming in."""

    id: int | str
    date: date
    amount: Decimal
    currency: str
    counterparty: str = ""
    counterparty_iban: str = ""
    memo: str = ""
    reference: str = ""


@dataclass(frozen=True, slots=True)
class MatchSettings:
    """The business's choices that shape matching.

    ``fee_tolerance`` is how much short of an invoice's balance a referenced
    payment may be and still settle it (the rest written off as a bank fee).
    ``numbering_templates`` are the invoice-number templates in use, newest
    first, in the project's template syntax.  ``own_ibans`` are the business's
    own accounts, so transfers between them are never taken for payments.
    ``reversal_window_days`` is how far back a returned payment is looked for.
    """

    fee_tolerance: Decimal = Decimal("2.00")
    numbering_templates: tuple[str, ...] = ("INV-{YYYY}-{SEQ:05}",)
    auto_apply: bool = True
    own_ibans: tuple[str, ...] = ()
    reversal_window_days: int = 120
    subset_search_limit: int = 20


@dataclass(frozen=True, slots=True)
class Allocation:
    """Money of one bank line put against one invoice."""

    invoice_id: int
    number: str
    amount: Decimal


@dataclass(frozen=True, slots=True)
class Candidate:
    """One ranked reading of a bank line, with the evidence behind it."""

    invoice_ids: tuple[int, ...]
    score: float
    reasons: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class MatchResult:
    """The matcher's verdict on one bank line.

    ``action`` is ``auto`` (apply ``allocations`` now), ``suggest`` (show
    ``allocations`` — the best reading — and ``candidates`` to a person) or
    ``none`` (not an invoice payment).  ``credit_remainder`` is money left over
    for the client's credit; ``fee_writeoff`` is the shortfall written off as a
    bank fee.  ``kind`` names the situation in one word, ``explanation`` says
    it in plain words.
    """

    line_id: int | str
    action: Action
    allocations: tuple[Allocation, ...] = ()
    credit_remainder: Decimal = Decimal("0")
    fee_writeoff: Decimal = Decimal("0")
    client_id: int | None = None
    kind: str = "none"
    explanation: str = ""
    candidates: tuple[Candidate, ...] = field(default=())
