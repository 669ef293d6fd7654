"""The reminder policy, decided from plain facts: stages, window, catch-up, holds, tone.

Calendar used throughout (2026): the invoice is due on Wednesday 18 March, so
the default stages fall on Sun 15 (-3), Thu 19 (+1), Wed 25 (+7), Wed 1 April
(+14) and Fri 17 April (+30).  Europe/Dublin is on GMT until Sunday 29 March.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from app.core.dunning import (
    DunningPolicy,
    IncomingLine,
    InvoiceFacts,
    PolicyError,
    decide,
    parse_stages,
    policy_from_settings,
    schedule_for,
    stages_text,
)
from app.core.sending_window import SendingWindow, WindowError, business_days_between, parse_days

DUBLIN = ZoneInfo("Europe/Dublin")
DUE = date(2026, 3, 18)
POLICY = DunningPolicy()


def at(day: int, hour: int = 10, minute: int = 0, month: int = 3) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=UTC)


def facts(**kw: object) -> InvoiceFacts:
    base: dict[str, object] = {
        "invoice_id": 1,
        "number": "INV-1",
        "due_date": DUE,
        "currency": "EUR",
        "balance_minor": 100_00,
        "last_contact": at(2),  # the invoice e-mail, Monday 2 March
    }
    base.update(kw)
    return InvoiceFacts(**base)  # type: ignore[arg-type]


def test_default_stages_read_as_the_policy_describes_them() -> None:
    stages = POLICY.stages
    assert [(s.key, s.offset_days, s.escalate) for s in stages] == [
        ("heads_up", -3, False),
        ("first", 1, False),
        ("second", 7, False),
        ("third", 14, False),
        ("final", 30, True),
    ]
    assert stages_text(stages) == "heads_up -3, first +1, second +7, third +14, final +30!"


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("first +7, second +1", "in order"),
        ("first +1, first +7", "used twice"),
        ("first seven", "cannot read the stage 'first seven'"),
        ("", "at least one stage"),
    ],
)
def test_a_stage_list_that_cannot_work_is_refused_with_the_reason(text: str, problem: str) -> None:
    with pytest.raises(PolicyError, match=problem):
        parse_stages(text)


def test_a_stage_due_on_a_sunday_goes_out_on_monday_morning() -> None:
    # Friday 13th: the heads-up (-3) falls on Sunday 15th; the window opens Monday 09:00.
    d = decide(facts(), POLICY, at(13), DUBLIN)
    assert (d.action, d.code, d.stage.key if d.stage else None) == ("wait", "not_due", "heads_up")
    assert d.next_at == datetime(2026, 3, 16, 9, 0, tzinfo=DUBLIN)
    sunday = decide(facts(), POLICY, at(15), DUBLIN)
    assert (sunday.action, sunday.code) == ("wait", "window")
    monday = decide(facts(), POLICY, at(16), DUBLIN)
    assert (monday.action, monday.stage.key if monday.stage else None) == ("send", "heads_up")


def test_the_window_is_read_in_the_clients_time_zone() -> None:
    # Monday 16 March 10:00 UTC is 06:00 in New York (EDT since 8 March): too early there;
    # 09:00 EDT is 13:00 UTC.
    d = decide(facts(client_tz="America/New_York"), POLICY, at(16), DUBLIN)
    assert (d.action, d.code) == ("wait", "window")
    assert d.next_at == datetime(2026, 3, 16, 13, 0, tzinfo=UTC)
    # 16:59 Dublin is inside the window, 17:00 is not.
    assert decide(facts(), POLICY, at(16, 16, 59), DUBLIN).action == "send"
    assert decide(facts(), POLICY, at(16, 17, 0), DUBLIN).code == "window"


def test_after_a_long_absence_only_the_latest_due_stage_is_sent() -> None:
    policy = DunningPolicy(
        stages=parse_stages("first +1, second +3, third +7, fourth +14, final +30!")
    )
    done = {"first": "sent"}
    # Friday 3 April = due + 16: second (+3), third (+7) and fourth (+14) are all due.
    d = decide(facts(stages_done=done, last_contact=at(19)), policy, at(3, month=4), DUBLIN)
    assert d.action == "send"
    assert d.stage is not None and d.stage.key == "fourth"
    assert [s.key for s in d.skip] == ["second", "third"]


def test_no_reminder_within_three_days_of_another_email_or_twice_a_day() -> None:
    # A manual e-mail about the invoice went out on Monday 23rd; the +7 stage (Wed 25th)
    # waits until Thursday 26th, three days later.
    done = {"heads_up": "sent", "first": "sent"}
    d = decide(facts(stages_done=done, last_contact=at(23)), POLICY, at(25), DUBLIN)
    assert (d.action, d.code) == ("wait", "spacing")
    assert d.next_at == datetime(2026, 3, 26, 9, 0, tzinfo=DUBLIN)
    same_day = decide(
        facts(stages_done=done, last_reminder=at(25, 9, 30), last_contact=at(19)),
        DunningPolicy(spacing_days=0),
        at(25, 15),
        DUBLIN,
    )
    assert (same_day.action, same_day.code) == ("wait", "today")


def test_a_message_still_on_its_way_holds_the_next_one() -> None:
    d = decide(facts(pending_message=True), POLICY, at(16), DUBLIN)
    assert (d.action, d.code) == ("wait", "pending")


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"disputed": True}, "disputed"),
        ({"no_auto_reminders": True}, "no_auto"),
        ({"balance_minor": 4_99}, "minimum"),
        ({"has_email": False}, "no_email"),
        ({"policy_problem": "bad JSON"}, "policy_error"),
    ],
)
def test_holds_name_their_reason(changes: dict[str, object], code: str) -> None:
    d = decide(facts(**changes), POLICY, at(16), DUBLIN)
    assert (d.action, d.code) == ("hold", code)


def test_a_balance_at_the_minimum_is_still_reminded() -> None:
    # The minimum is 5.00: 4.99 is held (above), exactly 5.00 is not.
    assert decide(facts(balance_minor=5_00), POLICY, at(16), DUBLIN).action == "send"


def test_a_promise_to_pay_holds_until_two_days_after_the_promised_date() -> None:
    done = {"heads_up": "sent", "first": "sent"}
    promised = facts(stages_done=done, last_contact=at(19), promise_date=date(2026, 3, 28))
    held = decide(promised, POLICY, at(30), DUBLIN)  # 28 + 2 = 30 March: still held
    assert (held.action, held.code) == ("hold", "promise")
    assert held.next_at == datetime(2026, 3, 31, 9, 0, tzinfo=DUBLIN)
    resumed = decide(promised, POLICY, at(31), DUBLIN)
    assert resumed.action == "send" and resumed.stage is not None
    assert resumed.stage.key == "second"  # +7 is due, +14 (1 April) not yet


def test_an_unmatched_payment_of_half_the_balance_or_more_holds_reminders() -> None:
    done = {"heads_up": "sent", "first": "sent"}
    base = {"stages_done": done, "last_contact": at(19)}
    half = facts(incoming=(IncomingLine(date(2026, 3, 20), 50_00),), **base)
    assert decide(half, POLICY, at(25), DUBLIN).code == "payment_seen"
    less = facts(incoming=(IncomingLine(date(2026, 3, 20), 49_99),), **base)
    assert decide(less, POLICY, at(25), DUBLIN).action == "send"
    # 14 March is eleven days before 25 March: older than the ten-day hold.
    old = facts(incoming=(IncomingLine(date(2026, 3, 14), 100_00),), **base)
    assert decide(old, POLICY, at(25), DUBLIN).action == "send"


def test_overdue_stages_ask_for_a_recent_bank_import_first() -> None:
    # Last import Tuesday 10 March; on Thursday 19th that is 7 business days ago (11, 12, 13,
    # 16, 17, 18, 19) — more than 5, so the +1 reminder waits for an import.
    done = {"heads_up": "sent"}
    stale = facts(stages_done=done, last_contact=at(16), last_import=at(10))
    d = decide(stale, POLICY, at(19), DUBLIN)
    assert (d.action, d.code) == ("hold", "import_first")
    # The heads-up before the due date does not depend on the bank.
    assert decide(facts(last_import=at(2)), POLICY, at(16), DUBLIN).action == "send"
    # A business that never imports statements is not asked to.
    assert (
        decide(facts(stages_done=done, last_contact=at(16)), POLICY, at(19), DUBLIN).action
        == "send"
    )


def test_a_first_time_late_payer_gets_the_gentle_tone() -> None:
    assert decide(facts(late_history=0), POLICY, at(16), DUBLIN).tone == "gentle"
    assert decide(facts(late_history=1), POLICY, at(16), DUBLIN).tone == "gentle"
    assert decide(facts(late_history=2), POLICY, at(16), DUBLIN).tone == "standard"


def test_a_paid_invoice_and_a_finished_sequence_need_nothing() -> None:
    assert decide(facts(balance_minor=0), POLICY, at(16), DUBLIN).code == "paid"
    done = {s.key: "sent" for s in POLICY.stages}
    assert decide(facts(stages_done=done), POLICY, at(20, month=4), DUBLIN).code == "finished"


def test_a_clients_override_changes_only_what_it_names() -> None:
    values = {"dunning.stages": "first +1, final +30!", "dunning.minimum_balance": Decimal("5")}
    policy = policy_from_settings(values, {"minimum_balance": "50", "window_days": "sun-thu"})
    assert [s.key for s in policy.stages] == ["first", "final"]
    assert policy.minimum_balance == Decimal("50")
    assert policy.window.days == frozenset({6, 0, 1, 2, 3})
    with pytest.raises(PolicyError, match="unknown reminder setting"):
        policy_from_settings(values, {"stagez": "first +1"})
    with pytest.raises(PolicyError, match="ends"):
        policy_from_settings(values, {"window_start": "17:00", "window_end": "09:00"})


def test_the_schedule_preview_lists_first_chances() -> None:
    plan = schedule_for(POLICY, DUE, DUBLIN)
    # Sunday 15 March → Monday 09:00; Friday 17 April stays Friday.
    assert plan[0].first_chance == datetime(2026, 3, 16, 9, 0, tzinfo=DUBLIN)
    assert plan[-1].first_chance == datetime(2026, 4, 17, 9, 0, tzinfo=DUBLIN)


def test_window_days_and_business_day_counts() -> None:
    assert parse_days("mon-fri") == frozenset(range(5))
    assert parse_days("Monday, Wednesday") == frozenset({0, 2})
    with pytest.raises(WindowError):
        parse_days("funday")
    # Friday 13 → Monday 16 March: one business day (the Monday).
    assert business_days_between(date(2026, 3, 13), date(2026, 3, 16)) == 1
    assert business_days_between(date(2026, 3, 10), date(2026, 3, 19)) == 7
    assert business_days_between(date(2026, 3, 19), date(2026, 3, 10)) == 0
    window = SendingWindow(time(9), time(17), frozenset(range(5)))
    assert window.describe() == "Mon, Tue, Wed, Thu, Fri 09:00–17:00"
