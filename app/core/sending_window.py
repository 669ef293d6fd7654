"""When reminders may leave: business days and hours in the recipient's time zone.

A reminder that lands at 03:00 or on a Sunday reads like a machine nagging;
the same text at 10:00 on a Tuesday reads like the business following up.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

DAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_TIME = re.compile(r"^(\d{1,2}):(\d{2})$")


class WindowError(ValueError):
    """A sending window that cannot be read."""


def parse_clock(text: str) -> time:
    found = _TIME.match(text.strip())
    if found is None or int(found.group(1)) > 23 or int(found.group(2)) > 59:
        raise WindowError(f"{text!r} is not a time of day like 09:00")
    return time(int(found.group(1)), int(found.group(2)))


def parse_days(text: str) -> frozenset[int]:
    """``"mon-fri"``, ``"mon,wed,fri"`` or ``"sun-thu"`` → weekday numbers (Monday = 0)."""
    days: set[int] = set()
    for raw in text.split(","):
        part = raw.strip().lower()
        if not part:
            continue
        if "-" in part:
            first, _, last = (x.strip()[:3] for x in part.partition("-"))
            if first not in DAY_NAMES or last not in DAY_NAMES:
                raise WindowError(f"cannot read the days {part!r}; write e.g. mon-fri")
            i, j = DAY_NAMES.index(first), DAY_NAMES.index(last)
            days.update(range(i, j + 1) if i <= j else [*range(i, 7), *range(0, j + 1)])
            continue
        part = part[:3]
        if part in DAY_NAMES:
            days.add(DAY_NAMES.index(part))
        else:
            raise WindowError(f"cannot read the day {part!r}; write e.g. mon-fri")
    if not days:
        raise WindowError("the sending window needs at least one day")
    return frozenset(days)


@dataclass(frozen=True)
class SendingWindow:
    start: time = time(9)
    end: time = time(17)
    days: frozenset[int] = field(default_factory=lambda: frozenset(range(5)))

    @classmethod
    def parse(cls, start: str, end: str, days: str) -> SendingWindow:
        s, e = parse_clock(start), parse_clock(end)
        if e <= s:
            raise WindowError(f"the sending window ends ({end}) before it starts ({start})")
        return cls(s, e, parse_days(days))

    def is_open(self, local: datetime) -> bool:
        """``local`` is an aware datetime in the recipient's zone."""
        return local.weekday() in self.days and self.start <= local.time() < self.end

    def next_opening(self, local: datetime) -> datetime:
        """The first instant at or after ``local`` inside the window (same zone)."""
        tz = local.tzinfo
        for ahead in range(8):
            day = local.date() + timedelta(days=ahead)
            if day.weekday() not in self.days:
                continue
            opens = datetime.combine(day, self.start, tz)
            if ahead == 0 and local > opens:
                if local.time() < self.end:
                    return local
                continue
            return opens
        return local  # unreachable: a window has at least one day

    def describe(self) -> str:
        names = [DAY_NAMES[d].capitalize() for d in sorted(self.days)]
        return f"{', '.join(names)} {self.start:%H:%M}–{self.end:%H:%M}"


def business_days_between(start: date, end: date) -> int:
    """Monday-to-Friday days after ``start`` up to and including ``end`` (0 if not after)."""
    if end <= start:
        return 0
    whole, rest = divmod((end - start).days, 7)
    count = whole * 5
    for i in range(1, rest + 1):
        if (start + timedelta(days=whole * 7 + i)).weekday() < 5:
            count += 1
    return count
