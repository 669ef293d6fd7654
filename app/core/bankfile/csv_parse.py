"""Reading a delimited bank export with a known ``CsvProfile``.

Detection does the thinking once; this module only follows the profile.  It
finds where the data starts, filters record types, and feeds the rows in
blocks to a ``LineReader``: a block of regular rows is converted column by
column, any block holding something unusual is read row by row with full
care; both give the same lines.  Files whose records are single lines (no
quotes at all, or every field quoted exactly once) are split without the csv
module.  Rows that cannot be read become ``LineProblem`` values naming the
line; blank rows, repeated headers, non-transaction records and trailing
summary rows are counted as skipped.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from itertools import repeat
from operator import itemgetter

from app.core.bankfile.cells import is_currency_code
from app.core.bankfile.csv_lines import LineReader
from app.core.bankfile.csv_profile import CsvProfile
from app.core.bankfile.csv_rows import RawRecord, iter_raw_records, normalise_newlines
from app.core.bankfile.dates import DateReader
from app.core.bankfile.errors import StatementCancelled
from app.core.bankfile.identifiers import (
    compact,
    iban_prefix,
    is_iban,
)
from app.core.bankfile.model import LineProblem, StatementLine
from app.core.collector import collector_paused

Progress = Callable[[int, int], None]
Cancel = Callable[[], bool]
CHUNK = 4096


@dataclass
class CsvResult:
    """Lines, problems and account details read from a delimited export."""

    lines: list[StatementLine]
    problems: list[LineProblem]
    skipped: int
    account_iban: str | None
    account_id: str | None
    currency: str | None
    date_reader: DateReader
    dates_failed: list[str] = field(default_factory=list)


class _Preamble:
    """Account IBAN and currency mentioned outside the transaction rows."""

    def __init__(self) -> None:
        self.iban: str | None = None
        self.currencies: set[str] = set()

    def scan(self, cells: list[str]) -> None:
        for cell in cells:
            value = cell.strip().strip('"').strip()
            if not value:
                continue
            if self.iban is None and len(value) >= 15 and is_iban(value):
                self.iban = compact(value)
            elif is_currency_code(value):
                self.currencies.add(value)


def parse_delimited(
    text: str,
    profile: CsvProfile,
    progress: Progress | None = None,
    cancel: Cancel | None = None,
) -> CsvResult:
    """Read every transaction row of ``text`` (already decoded) with ``profile``.

    The cyclic garbage collector is paused while rows are converted: the
    hundreds of thousands of small objects made here hold no reference cycles,
    and letting the collector rescan them every few hundred allocations would
    cost a third of the time.  It is switched back on afterwards.
    """
    with collector_paused():
        return _parse(text, profile, progress, cancel)


def _parse(
    text: str, profile: CsvProfile, progress: Progress | None, cancel: Cancel | None
) -> CsvResult:
    text = normalise_newlines(text)
    reader = LineReader(profile)
    plan = reader.plan
    total_lines = text.count("\n") + 1
    preamble = _Preamble()
    skip_until = profile.skip_records + (1 if profile.has_header else 0)
    record_types = frozenset(profile.record_types)
    type_col = plan.record_type
    if (
        type_col < 0
        and not profile.merge_continuation_rows
        and _parse_lines(
            text.split("\n"),
            '"' in text,
            reader,
            preamble,
            skip_until,
            progress,
            cancel,
            total_lines,
        )
    ):
        if progress is not None:
            progress(total_lines, total_lines)
        return _finish(reader, preamble)
    records = iter(iter_raw_records(text, profile.delimiter))
    index = 0
    while index < skip_until:
        cells = next(records, (0, None, ""))[1]
        if cells is None:
            break
        if len(cells) == 1 and not cells[0].strip():
            continue
        if index < profile.skip_records:
            preamble.scan(cells)
        index += 1
    rows = [r for r in records if len(r[1]) > 1 or r[1][0].strip()]
    if type_col >= 0:
        kept = []
        for record in rows:
            cells = record[1]
            if (cells[type_col].strip() if type_col < len(cells) else "") in record_types:
                kept.append(record)
            else:
                reader.skipped += 1
                if preamble.iban is None or not preamble.currencies:
                    preamble.scan(cells)
        rows = kept
    for start in range(0, len(rows), CHUNK):
        _read_chunk(reader, rows[start : start + CHUNK])
        if cancel is not None and cancel():
            raise StatementCancelled()
        if progress is not None:
            progress(rows[min(start + CHUNK, len(rows)) - 1][0], total_lines)
    if progress is not None:
        progress(total_lines, total_lines)
    return _finish(reader, preamble)


def _quoted_block(block: list[str], delimiter: str, width: int) -> list[str] | None:
    """Cells of a block whose every field is quoted exactly once, or None."""
    separator = f'"{delimiter}"'
    if not all(map(str.startswith, block, repeat('"'))) or not all(
        map(str.endswith, block, repeat('"'))
    ):
        return None
    quotes = list(map(str.count, block, repeat('"')))
    separators = list(map(str.count, block, repeat(separator)))
    if (
        min(quotes) != max(quotes)
        or quotes[0] != 2 * width
        or min(separators) != max(separators)
        or separators[0] != width - 1
    ):
        return None
    return separator.join(map(itemgetter(slice(1, -1)), block)).split(separator)


def _parse_lines(
    lines: list[str],
    quoted: bool,
    reader: LineReader,
    preamble: _Preamble,
    skip_until: int,
    progress: Progress | None,
    cancel: Cancel | None,
    total_lines: int,
) -> bool:
    """Read a file whose records are single lines, block by block, without the csv module.

    That is every file without a quote character, and every file whose data
    lines quote each field exactly once (``"a";"b";""``) with no quote or
    line break inside a field.  A block of lines holding the same number of
    fields is split in one call and sliced into columns, which avoids building
    a list per row.  Returns False, having read nothing, when a quoted file
    does not qualify; the caller then uses the csv module.
    """
    profile = reader.profile
    delimiter = profile.delimiter
    separator = f'"{delimiter}"'
    while lines and not lines[-1].strip():
        lines.pop()
    position = index = 0
    while position < len(lines) and index < skip_until:
        cells = lines[position].split(delimiter)
        position += 1
        if len(cells) == 1 and not cells[0].strip():
            continue
        if index < profile.skip_records:
            preamble.scan(cells)
        index += 1
    width = reader.plan.width
    blocks = range(position, len(lines), CHUNK)
    if quoted and any(line.count('"') % 2 for line in lines[:position]):
        return False
    if quoted:
        split_blocks = [
            _quoted_block(lines[start : start + CHUNK], delimiter, width) for start in blocks
        ]
        if any(cells is None for cells in split_blocks):
            return False
    for number, start in enumerate(blocks):
        block = lines[start : start + CHUNK]
        done = False
        if quoted:
            flat = split_blocks[number]
        elif (
            min(counts := list(map(str.count, block, repeat(delimiter))))
            == max(counts)
            == width - 1
        ):
            flat = delimiter.join(block).split(delimiter)
        else:
            flat = None
        if flat is not None:
            columns = [flat[i::width] for i in range(width)]
            done = reader.read_columns(range(start + 1, start + 1 + len(block)), block, columns)
        if not done:
            rows = [
                (
                    start + 1 + k,
                    line[1:-1].split(separator) if quoted else line.split(delimiter),
                    line,
                )
                for k, line in enumerate(block)
                if line.strip()
            ]
            if rows:
                _read_chunk(reader, rows)
        if cancel is not None and cancel():
            raise StatementCancelled()
        if progress is not None:
            progress(start + len(block), total_lines)
    return True


def _read_chunk(reader: LineReader, rows: list[RawRecord]) -> None:
    if not reader.chunk(rows):
        for first, cells, raw in rows:
            reader.row(first, cells, raw)


def _finish(reader: LineReader, preamble: _Preamble) -> CsvResult:
    lines = reader.lines
    if len(set(reader.ids)) != len(reader.ids):
        lines = [replace(line, bank_transaction_id=None) for line in lines]
    last_line = lines[-1].line_no if lines else 0
    for problem in reader.undated:
        if problem.line_no > last_line:
            reader.skipped += 1
        else:
            reader.problems.append(problem)
    reader.problems.sort(key=lambda p: p.line_no)
    accounts = reader.accounts
    account_id = next(iter(accounts)) if len(accounts) == 1 else None
    account_iban = iban_prefix(account_id) if account_id and is_iban(account_id) else None
    if account_iban is None:
        account_iban = preamble.iban
    if account_id is None:
        account_id = account_iban
    currencies = {c for c in reader.currencies if c}
    currency = currencies.pop() if len(currencies) == 1 else None
    if currency is None and not currencies and len(preamble.currencies) == 1:
        currency = next(iter(preamble.currencies))
        lines = [replace(line, currency=currency) for line in lines]
    return CsvResult(
        lines,
        reader.problems,
        reader.skipped,
        account_iban,
        account_id,
        currency,
        reader.dates,
        reader.dates_failed,
    )
