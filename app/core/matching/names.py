"""Comparing the payer's name on a bank line with a client's name.

Banks upper-case names, fold or drop accents ("MUELLER" or "MULLER" for
Müller), cut them at a fixed width and write legal forms in many ways ("SP. Z
O.O", "B.V.", "& Co").  A name is therefore normalised before it is compared:
accents folded, both the German-style transliteration (ü → UE) and the plain
one (ü → U) kept as variants, punctuation dropped, legal-form words at the end
removed.  Two names are the *same* when a normalised variant is equal; how
*similar* they are comes from a pluggable scorer (``NameSimilarity``), so the
pure core can use its own stdlib scorer while the application passes a faster
or better one such as rapidfuzz's ``fuzz.token_set_ratio``.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Callable
from functools import lru_cache

NameSimilarity = Callable[[str, str], float]
"""Scores two normalised names; 0..1, or 0..100 as rapidfuzz scorers return."""

_TRANSLITERATION = {
    "ä": "ae",
    "ö": "oe",
    "ü": "ue",
    "ß": "ss",
    "æ": "ae",
    "ø": "oe",
    "å": "aa",
    "œ": "oe",
    "þ": "th",
    "ð": "d",
    "đ": "d",
    "ł": "l",
    "ı": "i",
    "ŀ": "l",
    "ħ": "h",
}
_PLAIN = {
    "ß": "ss",
    "æ": "ae",
    "ø": "o",
    "œ": "oe",
    "þ": "th",
    "ð": "d",
    "đ": "d",
    "ł": "l",
    "ı": "i",
    "ŀ": "l",
    "ħ": "h",
}
_LEGAL_WORDS = frozenset(
    """
    LTD LIMITED GMBH MBH AG KG KGAA OHG GBR UG EV INC INCORPORATED CORP CORPORATION CO COMPANY
    LLC LLP LP PLC BV NV VOF CV SA SAS SASU SARL EURL SNC SCA SL SLU SRL SRLS SPA SAPA APS AS
    ASA AB HB KB OY OYJ KFT ZRT BT SRO DOO OOO PTY PTE BHD SPZOO SE SCS SCRL SPRL BVBA
    """.split()
)
_LEGAL_SEQUENCES = (
    ("SP", "Z", "OO"),
    ("SP", "Z", "O", "O"),
    ("SP", "Z", "O"),
    ("SP", "Z"),
    ("S", "A", "R", "L"),
    ("S", "R", "L"),
    ("S", "P", "A"),
    ("S", "L"),
    ("S", "A"),
    ("B", "V"),
    ("N", "V"),
    ("A", "G"),
    ("S", "E"),
)
_DROP = re.compile(r"[.'’`´]")
_SPLIT = re.compile(r"[^A-Z0-9]+")


_TRANSLITERATION_TABLE = str.maketrans(_TRANSLITERATION)
_PLAIN_TABLE = str.maketrans(_PLAIN)


def _fold(name: str, table: dict[int, str]) -> str:
    if name.isascii():
        return name.upper()
    decomposed = unicodedata.normalize("NFKD", name.lower().translate(table))
    return decomposed.encode("ascii", "ignore").decode("ascii").upper()


def _strip_legal_form(tokens: list[str]) -> list[str]:
    changed = True
    while changed and len(tokens) > 1:
        changed = False
        for seq in _LEGAL_SEQUENCES:
            if len(tokens) > len(seq) and tuple(tokens[-len(seq) :]) == seq:
                del tokens[-len(seq) :]
                changed = True
                break
        if not changed and tokens[-1] in _LEGAL_WORDS:
            tokens.pop()
            changed = True
    return tokens


def _normalise_folded(folded: str, keep_legal_form: bool) -> str:
    tokens = [t for t in _SPLIT.split(_DROP.sub("", folded)) if t]
    return " ".join(tokens if keep_legal_form else _strip_legal_form(tokens))


@lru_cache(maxsize=65_536)
def name_variants(name: str, keep_legal_form: bool = False) -> tuple[str, ...]:
    """The normalised forms of a name: transliterated ("MUELLER") and plain ("MULLER").

    With ``keep_legal_form`` the legal form stays ("MERIDIAN PRINT APS"): that is
    what tells apart two clients whose names differ only in it.
    """
    first = _normalise_folded(_fold(name or "", _TRANSLITERATION_TABLE), keep_legal_form)
    second = _normalise_folded(_fold(name or "", _PLAIN_TABLE), keep_legal_form)
    return (first,) if first == second else (first, second)


def normalise_name(name: str) -> str:
    """The main normalised form: upper-case ASCII, legal form removed."""
    return name_variants(name)[0]


def _bigrams(text: str) -> Counter[str]:
    padded = f" {text} "
    return Counter(padded[i : i + 2] for i in range(len(padded) - 1))


def _dice(a: str, b: str) -> float:
    if not a or not b:
        return 0.0
    x, y = _bigrams(a), _bigrams(b)
    common = sum((x & y).values())
    return 2.0 * common / (sum(x.values()) + sum(y.values()))


def token_set_similarity(a: str, b: str) -> float:
    """Stdlib name similarity in 0..1: shared words plus character bigrams.

    Like a token-set ratio: the words both names share are compared with each
    name's full word set, so "MERIDIAN PRINT" scores high against "MERIDIAN
    PRINT STUDIO", and misspellings ("MUELER") still score on their bigrams.
    """
    if not a or not b:
        return 0.0
    if a == b:
        return 1.0
    ta, tb = set(a.split()), set(b.split())
    common = " ".join(sorted(ta & tb))
    rest_a = " ".join(sorted(ta - tb))
    rest_b = " ".join(sorted(tb - ta))
    full_a = f"{common} {rest_a}".strip()
    full_b = f"{common} {rest_b}".strip()
    best = _dice(full_a, full_b)
    if common:
        best = max(best, _dice(common, full_a), _dice(common, full_b))
    return best


def as_unit_score(value: float) -> float:
    """Bring a scorer's value into 0..1 (rapidfuzz scorers answer 0..100)."""
    score = value / 100.0 if value > 1.0 else value
    return min(1.0, max(0.0, score))
