"""Date formats of bank files, decided from a whole column.

A single "03/04/2024" cannot say whether it is the 3rd of April or the 4th of
March; a column can, as soon as one value has a day above 12.  When no value
settles it the guess is flagged doubtful, and the order that keeps the rows
sorted by date is preferred, since statements are nearly always sorted.

Formats are written the strptime way (``%d.%m.%Y``, ``%Y%m%d``, ``%d-%b-%Y``)
because that is what people know from spreadsheet and hledger rules.  A time
after the date (``2018-03-30T17:47:21``, ``2013-07-03-08.21.36.47192``) is
accepted and ignored.  ``DateReader`` parses one fixed format quickly and
caches results, since a statement repeats the same few dates many times.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from itertools import pairwise

_TIME_TAIL = (
    r"(?:[T ]\d{1,2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?\s*(?:Z|[+-]\d{2}:?\d{2}|[AaPp][Mm])?"
    r"|-\d{2}\.\d{2}\.\d{2}(?:\.\d+)?"
    r"|[+-]\d{2}:\d{2}"
    r"|,? \d{1,2}[:.]\d{2}(?:[:.]\d{2})?(?: ?[AaPp][Mm])?)?"
)

_MONTH_NAMES: dict[str, int] = {}
for _number, _names in enumerate(
    (
        "jan january januar janv janvier januari ene enero gen gennaio sty stycznia",
        "feb february februar fev fevr fevrier februari febrero febbraio lut",
        "mar march marz mrz mars maart marzo mrt",
        "apr april avr avril abr abril aprile kwi",
        "may mai mei mayo mag maggio maj",
        "jun june juni juin junio giu giugno cze",
        "jul july juli juil juillet julio lug luglio lip",
        "aug august aout augustus ago agosto sie",
        "sep sept september septembre septiembre set settembre wrz",
        "oct october okt oktober octobre octubre ott ottobre paz",
        "nov november novembre noviembre lis",
        "dec december dez dezember decembre dic diciembre dicembre gru",
    ),
    start=1,
):
    for _name in _names.split():
        _MONTH_NAMES[_name] = _number


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).lower().rstrip(".")


def month_from_name(name: str) -> int | None:
    """Month number of an English, German, French, Dutch, Spanish or Italian name."""
    folded = _fold(name)
    if folded in _MONTH_NAMES:
        return _MONTH_NAMES[folded]
    return _MONTH_NAMES.get(folded[:3]) if len(folded) >= 3 else None


def expand_year(year: int, digits: int) -> int:
    """Two-digit years pivot at 70 (69 → 2069, 70 → 1970); Quicken's 3-digit years add 1900."""
    if digits == 2:
        return 2000 + year if year < 70 else 1900 + year
    if digits == 3:
        return 1900 + year
    return year


class DateError(ValueError):
    """A value that is not a date in the expected format, or an impossible date."""

    def __init__(self, text: str, reason: str) -> None:
        super().__init__(reason)
        self.text = text
        self.reason = reason


@dataclass(frozen=True, slots=True)
class DateFormatGuess:
    """A column's date format, whether the choice is doubtful, and why."""

    fmt: str
    doubtful: bool
    reason: str


_TOKEN = re.compile(r"%[dmYyb]|%%|.", re.DOTALL)


class DateReader:
    """Parse dates of one fixed format, caching every distinct value seen.

    Unpadded days and months are accepted wherever the format has separators
    (``1.3.2024`` for ``%d.%m.%Y``); compact formats need fixed widths.
    """

    def __init__(self, fmt: str) -> None:
        self.fmt = fmt
        self.cache: dict[str, date] = {}
        tokens = _TOKEN.findall(fmt)
        compact_numbers = not any(t not in ("%d", "%m", "%Y", "%y", "%b") for t in tokens)
        parts: list[str] = []
        self._order: list[str] = []
        for token in tokens:
            if token in ("%d", "%m"):
                parts.append(r"(\d{2})" if compact_numbers else r"(\d{1,2})")
                self._order.append(token[1])
            elif token == "%Y":
                parts.append(r"(\d{4})")
                self._order.append("Y")
            elif token == "%y":
                parts.append(r"(\d{2})")
                self._order.append("y")
            elif token == "%b":
                parts.append(r"([^\W\d_]{3,}\.?)")
                self._order.append("b")
            elif token == " ":
                parts.append(r"[ ]+")
            else:
                parts.append(re.escape(token.replace("%%", "%")))
        self._pattern = re.compile(r"\s*" + "".join(parts) + r"\.?" + _TIME_TAIL + r"\s*\Z")

    def __call__(self, text: str) -> date:
        cached = self.cache.get(text)
        if cached is not None:
            return cached
        value = self.parse(text)
        self.cache[text] = value
        return value

    def matches(self, text: str) -> bool:
        """True when ``text`` has the format's shape (it may still be impossible)."""
        return self._pattern.match(text) is not None

    def parse(self, text: str) -> date:
        match = self._pattern.match(text)
        if match is None:
            raise DateError(text, f"{text.strip()!r} is not a date in the format {self.fmt}")
        day = month = year = 0
        for kind, part in zip(self._order, match.groups()):
            if kind == "d":
                day = int(part)
            elif kind == "m":
                month = int(part)
            elif kind == "Y":
                year = int(part)
            elif kind == "y":
                year = expand_year(int(part), 2)
            else:
                found = month_from_name(part)
                if found is None:
                    raise DateError(text, f"{part!r} is not a month name")
                month = found
        try:
            return date(year, month, day)
        except ValueError as exc:
            raise DateError(text, f"impossible date {text.strip()!r} ({exc})") from exc


# --- inference -------------------------------------------------------------

_TAIL = _TIME_TAIL
_YMD = re.compile(r"\s*(\d{4})([-./:])(\d{1,2})\2(\d{1,2})(\.?)" + _TAIL + r"\s*\Z")
_XXY = re.compile(r"\s*(\d{1,2})([-./])(\d{1,2})\2(\d{4}|\d{2})" + _TAIL + r"\s*\Z")
_COMPACT = re.compile(r"\s*(\d{8})" + _TAIL + r"\s*\Z")
_DBY = re.compile(r"\s*(\d{1,2})([-. /])([^\W\d_]{3,}\.?)[-. /,]+(\d{4}|\d{2})" + _TAIL + r"\s*\Z")
_BDY = re.compile(r"\s*([^\W\d_]{3,}\.?) (\d{1,2}),? (\d{4})" + _TAIL + r"\s*\Z")


def looks_like_date(text: str) -> bool:
    """A cheap shape test used when classifying cells (no validity check)."""
    if not text or len(text) > 40 or not text.strip()[:1].isalnum():
        return False
    if _XXY.match(text) or _YMD.match(text):
        return True
    compact = _COMPACT.match(text)
    if compact:
        return _plausible_compact(compact.group(1)) is not None
    dby = _DBY.match(text)
    if dby:
        return month_from_name(dby.group(3)) is not None
    bdy = _BDY.match(text)
    return bool(bdy) and month_from_name(bdy.group(1)) is not None


def _plausible_compact(digits: str) -> str | None:
    year, month, day = int(digits[:4]), int(digits[4:6]), int(digits[6:])
    if 1900 <= year <= 2099 and 1 <= month <= 12 and 1 <= day <= 31:
        return "%Y%m%d"
    day, month, year = int(digits[:2]), int(digits[2:4]), int(digits[4:])
    if 1900 <= year <= 2099 and 1 <= month <= 12 and 1 <= day <= 31:
        return "%d%m%Y"
    return None


def _monotonic_breaks(dates: Sequence[date | None]) -> int:
    known = [d for d in dates if d is not None]
    up = sum(1 for a, b in pairwise(known) if b < a)
    down = sum(1 for a, b in pairwise(known) if b > a)
    return min(up, down)


def _span(dates: Sequence[date | None]) -> int:
    known = [d for d in dates if d is not None]
    return (max(known) - min(known)).days if known else 0


def _safe_date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def decide_day_first(
    pairs: Sequence[tuple[int, int, int]], prefer_day_first: bool | None = None
) -> tuple[bool, bool, str]:
    """Decide day/month order from (first, second, year) number triples of a column.

    Returns (day_first, doubtful, reason).  Any first number above 12 settles
    day-first, any second number above 12 settles month-first.
    """
    day_evidence = sum(1 for a, b, _ in pairs if a > 12 >= b)
    month_evidence = sum(1 for a, b, _ in pairs if b > 12 >= a)
    if day_evidence and not month_evidence:
        return True, False, f"{day_evidence} value(s) have a day above 12 in first place"
    if month_evidence and not day_evidence:
        return False, False, f"{month_evidence} value(s) have a day above 12 in second place"
    if day_evidence and month_evidence:
        day_first = day_evidence >= month_evidence
        return day_first, True, "the column mixes day-first and month-first values"
    if all(a == b for a, b, _ in pairs):
        return True, False, "day and month are equal in every value"
    as_day_first = [_safe_date(y, b, a) for a, b, y in pairs]
    as_month_first = [_safe_date(y, a, b) for a, b, y in pairs]
    breaks_d = _monotonic_breaks(as_day_first)
    breaks_m = _monotonic_breaks(as_month_first)
    if breaks_d != breaks_m:
        day_first = breaks_d < breaks_m
        order = "day-first" if day_first else "month-first"
        return (
            day_first,
            True,
            (f"no day above 12 settles it; {order} keeps the rows in date order"),
        )
    span_d, span_m = _span(as_day_first), _span(as_month_first)
    if span_d * 2 < span_m or span_m * 2 < span_d:
        day_first = span_d < span_m
        order = "day-first" if day_first else "month-first"
        return (
            day_first,
            True,
            (f"no day above 12 settles it; {order} keeps the dates close together"),
        )
    if prefer_day_first is not None:
        order = "day-first" if prefer_day_first else "month-first"
        return prefer_day_first, True, f"no day above 12 settles it; {order} assumed"
    return True, True, "no day above 12 settles it; day-first assumed"


def infer_date_format(
    values: Iterable[str], prefer_day_first: bool | None = None
) -> DateFormatGuess | None:
    """The date format shared by at least 90% of the non-empty values, or None."""
    texts = [v for v in values if v and v.strip()]
    if not texts:
        return None
    need = max(1, int(len(texts) * 0.9 + 0.5)) if len(texts) > 1 else 1
    for infer in (_infer_ymd, _infer_xxy, _infer_compact, _infer_month_name):
        guess = infer(texts, need, prefer_day_first)
        if guess is not None:
            return guess
    return None


def _infer_ymd(texts: list[str], need: int, _: bool | None) -> DateFormatGuess | None:
    matches = [m for m in map(_YMD.match, texts) if m]
    if len(matches) < need:
        return None
    seps = {m.group(2) for m in matches}
    if len(seps) != 1:
        return None
    sep = seps.pop()
    trailing = "." if any(m.group(5) for m in matches) and sep == "." else ""
    fmt = f"%Y{sep}%m{sep}%d{trailing}"
    return DateFormatGuess(fmt, False, "year first, then month and day")


def _infer_xxy(texts: list[str], need: int, prefer: bool | None) -> DateFormatGuess | None:
    matches = [m for m in map(_XXY.match, texts) if m]
    if len(matches) < need:
        return None
    seps = {m.group(2) for m in matches}
    widths = {len(m.group(4)) for m in matches}
    if len(seps) != 1 or len(widths) != 1:
        return None
    sep, width = seps.pop(), widths.pop()
    year_token = "%Y" if width == 4 else "%y"
    pairs = [
        (int(m.group(1)), int(m.group(3)), expand_year(int(m.group(4)), width)) for m in matches
    ]
    if sep == "." and not any(b > 12 >= a for a, b, _ in pairs):
        day_first, doubtful, reason = True, False, "dotted dates are written day first"
    else:
        day_first, doubtful, reason = decide_day_first(pairs, prefer)
    first, second = ("%d", "%m") if day_first else ("%m", "%d")
    fmt = f"{first}{sep}{second}{sep}{year_token}"
    return DateFormatGuess(fmt, doubtful, reason)


def _infer_compact(texts: list[str], need: int, _: bool | None) -> DateFormatGuess | None:
    matches = [m for m in map(_COMPACT.match, texts) if m]
    if len(matches) < need:
        return None
    formats = {_plausible_compact(m.group(1)) for m in matches}
    if len(formats) == 1 and None not in formats:
        fmt = formats.pop()
        assert fmt is not None
        return DateFormatGuess(fmt, False, "eight digits without separators")
    if "%Y%m%d" in formats:
        return DateFormatGuess("%Y%m%d", True, "eight digits, mostly year first")
    return None


def _infer_month_name(texts: list[str], need: int, _: bool | None) -> DateFormatGuess | None:
    dby = [m for m in map(_DBY.match, texts) if m and month_from_name(m.group(3))]
    if len(dby) >= need:
        sep = dby[0].group(2)
        year_token = "%Y" if len(dby[0].group(4)) == 4 else "%y"
        return DateFormatGuess(f"%d{sep}%b{sep}{year_token}", False, "month written as a name")
    bdy = [m for m in map(_BDY.match, texts) if m and month_from_name(m.group(1))]
    if len(bdy) >= need:
        comma = "," if any("," in m.group(0) for m in bdy) else ""
        return DateFormatGuess(f"%b %d{comma} %Y", False, "month written as a name")
    return None


def swap_day_month(fmt: str) -> str:
    """The same format with day and month exchanged."""
    return fmt.replace("%d", "\0").replace("%m", "%d").replace("\0", "%m")


def is_day_month_ambiguous(fmt: str) -> bool:
    """True for formats whose day/month order had to be guessed from numbers."""
    return fmt.startswith(("%d", "%m")) and "%b" not in fmt and len(fmt) > 6
