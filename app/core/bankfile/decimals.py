"""Decimal marks of bank amounts, decided from whole columns.

"1,234" alone is ambiguous; a column that also holds "12,50" or "1.234,00"
is not.  Every value is weighed: both marks present (the right-most is the
decimal mark), a mark followed by one, two or four-plus digits (a decimal
mark), a repeated mark (a thousands separator), the Swiss apostrophe (a
thousands separator next to a decimal point).  Whole numbers say nothing.

``AmountReader`` then reads one column fast: plain numbers go straight to
``Decimal``; anything with a currency sign, a trailing minus, brackets or
spaces goes through ``app.core.amounts.parse_amount``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal

from app.core.amounts import AmountParseError, parse_amount

_STRIP = re.compile(r"[^\d.,']")


@dataclass(frozen=True, slots=True)
class DecimalMarkGuess:
    """The decimal mark of a set of amounts and how it was decided."""

    mark: str
    doubtful: bool
    reason: str
    evidence: int


def mark_evidence(text: str) -> str | None:
    """The decimal mark one value proves, or None when it proves nothing."""
    body = _STRIP.sub("", text)
    if "'" in body:
        return "." if "." in body else None
    body = body.replace("'", "")
    dots, commas = body.count("."), body.count(",")
    if dots and commas:
        return "." if body.rfind(".") > body.rfind(",") else ","
    if not dots and not commas:
        return None
    mark = "." if dots else ","
    if max(dots, commas) > 1:
        return "," if mark == "." else "."
    tail = body.rsplit(mark, 1)[1]
    if len(tail) == 3 and body.index(mark) > 0:
        return None
    return mark


def infer_decimal_mark(values: Iterable[str], fallback: str | None = None) -> DecimalMarkGuess:
    """Decide the decimal mark shared by ``values``.

    ``fallback`` is used when no value proves anything (whole numbers only);
    the guess is then doubtful unless the caller's fallback came from other
    columns of the same file.
    """
    dot = comma = ambiguous = 0
    for value in values:
        if not value:
            continue
        found = mark_evidence(value)
        if found == ".":
            dot += 1
        elif found == ",":
            comma += 1
        elif re.search(r"\d[.,]\d{3}(?!\d)", value):
            ambiguous += 1
    if comma and not dot:
        return DecimalMarkGuess(",", False, f"{comma} value(s) use a decimal comma", comma)
    if dot and not comma:
        return DecimalMarkGuess(".", False, f"{dot} value(s) use a decimal point", dot)
    if dot and comma:
        mark = "," if comma > dot else "."
        return DecimalMarkGuess(
            mark, True, f"values disagree ({comma} with a comma, {dot} with a point)", 0
        )
    if fallback:
        return DecimalMarkGuess(fallback, ambiguous > 0, "decided by the file's other amounts", 0)
    if ambiguous:
        return DecimalMarkGuess(
            ".", True, "every separator is followed by three digits; read as thousands", 0
        )
    return DecimalMarkGuess(".", False, "whole numbers only", 0)


_CREDIT_DEBIT_SUFFIX = re.compile(r"(.*?)\s*(CR|DR)\.?", re.IGNORECASE)


def read_marked_amount(body: str, mark: str) -> Decimal:
    """``parse_amount`` that also accepts a ``CR``/``DR`` suffix ("125.00 DR" is money out)."""
    marked = _CREDIT_DEBIT_SUFFIX.fullmatch(body)
    if marked and any(ch.isdigit() for ch in marked.group(1)):
        value = abs(parse_amount(marked.group(1), decimal_mark=mark))
        return -value if marked.group(2).upper() == "DR" else value
    return parse_amount(body, decimal_mark=mark)


def amount_reader(mark: str, minor_unit_digits: int = 0) -> Callable[[str], Decimal | None]:
    """A fast reader for one column's amounts (see ``AmountReader``).

    Plain values ("-12,50", "2500", "-.46") go straight to ``Decimal`` after a
    digits-only check; values with a thousands separator are checked for
    correct grouping first; anything else (currency signs, trailing minus,
    brackets, spaces) goes through ``parse_amount``.
    """
    if mark not in (".", ","):
        raise ValueError("decimal mark must be '.' or ','")
    group = "," if mark == "." else "."
    g, m = re.escape(group), re.escape(mark)
    grouped = re.compile(rf"[+-]?\d{{1,3}}(?:{g}\d{{3}})+(?:{m}\d*)?").fullmatch
    scale = minor_unit_digits
    comma = mark == ","

    def read(text: str) -> Decimal | None:
        body = text.strip()
        if not body:
            return None
        if group in body:
            if not grouped(body):
                return _slow(body)
            body = body.replace(group, "")
        plain = body.replace(",", ".") if comma else body
        if plain.lstrip("+-").replace(".", "", 1).isdigit():
            try:
                value = Decimal(plain)
            except ArithmeticError:
                return _slow(body)
        else:
            return _slow(body)
        return value.scaleb(-scale) if scale else value

    def _slow(body: str) -> Decimal:
        value = read_marked_amount(body, mark)
        return value.scaleb(-scale) if scale else value

    return read


def bulk_amount_reader(
    mark: str, minor_unit_digits: int = 0
) -> Callable[[list[str]], list[Decimal] | None]:
    """Read a whole column of plain amounts at once, or return None.

    The column is validated with one regular-expression pass over the joined
    text and converted with C-level ``map`` calls, several times faster than
    value by value.  Anything unusual in the column (an empty cell, a currency
    sign, a trailing minus) makes it return None so the caller reads value by
    value instead.
    """
    group = "," if mark == "." else "."
    g, m = re.escape(group), re.escape(mark)
    grouped_ok = re.compile(
        rf"(?:(?:[+-]?(?:\d{{1,3}}(?:{g}\d{{3}})+|\d+)(?:{m}\d*)?|[+-]?{m}\d+)\n)*"
    ).fullmatch
    plain_ok = re.compile(rf"(?:[+-]?(?:\d+(?:{m}\d*)?|{m}\d+)\n)*").fullmatch
    scale = -minor_unit_digits

    def read(texts: list[str]) -> list[Decimal] | None:
        joined = "\n".join(texts) + "\n"
        if group in joined:
            if not grouped_ok(joined):
                return None
            joined = joined.replace(group, "")
        elif not plain_ok(joined):
            return None
        if mark == ",":
            joined = joined.replace(",", ".")
        parts = joined.split("\n")
        if len(parts) != len(texts) + 1:
            return None
        values = list(map(Decimal, parts[:-1]))
        if scale:
            values = [v.scaleb(scale) for v in values]
        return values

    return read


class AmountReader:
    """Reads the amounts of one column with a known decimal mark.

    ``minor_unit_digits`` is set for formats that write integer minor units
    (``25175`` meaning 251.75).  Empty cells give None.
    """

    def __init__(self, mark: str, minor_unit_digits: int = 0) -> None:
        self.mark = mark
        self._read = amount_reader(mark, minor_unit_digits)

    def __call__(self, text: str) -> Decimal | None:
        return self._read(text)


__all__ = [
    "AmountParseError",
    "AmountReader",
    "DecimalMarkGuess",
    "amount_reader",
    "bulk_amount_reader",
    "infer_decimal_mark",
]
