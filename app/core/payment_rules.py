"""Money checks that feed the exceptions queue: bank lines, short and over payments, credit,
promises and disputes.

Pure functions over plain facts, like ``app.core.exception_rules``.  A finding
whose ``auto`` names a rule may be settled by that rule when it is switched on
(see ``app.services.exception_scan``); none of these rules ever moves money
between clients.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from app.core.exception_rules import Finding, MoneyText, RuleLimits, plain_money
from app.core.money import Money

WAITING = ("unmatched", "suggested")


@dataclass(frozen=True)
class BankLineFacts:
    id: int
    account_id: int
    import_id: int
    booking_date: date
    amount_minor: int
    currency: str
    counterparty: str
    description: str
    status: str


@dataclass(frozen=True)
class SettlementFacts:
    """An issued invoice as far as money is concerned."""

    id: int
    client_id: int
    client_name: str
    currency: str
    number: str
    status: str
    total_minor: int
    paid_minor: int
    balance_minor: int
    due_date: date
    disputed: bool = False
    dispute_note: str = ""
    promise_date: date | None = None


@dataclass(frozen=True)
class PaymentFacts:
    id: int
    client_id: int
    client_name: str
    currency: str
    date: date
    amount_minor: int
    allocated_minor: int
    unallocated_minor: int
    invoices: tuple[str, ...] = ()


@dataclass(frozen=True)
class CreditFacts:
    client_id: int
    client_name: str
    currency: str
    credit_minor: int
    payment_ids: tuple[int, ...]
    since: date


def _plain(minor: int, currency: str) -> str:
    return Money.from_minor(minor, currency).plain()


def _who(line: BankLineFacts, money: MoneyText) -> str:
    amount = money(abs(line.amount_minor), line.currency)
    party = line.counterparty or "an unnamed party"
    if line.amount_minor < 0:
        return f"{amount} paid to {party}"
    return f"{amount} from {party}"


def unmatched_bank_line(
    line: BankLineFacts, today: date, limits: RuleLimits, money: MoneyText = plain_money
) -> Finding | None:
    """A bank line nobody has matched for more than ``unmatched_days`` days."""
    age = (today - line.booking_date).days
    if line.status not in WAITING or age <= limits.unmatched_days:
        return None
    text = (
        f"{_who(line, money)} on {line.booking_date} ('{line.description}') has been unmatched "
        f"for {age} days (threshold {limits.unmatched_days} days)."
    )
    if line.status == "suggested":
        text += " A match is suggested and waits for confirmation."
    return Finding(
        "unmatched_bank_line",
        "bank_line",
        line.id,
        f"Bank line of {line.booking_date}: {_who(line, money)}",
        text,
        severity="medium",
        evidence={
            "amount": _plain(line.amount_minor, line.currency),
            "currency": line.currency,
            "booking_date": line.booking_date,
            "counterparty": line.counterparty,
            "days": age,
            "threshold_days": limits.unmatched_days,
            "status": line.status,
        },
        actions=(
            ("accept-line", "ignore-line", "dismiss")
            if line.status == "suggested"
            else ("ignore-line", "dismiss")
        ),
        auto="close_matched_line",
    )


def _party(text: str) -> str:
    return " ".join(text.casefold().split())


def duplicate_bank_lines(
    lines: Iterable[BankLineFacts], limits: RuleLimits, money: MoneyText = plain_money
) -> list[Finding]:
    """Waiting lines that repeat a line of another statement file (the later copy is flagged).

    A twin has the same account, signed amount, currency and counterparty, a
    booking date within ``duplicate_line_days`` and comes from a *different*
    import: two equal lines in one file are two real payments.  The twin must
    not itself be ignored, and must be settled already or older (lower id).
    """
    buckets: dict[tuple[int, int, str], list[BankLineFacts]] = defaultdict(list)
    every = list(lines)
    for ln in every:
        buckets[(ln.account_id, ln.amount_minor, ln.currency)].append(ln)
    out = []
    for ln in every:
        if ln.status not in WAITING:
            continue
        for twin in buckets[(ln.account_id, ln.amount_minor, ln.currency)]:
            if (
                twin.id == ln.id
                or twin.import_id == ln.import_id
                or twin.status == "ignored"
                or _party(twin.counterparty) != _party(ln.counterparty)
                or abs((twin.booking_date - ln.booking_date).days) > limits.duplicate_line_days
                or (twin.status in WAITING and twin.id > ln.id)
            ):
                continue
            out.append(
                Finding(
                    "duplicate_bank_line",
                    "bank_line",
                    ln.id,
                    f"Bank line of {ln.booking_date} imported twice: {_who(ln, money)}",
                    f"{_who(ln, money)} on {ln.booking_date} repeats line {twin.id} of another "
                    f"statement (same account, amount and payer, booked {twin.booking_date}, "
                    f"that line is {twin.status}).",
                    key=str(twin.id),
                    severity="low",
                    evidence={
                        "twin_line_id": twin.id,
                        "twin_status": twin.status,
                        "amount": _plain(ln.amount_minor, ln.currency),
                        "currency": ln.currency,
                        "booking_date": ln.booking_date,
                        "counterparty": ln.counterparty,
                    },
                    actions=("ignore-line", "dismiss"),
                    auto="ignore_duplicate_line",
                )
            )
            break
    return out


def short_payment(
    inv: SettlementFacts, limits: RuleLimits, money: MoneyText = plain_money
) -> Finding | None:
    """Part paid; settled by a fee write-off only within the bank-fee tolerance."""
    if inv.paid_minor <= 0 or inv.balance_minor <= 0 or inv.status != "partly_paid":
        return None
    cur = inv.currency
    tolerance = Money.of(limits.fee_tolerance, cur).minor
    within = inv.balance_minor <= tolerance
    pct = Decimal(inv.balance_minor * 100) / inv.total_minor if inv.total_minor else Decimal(0)
    text = (
        f"{inv.number} for {money(inv.total_minor, cur)} was paid {money(inv.paid_minor, cur)}, "
        f"short by {money(inv.balance_minor, cur)} ({pct:.1f}%); "
        + (
            f"within the bank-fee tolerance of {money(tolerance, cur)}."
            if within
            else f"more than the bank-fee tolerance of {money(tolerance, cur)}."
        )
    )
    if inv.disputed:
        text += " The invoice is disputed, so nothing is written off by rule."
    return Finding(
        "short_payment",
        "invoice",
        inv.id,
        f"{inv.client_name}: {inv.number} paid short by {money(inv.balance_minor, cur)}",
        text,
        key=str(inv.paid_minor),
        severity="low" if within else "medium",
        client_id=inv.client_id,
        evidence={
            "total": _plain(inv.total_minor, cur),
            "paid": _plain(inv.paid_minor, cur),
            "short": _plain(inv.balance_minor, cur),
            "tolerance": _plain(tolerance, cur),
            "within_tolerance": within,
            "currency": cur,
        },
        actions=("writeoff", "dismiss"),
        auto="fee_writeoff" if within and not inv.disputed else "",
    )


def over_payment(p: PaymentFacts, money: MoneyText = plain_money) -> Finding | None:
    """A payment that settled invoices and left money over (kept as the client's credit)."""
    if p.allocated_minor <= 0 or p.unallocated_minor <= 0:
        return None
    cur = p.currency
    paid_for = ", ".join(p.invoices) or "its invoices"
    return Finding(
        "over_payment",
        "payment",
        p.id,
        f"{p.client_name}: paid {money(p.unallocated_minor, cur)} more than due",
        f"{money(p.amount_minor, cur)} received on {p.date} paid {money(p.allocated_minor, cur)} "
        f"of {paid_for}; {money(p.unallocated_minor, cur)} is kept as {p.client_name}'s credit.",
        key=str(p.unallocated_minor),
        severity="low",
        client_id=p.client_id,
        evidence={
            "amount": _plain(p.amount_minor, cur),
            "allocated": _plain(p.allocated_minor, cur),
            "credit": _plain(p.unallocated_minor, cur),
            "currency": cur,
            "invoices": list(p.invoices),
        },
        actions=("apply-credit", "dismiss"),
        auto="apply_credit",
    )


def credit_balance(c: CreditFacts, money: MoneyText = plain_money) -> Finding | None:
    """Credit (unapplied payments, credit-note excess) that is waiting to be used."""
    if c.credit_minor <= 0:
        return None
    cur = c.currency
    return Finding(
        "credit_balance",
        "client",
        c.client_id,
        f"{c.client_name}: {money(c.credit_minor, cur)} of credit waiting",
        f"{c.client_name} has {money(c.credit_minor, cur)} of credit since {c.since} "
        f"({len(c.payment_ids)} payment{'s' if len(c.payment_ids) != 1 else ''} or credit "
        f"note{'s' if len(c.payment_ids) != 1 else ''} not applied to any invoice).",
        key=f"{cur}:{max(c.payment_ids)}:{c.credit_minor}",
        severity="low",
        client_id=c.client_id,
        evidence={
            "credit": _plain(c.credit_minor, cur),
            "currency": cur,
            "since": c.since,
            "payment_ids": list(c.payment_ids),
        },
        actions=("apply-credit", "dismiss"),
        auto="apply_credit",
    )


def broken_promise(
    inv: SettlementFacts, today: date, money: MoneyText = plain_money
) -> Finding | None:
    if inv.promise_date is None or inv.promise_date >= today or inv.balance_minor <= 0:
        return None
    late = (today - inv.promise_date).days
    return Finding(
        "promise_broken",
        "invoice",
        inv.id,
        f"{inv.client_name}: promise to pay {inv.number} passed",
        f"{inv.client_name} promised to pay {inv.number} by {inv.promise_date}; {late} days "
        f"later {money(inv.balance_minor, inv.currency)} is still open.",
        key=inv.promise_date.isoformat(),
        severity="medium",
        client_id=inv.client_id,
        evidence={
            "promise_date": inv.promise_date,
            "days_since": late,
            "balance": _plain(inv.balance_minor, inv.currency),
            "currency": inv.currency,
        },
        actions=("writeoff", "dismiss"),
    )


def open_dispute(inv: SettlementFacts, money: MoneyText = plain_money) -> Finding | None:
    if not inv.disputed or inv.balance_minor <= 0:
        return None
    note = f": {inv.dispute_note.rstrip('. ')}" if inv.dispute_note.strip() else ""
    return Finding(
        "dispute",
        "invoice",
        inv.id,
        f"{inv.client_name}: {inv.number} is disputed",
        f"{inv.client_name} disputes {inv.number} ({money(inv.balance_minor, inv.currency)} "
        f"open, due {inv.due_date}){note}. Reminders are paused until the dispute is settled "
        f"by a credit note or withdrawn.",
        severity="medium",
        client_id=inv.client_id,
        evidence={
            "balance": _plain(inv.balance_minor, inv.currency),
            "currency": inv.currency,
            "due_date": inv.due_date,
            "note": inv.dispute_note,
        },
        actions=("withdraw-dispute", "credit-note", "dismiss"),
    )
