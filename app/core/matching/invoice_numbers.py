"""Finding the invoice numbers a memo mentions, through an index built once per run.

Every open invoice's number is parsed once into a canonical key per numbering
pattern (fields as integers, zero-padded to the template's width); a memo is
scanned with each pattern's regular expressions and every reading is looked up
in a dictionary, so the cost per bank line does not grow with the number of
invoices.  A reading that finds nothing is tried once more with one digit
changed or two neighbouring digits swapped: the commonest typing errors.

How a number was written decides how much it proves (see ``Strength``): the
full number with its prefix is strong evidence; the same digits without the
prefix are weaker (they could be some other number); letters that look like
digits ("2O26") are read but count a little less than the real thing; a
one-character typo is weaker again, and a bare sequence number ("942") weakest of all, since it
could as well be an amount or part of a date.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from app.core.matching.model import OpenInvoice
from app.core.matching.number_patterns import (
    NumberPattern,
    RawHit,
    pattern_from_number,
    pattern_from_template,
)

_CONFUSABLE = {"O": "0", "I": "1", "L": "1"}
_LOOKALIKE = re.compile(r"(?<![A-Z])[OIL](?=[0-9])|(?<=[0-9])[OIL](?![A-Z])")
_TOKEN = re.compile(r"[^\s,;]+")
_NOT_ALNUM = re.compile(r"[^A-Z0-9]")
_MAX_INFERRED_SHAPES = 50
_MIN_TYPO_DIGITS = 5
_SPECIFIC_DIGITS = 6


class Strength(StrEnum):
    """How an invoice number was written in the memo, strongest first."""

    EXACT = "exact"  # whole number with prefix (or an invoice word), any separators
    LOOKALIKE = "lookalike"  # as EXACT, but with letter O or I/L for a digit: "INV-2O26-00060"
    NO_PREFIX = "no_prefix"  # every field but no prefix: "2026-00939"
    TYPO = "typo"  # one digit substituted or two swapped, prefix present
    PARTIAL = "partial"  # prefix or invoice word + sequence only: "Invoice 943"
    TYPO_NO_PREFIX = "typo_no_prefix"
    BARE = "bare"  # a lone number that happens to be a sequence number


@dataclass(frozen=True, slots=True)
class NumberHit:
    """One invoice number read in a memo, the invoices it names and how surely."""

    invoice_ids: tuple[int, ...]
    strength: Strength
    written: str


@dataclass(frozen=True, slots=True)
class NumberScan:
    """What a scan of a memo found: invoice numbers, and numbers of no open invoice.

    ``unknown`` holds text written like an invoice number (with a prefix or
    every field) that names no open invoice: perhaps one already paid, perhaps
    a typo beyond repair.  Either way it means the payer had a particular
    invoice in mind, so guessing by amount alone would be unsafe.
    """

    hits: list[NumberHit]
    unknown: tuple[str, ...]


def fold_memo(text: str) -> tuple[str, str]:
    """(folded, confusables-folded): upper-case ASCII, one character per character.

    Letters with accents lose them; any other non-ASCII character becomes a
    space, so offsets in the result are offsets in the original text.  In the
    second string, O, I and L standing between digits and separators are read
    as 0 and 1 ("INV-2O26-00060").
    """
    if text.isascii():
        folded = text.upper()
    else:
        chars: list[str] = []
        for ch in text:
            if ch.isascii():
                chars.append(ch.upper())
                continue
            base = unicodedata.normalize("NFKD", ch)[:1].upper()
            chars.append(base if base.isascii() and base.isalpha() else " ")
        folded = "".join(chars)
    fixed = _LOOKALIKE.sub(lambda m: _CONFUSABLE[m.group()], folded)
    return folded, fixed


def compact_number(text: str) -> str:
    """Letters and digits only, upper-case: "inv-2026/00042" → "INV202600042"."""
    return _NOT_ALNUM.sub("", fold_memo(text)[0])


class InvoiceNumberIndex:
    """Invoice numbers by canonical key, for every numbering pattern in use.

    Numbers that fit a configured template are indexed under it; the others
    under a pattern inferred from their own shape (up to a limit on distinct
    shapes) and, failing that, by their letters and digits alone, found only
    when written whole.
    """

    def __init__(self, invoices: Iterable[OpenInvoice], templates: Iterable[str]) -> None:
        self.patterns: list[NumberPattern] = [pattern_from_template(t) for t in templates]
        self._full: dict[tuple[int, str], list[int]] = {}
        self._sequence: dict[tuple[int, str], list[int]] = {}
        self._compact: dict[str, list[int]] = {}
        shapes: dict[tuple[object, ...], int] = {}
        for invoice in invoices:
            if self._add_by_pattern(invoice):
                continue
            inferred = pattern_from_number(invoice.number)
            at = None if inferred is None else shapes.get(inferred.shape())
            if inferred is not None and at is None and len(shapes) < _MAX_INFERRED_SHAPES:
                at = shapes[inferred.shape()] = len(self.patterns)
                self.patterns.append(inferred)
            if at is None or not self._add(at, invoice):
                self._compact.setdefault(compact_number(invoice.number), []).append(invoice.id)

    def _add_by_pattern(self, invoice: OpenInvoice) -> bool:
        return any(self._add(at, invoice) for at in range(len(self.patterns)))

    def _add(self, at: int, invoice: OpenInvoice) -> bool:
        keys = self.patterns[at].parse_issued(invoice.number)
        if keys is None:
            return False
        full, sequence = keys
        self._full.setdefault((at, full), []).append(invoice.id)
        self._sequence.setdefault((at, sequence), []).append(invoice.id)
        return True

    # lookup -------------------------------------------------------------
    def find(self, text: str) -> list[NumberHit]:
        """Every invoice number in ``text``, strongest reading per stretch of text."""
        return self.scan(text).hits

    def scan(self, text: str) -> NumberScan:
        """The invoice numbers in ``text``, and what looks like one but is none we know."""
        if not text:
            return NumberScan([], ())
        folded, fixed = fold_memo(text)
        found: list[tuple[int, int, NumberHit]] = []
        unknown: list[tuple[int, int]] = []
        for at, pattern in enumerate(self.patterns):
            for raw in pattern.find(fixed):
                hit = self._resolve(at, pattern, raw, text, folded, fixed)
                if hit is not None:
                    found.append((raw.start, raw.end, hit))
                elif raw.prefixed or (
                    not raw.sequence_only and raw.padded and len(pattern.fields) > 1
                ):
                    unknown.append((raw.start, raw.end))
        for token in _TOKEN.finditer(folded) if self._compact else ():
            ids = self._compact.get(_NOT_ALNUM.sub("", token.group()))
            if ids:
                has_letters = any(c.isalpha() for c in token.group())
                strength = Strength.EXACT if has_letters else Strength.NO_PREFIX
                written = text[token.start() : token.end()]
                found.append((token.start(), token.end(), NumberHit(tuple(ids), strength, written)))
        unknown = [
            (start, end)
            for start, end in unknown
            if not any(start < f_end and f_start < end for f_start, f_end, _ in found)
        ]
        unknown.sort(key=lambda span: (span[0], span[0] - span[1]))
        written_unknown: list[str] = []
        last_end = -1
        for start, end in unknown:
            if start >= last_end:
                written_unknown.append(text[start:end].strip())
                last_end = end
        return NumberScan(_strongest_per_stretch(found), tuple(written_unknown))

    def _resolve(
        self, at: int, pattern: NumberPattern, raw: RawHit, text: str, folded: str, fixed: str
    ) -> NumberHit | None:
        written = text[raw.start : raw.end].strip()
        retyped = folded[raw.start : raw.end] != fixed[raw.start : raw.end]
        if raw.sequence_only:
            ids = self._sequence.get((at, raw.key))
            if not ids or retyped:
                return None
            return NumberHit(
                tuple(ids), Strength.PARTIAL if raw.prefixed else Strength.BARE, written
            )
        ids = self._full.get((at, raw.key))
        if ids:
            if retyped:
                strength = Strength.LOOKALIKE if raw.prefixed else Strength.TYPO
            elif raw.prefixed:
                strength = Strength.EXACT
            elif raw.padded and (
                len(pattern.fields) > 1 or sum(c.isdigit() for c in written) >= _SPECIFIC_DIGITS
            ):
                strength = Strength.NO_PREFIX
            else:
                strength = Strength.BARE
            return NumberHit(tuple(ids), strength, written)
        near = self._near(at, raw.key)
        if not near:
            return None
        return NumberHit(near, Strength.TYPO if raw.prefixed else Strength.TYPO_NO_PREFIX, written)

    def _near(self, at: int, key: str) -> tuple[int, ...]:
        """Invoices whose key differs from ``key`` by one digit or one swap of neighbours."""
        if sum(c.isdigit() for c in key) < _MIN_TYPO_DIGITS:
            return ()
        found: list[int] = []
        chars = list(key)
        for i, ch in enumerate(chars):
            if not ch.isdigit():
                continue
            for digit in "0123456789":
                if digit == ch:
                    continue
                chars[i] = digit
                found.extend(self._full.get((at, "".join(chars)), ()))
            chars[i] = ch
            if i + 1 < len(chars) and chars[i + 1].isdigit() and chars[i + 1] != ch:
                chars[i], chars[i + 1] = chars[i + 1], ch
                found.extend(self._full.get((at, "".join(chars)), ()))
                chars[i], chars[i + 1] = ch, chars[i]
        return tuple(dict.fromkeys(found))


_RANK = {s: i for i, s in enumerate(Strength)}


def _strongest_per_stretch(found: list[tuple[int, int, NumberHit]]) -> list[NumberHit]:
    """Drop readings that overlap a stronger (or the same) reading of the same stretch."""
    if len(found) < 2:
        return [hit for _, _, hit in found]
    found.sort(key=lambda item: (_RANK[item[2].strength], -(item[1] - item[0]), item[0]))
    kept: list[tuple[int, int, NumberHit]] = []
    for start, end, hit in found:
        if any(
            start < k_end
            and k_start < end
            and (
                _RANK[k_hit.strength] < _RANK[hit.strength]
                or (k_hit.strength == hit.strength and k_hit.invoice_ids == hit.invoice_ids)
            )
            for k_start, k_end, k_hit in kept
        ):
            continue
        kept.append((start, end, hit))
    kept.sort(key=lambda item: item[0])
    return [hit for _, _, hit in kept]
