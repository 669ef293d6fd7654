"""'Today' is a calendar date in the business's time zone, from one injectable clock."""

from __future__ import annotations

from datetime import UTC, date, datetime

from app.core.clock import Clock


def test_just_after_midnight_local_is_already_tomorrow_while_utc_is_not() -> None:
    # 2026-03-01 00:30 in Berlin (UTC+1) is 2026-02-28 23:30 UTC.
    instant = datetime(2026, 2, 28, 23, 30, tzinfo=UTC)
    clock = Clock("Europe/Berlin", fixed_instant=instant)
    assert clock.today() == date(2026, 3, 1)
    assert clock.now_utc().date() == date(2026, 2, 28)


def test_as_of_pins_today_and_can_travel() -> None:
    clock = Clock("America/New_York", as_of=date(2026, 12, 31))
    assert clock.today() == date(2026, 12, 31)
    clock.advance(days=1)
    assert clock.today() == date(2027, 1, 1)
    assert clock.now_utc().tzinfo is not None
