"""Refusals a bookkeeper can act on.

A bank file that cannot be read at all (empty, a PDF saved with a .csv name,
too large, not a statement format we know) is refused as a whole with a
``StatementError`` that names the file, the line when there is one, and the
reason in plain words.  Single unreadable lines are not errors: they become
``LineProblem`` values on the statement so that the readable rest is kept.
"""

from __future__ import annotations

MAX_STATEMENT_BYTES = 200 * 1024 * 1024


class StatementError(ValueError):
    """A bank file that cannot be imported, with file, line and reason."""

    def __init__(self, filename: str, line_no: int | None, reason: str) -> None:
        self.filename = filename or "(unnamed file)"
        self.line_no = line_no
        self.reason = reason
        where = self.filename if line_no is None else f"{self.filename}, line {line_no}"
        super().__init__(f"{where}: {reason}")


class StatementCancelled(Exception):
    """The caller's cancel flag was raised while a statement was being read."""


def check_size(size_bytes: int, filename: str) -> None:
    """Refuse a file before reading it when it is empty or unreasonably large.

    Callers check the size on disk first so that a mistaken multi-gigabyte
    file is never loaded into memory.
    """
    if size_bytes <= 0:
        raise StatementError(filename, None, "the file is empty")
    if size_bytes > MAX_STATEMENT_BYTES:
        limit_mb = MAX_STATEMENT_BYTES // (1024 * 1024)
        size_mb = size_bytes / (1024 * 1024)
        raise StatementError(
            filename,
            None,
            f"the file is {size_mb:.0f} MB; bank statements larger than {limit_mb} MB "
            "are not accepted (export a shorter period)",
        )
