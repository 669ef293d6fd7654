"""Reading a statement for a preview: the whole file's layout, but only as many rows as shown.

A wizard shows the first few hundred rows and re-reads the file after every
change of layout; parsing 100,000 rows each time would make it sluggish for
nothing.  The encoding and the layout are still decided from the whole file
(a head could hide the one byte that tells cp1252 from UTF-8, or the one date
that tells day from month), and the rows shown are read exactly as the
import will read them.
"""

from __future__ import annotations

from dataclasses import replace

from app.core.bankfile import CsvProfile, Detection, Statement, parse_statement
from app.core.bankfile.encoding import decode_as

CUT_SLACK = 50  # physical lines read past the last row kept, so that no record is cut short


def _head(data: bytes, profile: CsvProfile, max_lines: int) -> tuple[bytes, int] | None:
    """The first physical lines of the file (enough for ``max_lines`` rows), re-encoded, and
    the last line number to keep; None when the file is no longer than that."""
    encoding = profile.encoding or "utf-8"
    keep = profile.skip_records + (1 if profile.has_header else 0) + max_lines
    try:
        parts = decode_as(data, encoding).split("\n", keep + CUT_SLACK)
        if len(parts) <= keep + CUT_SLACK:
            return None
        return "\n".join(parts[:-1]).encode(encoding, "replace") + b"\n", keep
    except LookupError:  # an unknown encoding: the whole parse says so properly
        return None


def _date_in_doubt(detection: Detection | None) -> bool:
    return detection is not None and any(
        c.key in ("date_format", "day_month") for c in detection.doubtful
    )


def read_for_preview(
    data: bytes,
    filename: str,
    profile: CsvProfile | None,
    detection: Detection | None,
    max_lines: int | None,
) -> tuple[Statement, CsvProfile | None, Detection, bool]:
    """Parse the file, or only its head when that is all the preview needs.

    The layout (and the encoding) always come from the whole file.  When the
    day/month order is still a guess after detection's sample, the whole file
    is read so that every date has its say, and the profile follows it.
    """
    head = None
    if profile is not None and max_lines is not None and not _date_in_doubt(detection):
        head = _head(data, profile, max_lines)
    if head is None:
        if detection is not None:  # detected, not given: let the whole file settle the dates
            statement = parse_statement(data, filename, None)
            settled = statement.detection.get("date_format")
            if profile is not None and settled is not None and settled.value != profile.date_format:
                profile = profile.with_changes(date_format=settled.value)
            return statement, profile, statement.detection, True
        statement = parse_statement(data, filename, profile)
        return statement, profile, statement.detection, True
    cut, keep = head
    statement = parse_statement(cut, filename, profile)
    statement = replace(
        statement,
        lines=[line for line in statement.lines if line.line_no <= keep],
        problems=[p for p in statement.problems if p.line_no <= keep],
    )
    return statement, profile, detection or statement.detection, False
