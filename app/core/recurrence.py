"""When a schedule bills: periods computed from the anchor, never stepped from the last date.

Period *n* starts at ``anchor + n × step`` (dateutil's ``relativedelta`` clips
the day to the month's end), so a schedule anchored on January 31 bills on
February 28 (29 in a leap year) and then March 31 again — stepping from the
previous date would ratchet it to the 28th forever.  A start date that is not
on the anchor day opens with a short first period, prorated by days.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from dateutil.relativedelta import relativedelta
from dateutil.rrule import rrulestr

LAST_DAY = -1


class Cadence(StrEnum):
    WEEKLY = "weekly"
    MONTHLY = "monthly"
    QUARTERLY = "quarterly"
    HALF_YEARLY = "half_yearly"
    YEARLY = "yearly"
    RRULE = "rrule"


class Timing(StrEnum):
    ADVANCE = "advance"
    ARREARS = "arrears"


_MONTHS = {Cadence.MONTHLY: 1, Cadence.QUARTERLY: 3, Cadence.HALF_YEARLY: 6, Cadence.YEARLY: 12}


class RecurrenceError(ValueError):
    """A schedule whose dates cannot be computed (e.g. an invalid RRULE)."""


@dataclass(frozen=True)
class Period:
    index: int
    start: date
    end: date  # inclusive
    full_start: date  # where the period would start without a short first period
    full_end: date

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    @property
    def full_days(self) -> int:
        return (self.full_end - self.full_start).days + 1

    @property
    def is_partial(self) -> bool:
        return self.start != self.full_start or self.end != self.full_end


@dataclass(frozen=True)
class Recurrence:
    cadence: Cadence
    start: date
    interval: int = 1
    anchor_day: int | None = None  # 1–31, or LAST_DAY; None = the start date's day
    end: date | None = None  # inclusive last day of service
    rrule: str = ""

    def __post_init__(self) -> None:
        if self.interval < 1:
            raise RecurrenceError("the interval must be at least 1")
        if self.anchor_day is not None and not (
            self.anchor_day == LAST_DAY or 1 <= self.anchor_day <= 31
        ):
            raise RecurrenceError("the anchor day must be 1–31 or the last day of the month")
        if self.end is not None and self.end < self.start:
            raise RecurrenceError("the end date is before the start date")
        if self.cadence is Cadence.RRULE and not self.rrule.strip():
            raise RecurrenceError("an RRULE cadence needs a rule, e.g. FREQ=MONTHLY;BYMONTHDAY=15")

    # anchors ------------------------------------------------------------------
    def _anchor(self) -> date:
        """The first full-period boundary on or after the start date."""
        if self.cadence in _MONTHS and self.anchor_day is not None:
            day = 31 if self.anchor_day == LAST_DAY else self.anchor_day
            candidate = self.start + relativedelta(day=day)
            if candidate < self.start:
                candidate = self.start + relativedelta(months=1, day=day)
            return candidate
        return self.start

    def boundary(self, n: int) -> date:
        """Start of full period *n* counted from the anchor (n may be -1 for the stub)."""
        anchor = self._anchor()
        if self.cadence is Cadence.WEEKLY:
            return anchor + timedelta(weeks=n * self.interval)
        if self.cadence in _MONTHS:
            months = _MONTHS[self.cadence] * self.interval * n
            if self.anchor_day is None:
                day = anchor.day
            else:
                day = 31 if self.anchor_day == LAST_DAY else self.anchor_day
            return anchor + relativedelta(months=months, day=day)
        raise RecurrenceError(f"no fixed step for {self.cadence}")

    # periods ------------------------------------------------------------------
    def periods(self, until: date | None = None, limit: int = 100_000) -> Iterator[Period]:
        """Every period that starts on or before ``until`` (and before the end date)."""
        if self.cadence is Cadence.RRULE:
            yield from self._rrule_periods(until, limit)
            return
        anchor = self._anchor()
        index = 0
        if anchor > self.start:
            stub_full_start = self.boundary(-1)
            end = anchor - timedelta(days=1)
            yield from self._clip(Period(0, self.start, end, stub_full_start, end), until)
            if self.end is not None and end >= self.end:
                return
            index = 1
        n = 0
        while index < limit:
            start = self.boundary(n)
            full_end = self.boundary(n + 1) - timedelta(days=1)
            if until is not None and start > until:
                return
            if self.end is not None and start > self.end:
                return
            yield from self._clip(Period(index, start, full_end, start, full_end), until)
            index += 1
            n += 1

    def _clip(self, p: Period, until: date | None) -> Iterator[Period]:
        if until is not None and p.start > until:
            return
        if self.end is not None and p.end > self.end:
            p = Period(p.index, p.start, self.end, p.full_start, p.full_end)
        yield p

    def _rrule_periods(self, until: date | None, limit: int) -> Iterator[Period]:
        """Each occurrence opens a period that lasts until the day before the next one."""
        try:
            rule = rrulestr(self.rrule, dtstart=_dt(self.start))
        except (ValueError, TypeError) as exc:
            raise RecurrenceError(f"invalid RRULE {self.rrule!r}: {exc}") from exc
        occurrences = iter(rule)
        first = next(occurrences, None)
        if first is None:
            return
        current = first.date()
        index = 0
        while index < limit:
            if until is not None and current > until:
                return
            if self.end is not None and current > self.end:
                return
            following = next(occurrences, None)
            # A finite rule: the last occurrence's period runs to the end date (or that day).
            end = following.date() - timedelta(days=1) if following else (self.end or current)
            yield from self._clip(Period(index, current, end, current, end), until)
            if following is None:
                return
            current = following.date()
            index += 1

    def period_containing(self, day: date) -> Period | None:
        for p in self.periods(until=day):
            if p.start <= day <= p.end:
                return p
        return None


def _dt(d: date):  # type: ignore[no-untyped-def]
    from datetime import datetime

    return datetime(d.year, d.month, d.day)


def due_date_of(period: Period, timing: Timing) -> date:
    """The day a period becomes billable: its first day in advance, the day after it in arrears."""
    return period.start if timing is Timing.ADVANCE else period.end + timedelta(days=1)


def invoice_due(issue: date, terms_kind: str, terms_days: int) -> date:
    """Payment due date from the issue date and the terms."""
    if terms_kind == "receipt":
        return issue
    if terms_kind == "eom":
        return issue + relativedelta(day=31) + timedelta(days=terms_days)
    return issue + timedelta(days=terms_days)


def anniversaries_before(start: date, day: date) -> int:
    """How many anniversaries of ``start`` have passed on ``day`` (for yearly price uplifts)."""
    years = relativedelta(day, start).years
    return max(0, years)
