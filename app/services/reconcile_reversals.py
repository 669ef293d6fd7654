"""Returned payments across statements: money out that mirrors a payment applied before.

The matcher spots a reversal only against incoming lines of the same run.
A returned transfer or direct debit usually arrives on a later statement,
after its payment was applied and left the run, so the service takes a
second look at money going out: it shows the matcher the payments applied
from bank lines within the reversal window and lets it judge those outgoing
lines again.  A mirror found this way is suggested as a reversal (never
applied by itself); accepting it reverses that payment.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.core.matching import Allocation, BankLine, MatchResult
from app.core.matching.outgoing import PaymentHistory, judge_outgoing
from app.core.money import Money
from app.db import models as m

SECOND_LOOK = ("out", "refund")  # verdicts on money out that a history could turn into a reversal


def bank_line_of(row: m.BankLine) -> BankLine:
    return BankLine(
        row.id,
        row.booking_date,
        Money.from_minor(row.amount_minor, row.currency).amount,
        row.currency,
        row.counterparty,
        row.counterparty_iban,
        row.description,
        row.reference,
    )


def _earlier_payments(s: Session, lines: list[BankLine], window_days: int) -> PaymentHistory:
    """Payments applied from incoming bank lines in the window, with their live allocations."""
    earliest = min(line.date for line in lines) - timedelta(days=window_days)
    latest = max(line.date for line in lines)
    paid = s.execute(
        select(m.BankLine, m.Payment.id)
        .join(m.Payment, m.Payment.bank_line_id == m.BankLine.id)
        .where(
            m.BankLine.status.in_(("auto", "matched")),
            m.BankLine.amount_minor > 0,
            m.BankLine.booking_date >= earliest,
            m.BankLine.booking_date <= latest,
            m.Payment.reversed_at.is_(None),
        )
    ).all()
    allocations: dict[int, list[Allocation]] = defaultdict(list)
    payment_ids = [pid for _row, pid in paid]
    for start in range(0, len(payment_ids), 900):
        for a, number, currency in s.execute(
            select(m.Allocation, m.Invoice.number, m.Invoice.currency)
            .join(m.Invoice, m.Invoice.id == m.Allocation.invoice_id)
            .where(
                m.Allocation.payment_id.in_(payment_ids[start : start + 900]),
                m.Allocation.kind == "payment",
                m.Allocation.amount_minor > 0,
                m.Allocation.reversed_by_id.is_(None),
            )
            .order_by(m.Allocation.id)
        ):
            allocations[a.payment_id].append(
                Allocation(
                    a.invoice_id, number or "", Money.from_minor(a.amount_minor, currency).amount
                )
            )
    history = PaymentHistory()
    for row, pid in paid:
        if allocations[pid]:
            history.record(
                bank_line_of(row),
                MatchResult(row.id, "auto", allocations=tuple(allocations[pid]), kind="earlier"),
            )
    return history


def with_earlier_payments(
    s: Session, lines: list[BankLine], results: list[MatchResult], window_days: int
) -> list[MatchResult]:
    """``results`` with money out that returns an earlier applied payment judged a reversal."""
    looking = [
        i
        for i, (line, res) in enumerate(zip(lines, results, strict=True))
        if line.amount < 0 and res.kind in SECOND_LOOK
    ]
    if not looking:
        return results
    history = _earlier_payments(s, [lines[i] for i in looking], window_days)
    out = list(results)
    for i in looking:
        if history.mirrored(lines[i], window_days) is not None:
            out[i] = judge_outgoing(lines[i], {}, history, window_days)
    return out
