"""Money going out: never an invoice payment, but sometimes worth pointing at one.

Fees, interest charges, supplier payments and transfers to the business's
own accounts are left alone.  Two kinds of outgoing line still concern an
invoice: a *reversal* — a payment that came in earlier, from the same account
or name and for the same amount, going back out (a returned direct debit, a
recalled transfer), which reopens the invoice it paid — and a *refund* that
names an invoice.  Both are shown to a person with the invoice as a candidate;
neither is applied automatically.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from app.core.matching.model import Allocation, BankLine, Candidate, MatchResult
from app.core.matching.names import normalise_name
from app.core.matching.payers import normalise_iban
from app.core.matching.readings import ReferenceHit, money
from app.core.matching.scoring import REFERENCE_POINTS, names_invoice, unit_score


@dataclass(frozen=True, slots=True)
class PaymentSeen:
    """An incoming line of this run and what it was applied to (or would be)."""

    line_id: int | str
    date: date
    amount: Decimal
    counterparty: str
    allocations: tuple[Allocation, ...]
    applied: bool


class PaymentHistory:
    """Incoming lines seen so far, by account and by name, for spotting reversals."""

    def __init__(self) -> None:
        self._seen: dict[tuple[str, Decimal], list[PaymentSeen]] = {}

    @staticmethod
    def _keys(line: BankLine) -> list[tuple[str, Decimal]]:
        amount = abs(line.amount)
        keys = []
        if line.counterparty_iban:
            keys.append(("iban:" + normalise_iban(line.counterparty_iban), amount))
        name = normalise_name(line.counterparty) if line.counterparty else ""
        if name:
            keys.append(("name:" + name, amount))
        return keys

    def record(self, line: BankLine, result: MatchResult) -> None:
        if not result.allocations:
            return
        seen = PaymentSeen(
            line.id,
            line.date,
            line.amount,
            line.counterparty,
            result.allocations,
            result.action == "auto",
        )
        for key in self._keys(line):
            self._seen.setdefault(key, []).append(seen)

    def mirrored(self, line: BankLine, window_days: int) -> PaymentSeen | None:
        """The latest earlier payment this outgoing line sends back, if any."""
        earliest = line.date - timedelta(days=window_days)
        for key in self._keys(line):
            matches = [s for s in self._seen.get(key, ()) if earliest <= s.date <= line.date]
            if matches:
                return max(matches, key=lambda s: (s.date, str(s.line_id)))
        return None


def judge_outgoing(
    line: BankLine,
    refs: dict[int, ReferenceHit],
    history: PaymentHistory | None,
    window_days: int,
) -> MatchResult:
    """The verdict on a line with a negative (or zero) amount."""
    seen = history.mirrored(line, window_days) if history is not None else None
    if seen is not None:
        invoices = ", ".join(a.number for a in seen.allocations)
        went = (
            f"that payment was applied to {invoices}, which is open again if this is a return"
            if seen.applied
            else f"that payment was matched to {invoices}"
        )
        reasons = (
            f"{money(-line.amount)} goes back to {line.counterparty or 'the payer'}, "
            f"who paid the same amount on {seen.date.isoformat()} (line {seen.line_id})",
            went,
        )
        return MatchResult(
            line_id=line.id,
            action="suggest",
            allocations=tuple(
                Allocation(a.invoice_id, a.number, -a.amount) for a in seen.allocations
            ),
            kind="reversal",
            explanation="Money out that mirrors an earlier payment: " + "; ".join(reasons) + ".",
            candidates=(Candidate(tuple(a.invoice_id for a in seen.allocations), 0.9, reasons),),
        )
    named = sorted(
        (h for h in refs.values() if names_invoice(h.strength)),
        key=lambda h: -REFERENCE_POINTS[h.strength],
    )
    if named:
        hit = named[0]
        reasons = (hit.reason, f"{money(-line.amount)} goes out, so it is not a payment of it")
        return MatchResult(
            line_id=line.id,
            action="none",
            kind="refund",
            explanation="Money out that names an invoice (a refund?): " + "; ".join(reasons) + ".",
            candidates=(
                Candidate((hit.invoice_id,), unit_score(REFERENCE_POINTS[hit.strength]), reasons),
            ),
        )
    return MatchResult(
        line_id=line.id,
        action="none",
        kind="out",
        explanation=f"Money out ({money(-line.amount)}): fees, charges and payments the "
        "business makes are not invoice payments.",
    )
