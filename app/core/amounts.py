"""Reading amounts as people and banks write them.

"1.234,50", "1,234.50", "1 234,50", "11'373.94", "-12", "(12.00)", "+ £1,100.00",
"1.234.567,89-", "-.46": all are amounts somebody typed or a bank exported.
``parse_amount`` turns each into an exact Decimal or raises ``AmountParseError``
with a reason a user understands.  The decimal mark is taken from the caller
(the user's locale, or what bank-file detection decided for a whole column);
when the caller has no opinion it is inferred from the text where that is
unambiguous.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

_SYMBOLS = "$€£¥₹₽₩₪₫₴₦₱฿₺₼₸"
_LEADING_CURRENCY = re.compile(rf"^([+-]?)\s*(?:[A-Z]{{3}}|[{_SYMBOLS}]|[A-Z]{{1,2}}\$)\s*")
_TRAILING_CURRENCY = re.compile(rf"\s*(?:[A-Z]{{3}}|[{_SYMBOLS}])$")
_GROUP_CHARS = " \u00a0\u202f'’"
_DIGITS_ONLY = re.compile(r"\d+")


class AmountParseError(ValueError):
    """An amount that cannot be read, with the reason in plain words."""

    def __init__(self, text: str, reason: str) -> None:
        super().__init__(f"cannot read amount {text!r}: {reason}")
        self.text = text
        self.reason = reason


def _strip_sign(body: str, original: str) -> tuple[str, bool]:
    negative = False
    if body.startswith("(") and body.endswith(")"):
        body, negative = body[1:-1].strip(), True
    if body.endswith("-") and not body.startswith("-"):
        body, negative = body[:-1].strip(), not negative
    elif body.endswith("+"):
        body = body[:-1].strip()
    if body[:1] in "+-":
        if body[0] == "-":
            negative = not negative
        body = body[1:].strip()
    if body[:1] in "+-" or "-" in body or "+" in body:
        raise AmountParseError(original, "more than one sign")
    return body, negative


def _infer_mark(body: str, default: str | None, original: str) -> str:
    has_dot, has_comma = "." in body, "," in body
    if has_dot and has_comma:
        return "." if body.rfind(".") > body.rfind(",") else ","
    mark = "." if has_dot else "," if has_comma else None
    if mark is None:
        return default or "."
    if body.count(mark) > 1:
        return "," if mark == "." else "."  # repeated → it is the grouping character
    tail = body.rsplit(mark, 1)[1]
    if len(tail) != 3:
        return mark
    if default is None:
        raise AmountParseError(
            original, f"ambiguous: {mark!r} could be a decimal mark or a thousands separator"
        )
    return default


def parse_amount(
    text: str,
    decimal_mark: str | None = None,
    *,
    default_mark: str | None = ".",
) -> Decimal:
    """Parse a human or bank amount into an exact Decimal.

    ``decimal_mark`` forces "." or ","; with None the mark is inferred and, when
    a single separator followed by exactly three digits makes it ambiguous
    ("1,234"), ``default_mark`` decides (None makes that an error).
    """
    if text is None:
        raise AmountParseError("", "empty")
    original = text
    body = text.strip()
    if not body:
        raise AmountParseError(original, "empty")
    body = _LEADING_CURRENCY.sub(r"\1", body)
    body = _TRAILING_CURRENCY.sub("", body).strip()
    for ch in "\u00a0\u202f":
        body = body.replace(ch, " ")
    body, negative = _strip_sign(body.strip(), original)
    if not body:
        raise AmountParseError(original, "no digits")
    if decimal_mark not in (None, ".", ","):
        raise ValueError("decimal_mark must be '.', ',' or None")
    mark = decimal_mark or _infer_mark(body, default_mark, original)
    group = "," if mark == "." else "."
    if body.count(mark) > 1:
        raise AmountParseError(original, f"the decimal mark {mark!r} appears more than once")
    integer, _, fraction = body.partition(mark)
    if group in fraction or any(c in fraction for c in _GROUP_CHARS):
        raise AmountParseError(original, "thousands separator after the decimal mark")
    for ch in _GROUP_CHARS + group:
        if ch in integer:
            groups = integer.split(ch)
            if not groups[0] or any(len(g) != 3 for g in groups[1:]):
                raise AmountParseError(original, f"misplaced thousands separator {ch!r}")
            integer = "".join(groups)
    if integer and not _DIGITS_ONLY.fullmatch(integer):
        raise AmountParseError(original, "unexpected characters")
    if fraction and not _DIGITS_ONLY.fullmatch(fraction):
        raise AmountParseError(original, "unexpected characters after the decimal mark")
    if not integer and not fraction:
        raise AmountParseError(original, "no digits")
    try:
        value = Decimal(f"{integer or '0'}.{fraction or '0'}")
    except InvalidOperation as exc:  # pragma: no cover - guarded by the regexes above
        raise AmountParseError(original, "not a number") from exc
    if fraction == "":
        value = Decimal(integer or "0")
    return -value if negative else value
