"""Splitting delimited bank exports into records, forgiving real-world damage.

Bank exports are rarely clean CSV: rows ending in ``\\r\\r\\n``, quotes inside
quoted fields that nobody escaped (``"UAB "Naktida""``), a row that lost its
opening quote, newlines inside quoted fields.  Records are read with the
standard ``csv`` module (fast, and right about quoted newlines); a record
whose cells show the typical scars of broken quoting (a doubled quote left in
a cell, an odd number of quotes) is split again by a lenient splitter that
treats a quote as closing only when a delimiter or the end of the line
follows it.

Every record keeps its physical line numbers and raw text so that problems
can name the line and nothing read is lost.
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import count, repeat

DELIMITERS = (";", ",", "\t", "|")
_MAX_RECORD_LINES = 60


@dataclass(frozen=True, slots=True)
class DelimiterGuess:
    delimiter: str
    doubtful: bool
    reason: str


def normalise_newlines(text: str) -> str:
    """One ``\\n`` per line end, whatever mix of CR and LF the bank used."""
    if "\r" in text:
        text = text.replace("\r\r\n", "\n").replace("\r\n", "\n").replace("\r", "\n")
    return text


def _field_counts(sample: str, delimiter: str) -> list[int]:
    counts = []
    try:
        for row in csv.reader(io.StringIO(sample, newline=""), delimiter=delimiter, strict=False):
            if row and any(cell.strip() for cell in row):
                counts.append(len(row))
    except csv.Error:
        return []
    return counts


def _name(delimiter: str) -> str:
    return {"\t": "tab", ";": "semicolon", ",": "comma", "|": "vertical bar"}[delimiter]


def detect_delimiter(lines: list[str]) -> DelimiterGuess:
    """Pick the delimiter that splits most rows into the same, largest number of fields.

    Rows are compared in their dominant cluster (field counts within a quarter
    of the most common count), so a preamble of two-field lines or ragged rows
    whose free text spills over extra fields do not mislead.
    """
    sample = "\n".join(line for line in lines[:400] if line.strip())
    scores: dict[str, float] = {}
    for delimiter in DELIMITERS:
        if delimiter not in sample:
            continue
        counts = [c for c in _field_counts(sample, delimiter) if c >= 2]
        if not counts:
            continue
        mode = max(set(counts), key=lambda c: (counts.count(c), c))
        spread = max(1, mode // 4)
        consistent = sum(1 for c in counts if abs(c - mode) <= spread)
        scores[delimiter] = consistent * math.log2(mode + 1)
    if not scores:
        raise ValueError("no delimiter splits the lines into columns")
    ranked = sorted(scores, key=scores.__getitem__, reverse=True)
    best = ranked[0]
    if len(ranked) > 1 and scores[ranked[1]] > 0.8 * scores[best]:
        return DelimiterGuess(
            best, True, f"{_name(best)} fits slightly better than {_name(ranked[1])}"
        )
    return DelimiterGuess(best, False, f"{_name(best)} splits the rows into equal columns")


def _strip_stray_quote(cell: str) -> str:
    if cell.count('"') % 2 == 1:
        if cell.endswith('"'):
            return cell[:-1]
        if cell.startswith('"'):
            return cell[1:]
    return cell


def lenient_split(raw: str, delimiter: str) -> list[str]:
    """Split one record, closing a quoted field only before a delimiter or the end.

    Handles unescaped inner quotes (``"UAB "Naktida""``) and a field that lost
    its opening quote (``NL77RABO…","EUR"``).
    """
    cells: list[str] = []
    i, n = 0, len(raw)
    while True:
        if i < n and raw[i] == '"':
            j = i + 1
            while True:
                k = raw.find('"', j)
                if k == -1:
                    cells.append(raw[i + 1 :].replace('""', '"'))
                    return cells
                if k + 1 == n or raw[k + 1] == delimiter:
                    cells.append(raw[i + 1 : k].replace('""', '"'))
                    if k + 1 == n:
                        return cells
                    i = k + 2
                    break
                j = k + 1
        else:
            k = raw.find(delimiter, i)
            if k == -1:
                cells.append(_strip_stray_quote(raw[i:]))
                return cells
            cells.append(_strip_stray_quote(raw[i:k]))
            i = k + 1


def _scarred(cells: list[str]) -> bool:
    return any('"' in cell and ('""' in cell or cell.count('"') % 2 == 1) for cell in cells)


def repair_record(raw: str, delimiter: str, cells: list[str]) -> list[str]:
    """Re-split a record whose quoting the csv module could not make sense of."""
    if not _scarred(cells):
        return cells
    if raw.startswith('"') or f'"{delimiter}"' in raw:
        return lenient_split(raw, delimiter)
    return [_strip_stray_quote(cell) for cell in cells]


@dataclass(frozen=True, slots=True)
class Record:
    """One logical record: its first physical line (1-based), cells and raw text."""

    line_no: int
    cells: list[str]
    raw: str


RawRecord = tuple[int, list[str], str]


def _one_per_line(physical: list[str], start: int, end: int, delimiter: str) -> list[RawRecord]:
    return [
        (start + offset + 1, lenient_split(line, delimiter), line)
        for offset, line in enumerate(physical[start:end])
        if line.strip()
    ]


def iter_raw_records(text: str, delimiter: str) -> Iterator[RawRecord]:
    """(first line, cells, raw text) of every record of newline-normalised ``text``.

    Blank records may be included (as ``[""]``); callers skip them.  A file
    without any quote character is split line by line without the csv
    machinery, which is several times faster and gives the same cells.
    """
    if '"' not in text:
        physical = text.split("\n")
        return zip(count(1), map(str.split, physical, repeat(delimiter)), physical)
    return _quoted_records(text, delimiter)


def _quoted_records(text: str, delimiter: str) -> Iterator[RawRecord]:
    """Records of a file that uses quoting, repairing broken quotes.

    A csv error, or a quoted field that swallows dozens of lines (a lost
    closing quote), makes the affected lines be read one by one instead, so
    one bad quote cannot eat the file.
    """
    physical = text.split("\n")
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=False)
    start = 0
    while True:
        try:
            for cells in reader:
                end = reader.line_num
                if end - start == 1:
                    raw = physical[start]
                elif end - start > _MAX_RECORD_LINES:
                    yield from _one_per_line(physical, start, end, delimiter)
                    start = end
                    continue
                else:
                    raw = "\n".join(physical[start:end])
                first = start + 1
                start = end
                if not cells:
                    continue
                quotes = raw.count('"')
                if quotes and quotes != 2 * len(cells):
                    cells = repair_record(raw, delimiter, cells)
                yield first, cells, raw
            return
        except csv.Error:
            end = reader.line_num
            yield from _one_per_line(physical, start, end, delimiter)
            start = end


def iter_records(text: str, delimiter: str) -> Iterator[Record]:
    """All non-blank records of ``text`` (already newline-normalised)."""
    for first, cells, raw in iter_raw_records(text, delimiter):
        if len(cells) == 1 and not cells[0].strip():
            continue
        yield Record(first, cells, raw)
