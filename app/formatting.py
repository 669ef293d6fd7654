"""Locale-aware writing of money, numbers, percentages and dates (Babel/CLDR).

One module so that the PDF, the e-mail body and the GUI write ``1.234,50 €``
the same way.  Two rules differ from Babel's defaults on purpose:

* The number of decimals is the currency's ISO 4217 exponent from
  ``app.core.currency`` (the one our amounts are rounded to), not CLDR's
  "cash digits": an IQD amount rounded to 3 decimals is printed with 3.
* An alphabetic currency symbol is separated from the digits by a no-break
  space ("KWD 1,234.567", as CLDR's currency-spacing rule asks), and the
  full-width yen/won/pound signs that CLDR uses for Japanese and Korean are
  written in their ordinary forms, which every Latin font carries.
"""

from __future__ import annotations

import copy
import unicodedata
from datetime import date
from decimal import Decimal
from functools import lru_cache
from typing import Literal

from babel import Locale, UnknownLocaleError
from babel.dates import format_date as _babel_format_date
from babel.numbers import NumberPattern, get_currency_symbol

from app.core.currency import exponent
from app.core.money import Money

DateStyle = Literal["short", "medium", "long"]

NBSP = "\u00a0"
_ORDINARY_SIGNS = str.maketrans({"\uffe0": "¢", "\uffe1": "£", "\uffe5": "¥", "\uffe6": "₩"})
_HUNDRED = Decimal(100)


@lru_cache(maxsize=64)
def parse_locale(name: str) -> Locale:
    """A Babel Locale for ``en_IE`` or ``en-IE``; ValueError for an unknown one."""
    try:
        return Locale.parse((name or "").strip().replace("-", "_"))
    except (UnknownLocaleError, ValueError, TypeError) as exc:
        raise ValueError(f"unknown locale {name!r} (expected e.g. en_IE, de_DE, ja_JP)") from exc


@lru_cache(maxsize=256)
def _pattern(locale_name: str, kind: str, places: int | None) -> NumberPattern:
    loc = parse_locale(locale_name)
    if kind == "currency":
        source = loc.currency_formats["standard"]
    elif kind == "percent":
        source = loc.percent_formats[None]
    else:
        source = loc.decimal_formats[None]
    pattern = copy.copy(source)
    if places is not None:
        pattern.frac_prec = (places, places)
    return pattern


def _is_letter(char: str) -> bool:
    return unicodedata.category(char).startswith("L")


def _space_symbol(text: str, symbol: str) -> str:
    """Insert a no-break space between an alphabetic symbol and an adjacent digit."""
    at = text.find(symbol)
    if at < 0 or not symbol:
        return text
    end = at + len(symbol)
    if end < len(text) and text[end].isdigit() and _is_letter(symbol[-1]):
        text = text[:end] + NBSP + text[end:]
    if at > 0 and text[at - 1].isdigit() and _is_letter(symbol[0]):
        text = text[:at] + NBSP + text[at:]
    return text


@lru_cache(maxsize=256)
def _symbol(currency: str, locale_name: str) -> str:
    return get_currency_symbol(currency, locale=parse_locale(locale_name))


def format_money(money: Money, locale: str) -> str:
    """Money with its symbol, e.g. ``€1,234.50`` (en_IE), ``1.234,50 €`` (de_DE), ``¥1,235``."""
    places = exponent(money.currency)
    pattern = _pattern(locale, "currency", places)
    text = pattern.apply(
        money.amount, parse_locale(locale), currency=money.currency, currency_digits=False
    )
    text = _space_symbol(text, _symbol(money.currency, locale))
    return text.translate(_ORDINARY_SIGNS)


def format_amount(money: Money, locale: str) -> str:
    """The number of a Money without symbol (``1.234,50``), for columns headed by the currency."""
    return format_decimal(money.amount, locale, places=exponent(money.currency))


def format_decimal(value: Decimal | int, locale: str, places: int | None = None) -> str:
    """A grouped decimal number; ``places`` fixes the decimals, None keeps the value's own."""
    dec = Decimal(value)
    if places is None:
        places = max(0, -dec.as_tuple().exponent) if dec.is_finite() else 0
    return _pattern(locale, "decimal", places).apply(dec, parse_locale(locale))


def _trimmed(value: Decimal) -> Decimal:
    """Drop trailing fractional zeros without switching to exponent notation."""
    if value == value.to_integral_value():
        return value.quantize(Decimal(1))
    return value.normalize()


def format_quantity(value: Decimal | int, locale: str) -> str:
    """A quantity as people write it: ``3``, ``1.5``, ``0,25`` (no padding zeros)."""
    return format_decimal(_trimmed(Decimal(value)), locale)


def format_percent(percent: Decimal | int, locale: str) -> str:
    """A rate given in percent (``Decimal("20")``) as ``20%`` / ``20 %`` / ``5.5%``."""
    dec = _trimmed(Decimal(percent))
    places = max(0, -dec.as_tuple().exponent)
    return _pattern(locale, "percent", places).apply(dec / _HUNDRED, parse_locale(locale))


def format_date(value: date, locale: str, style: DateStyle = "medium") -> str:
    """A calendar date, e.g. ``15 Jan 2024`` (en_IE, medium) or ``15.01.2024`` (de_DE)."""
    if style not in ("short", "medium", "long"):
        raise ValueError(f"date style must be short, medium or long, not {style!r}")
    return _babel_format_date(value, format=style, locale=parse_locale(locale))
