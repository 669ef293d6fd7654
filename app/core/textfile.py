"""Turning the bytes of a user's text file into text, or a clear refusal.

Shared by every spreadsheet-like import (clients, schedules, invoices, usage).
"""

from __future__ import annotations

_MAGIC = {
    b"%PDF": "a PDF document",
    b"PK\x03\x04": "a ZIP archive or an Excel .xlsx workbook (save it as CSV first)",
    b"\xd0\xcf\x11\xe0": "an old Excel .xls or Word document (save it as CSV first)",
    b"\x89PNG": "a PNG image",
    b"\xff\xd8\xff": "a JPEG image",
    b"GIF8": "a GIF image",
}


class TextFileError(ValueError):
    """A file that cannot be read as text, with the line where reading stopped."""

    def __init__(self, reason: str, line: int = 0, filename: str = "") -> None:
        self.reason = reason
        self.line = line
        self.filename = filename
        super().__init__(self.describe())

    def describe(self) -> str:
        where = self.filename or "file"
        if self.line:
            where += f", line {self.line}"
        return f"{where}: {self.reason}"

    def with_filename(self, filename: str) -> TextFileError:
        return TextFileError(self.reason, self.line, filename)


def refuse_binary(data: bytes) -> None:
    """Raise TextFileError for empty files and files that are clearly not text."""
    if not data.strip():
        raise TextFileError("the file is empty", line=0)
    for magic, what in _MAGIC.items():
        if data.startswith(magic):
            raise TextFileError(f"this is {what}, not a text/CSV file")
    sample = data[:65536]
    if b"\x00" in sample:
        raise TextFileError("this is a binary file, not a text/CSV file")
    controls = sum(1 for b in sample if b < 32 and b not in (9, 10, 13, 1, 3, 12, 26))
    if controls > max(8, len(sample) // 200):
        raise TextFileError("this is a binary file, not a text/CSV file")


def decode_text(data: bytes, candidates: tuple[str, ...] = ("cp1252",)) -> tuple[str, str]:
    """Decode UTF-8 (with or without BOM) or fall back to a single-byte code page."""
    refuse_binary(data)
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="strict"), "utf-8-sig"
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    for enc in candidates:
        try:
            return data.decode(enc), enc
        except UnicodeDecodeError:
            continue
    return data.decode("latin-1"), "latin-1"


def sniff_delimiter(text: str, options: str = ",;\t|") -> str:
    """The delimiter that splits the first lines most consistently into several fields."""
    lines = [ln for ln in text.splitlines()[:50] if ln.strip()]
    best, best_score = ",", -1.0
    for delim in options:
        counts = [_count_outside_quotes(ln, delim) for ln in lines]
        if not counts or max(counts) == 0:
            continue
        common = max(set(counts), key=counts.count)
        consistency = counts.count(common) / len(counts)
        score = consistency * 10 + min(common, 30) / 30
        if common > 0 and score > best_score:
            best, best_score = delim, score
    return best


def _count_outside_quotes(line: str, delim: str) -> int:
    inside = False
    n = 0
    for ch in line:
        if ch == '"':
            inside = not inside
        elif ch == delim and not inside:
            n += 1
    return n


def read_csv_table(data: bytes) -> tuple[list[str], list[tuple[int, list[str]]], str, str]:
    """Header and (line number, cells) rows of a delimited text file; blank rows skipped."""
    import csv
    import io

    text, encoding = decode_text(data)
    delimiter = sniff_delimiter(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = [h.strip() for h in next(reader)]
    except StopIteration:
        raise TextFileError("the file is empty", line=1) from None
    except csv.Error as exc:
        raise TextFileError(f"not a readable CSV file ({exc})", line=1) from None
    rows: list[tuple[int, list[str]]] = []
    try:
        for record in reader:
            cells = [c.strip() for c in record]
            if any(cells):
                rows.append((reader.line_num, cells))
    except csv.Error as exc:
        raise TextFileError(f"malformed CSV ({exc})", line=reader.line_num) from None
    return header, rows, encoding, delimiter


def parse_user_date(text: str, *, day_first: bool = True):  # type: ignore[no-untyped-def]
    """ISO dates, or D.M.Y / D/M/Y (M/D/Y when ``day_first`` is False); ValueError otherwise."""
    import re
    from datetime import date

    cleaned = text.strip()
    m = re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})", cleaned)
    if m:
        return date(int(m[1]), int(m[2]), int(m[3]))
    m = re.fullmatch(r"(\d{1,2})[./-](\d{1,2})[./-](\d{4}|\d{2})", cleaned)
    if not m:
        raise ValueError(f"{text!r} is not a date (use YYYY-MM-DD)")
    a, b, year = int(m[1]), int(m[2]), int(m[3])
    if year < 100:
        year += 2000
    day, month = (a, b) if day_first else (b, a)
    try:
        return date(year, month, day)
    except ValueError:
        raise ValueError(f"{text!r} is not a real date") from None
