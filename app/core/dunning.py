"""The dunning policy: which payment reminder is due for an invoice, and why (not).

Pure decisions over plain facts, so the same rule serves the sender, the
``send --dry-run`` listing, the invoice's reminder timeline and the settings
preview.  The rules that keep reminders polite:

* stages are counted from the due date (``heads_up -3`` … ``final +30``);
* a reminder leaves only in the sending window (business days and hours in the
  client's time zone when known, else the business's);
* after the app was closed for a while only the *latest* due stage is sent and
  the older unsent ones are skipped, never a burst of reminders in one morning;
* at most one reminder per invoice per day, and none within a few days of any
  other e-mail about the same invoice;
* nothing while the invoice is disputed, a promise to pay (plus grace) is still
  running, the client asked for no automatic reminders, the balance is below the
  minimum, or an unmatched incoming bank payment from the client may already
  cover it; stages after the due date also wait for a recent bank import.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, tzinfo

from app.core.money import Money
from app.core.reminder_policy import (
    DEFAULT_STAGES,
    OVERRIDE_KEYS,
    STAGE_TITLES,
    DunningPolicy,
    PolicyError,
    Stage,
    parse_override,
    parse_stages,
    policy_from_settings,
    stages_text,
)
from app.core.sending_window import business_days_between

__all__ = [
    "DEFAULT_STAGES",
    "DONE",
    "HOLD",
    "OVERRIDE_KEYS",
    "SEND",
    "STAGE_TITLES",
    "WAIT",
    "Decision",
    "DunningPolicy",
    "IncomingLine",
    "InvoiceFacts",
    "PlannedStage",
    "PolicyError",
    "Stage",
    "decide",
    "parse_override",
    "parse_stages",
    "policy_from_settings",
    "schedule_for",
    "stages_text",
    "tone_for",
]


@dataclass(frozen=True)
class IncomingLine:
    """An unmatched payment into the bank from this client (by known IBAN or name)."""

    booking_date: date
    amount_minor: int


@dataclass(frozen=True)
class InvoiceFacts:
    """What the policy needs to know about one open invoice, gathered by the service."""

    invoice_id: int
    number: str
    due_date: date
    currency: str
    balance_minor: int
    is_open: bool = True
    disputed: bool = False
    promise_date: date | None = None
    no_auto_reminders: bool = False
    has_email: bool = True
    client_tz: str = ""
    stages_done: Mapping[str, str] = field(default_factory=dict)  # stage key → outbox status
    last_contact: datetime | None = None  # last e-mail about the invoice (sent or maybe sent)
    last_reminder: datetime | None = None
    pending_message: bool = False  # something about it is queued or being sent
    incoming: tuple[IncomingLine, ...] = ()
    last_import: datetime | None = None  # None: the business never imports statements
    late_history: int = 0  # other invoices of this client paid late or overdue (12 months)
    policy_problem: str = ""


SEND, WAIT, HOLD, DONE = "send", "wait", "hold", "done"


@dataclass(frozen=True)
class Decision:
    """What to do now, and the sentence that explains it to the user."""

    action: str  # send | wait | hold | done
    code: str
    reason: str
    stage: Stage | None = None
    stage_date: date | None = None
    skip: tuple[Stage, ...] = ()
    next_at: datetime | None = None
    tone: str = "standard"


def tone_for(facts: InvoiceFacts, policy: DunningPolicy) -> str:
    """A first-time late payer hears a gentler text than a habitual one."""
    return "standard" if facts.late_history >= policy.habitual_after else "gentle"


def decide(
    facts: InvoiceFacts, policy: DunningPolicy, now: datetime, business_tz: tzinfo
) -> Decision:
    """The one reminder decision for an invoice at the instant ``now``."""
    tz = _zone(facts.client_tz) or business_tz
    local = now.astimezone(tz)
    today = local.date()
    tone = tone_for(facts, policy)
    if not facts.is_open or facts.balance_minor <= 0:
        return Decision(DONE, "paid", "Nothing is owed on this invoice.", tone=tone)
    if facts.policy_problem:
        return Decision(HOLD, "policy_error", facts.policy_problem, tone=tone)
    if not policy.enabled:
        return Decision(HOLD, "disabled", "Automatic reminders are switched off.", tone=tone)
    if facts.no_auto_reminders:
        return Decision(HOLD, "no_auto", "The client asked for no automatic reminders.", tone=tone)
    undone = [
        (s, facts.due_date + timedelta(days=s.offset_days))
        for s in policy.stages
        if s.key not in facts.stages_done
    ]
    due = [(s, d) for s, d in undone if d <= today]
    upcoming = [(s, d) for s, d in undone if d > today]
    target = due[-1] if due else (upcoming[0] if upcoming else None)
    stage, stage_date = target if target else (None, None)

    def verdict(action: str, code: str, reason: str, next_at: datetime | None = None) -> Decision:
        return Decision(action, code, reason, stage, stage_date, next_at=next_at, tone=tone)

    hold = _hold(facts, policy, today, tz)
    if hold is not None:
        return verdict(HOLD, *hold)
    if target is None:
        return Decision(DONE, "finished", "Every reminder stage has been used.", tone=tone)
    assert stage is not None and stage_date is not None
    if not due:
        opens = policy.window.next_opening(datetime.combine(stage_date, time(0), tz))
        return verdict(WAIT, "not_due", f"Next: {stage.title.lower()} ({stage.label} days).", opens)
    if stage.offset_days > 0 and _import_stale(facts, policy, today, tz):
        assert facts.last_import is not None
        return verdict(
            HOLD,
            "import_first",
            "Import a recent bank statement first: the last import is from "
            f"{facts.last_import.astimezone(tz).date().isoformat()}, more than "
            f"{policy.import_max_age} business days ago, and the client may have paid.",
        )
    if facts.pending_message:
        return verdict(WAIT, "pending", "Another e-mail about this invoice is still on its way.")
    spaced = _spacing(facts, policy, today, tz)
    if spaced is not None:
        return verdict(WAIT, *spaced)
    if not policy.window.is_open(local):
        opens = policy.window.next_opening(local)
        return verdict(WAIT, "window", "Outside the sending window.", opens)
    if not facts.has_email:
        return verdict(HOLD, "no_email", "The client has no e-mail address.")
    skipped = tuple(s for s, _ in due[:-1])
    why = f"{stage.title} ({stage.label} days) is due."
    if skipped:
        why += " Skipped while closed: " + ", ".join(f"{s.label}" for s in skipped) + "."
    return Decision(SEND, "due", why, stage, stage_date, skipped, tone=tone)


def _hold(
    facts: InvoiceFacts, policy: DunningPolicy, today: date, tz: tzinfo
) -> tuple[str, str, datetime | None] | None:
    if facts.disputed:
        return ("disputed", "The invoice is disputed.", None)
    if facts.promise_date is not None:
        until = facts.promise_date + timedelta(days=policy.promise_grace_days)
        if today <= until:
            resume = datetime.combine(until + timedelta(days=1), time(0), tz)
            return (
                "promise",
                f"The client promised to pay by {facts.promise_date.isoformat()}; "
                f"reminders resume after {until.isoformat()}.",
                policy.window.next_opening(resume),
            )
    balance = Money.from_minor(facts.balance_minor, facts.currency)
    if balance.amount < policy.minimum_balance:
        return (
            "minimum",
            f"The balance {balance.plain()} {facts.currency} is below the minimum "
            f"{policy.minimum_balance} for reminders.",
            None,
        )
    since = today - timedelta(days=policy.payment_hold_days)
    for line in facts.incoming:
        if line.booking_date >= since and 2 * line.amount_minor >= facts.balance_minor:
            paid = Money.from_minor(line.amount_minor, facts.currency).plain()
            return (
                "payment_seen",
                f"Payment may have arrived: an unmatched {paid} {facts.currency} from this client "
                f"on {line.booking_date.isoformat()}; match it or reject it first.",
                None,
            )
    return None


def _import_stale(facts: InvoiceFacts, policy: DunningPolicy, today: date, tz: tzinfo) -> bool:
    if not policy.require_recent_import or facts.last_import is None:
        return False
    last = facts.last_import.astimezone(tz).date()
    return business_days_between(last, today) > policy.import_max_age


def _spacing(
    facts: InvoiceFacts, policy: DunningPolicy, today: date, tz: tzinfo
) -> tuple[str, str, datetime | None] | None:
    if facts.last_reminder is not None and facts.last_reminder.astimezone(tz).date() >= today:
        tomorrow = datetime.combine(today + timedelta(days=1), time(0), tz)
        return ("today", "A reminder went out today already.", policy.window.next_opening(tomorrow))
    if facts.last_contact is None:
        return None
    last = facts.last_contact.astimezone(tz).date()
    free = last + timedelta(days=policy.spacing_days)
    if today < free:
        return (
            "spacing",
            f"An e-mail about this invoice went out on {last.isoformat()}; "
            f"the next waits until {free.isoformat()}.",
            policy.window.next_opening(datetime.combine(free, time(0), tz)),
        )
    return None


def _zone(name: str) -> tzinfo | None:
    if not name:
        return None
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return None


@dataclass(frozen=True)
class PlannedStage:
    stage: Stage
    day: date
    first_chance: datetime


def schedule_for(policy: DunningPolicy, due_date: date, tz: tzinfo) -> list[PlannedStage]:
    """When each stage would go out for an invoice due on ``due_date`` (the settings preview)."""
    out = []
    for s in policy.stages:
        day = due_date + timedelta(days=s.offset_days)
        out.append(
            PlannedStage(s, day, policy.window.next_opening(datetime.combine(day, time(0), tz)))
        )
    return out
