"""From readings to a verdict: apply, suggest, or leave alone — and say why.

The rule for applying without a person, in one place:

* the best reading is *certain* (its client and its allocation are both
  settled by the rules in ``scoring`` and ``readings``),
* every different reading is at least ``MARGIN`` points behind it,
* the line names no invoice (with the number written in full or nearly) that
  the best reading leaves out — a payer who names another client's invoice is
  for a person to sort out, whatever else fits,
* and the business has not switched automatic application off.

Otherwise the best reading is suggested with up to three ranked candidates,
or nothing is proposed when there is no reading at all.
"""

from __future__ import annotations

from app.core.matching.book import OpenBook, fifo_key
from app.core.matching.model import BankLine, Candidate, MatchResult, MatchSettings
from app.core.matching.readings import Reading, ReferenceHit
from app.core.matching.scoring import MARGIN, names_invoice, unit_score

_MAX_CANDIDATES = 3


def _sentence(parts: list[str]) -> str:
    text = "; ".join(p for p in parts if p)
    if not text:
        return ""
    return text[:1].upper() + text[1:] + ("" if text.endswith(".") else ".")


def rank(readings: list[Reading], book: OpenBook) -> list[Reading]:
    """Best first; one reading per set of invoices (the one with most points)."""
    best: dict[tuple[int, ...], Reading] = {}
    for reading in readings:
        key = tuple(sorted(reading.invoice_ids))
        old = best.get(key)
        if old is None or (reading.points, reading.certain) > (old.points, old.certain):
            best[key] = reading

    def order(reading: Reading) -> tuple[object, ...]:
        oldest = min((fifo_key(book.invoices[i]) for i in reading.invoice_ids), default=None)
        return (
            -reading.points,
            not reading.certain,
            oldest is None,
            oldest or (),
            reading.invoice_ids,
        )

    return sorted(best.values(), key=order)


def decide(
    line: BankLine,
    readings: list[Reading],
    refs: dict[int, ReferenceHit],
    book: OpenBook,
    settings: MatchSettings,
) -> MatchResult:
    """The verdict on an incoming line from its ranked readings."""
    ranked = rank(readings, book)
    if not ranked:
        return MatchResult(
            line_id=line.id,
            action="none",
            kind="no_match",
            explanation="No reference, no known payer and no open invoice of this amount: "
            "not taken for an invoice payment.",
        )
    best = ranked[0]
    doubt = best.doubt
    kind = best.kind
    if not doubt:
        rival = next(
            (
                r
                for r in ranked[1:]
                if r.points > best.points - MARGIN and set(r.invoice_ids) != set(best.invoice_ids)
            ),
            None,
        )
        if rival is not None:
            numbers = ", ".join(book.invoices[i].number for i in rival.invoice_ids)
            doubt = f"another reading ({numbers}) is about as likely"
    if not doubt:
        left_out = [
            hit
            for invoice_id, hit in refs.items()
            if invoice_id not in best.invoice_ids and names_invoice(hit.strength)
        ]
        if left_out:
            numbers = ", ".join(book.invoices[h.invoice_id].number for h in left_out)
            doubt = f"the line also names {numbers}"
            if any(book.invoices[h.invoice_id].client_id != best.client_id for h in left_out):
                kind = "other_client"
    auto = best.certain and not doubt and settings.auto_apply
    if best.certain and not doubt and not settings.auto_apply:
        doubt = "automatic application is switched off"
    if auto:
        explanation = _sentence(best.reasons)
    else:
        explanation = _sentence([f"not applied automatically because {doubt}", *best.reasons])
    candidates = tuple(
        Candidate(r.invoice_ids, unit_score(r.points), tuple(r.reasons))
        for r in ranked[:_MAX_CANDIDATES]
    )
    return MatchResult(
        line_id=line.id,
        action="auto" if auto else "suggest",
        allocations=best.allocations,
        credit_remainder=best.credit_remainder,
        fee_writeoff=best.fee_writeoff,
        client_id=best.client_id,
        kind=kind,
        explanation=explanation,
        candidates=candidates,
    )
