"""Invoice-number shapes, and the tolerant memo patterns derived from them.

Payers retype invoice numbers: "INV-2026-00042" arrives as "inv 2026 42",
"INV202600042", "2026-00042" or "Invoice 42".  Rather than hard-coding one
numbering scheme, a :class:`NumberPattern` is derived from each numbering
template (``INV-{YYYY}-{SEQ:05}``, ``F{YYYY}/{SEQ}``, ``{YY}{SEQ:04}``…) or,
for invoices whose number fits no template, from the number's own shape.  From
the pattern come two regular expressions over a normalised memo:

* the *full* form: every numeric field present, the leading literal optional,
  any of space, dash, slash, dot or nothing between parts;
* the *sequence-only* form: just the sequence number, optionally after the
  prefix or an invoice word ("Invoice 943").

Both only ever match whole tokens: "INV-1" never matches inside "INV-12", a
number glued to letters or to a "-digit" tail (a date, an amount) is skipped.
Fields are compared as integers, so leading zeros may be dropped or added.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_PLACEHOLDER = re.compile(r"\{(YYYY|YY|MM|SEQ)(?::(\d+))?\}")
_ALNUM_CHUNK = re.compile(r"[A-Za-z0-9]+")
_SHAPE_RUN = re.compile(r"[A-Za-z]+|[0-9]+")
_SEP = r"[\s\-/._#:]{0,3}"

# Words that announce an invoice number in the languages of European
# statements; before a number they count like the template's own prefix.
INVOICE_WORDS: tuple[str, ...] = (
    "INVOICES",
    "INVOICE",
    "INV",
    "BILL",
    "RECHNUNGEN",
    "RECHNUNGSNR",
    "RECHNUNG",
    "RGNR",
    "RG",
    "FACTURES",
    "FACTURE",
    "FACTURAS",
    "FACTURA",
    "FACTUREN",
    "FACTUUR",
    "FACT",
    "FATTURE",
    "FATTURA",
    "FAKTURY",
    "FAKTURA",
    "FAKTURANR",
    "LASKU",
    "NOTA",
)
_NUMBER_WORD = r"(?:\s*(?:NO|NR|NUM|NUMBER|N)\b\.?)?"


@dataclass(frozen=True, slots=True)
class Field:
    """A numeric part of an invoice number; ``width`` 0 means "any number of digits"."""

    kind: str  # YYYY, YY, MM, SEQ or NUM (a fixed-width number of unknown meaning)
    width: int


@dataclass(frozen=True, slots=True)
class Literal:
    """Fixed text of an invoice number, such as "INV-" or "/"."""

    text: str


Segment = Field | Literal


@dataclass(frozen=True, slots=True)
class RawHit:
    """A stretch of memo text that reads as an invoice number of one pattern."""

    start: int
    end: int
    key: str  # canonical digits, fields joined by "."
    prefixed: bool  # the template prefix or an invoice word stood before it
    sequence_only: bool  # only the sequence number was written
    # Every fixed-width field written at full width, the sequence with at least
    # three digits: "2026-03" or "2025-7" after a year read as a month as easily.
    padded: bool = True


def parse_template(template: str) -> tuple[Segment, ...]:
    """Split a numbering template into literal text and numeric fields."""
    segments: list[Segment] = []
    pos = 0
    for match in _PLACEHOLDER.finditer(template):
        if match.start() > pos:
            segments.append(Literal(template[pos : match.start()]))
        kind, width = match.group(1), match.group(2)
        fixed = {"YYYY": 4, "YY": 2, "MM": 2}.get(kind, int(width) if width else 0)
        segments.append(Field(kind, fixed))
        pos = match.end()
    if pos < len(template):
        segments.append(Literal(template[pos:]))
    leftover = re.sub(_PLACEHOLDER, "", template)
    if "{" in leftover or "}" in leftover:
        raise ValueError(f"unknown placeholder in numbering template {template!r}")
    if not any(isinstance(s, Field) and s.kind == "SEQ" for s in segments):
        raise ValueError(f"numbering template {template!r} has no {{SEQ}} field")
    return tuple(segments)


def infer_segments(number: str) -> tuple[Segment, ...] | None:
    """The shape of a number that fits no template: letters are literal, digit runs fields.

    The last digit run is taken as the sequence, a leading 19xx/20xx run as a
    year; any other run is a fixed-width number.  None when there are no digits.
    """
    runs = _SHAPE_RUN.findall(number)
    digit_runs = [i for i, run in enumerate(runs) if run.isdigit()]
    if not digit_runs:
        return None
    segments: list[Segment] = []
    for i, run in enumerate(runs):
        if not run.isdigit():
            segments.append(Literal(run.upper()))
        elif i == digit_runs[-1]:
            segments.append(Field("SEQ", 0))
        elif len(run) == 4 and run[:2] in ("19", "20"):
            segments.append(Field("YYYY", 4))
        else:
            segments.append(Field("NUM", len(run)))
    return tuple(segments)


def _field_regex(field: Field, name: str) -> str:
    if field.kind == "YYYY":
        return rf"(?P<{name}>(?:19|20)\d\d)"
    if field.kind == "YY" or field.kind == "NUM":
        return rf"(?P<{name}>\d{{{field.width}}})"
    if field.kind == "MM":
        return rf"(?P<{name}>0[1-9]|1[0-2]|[1-9](?!\d))"
    return rf"(?P<{name}>\d{{1,12}})"


def _format_field(field: Field, value: int) -> str:
    return str(value).zfill(field.width) if field.width else str(value)


class NumberPattern:
    """One numbering scheme: parses issued numbers and finds them in memos."""

    def __init__(self, segments: tuple[Segment, ...], source: str) -> None:
        self.segments = segments
        self.source = source
        self.fields = tuple(s for s in segments if isinstance(s, Field))
        self._seq_pos = next(i for i, f in enumerate(self.fields) if f.kind == "SEQ")
        first_field = next(i for i, s in enumerate(segments) if isinstance(s, Field))
        prefix_text = "".join(s.text for s in segments[:first_field] if isinstance(s, Literal))
        self.prefix_chunks = tuple(c.upper() for c in _ALNUM_CHUNK.findall(prefix_text))
        self.has_prefix = bool(self.prefix_chunks)
        self._issued = re.compile(self._issued_regex(), re.IGNORECASE)
        prefix = self._prefix_regex()
        self.full = re.compile(self._memo_regex(prefix, self._body_regex()))
        self.sequence = (
            re.compile(self._memo_regex(prefix, _field_regex(self.fields[self._seq_pos], "f0")))
            if len(self.fields) > 1
            else None
        )

    # construction -------------------------------------------------------
    def _issued_regex(self) -> str:
        parts: list[str] = []
        for i, seg in enumerate(self.segments):
            if isinstance(seg, Literal):
                parts.append(_SEP.join(re.escape(c) for c in _ALNUM_CHUNK.findall(seg.text)))
                parts.append(_SEP)
            else:
                if i and isinstance(self.segments[i - 1], Field):
                    parts.append(_SEP)
                width = rf"\d{{{seg.width}}}" if seg.width and seg.kind != "SEQ" else r"\d+"
                parts.append(rf"(?P<f{i}>{width})")
        return "".join(parts)

    def _prefix_regex(self) -> str:
        words = list(INVOICE_WORDS)
        if self.has_prefix:
            own = _SEP.join(re.escape(c) for c in self.prefix_chunks)
            if sum(len(c) for c in self.prefix_chunks) >= 3:
                own += "[A-Z]*"
            words.insert(0, own)
        return "(?:" + "|".join(words) + ")" + _NUMBER_WORD

    def _body_regex(self) -> str:
        parts: list[str] = []
        index = 0
        seen_field = False
        for seg in self.segments:
            if isinstance(seg, Field):
                if seen_field:
                    parts.append(_SEP)
                parts.append(_field_regex(seg, f"f{index}"))
                index += 1
                seen_field = True
            elif seen_field:
                chunks = _ALNUM_CHUNK.findall(seg.text.upper())
                if chunks:
                    parts.append(_SEP + "(?:" + _SEP.join(re.escape(c) for c in chunks) + ")?")
        return "".join(parts)

    @staticmethod
    def _memo_regex(prefix: str, body: str) -> str:
        start = rf"(?<![A-Z0-9])(?:(?P<pre>{prefix}){_SEP}|(?<![A-Z0-9][-/.,]))"
        return start + body + r"(?![A-Z0-9])(?![-/.,]\d)"

    # use ------------------------------------------------------------------
    def key_of(self, values: tuple[int, ...]) -> str:
        return ".".join(_format_field(f, v) for f, v in zip(self.fields, values))

    def sequence_key(self, seq: int) -> str:
        return _format_field(self.fields[self._seq_pos], seq)

    def parse_issued(self, number: str) -> tuple[str, str] | None:
        """(full key, sequence key) of an issued number, or None if it does not fit."""
        match = self._issued.fullmatch(number.strip())
        if match is None:
            return None
        values = tuple(int(v) for v in (g for g in match.groups() if g is not None))
        if len(values) != len(self.fields):
            return None
        return self.key_of(values), self.sequence_key(values[self._seq_pos])

    def find(self, text: str) -> list[RawHit]:
        """Full and sequence-only readings in an upper-cased, ASCII-folded memo."""
        hits: list[RawHit] = []
        for match in self.full.finditer(text):
            written = [match.group(f"f{i}") for i in range(len(self.fields))]
            values = tuple(int(v) for v in written)
            padded = all(
                len(v) >= (min(3, f.width or 3) if f.kind == "SEQ" else f.width)
                for v, f in zip(written, self.fields)
            )
            hits.append(
                RawHit(
                    match.start(),
                    match.end(),
                    self.key_of(values),
                    match.group("pre") is not None,
                    False,
                    padded,
                )
            )
        if self.sequence is not None:
            for match in self.sequence.finditer(text):
                hits.append(
                    RawHit(
                        match.start(),
                        match.end(),
                        self.sequence_key(int(match.group("f0"))),
                        match.group("pre") is not None,
                        True,
                    )
                )
        return hits

    def shape(self) -> tuple[object, ...]:
        """What makes two inferred patterns the same scheme (widths of SEQ aside)."""
        return tuple(
            (s.kind, s.width if s.kind != "SEQ" else 0)
            if isinstance(s, Field)
            else tuple(_ALNUM_CHUNK.findall(s.text.upper()))
            for s in self.segments
        )


def pattern_from_template(template: str) -> NumberPattern:
    return NumberPattern(parse_template(template), template)


def pattern_from_number(number: str) -> NumberPattern | None:
    segments = infer_segments(number)
    return None if segments is None else NumberPattern(segments, f"shape of {number}")
