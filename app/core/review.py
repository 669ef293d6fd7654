"""The review gate: which drafts a human must see before they are issued, and why.

Each reason is a sentence with the evidence, so the exceptions queue and the
invoice detail can show exactly why an invoice is waiting.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from app.core.money import Money


@dataclass(frozen=True)
class ReviewFacts:
    total: Money
    comparable_total: Money  # total without proration/adjustment lines
    client_has_email: bool
    client_has_address: bool
    client_invoice_count: int  # invoices issued before this one
    previous_comparable_total: Money | None  # same schedule, previous period
    change_explains_variance: bool  # a recorded price/quantity change took effect
    catch_up_periods: int  # periods of this schedule billed in the same run
    client_needs_tax_id: bool = False
    client_has_tax_id: bool = True


@dataclass(frozen=True)
class ReviewThresholds:
    variance_percent: Decimal = Decimal(10)
    approval_amount: Decimal = Decimal(10_000)
    catch_up_periods: int = 2


@dataclass(frozen=True)
class ReviewReason:
    code: str
    text: str


def review_reasons(facts: ReviewFacts, limits: ReviewThresholds) -> list[ReviewReason]:
    reasons: list[ReviewReason] = []
    if not facts.client_has_email:
        reasons.append(ReviewReason("missing_email", "The client has no e-mail address."))
    if not facts.client_has_address:
        reasons.append(ReviewReason("missing_address", "The client has no billing address."))
    if facts.client_needs_tax_id and not facts.client_has_tax_id:
        reasons.append(
            ReviewReason(
                "missing_tax_id", "The client has no tax id, which this tax setting needs."
            )
        )
    if facts.total.amount <= 0:
        reasons.append(
            ReviewReason(
                "non_positive",
                f"The total is {facts.total.plain()} {facts.total.currency} (zero or negative).",
            )
        )
    prev = facts.previous_comparable_total
    if prev is not None and prev.amount != 0 and not facts.change_explains_variance:
        change = (facts.comparable_total.amount - prev.amount) / abs(prev.amount) * 100
        if abs(change) > limits.variance_percent:
            reasons.append(
                ReviewReason(
                    "variance",
                    f"{facts.comparable_total.plain()} differs from the previous invoice's "
                    f"{prev.plain()} by {change:+.1f}% (threshold {limits.variance_percent}%).",
                )
            )
    if facts.total.amount > limits.approval_amount:
        reasons.append(
            ReviewReason(
                "high_value",
                f"{facts.total.plain()} {facts.total.currency} is above the approval amount "
                f"{limits.approval_amount}.",
            )
        )
    if facts.client_invoice_count == 0:
        reasons.append(ReviewReason("first_invoice", "This is the client's first invoice."))
    if facts.catch_up_periods > limits.catch_up_periods:
        reasons.append(
            ReviewReason(
                "catch_up",
                f"Catch-up: {facts.catch_up_periods} periods of this schedule fell due at once "
                f"(more than {limits.catch_up_periods}).",
            )
        )
    return reasons
