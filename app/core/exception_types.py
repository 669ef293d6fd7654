"""Every kind of item the exceptions queue can hold, and the actions a person can take.

One catalogue, so the queue, the CLI and the documentation name things alike.
Items raised by other parts (the bill run's review reasons, e-mail failures,
exhausted reminders) are described here too, so the queue can present them.
"""

from __future__ import annotations

from dataclasses import dataclass

SEVERITIES = ("high", "medium", "low")


@dataclass(frozen=True)
class ExceptionType:
    code: str
    label: str
    group: str
    description: str
    actions: tuple[str, ...]


_REVIEW = ("approve", "reject", "edit", "dismiss")

_TYPES = [
    ExceptionType(
        "missing_email", "Missing e-mail", "Approval", "The client has no e-mail address.", _REVIEW
    ),
    ExceptionType(
        "missing_address",
        "Missing address",
        "Approval",
        "The client has no billing address.",
        _REVIEW,
    ),
    ExceptionType(
        "missing_tax_id",
        "Missing tax id",
        "Approval",
        "The tax setting needs the client's tax id.",
        _REVIEW,
    ),
    ExceptionType(
        "non_positive", "Zero or negative total", "Approval", "The total is not positive.", _REVIEW
    ),
    ExceptionType(
        "high_value",
        "High value",
        "Approval",
        "The total is above the approval amount.",
        _REVIEW,
    ),
    ExceptionType(
        "first_invoice", "First invoice", "Approval", "The client's first invoice.", _REVIEW
    ),
    ExceptionType(
        "catch_up_bill_run",
        "Catch-up bill run",
        "Approval",
        "More periods than allowed fell due at once.",
        _REVIEW,
    ),
    ExceptionType(
        "variance",
        "Variance",
        "Billing checks",
        "Changed against the previous invoice of the same schedule, unexplained.",
        _REVIEW,
    ),
    ExceptionType(
        "duplicate_invoice",
        "Possible duplicate",
        "Billing checks",
        "Same client, near-equal amount and lines, close in time or period.",
        ("reject", "approve", "edit", "dismiss"),
    ),
    ExceptionType(
        "contract_discrepancy",
        "Contract discrepancy",
        "Billing checks",
        "A line's price or quantity differs from the agreed terms.",
        ("edit", "approve", "reject", "dismiss"),
    ),
    ExceptionType(
        "anomaly",
        "Unusual amount",
        "Billing checks",
        "Outside the client's own normal range.",
        ("approve", "edit", "reject", "dismiss"),
    ),
    ExceptionType(
        "usage",
        "Usage spike or drop",
        "Billing checks",
        "An item's quantity is outside its normal range.",
        ("approve", "edit", "reject", "dismiss"),
    ),
    ExceptionType(
        "missed_recurring",
        "Missed recurring invoice",
        "Billing checks",
        "A client billed at a steady interval was not billed this period.",
        ("dismiss",),
    ),
    ExceptionType(
        "unmatched_bank_line",
        "Unmatched bank line",
        "Bank",
        "Money in the bank that no invoice explains yet.",
        ("accept-line", "ignore-line", "dismiss"),
    ),
    ExceptionType(
        "duplicate_bank_line",
        "Bank line imported twice",
        "Bank",
        "The same transaction from two statements.",
        ("ignore-line", "dismiss"),
    ),
    ExceptionType(
        "short_payment",
        "Short payment",
        "Payments",
        "Paid less than the invoice total.",
        ("writeoff", "dismiss"),
    ),
    ExceptionType(
        "over_payment",
        "Over payment",
        "Payments",
        "Paid more than was due; the rest is credit.",
        ("apply-credit", "dismiss"),
    ),
    ExceptionType(
        "credit_balance",
        "Credit waiting",
        "Payments",
        "Client credit not yet used.",
        ("apply-credit", "dismiss"),
    ),
    ExceptionType(
        "promise_broken",
        "Promise to pay passed",
        "Collections",
        "The promised date passed and the invoice is unpaid.",
        ("dismiss",),
    ),
    ExceptionType(
        "dispute",
        "Disputed invoice",
        "Collections",
        "The client disputes the invoice; reminders are paused.",
        ("withdraw-dispute", "credit-note", "dismiss"),
    ),
    ExceptionType(
        "reminders_exhausted",
        "Reminders exhausted",
        "Collections",
        "The final notice passed and the invoice is unpaid.",
        ("writeoff", "dismiss"),
    ),
    ExceptionType(
        "dunning_escalation",
        "Reminders exhausted",
        "Collections",
        "The last reminder stage went out and the invoice is unpaid.",
        ("writeoff", "dismiss"),
    ),
    ExceptionType(
        "late_fee_rates",
        "Late-fee rates missing",
        "Collections",
        "Late-payment interest needs a reference rate that is not set.",
        ("dismiss",),
    ),
    ExceptionType(
        "import_first",
        "Bank import needed",
        "Bank",
        "Overdue reminders wait for a recent bank statement.",
        ("dismiss",),
    ),
    ExceptionType(
        "mail_failed",
        "E-mail not delivered",
        "Mail",
        "An e-mail could not be delivered; fix the address and retry.",
        ("retry-mail", "dismiss"),
    ),
    ExceptionType(
        "email_failure",
        "E-mail not delivered",
        "Mail",
        "An e-mail could not be delivered.",
        ("retry-mail", "dismiss"),
    ),
    ExceptionType(
        "no_email",
        "No e-mail address",
        "Mail",
        "Reminders cannot go out: the client has no e-mail address.",
        ("dismiss",),
    ),
]

TYPES: dict[str, ExceptionType] = {t.code: t for t in _TYPES}
GROUPS: tuple[str, ...] = ("Approval", "Billing checks", "Payments", "Bank", "Collections", "Mail")

ACTIONS: dict[str, str] = {
    "approve": "Approve",
    "reject": "Reject",
    "edit": "Open invoice",
    "dismiss": "Dismiss",
    "writeoff": "Write off balance",
    "apply-credit": "Apply credit",
    "accept-line": "Accept match",
    "ignore-line": "Ignore line",
    "withdraw-dispute": "Withdraw dispute",
    "credit-note": "Credit note",
    "retry-mail": "Retry e-mail",
}

# Actions a person takes in the queue; "edit" only opens the invoice elsewhere.
RESOLVING = tuple(a for a in ACTIONS if a != "edit")


def describe(code: str) -> ExceptionType:
    """The catalogue entry, or a plain one for a type another part raised without telling us."""
    found = TYPES.get(code)
    if found is not None:
        return found
    return ExceptionType(code, code.replace("_", " ").capitalize(), "Other", "", ("dismiss",))


def actions_of(code: str, stored: str) -> tuple[str, ...]:
    """The actions offered for an item: those stored with it, else its type's defaults.

    Stored actions that are sentences (advice from the part that raised the item)
    are not buttons; the type's own actions stand in for them.
    """
    own = tuple(a.strip() for a in stored.split(",") if a.strip() in ACTIONS)
    chosen = own or describe(code).actions
    if "dismiss" not in chosen:
        chosen = (*chosen, "dismiss")
    return tuple(a for a in chosen if a in ACTIONS)
