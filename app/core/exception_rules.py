"""Billing checks that feed the exceptions queue: pure functions over plain facts.

Each rule takes the facts it needs (built by the scan from the database) and
returns a ``Finding`` — the item to raise, with a sentence that states the
numbers, the rule and its threshold — or nothing.  The service decides what to
raise, what to close and what a rule may resolve by itself.

Payment, bank and collection rules live in ``app.core.payment_rules``.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any, NamedTuple

from app.core.anomaly import AnomalyRules
from app.core.money import Money

MoneyText = Callable[[int, str], str]


def plain_money(minor: int, currency: str) -> str:
    return str(Money.from_minor(minor, currency))


@dataclass(frozen=True)
class Finding:
    type: str
    entity_type: str
    entity_id: int
    title: str
    explanation: str
    key: str = ""
    severity: str = "medium"
    client_id: int | None = None
    evidence: Mapping[str, Any] = field(default_factory=dict)
    actions: tuple[str, ...] = ()
    auto: str = ""  # the auto-resolution rule that may settle it, if any

    @property
    def dedupe_key(self) -> str:
        return f"{self.type}:{self.entity_type}:{self.entity_id}:{self.key}"


@dataclass(frozen=True)
class RuleLimits:
    variance_percent: Decimal = Decimal(10)
    duplicate_days: int = 7
    duplicate_percent: Decimal = Decimal(1)
    unmatched_days: int = 5
    duplicate_line_days: int = 0
    fee_tolerance: Decimal = Decimal("2.00")
    missed_min_invoices: int = 4
    missed_spread: Decimal = Decimal("0.25")
    anomaly: AnomalyRules = AnomalyRules()  # noqa: RUF009 - frozen value


class InvoiceFacts(NamedTuple):
    """An invoice as the rules see it (a tuple: the scan builds 100,000 of them)."""

    id: int
    client_id: int
    client_name: str
    currency: str
    status: str
    issue_date: date
    total_minor: int
    number: str | None = None
    schedule_id: int | None = None
    period_start: date | None = None
    period_end: date | None = None

    @property
    def label(self) -> str:
        return self.number or f"draft {self.id}"


@dataclass(frozen=True)
class LineFacts:
    invoice_id: int
    kind: str
    description: str
    quantity: Decimal
    unit_price_minor: int
    total_minor: int = 0
    schedule_line_id: int | None = None


@dataclass(frozen=True)
class AgreedTerms:
    schedule_name: str
    description: str
    quantity: Decimal
    unit_price_minor: int
    on: date


NEIGHBOURS = 12
_DAYS_NOTE = re.compile(r"\s*\(\d+ of \d+ days\)")


def line_key(description: str) -> str:
    """A line's description without the prorated-days note, case and spacing folded."""
    return " ".join(_DAYS_NOTE.sub("", description).casefold().split())


def quantity_text(value: Decimal) -> str:
    return f"{value.normalize():f}"


# --- possible duplicate invoice ---------------------------------------------------------


def _near(a: int, b: int, percent: Decimal) -> bool:
    return a > 0 and b > 0 and abs(a - b) * 100 <= max(a, b) * percent


def _overlap(a: InvoiceFacts, b: InvoiceFacts) -> bool:
    if None in (a.period_start, a.period_end, b.period_start, b.period_end):
        return False
    return a.period_start <= b.period_end and b.period_start <= a.period_end  # type: ignore[operator]


def duplicate_pairs(
    invoices: Iterable[InvoiceFacts], watched: set[int], limits: RuleLimits
) -> list[tuple[InvoiceFacts, InvoiceFacts]]:
    """(later, earlier) pairs of one client that look alike by amount and timing.

    Each watched invoice is compared with the client's twelve invoices before and
    after it (by issue date); two invoices of the same schedule are never
    duplicates, since one invoice per period is enforced.
    """
    by_client: dict[tuple[int, str], list[InvoiceFacts]] = defaultdict(list)
    for inv in invoices:
        by_client[(inv.client_id, inv.currency)].append(inv)
    seen: set[tuple[int, int]] = set()
    pairs = []
    for group in by_client.values():
        group.sort(key=lambda i: (i.issue_date, i.id))
        spots = [n for n, inv in enumerate(group) if inv.id in watched]
        for w in spots:
            for a in range(max(0, w - NEIGHBOURS), min(len(group), w + NEIGHBOURS + 1)):
                later, earlier = (group[w], group[a]) if a < w else (group[a], group[w])
                if a == w or (later.id, earlier.id) in seen:
                    continue
                seen.add((later.id, earlier.id))
                if later.schedule_id is not None and later.schedule_id == earlier.schedule_id:
                    continue
                close = (later.issue_date - earlier.issue_date).days <= limits.duplicate_days
                if (close or _overlap(later, earlier)) and _near(
                    later.total_minor, earlier.total_minor, limits.duplicate_percent
                ):
                    pairs.append((later, earlier))
    return pairs


def duplicate_invoice(
    later: InvoiceFacts,
    earlier: InvoiceFacts,
    later_lines: Sequence[str],
    earlier_lines: Sequence[str],
    limits: RuleLimits,
    money: MoneyText = plain_money,
) -> Finding | None:
    """A pair from ``duplicate_pairs`` is a possible duplicate when its lines are the same too."""
    mine = sorted(line_key(d) for d in later_lines)
    theirs = sorted(line_key(d) for d in earlier_lines)
    if not mine or mine != theirs:
        return None
    gap = (later.issue_date - earlier.issue_date).days
    diff = abs(later.total_minor - earlier.total_minor)
    pct = Decimal(diff * 100) / max(later.total_minor, earlier.total_minor)
    when = (
        f"are {gap} days apart"
        if gap <= limits.duplicate_days
        else f"cover overlapping periods ({earlier.period_start} – {earlier.period_end} and "
        f"{later.period_start} – {later.period_end})"
    )
    return Finding(
        "duplicate_invoice",
        "invoice",
        later.id,
        f"{later.client_name}: {later.label} may duplicate {earlier.label}",
        f"{later.label} ({money(later.total_minor, later.currency)}, {later.issue_date}) and "
        f"{earlier.label} ({money(earlier.total_minor, earlier.currency)}, {earlier.issue_date}) "
        f"for {later.client_name} {when}, differ by {money(diff, later.currency)} ({pct:.1f}%, "
        f"within {limits.duplicate_percent}%) and have the same lines ({'; '.join(mine)}). "
        f"Rule: same client, amounts within {limits.duplicate_percent}% and the same lines, "
        f"issued within {limits.duplicate_days} days or for overlapping periods.",
        key=str(earlier.id),
        severity="high",
        client_id=later.client_id,
        evidence={
            "invoice": later.label,
            "other_invoice": earlier.label,
            "other_invoice_id": earlier.id,
            "days_apart": gap,
            "amount": Money.from_minor(later.total_minor, later.currency).plain(),
            "other_amount": Money.from_minor(earlier.total_minor, earlier.currency).plain(),
            "currency": later.currency,
            "lines": mine,
        },
        actions=invoice_actions(later.status, ("reject", "approve", "edit")),
    )


def invoice_actions(status: str, draft_actions: tuple[str, ...]) -> tuple[str, ...]:
    if status in ("draft", "review", "approved"):
        return (*draft_actions, "dismiss")
    return ("dismiss",)


# --- variance against the previous invoice of the schedule ------------------------------


def _terms(lines: Iterable[LineFacts]) -> list[tuple[str, Decimal, int]]:
    return sorted(
        (str(ln.schedule_line_id or line_key(ln.description)), ln.quantity, ln.unit_price_minor)
        for ln in lines
        if ln.kind == "charge"
    )


def variance_explained(
    current: InvoiceFacts,
    previous: InvoiceFacts,
    current_lines: Sequence[LineFacts],
    previous_lines: Sequence[LineFacts],
    change_dates: Iterable[date],
) -> str:
    """Why a change in the amount is expected ("" when nothing recorded explains it)."""
    if any(ln.kind == "proration" for ln in current_lines):
        return "recorded proration of a change of terms (proration lines on this invoice)"
    start, before = current.period_start, previous.period_start
    if start is not None and before is not None:
        inside = sorted(d for d in change_dates if before < d <= start)
        if inside:
            return f"the agreed change of terms effective {inside[-1]}"
    now, then = _terms(current_lines), _terms(previous_lines)
    if now and now == then:
        return "the same quantities and prices over a shorter or longer period (prorated days)"
    return ""


def variance(
    current: InvoiceFacts,
    previous: InvoiceFacts,
    comparable_now: int,
    comparable_before: int,
    explained_by: str,
    limits: RuleLimits,
    money: MoneyText = plain_money,
) -> Finding | None:
    """A change above the threshold; ``auto`` marks it clearable when ``explained_by`` says why."""
    if comparable_before == 0:
        return None
    change = Decimal(comparable_now - comparable_before) * 100 / abs(comparable_before)
    if abs(change) <= limits.variance_percent:
        return None
    cur = current.currency
    text = (
        f"{money(comparable_now, cur)} differs from the previous invoice's "
        f"{money(comparable_before, cur)} ({previous.label}, period from {previous.period_start}) "
        f"by {change:+.1f}% (threshold {limits.variance_percent}%)."
    )
    text += f" Explained by {explained_by}." if explained_by else " No recorded change explains it."
    return Finding(
        "variance",
        "invoice",
        current.id,
        f"{current.client_name}: {current.label} changed {change:+.1f}% against the previous one",
        text,
        severity="medium",
        client_id=current.client_id,
        evidence={
            "amount": Money.from_minor(comparable_now, cur).plain(),
            "previous_amount": Money.from_minor(comparable_before, cur).plain(),
            "previous_invoice": previous.label,
            "change_percent": f"{change:.1f}",
            "threshold_percent": str(limits.variance_percent),
            "currency": cur,
            "explained_by": explained_by,
        },
        actions=invoice_actions(current.status, ("approve", "reject", "edit")),
        auto="clear_variance" if explained_by else "",
    )


# --- contract discrepancy ---------------------------------------------------------------


def contract_discrepancy(
    invoice: InvoiceFacts,
    line: LineFacts,
    agreed: AgreedTerms,
    money: MoneyText = plain_money,
) -> Finding | None:
    """A schedule-billed line whose quantity or unit price is not what was agreed."""
    if line.quantity == agreed.quantity and line.unit_price_minor == agreed.unit_price_minor:
        return None
    cur = invoice.currency
    billed = f"quantity {quantity_text(line.quantity)} at {money(line.unit_price_minor, cur)}"
    terms = f"quantity {quantity_text(agreed.quantity)} at {money(agreed.unit_price_minor, cur)}"
    return Finding(
        "contract_discrepancy",
        "invoice",
        invoice.id,
        f"{invoice.client_name}: {invoice.label} differs from the agreement",
        f"Line '{line.description}' bills {billed}, but the agreement '{agreed.schedule_name}' "
        f"says {terms} on {agreed.on}.",
        key=line_key(agreed.description)[:80],
        severity="high",
        client_id=invoice.client_id,
        evidence={
            "line": line.description,
            "quantity": quantity_text(line.quantity),
            "unit_price": Money.from_minor(line.unit_price_minor, cur).plain(),
            "agreed_quantity": quantity_text(agreed.quantity),
            "agreed_unit_price": Money.from_minor(agreed.unit_price_minor, cur).plain(),
            "schedule": agreed.schedule_name,
            "terms_on": agreed.on,
            "currency": cur,
        },
        actions=invoice_actions(invoice.status, ("edit", "approve", "reject")),
    )
