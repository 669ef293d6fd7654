"""What the usage import dialog knows about its file, shared by its steps.

The file is read with the same reader the import uses (``read_usage``), so
the preview shows the rows exactly as they will be stored.  Reading happens on
the long-job worker; each reading carries the header of the file (from its
first lines) so the user can point a field at another column even when the
reader could not find a column it needs.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from app.core.sheet_import import map_header
from app.core.textfile import TextFileError, read_csv_table
from app.core.usage_import import USAGE_HEADERS, UsageFile, read_usage

HEAD_BYTES = 64 * 1024
_NUMERIC_DATE = re.compile(r"^\s*(\d{1,2})[./-](\d{1,2})[./-]\d{2,4}")
REQUIRED = ("client", "date", "quantity")
FIELD_LABELS: dict[str, str] = {
    "client": "Client",
    "date": "Date or timestamp",
    "quantity": "Quantity or hours",
    "item": "Item (what was used)",
    "schedule": "Agreement",
    "record_id": "Record id",
    "person": "Person",
    "rate": "Hourly rate",
    "billable": "Billable (yes/no)",
    "description": "Description",
}
DELIMITER_NAMES = {",": "comma", ";": "semicolon", "\t": "tab", "|": "bar"}


@dataclass(frozen=True)
class UsageReading:
    """One reading of the file with one set of choices; ``file`` is None when it cannot be read."""

    header: list[str]
    encoding: str
    delimiter: str
    detected: dict[str, str]  # field → header the reader recognised by name
    file: UsageFile | None
    error: str = ""
    order_is_guess: bool = False  # every date reads both ways (03/04/2026): day/month assumed

    def columns(self, overrides: dict[str, str]) -> dict[str, str]:
        """Field → header as the reader will use it: recognised names, then the user's choices."""
        out = dict(self.detected)
        out.update({f: h for f, h in overrides.items() if h in self.header})
        return out


def _head(data: bytes) -> bytes:
    """The first lines of the file, cut at a line end so no character is split."""
    if len(data) <= HEAD_BYTES:
        return data
    cut = data.rfind(b"\n", 0, HEAD_BYTES)
    return data[: cut + 1] if cut > 0 else data


def read_usage_bytes(
    data: bytes,
    *,
    columns: dict[str, str] | None = None,
    day_first: bool | None = None,
    decimal_mark: str | None = None,
) -> UsageReading:
    """Read ``data`` as the import will; a file that is not text at all raises TextFileError."""
    header, rows, encoding, delimiter = read_csv_table(_head(data))
    detected = {f: header[i] for f, i in map_header(header, USAGE_HEADERS).items()}
    date_title = {**detected, **{f: h for f, h in (columns or {}).items() if h in header}}.get(
        "date"
    )
    guess = False
    if date_title is not None and day_first is None:
        at = header.index(date_title)
        guess = date_order_is_guess([c[at] for _line, c in rows if at < len(c)])
    try:
        found = read_usage(data, day_first=day_first, decimal_mark=decimal_mark, columns=columns)
    except TextFileError as exc:
        return UsageReading(header, encoding, delimiter, detected, None, exc.reason, guess)
    return UsageReading(header, encoding, delimiter, detected, found, "", guess)


def date_order_is_guess(values: list[str]) -> bool:
    """True when no date settles the order: each reads as day/month and as month/day."""
    pairs = [(int(m[1]), int(m[2])) for v in values if (m := _NUMERIC_DATE.match(v))]
    return bool(pairs) and all(a <= 12 and b <= 12 for a, b in pairs)


def first_values(data: bytes) -> dict[str, str]:
    """Header → the first non-empty value under it (shown beside the column choices)."""
    header, rows, _enc, _delim = read_csv_table(_head(data))
    out: dict[str, str] = {}
    for i, title in enumerate(header):
        for _line, cells in rows:
            if i < len(cells) and cells[i].strip():
                out[title] = cells[i].strip()
                break
    return out


@dataclass
class UsageDraft:
    """The dialog's state: the file, the latest reading and the user's answers."""

    path: Path | None = None
    data: bytes = b""
    reading: UsageReading | None = None
    values: dict[str, str] = field(default_factory=dict)
    overrides: dict[str, str] = field(default_factory=dict)  # field → header chosen by the user
    day_first: bool | None = None
    decimal_mark: str | None = None
    reading_now: bool = False
    error: str = ""
    skip_invalid: bool = False
    profile: str = ""  # the saved profile the choices came from

    def ready(self) -> bool:
        """A reading with rows, for the file and choices now shown."""
        r = self.reading
        return (
            r is not None
            and r.file is not None
            and not self.reading_now
            and not self.error
            and bool(r.file.rows)
        )

    def rejected(self) -> int:
        r = self.reading
        return len(r.file.errors) if r is not None and r.file is not None else 0

    def columns(self) -> dict[str, str]:
        return self.reading.columns(self.overrides) if self.reading is not None else {}


def read_in_background(
    handle: Any,
    draft: UsageDraft,
    on_done: Callable[[UsageReading], None],
    on_error: Callable[[BaseException], None],
) -> None:
    """Read the draft's bytes with its current choices on the long-job worker."""
    data, overrides = draft.data, dict(draft.overrides)
    day_first, mark = draft.day_first, draft.decimal_mark
    handle.long_ops.run_long(
        lambda _p, _c: read_usage_bytes(
            data, columns=overrides, day_first=day_first, decimal_mark=mark
        ),
        lambda *_a: None,
        on_done,
        on_error,
    )


def load_file(path: Path) -> tuple[bytes, UsageReading, dict[str, str]]:
    """The file's bytes, its first reading and its first values (for the long-job worker)."""
    data = path.read_bytes()
    return data, read_usage_bytes(data), first_values(data)
