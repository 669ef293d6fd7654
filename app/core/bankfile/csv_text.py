"""Tidying the text of delimited bank exports, one value or a whole column at a time.

Banks pad names and descriptions to fixed widths, wrap free text in single
quotes and space IBANs in groups.  The column versions check once whether a
whole column needs any work, which is the usual case for clean exports.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date

from app.core.bankfile.dates import DateError, DateReader, infer_date_format
from app.core.bankfile.identifiers import find_creditor_reference
from app.core.bankfile.vocabulary import VALUE_DATE_LABELS

VALUE_DATE_IN_TEXT = re.compile(
    r"(?:" + "|".join(re.escape(label) for label in VALUE_DATE_LABELS) + r")\s*:?\s*"
    r"(\d{1,2}[-./]\d{1,2}[-./]\d{2,4}|\d{4}-\d{2}-\d{2})",
    re.IGNORECASE,
)
_UNTIDY = (
    "  ",
    " \n",
    "\n ",
    *(chr(c) for c in range(0x110000) if chr(c).isspace() and chr(c) not in " \n"),
)


def collapse(text: str) -> str:
    """Single spaces only, none at the ends."""
    return " ".join(text.split())


def collapse_all(texts: Sequence[str]) -> list[str]:
    """``collapse`` for a whole column, skipping the work when no value needs it."""
    joined = "\n".join(texts)
    if (
        "\n" in "".join(texts)
        or any(mark in joined for mark in _UNTIDY)
        or joined[:1] == " "
        or joined[-1:] == " "
    ):
        return list(map(collapse, texts))
    return list(texts)


def quick_reference(text: str) -> str:
    """A checked creditor reference in free text; cheap when there is obviously none."""
    if "RF" in text or "+++" in text or "***" in text:
        return find_creditor_reference(text)
    return ""


def references_in(texts: Sequence[str]) -> list[str]:
    """``quick_reference`` for a whole column."""
    joined = "\n".join(texts)
    if "RF" in joined or "+++" in joined or "***" in joined:
        return list(map(quick_reference, texts))
    return [""] * len(texts)


def tidy_iban(text: str) -> str:
    """An account number without spaces or a leading spreadsheet apostrophe."""
    if " " in text or "'" in text:
        return "".join(text.split()).lstrip("'")
    return text


def tidy_ibans(texts: Sequence[str]) -> list[str]:
    joined = "".join(texts)
    if " " in joined or "'" in joined:
        return list(map(tidy_iban, texts))
    return list(texts)


def unquote(text: str) -> str:
    """Drop single quotes wrapped around free text (``'…'``)."""
    if len(text) > 1 and text[0] == "'" and text[-1] == "'":
        return text[1:-1].strip()
    return text


def value_date_in(description: str) -> date | None:
    """A value date stated in the text, such as ``Valutadatum: 13-02-2020``."""
    found = VALUE_DATE_IN_TEXT.search(description)
    if not found:
        return None
    text = found.group(1)
    guess = infer_date_format([text], prefer_day_first=True)
    if guess is None:
        return None
    try:
        return DateReader(guess.fmt)(text)
    except DateError:
        return None
