"""The one source of "today" and "now".

Business dates (invoice dates, due dates, periods) are calendar dates in the
business's time zone; instants (audit, e-mail timestamps) are UTC.  Nothing
else in the code calls ``date.today()`` or ``datetime.now()``: services get a
Clock, so tests and ``--as-of`` can travel in time.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo


@dataclass
class Clock:
    """Wall clock in a business time zone, optionally pinned to a business date.

    ``as_of`` pins "today" (the CLI's ``--as-of``); ``now_utc`` then reports
    noon of that day in the business zone so that instants and dates agree.
    ``fixed_instant`` pins the instant itself (tests that care about hours).
    """

    tz_name: str = "UTC"
    as_of: date | None = None
    fixed_instant: datetime | None = None
    _tz: ZoneInfo = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self._tz = ZoneInfo(self.tz_name)
        if self.fixed_instant is not None and self.fixed_instant.tzinfo is None:
            raise ValueError("fixed_instant must be timezone-aware")

    @property
    def tz(self) -> ZoneInfo:
        return self._tz

    def now_utc(self) -> datetime:
        """The current instant in UTC."""
        if self.fixed_instant is not None:
            return self.fixed_instant.astimezone(UTC)
        if self.as_of is not None:
            return datetime.combine(self.as_of, time(12, 0), self._tz).astimezone(UTC)
        return datetime.now(UTC)

    def wall_utc(self) -> datetime:
        """The real instant (or the pinned one in tests), ignoring ``as_of``.

        For lock expiry and retry back-off, which must agree between processes
        even when one of them runs with ``--as-of``.
        """
        if self.fixed_instant is not None:
            return self.fixed_instant.astimezone(UTC)
        return datetime.now(UTC)

    def now_local(self) -> datetime:
        """The current instant in the business time zone."""
        return self.now_utc().astimezone(self._tz)

    def today(self) -> date:
        """Today's calendar date in the business time zone."""
        if self.as_of is not None and self.fixed_instant is None:
            return self.as_of
        return self.now_local().date()

    def advance(self, days: int = 0, hours: int = 0) -> None:
        """Move a pinned clock forward (time-travel tests)."""
        if self.fixed_instant is not None:
            self.fixed_instant = self.fixed_instant + timedelta(days=days, hours=hours)
        elif self.as_of is not None:
            self.as_of = self.as_of + timedelta(days=days)
        else:
            raise RuntimeError("only a pinned clock can be advanced")

    def with_zone(self, tz_name: str) -> Clock:
        """The same moment seen from another business time zone."""
        return Clock(tz_name=tz_name, as_of=self.as_of, fixed_instant=self.fixed_instant)
