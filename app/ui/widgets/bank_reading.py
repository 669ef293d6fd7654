"""What the import wizard knows about the file it is importing, shared by its pages.

Reading happens on the long-job worker (``read_in_background``): the service's preview
(the first few hundred rows exactly as they would be imported, nothing written;
the layout and the encoding decided from the whole file) plus the first bytes
of the file, which the layout form needs to re-split the header when the user
picks another delimiter or header row.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from app.core.bankfile import CsvProfile, Detection
from app.services.bank_import import ImportPreview, preview

HEAD_BYTES = 64 * 1024


@dataclass
class FileReading:
    preview: ImportPreview
    head: bytes


def read_statement(
    ctx: Any, path: Path, profile: CsvProfile | None = None, account: str | None = None
) -> FileReading:
    """The preview of ``path`` read with ``profile`` (detected or saved when None)."""
    found = preview(ctx, path, profile, account)
    with path.open("rb") as fh:
        head = fh.read(HEAD_BYTES)
    return FileReading(found, head)


def read_in_background(
    handle: Any,
    path: Path,
    profile: CsvProfile | None,
    on_done: Callable[[FileReading], None],
    on_error: Callable[[BaseException], None],
) -> None:
    """Read on the long-job worker: a large statement never holds up the database queue."""
    ctx = handle.ctx
    handle.long_ops.run_long(
        lambda _progress, _cancel: read_statement(ctx, path, profile),
        lambda *_a: None,
        on_done,
        on_error,
    )


@dataclass
class ImportDraft:
    """The wizard's state: the file, the latest reading, the layout and the user's answers."""

    path: Path | None = None
    reading: FileReading | None = None
    detection: Detection | None = None
    profile: CsvProfile | None = None
    edited: bool = False
    error: str = ""
    reading_now: bool = False
    account: str = ""
    accept_problems: bool = False
    save_profile: bool = False

    @property
    def is_delimited(self) -> bool:
        return self.profile is not None

    def ready(self) -> bool:
        """A reading with transactions, for the file and settings now shown."""
        if self.reading is None or self.reading_now or self.error:
            return False
        return bool(self.reading.preview.statement.lines)

    def problems(self) -> int:
        return len(self.reading.preview.statement.problems) if self.reading else 0
