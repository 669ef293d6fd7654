"""Structured payment references: ISO 11649 "RF" creditor references and Swiss QRR.

A structured reference is the one piece of a bank line that a payer copies
from the invoice without retyping it, and its check digits catch the typing
errors that do happen.  That makes it the strongest evidence a payment can
carry, so the matcher looks for these before anything else: in the line's own
reference field and, because many banks squeeze everything into the free-text
memo, anywhere in the memo as well (with or without the groups of four,
upper- or lower-case).

RF references (ISO 11649): ``RF`` + two check digits + 1..21 letters or
digits; valid when the ISO 7064 MOD 97-10 remainder of the rearranged number
is 1, exactly as for an IBAN.  QRR references (Swiss QR-bill): 27 digits whose
last digit is the recursive modulo-10 check digit of the first 26.
"""

from __future__ import annotations

import re

_RF_BODY = re.compile(r"RF\d{2}[A-Z0-9]{1,21}")
_RF_START = re.compile(r"(?<![A-Z0-9])RF\s?\d\s?\d", re.IGNORECASE)
_ALNUM = re.compile(r"[A-Z0-9]", re.IGNORECASE)
_DIGIT_RUN_START = re.compile(r"(?<![0-9])\d")
_QRR_CANDIDATE = re.compile(r"\d(?:\s?\d){26}(?![0-9])")
_QRR_TABLE = (0, 9, 4, 6, 8, 2, 7, 1, 3, 5)
_MAX_RF_PAYLOAD = 21


def compact_reference(text: str) -> str:
    """A reference without spaces, upper-cased: the form references are compared in."""
    return "".join((text or "").split()).upper()


def _mod97(alnum: str) -> int:
    digits = "".join(str(int(ch, 36)) for ch in alnum)
    return int(digits) % 97


def make_rf(payload: str) -> str:
    """Build the RF creditor reference for ``payload`` (1..21 letters or digits).

    Spaces are ignored and letters upper-cased, so ``make_rf("inv 2026 42")``
    gives the same reference as ``make_rf("INV202642")``.
    """
    body = compact_reference(payload)
    if not body:
        raise ValueError("an RF reference needs a payload of at least one letter or digit")
    if len(body) > _MAX_RF_PAYLOAD:
        raise ValueError(f"an RF payload has at most 21 characters, got {len(body)}")
    if not body.isascii() or not body.isalnum():
        raise ValueError(f"an RF payload holds only letters A-Z and digits, got {payload!r}")
    check = 98 - _mod97(body + "RF00")
    return f"RF{check:02d}{body}"


def is_valid_rf(text: str) -> bool:
    """True when ``text`` (spaces and case ignored) is a well-formed RF reference."""
    ref = compact_reference(text)
    if not _RF_BODY.fullmatch(ref):
        return False
    return _mod97(ref[4:] + ref[:4]) == 1


def format_rf(ref: str) -> str:
    """Print an RF reference in groups of four, the way ISO 11649 recommends."""
    body = compact_reference(ref)
    return " ".join(body[i : i + 4] for i in range(0, len(body), 4))


def _rf_endings(text: str, start: int) -> list[int]:
    """Offsets after each run of letters/digits that may end a reference starting at ``start``.

    Single spaces may separate the groups; a reference never runs through two
    spaces or punctuation.  Only ends at a word boundary are offered, since a
    reference printed in a memo is never glued to the next word.
    """
    ends: list[int] = []
    count = 0
    pos = start
    while pos < len(text) and count <= _MAX_RF_PAYLOAD + 4:
        ch = text[pos]
        if _ALNUM.match(ch):
            count += 1
            pos += 1
            at_boundary = pos == len(text) or not _ALNUM.match(text[pos])
            if at_boundary and 5 <= count <= _MAX_RF_PAYLOAD + 4:
                ends.append(pos)
        elif ch == " " and pos + 1 < len(text) and _ALNUM.match(text[pos + 1]) and count:
            pos += 1
        else:
            break
    return ends


def _printed_form(written: str) -> bool:
    """Written as references are printed: compact, "RF18 rest", or in groups of four."""
    groups = written.split(" ")
    if len(groups) <= 2 and len(groups[0]) == 4:
        return True
    if len(groups) == 1:
        return True
    return all(len(g) == 4 for g in groups[:-1]) and len(groups[-1]) <= 4


def find_rf(text: str) -> list[str]:
    """All valid RF references in free text, compacted, in order of appearance.

    For each "RF" + two digits, the longest candidate that ends at a word
    boundary, is spaced the way references are printed, and passes the check
    is taken, so trailing words ("RF18 5390 0754 7034 thanks") are not
    swallowed.
    """
    found: list[str] = []
    for match in _RF_START.finditer(text or ""):
        for end in reversed(_rf_endings(text, match.start())):
            written = text[match.start() : end]
            candidate = compact_reference(written)
            if _printed_form(written) and is_valid_rf(candidate):
                if candidate not in found:
                    found.append(candidate)
                break
    return found


def qrr_check_digit(digits: str) -> int:
    """The Swiss recursive modulo-10 check digit of a string of digits."""
    carry = 0
    for ch in digits:
        carry = _QRR_TABLE[(carry + int(ch)) % 10]
    return (10 - carry) % 10


def make_qrr(payload: str) -> str:
    """Build a 27-digit QRR reference from up to 26 digits (left-padded with zeros)."""
    body = compact_reference(payload)
    if not body.isdigit() or not body.isascii() or len(body) > 26:
        raise ValueError(f"a QRR payload is 1..26 digits, got {payload!r}")
    body = body.zfill(26)
    return body + str(qrr_check_digit(body))


def is_valid_qrr(text: str) -> bool:
    """True when ``text`` (spaces ignored) is 27 digits with a correct check digit."""
    ref = compact_reference(text)
    if len(ref) != 27 or not ref.isdigit() or not ref.isascii():
        return False
    return qrr_check_digit(ref[:26]) == int(ref[26])


def format_qrr(ref: str) -> str:
    """Print a QRR reference as the QR-bill does: 2 digits, then groups of five."""
    body = compact_reference(ref)
    return " ".join([body[:2]] + [body[i : i + 5] for i in range(2, len(body), 5)])


def find_qrr(text: str) -> list[str]:
    """All valid QRR references in free text, compacted, in order of appearance."""
    found: list[str] = []
    text = text or ""
    for start in _DIGIT_RUN_START.finditer(text):
        match = _QRR_CANDIDATE.match(text, start.start())
        if match is None:
            continue
        candidate = compact_reference(match.group())
        if is_valid_qrr(candidate) and candidate not in found:
            found.append(candidate)
    return found


def find_structured_references(text: str) -> list[str]:
    """Every RF and QRR reference in ``text``, compacted (RF first, then QRR)."""
    return find_rf(text) + find_qrr(text)
