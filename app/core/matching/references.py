"""What a bank line names: structured references and invoice numbers.

Both the file's reference field and the memo are read.  Every invoice named
is kept once, with the strongest way it was named and the words to say so;
things written like an invoice number (or a valid RF reference) that name no
open invoice are kept too, because they mean the payer had some particular
invoice in mind.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from app.core.creditor_reference import (
    compact_reference,
    find_structured_references,
    is_valid_qrr,
    is_valid_rf,
)
from app.core.matching.invoice_numbers import Strength
from app.core.matching.model import BankLine
from app.core.matching.readings import MatchContext, ReferenceHit
from app.core.matching.scoring import STRUCTURED

RANK = {s: i for i, s in enumerate([STRUCTURED, *Strength])}
"""Reference strengths, strongest first (lower is stronger)."""


@dataclass(frozen=True)
class LineReferences:
    """The invoices a line names (strongest way per invoice) and references to none known."""

    hits: dict[int, ReferenceHit] = field(default_factory=dict)
    unknown: tuple[str, ...] = ()


def gather_references(line: BankLine, ctx: MatchContext) -> LineReferences:
    """Every invoice the line refers to, with the strongest way it does."""
    hits: dict[int, ReferenceHit] = {}
    unknown: list[str] = []

    def keep(invoice_id: int, strength: str, reason: str) -> None:
        old = hits.get(invoice_id)
        if old is None or RANK[strength] < RANK[old.strength]:
            hits[invoice_id] = ReferenceHit(invoice_id, strength, reason)

    text = f"{line.reference} {line.memo}".strip()
    structured = find_structured_references(text)
    if line.reference and compact_reference(line.reference) not in structured:
        structured.insert(0, compact_reference(line.reference))
    for ref in structured:
        invoice_ids = ctx.book.by_reference(ref)
        if not invoice_ids and (is_valid_rf(ref) or is_valid_qrr(ref)):
            unknown.append(ref)
        for invoice_id in invoice_ids:
            number = ctx.book.invoices[invoice_id].number
            keep(invoice_id, STRUCTURED, f"reference {ref} is the one on {number}")
    scan = ctx.numbers.scan(text)
    for hit in scan.hits:
        for invoice_id in hit.invoice_ids:
            number = ctx.book.invoices[invoice_id].number
            keep(invoice_id, hit.strength, _number_reason(hit.strength, hit.written, number))
    return LineReferences(hits, (*unknown, *scan.unknown))


def _number_reason(strength: str, written: str, number: str) -> str:
    if strength == Strength.EXACT:
        if written.upper() == number.upper():
            return f"the memo names {number}"
        return f"the memo names {number} (written {written!r})"
    if strength == Strength.LOOKALIKE:
        return f"the memo's {written!r} reads as {number} (a letter typed for a digit)"
    if strength == Strength.NO_PREFIX:
        return f"the memo's {written!r} is {number} without its prefix"
    if strength in (Strength.TYPO, Strength.TYPO_NO_PREFIX):
        return f"the memo's {written!r} is one character off {number}"
    if strength == Strength.PARTIAL:
        return f"the memo's {written!r} gives only the sequence number of {number}"
    return f"the memo contains the bare number {written!r}, which could be {number}"
