"""Checks against a client's own patterns: unusual amounts, usage, a missed recurring invoice.

Pure functions over plain facts (see ``app.core.exception_rules``); the
statistics are in ``app.core.anomaly``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from itertools import pairwise
from typing import Any

from app.core.anomaly import Verdict, assess
from app.core.currency import exponent
from app.core.exception_rules import (
    Finding,
    InvoiceFacts,
    LineFacts,
    MoneyText,
    RuleLimits,
    invoice_actions,
    line_key,
    plain_money,
    quantity_text,
)
from app.core.money import Money

# --- anomaly and usage ------------------------------------------------------------------


def _verdict_evidence(v: Verdict) -> dict[str, Any]:
    return {
        "method": v.method,
        "history": v.history,
        "median": str(v.median) if v.median is not None else "",
        "ratio": f"{v.ratio:.2f}" if v.ratio is not None else "",
        "z_score": f"{v.score:.2f}" if v.score is not None else "",
    }


def anomaly(
    invoice: InvoiceFacts,
    past_totals: Sequence[int],
    limits: RuleLimits,
    money: MoneyText = plain_money,
) -> Finding | None:
    """The invoice total against the client's own last invoices (oldest first)."""
    cur = invoice.currency
    places = exponent(cur)

    def show(value: Decimal) -> str:
        return money(int(value.scaleb(places).to_integral_value()), cur)

    verdict = assess(
        Decimal(invoice.total_minor).scaleb(-places),
        [Decimal(t).scaleb(-places) for t in past_totals],
        limits.anomaly,
        show=show,
    )
    if not verdict.flagged:
        return None
    return Finding(
        "anomaly",
        "invoice",
        invoice.id,
        f"{invoice.client_name}: {invoice.label} is unusual for this client",
        verdict.explanation,
        severity="medium",
        client_id=invoice.client_id,
        evidence={
            "amount": Money.from_minor(invoice.total_minor, cur).plain(),
            "currency": cur,
            **_verdict_evidence(verdict),
        },
        actions=invoice_actions(invoice.status, ("approve", "edit", "reject")),
    )


def usage(
    invoice: InvoiceFacts, line: LineFacts, past_quantities: Sequence[Decimal], limits: RuleLimits
) -> Finding | None:
    """An item's quantity against the same item on the client's earlier invoices."""
    verdict = assess(
        line.quantity,
        past_quantities,
        limits.anomaly,
        show=lambda q: f"quantity {quantity_text(q)}",
        usual="this item's usual",
    )
    if not verdict.flagged:
        return None
    direction = "spike" if verdict.ratio is not None and verdict.ratio > 1 else "drop"
    return Finding(
        "usage",
        "invoice",
        invoice.id,
        f"{invoice.client_name}: usage {direction} on {invoice.label}",
        f"'{line.description}': {verdict.explanation}",
        key=line_key(line.description)[:80],
        severity="medium",
        client_id=invoice.client_id,
        evidence={
            "line": line.description,
            "quantity": quantity_text(line.quantity),
            **_verdict_evidence(verdict),
        },
        actions=invoice_actions(invoice.status, ("approve", "edit", "reject")),
    )


# --- missed recurring invoice -----------------------------------------------------------


@dataclass(frozen=True)
class RecurringSeries:
    client_id: int
    client_name: str
    dates: Sequence[date]  # issue dates, oldest first
    schedule_id: int | None = None
    schedule_name: str = ""


def missed_recurring(series: RecurringSeries, today: date, limits: RuleLimits) -> Finding | None:
    """A client billed at a steady interval whose next invoice is overdue by a quarter interval.

    Steady: at least ``missed_min_invoices`` invoices whose last gaps (up to six)
    all lie within ``missed_spread`` of their median gap.
    """
    dates = sorted(series.dates)
    if len(dates) < limits.missed_min_invoices:
        return None
    gaps = [(b - a).days for a, b in pairwise(dates)][-6:]
    ordered = sorted(gaps)
    mid = ordered[len(ordered) // 2]
    if mid < 7 or any(abs(g - mid) > mid * limits.missed_spread for g in gaps):
        return None
    grace = max(3, round(mid / 4))
    expected = dates[-1].toordinal() + mid
    if today.toordinal() <= expected + grace:
        return None
    expected_on = date.fromordinal(expected)
    what = series.client_name
    if series.schedule_id:
        what = f"'{series.schedule_name}' for {series.client_name}"
    return Finding(
        "missed_recurring",
        "schedule" if series.schedule_id else "client",
        series.schedule_id or series.client_id,
        f"{series.client_name}: no invoice since {dates[-1]}",
        f"{what} was billed every ~{mid} days (last {len(gaps) + 1} invoices, gaps "
        f"{min(gaps)}–{max(gaps)} days); the last invoice was on {dates[-1]}, the next was "
        f"expected around {expected_on} and none has come by {today} (grace {grace} days).",
        key=expected_on.isoformat(),
        severity="medium",
        client_id=series.client_id,
        evidence={
            "interval_days": mid,
            "last_invoice": dates[-1],
            "expected": expected_on,
            "grace_days": grace,
            "invoices": len(gaps) + 1,
        },
        actions=("dismiss",),
    )
