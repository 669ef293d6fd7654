"""Recognising a bank line that was already imported.

A line's fingerprint is built from what identifies a transaction on every
export of it: the account, the booking date, the signed amount and currency,
the description reduced to its letters and digits, and the running balance
when the bank gives one.  Bank transaction ids are deliberately left out:
many banks change or omit them between export formats.

Two genuinely identical transactions in one file (two equal card payments on
the same day) have the same fingerprint, so each line's key also carries its
occurrence number within the file: the first is ``…#1``, the second ``…#2``.
Importing the same file again, or a statement that overlaps it, produces the
same keys and is skipped; both identical payments are still kept the first
time.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable
from decimal import Decimal
from hashlib import sha256

from app.core.bankfile.model import StatementLine

_NOT_ALNUM = re.compile(r"[\W_]+")


def normalise_description(text: str) -> str:
    """Lower-case letters and digits only, single-spaced, accents removed.

    ASCII text (most bank lines) skips the Unicode decomposition; the result is
    the same either way, and the key must never change between versions.
    """
    if not text.isascii():
        decomposed = unicodedata.normalize("NFKD", text)
        text = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _NOT_ALNUM.sub(" ", text.casefold()).strip()


def _plain_amount(value: Decimal) -> str:
    if value == 0:
        return "0"
    return format(value.normalize(), "f")


def fingerprint(line: StatementLine, account: str) -> str:
    """A stable 32-character key of one line in one account (without occurrence)."""
    return _fingerprint(line, _account_part(account))


def _account_part(account: str) -> str:
    return "".join(account.split()).upper()


def _fingerprint(line: StatementLine, account_part: str) -> str:
    balance = line.balance_after
    text = "|".join(
        (
            account_part,
            line.booking_date.isoformat() if line.booking_date else "",
            _plain_amount(line.amount),
            (line.currency or "").upper(),
            normalise_description(line.description),
            _plain_amount(balance) if balance is not None else "",
        )
    )
    return sha256(text.encode("utf-8")).hexdigest()[:32]


class FingerprintCounter:
    """Hands out ``fingerprint#occurrence`` keys for the lines of one file, in order."""

    def __init__(self, account: str) -> None:
        self.account = account
        self._account_part = _account_part(account)
        self._seen: Counter[str] = Counter()

    def key(self, line: StatementLine) -> str:
        base = _fingerprint(line, self._account_part)
        self._seen[base] += 1
        return f"{base}#{self._seen[base]}"


def line_keys(lines: Iterable[StatementLine], account: str) -> list[str]:
    """Duplicate-detection keys for all lines of one file, in file order."""
    counter = FingerprintCounter(account)
    return [counter.key(line) for line in lines]
