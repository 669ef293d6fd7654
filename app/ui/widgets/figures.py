"""How the window writes amounts and dates: in the company's locale, cached per value.

A list of 100,000 invoices paints a few dozen cells at a time, but it repaints
often; the caches keep Babel out of the paint path after the first screen.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from babel.dates import format_date as babel_date
from babel.numbers import get_decimal_symbol

from app.core.money import Money
from app.formatting import (
    format_amount,
    format_date,
    format_money,
    format_percent,
    format_quantity,
    parse_locale,
)

DEFAULT_LOCALE = "en_IE"


class Figures:
    """Locale-aware text for money, quantities and dates, with small caches."""

    def __init__(self, locale: str = DEFAULT_LOCALE) -> None:
        self.locale = DEFAULT_LOCALE
        self._dates: dict[tuple[date, str], str] = {}
        self._amounts: dict[tuple[int, str], str] = {}
        self.set_locale(locale)

    def set_locale(self, locale: str) -> None:
        try:
            parse_locale(locale)
        except ValueError:
            locale = DEFAULT_LOCALE
        self.locale = locale
        self._dates.clear()
        self._amounts.clear()

    @property
    def decimal_mark(self) -> str:
        return str(get_decimal_symbol(parse_locale(self.locale)))

    def amount(self, minor: int, currency: str) -> str:
        """Grouped number without symbol (for columns that show the currency beside it)."""
        key = (minor, currency)
        hit = self._amounts.get(key)
        if hit is None:
            hit = format_amount(Money.from_minor(minor, currency), self.locale)
            if len(self._amounts) > 20_000:
                self._amounts.clear()
            self._amounts[key] = hit
        return hit

    def money(self, minor: int, currency: str) -> str:
        return format_money(Money.from_minor(minor, currency), self.locale)

    def money_of(self, value: Money) -> str:
        return format_money(value, self.locale)

    def date(self, value: date | None, style: str = "medium") -> str:
        if value is None:
            return ""
        key = (value, style)
        hit = self._dates.get(key)
        if hit is None:
            hit = format_date(value, self.locale, style)  # type: ignore[arg-type]
            if len(self._dates) > 5_000:
                self._dates.clear()
            self._dates[key] = hit
        return hit

    def period(self, start: date | None, end: date | None) -> str:
        if start is None or end is None:
            return ""
        return f"{self.date(start)} – {self.date(end)}"

    def period_short(self, start: date | None, end: date | None) -> str:
        """``Nov 2026`` for a calendar month, ``Q4 2026`` for a quarter, else a compact range."""
        if start is None or end is None:
            return ""
        key = (start, f"period:{end.isoformat()}")
        hit = self._dates.get(key)
        if hit is None:
            hit = self._period_short(start, end)
            self._dates[key] = hit
        return hit

    def _period_short(self, start: date, end: date) -> str:
        loc = parse_locale(self.locale)
        whole_months = start.day == 1 and (end + timedelta(days=1)).day == 1
        months = (end.year - start.year) * 12 + end.month - start.month + 1
        if whole_months and months == 1:
            return babel_date(start, "MMM y", locale=loc)
        if whole_months and months == 3 and start.month % 3 == 1:
            return f"Q{(start.month - 1) // 3 + 1} {start.year}"
        if whole_months and months == 12 and start.month == 1:
            return str(start.year)
        first = babel_date(start, "d MMM" if start.year == end.year else "d MMM y", locale=loc)
        return f"{first} – {babel_date(end, 'd MMM y', locale=loc)}"

    def quantity(self, value: Decimal) -> str:
        return format_quantity(value, self.locale)

    def percent(self, value: Decimal) -> str:
        return format_percent(value, self.locale)

    def plain_decimal(self, value: Decimal | None) -> str:
        """A Decimal as a person would type it back into a field (locale decimal mark)."""
        if value is None:
            return ""
        text = f"{value:f}"
        if "." in text:
            text = text.rstrip("0").rstrip(".")
        return text.replace(".", self.decimal_mark)
