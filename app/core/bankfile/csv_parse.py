"""Reading a delimited bank export with a known ``CsvProfile``.

Detection does the thinking once; this module only follows the profile, with
a column plan fixed before the first row.  Rows are read in chunks: a chunk
whose rows are all regular (full width, known dates, readable amounts) is
converted column by column with C-level ``map`` calls, which is what makes
large files fast; any chunk holding something unusual (a pending line, a bad
date, an empty amount, a continuation row) is read row by row with full
care.  Both ways give the same lines.  Rows that cannot be read become
``LineProblem`` values naming the line; blank rows, repeated headers,
non-transaction records and trailing summary rows are counted as skipped.
"""

from __future__ import annotations

import gc
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal
from itertools import repeat
from operator import itemgetter

from app.core.amounts import AmountParseError
from app.core.bankfile.cells import clean_text, is_currency_code
from app.core.bankfile.csv_plan import Plan, make_plan
from app.core.bankfile.csv_profile import AmountConvention, CsvProfile
from app.core.bankfile.csv_rows import RawRecord, iter_raw_records, normalise_newlines
from app.core.bankfile.dates import DateError, DateReader, infer_date_format
from app.core.bankfile.decimals import amount_reader, bulk_amount_reader
from app.core.bankfile.errors import StatementCancelled
from app.core.bankfile.identifiers import (
    compact,
    find_creditor_reference,
    iban_prefix,
    is_iban,
    normalise_reference,
)
from app.core.bankfile.model import LineProblem, StatementLine, fast_line
from app.core.bankfile.vocabulary import VALUE_DATE_LABELS, fold_value

Progress = Callable[[int, int], None]
Cancel = Callable[[], bool]
CHUNK = 4096
_ZERO = Decimal(0)
_BAD = object()
_VALUE_DATE_IN_TEXT = re.compile(
    r"(?:" + "|".join(re.escape(label) for label in VALUE_DATE_LABELS) + r")\s*:?\s*"
    r"(\d{1,2}[-./]\d{1,2}[-./]\d{2,4}|\d{4}-\d{2}-\d{2})",
    re.IGNORECASE,
)
_FIRST, _CELLS, _RAW = itemgetter(0), itemgetter(1), itemgetter(2)


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
            value = cell.strip()
            if not value:
                continue
            if self.iban is None and len(value) >= 15 and is_iban(value):
                self.iban = compact(value)
            elif is_currency_code(value):
                self.currencies.add(value)


def _collapse(text: str) -> str:
    return " ".join(text.split())


def _quick_reference(text: str) -> str:
    if "RF" in text or "+++" in text or "***" in text:
        return find_creditor_reference(text)
    return ""


def _tidy_iban(text: str) -> str:
    if " " in text or "'" in text:
        return "".join(text.split()).lstrip("'")
    return text


def _unquote(text: str) -> str:
    if len(text) > 1 and text[0] == "'" and text[-1] == "'":
        return text[1:-1].strip()
    return text


class _Reader:
    """The state of one parse: readers, caches and what has been read so far."""

    def __init__(self, profile: CsvProfile) -> None:
        self.profile = profile
        self.plan: Plan = make_plan(profile)
        self.dates = DateReader(profile.date_format)
        self.value_dates = (
            DateReader(profile.value_date_format) if profile.value_date_format else self.dates
        )
        scale = 2 if profile.minor_units else 0
        self.read_amount = amount_reader(profile.decimal_mark, scale)
        self.read_column = bulk_amount_reader(profile.decimal_mark, scale)
        self.pending_values = frozenset(profile.pending_values)
        self.money_out = frozenset(profile.indicator_out)
        self.header = [c.strip() for c in profile.header]
        self.folded: dict[str, str] = {}
        self.lines: list[StatementLine] = []
        self.problems: list[LineProblem] = []
        self.dates_failed: list[str] = []
        self.undated: list[LineProblem] = []
        self.accounts: set[str] = set()
        self.skipped = 0

    def fold(self, value: str) -> str:
        found = self.folded.get(value)
        if found is None:
            found = self.folded[value] = fold_value(value)
        return found

    def is_header(self, cells: list[str]) -> bool:
        header = self.header
        return bool(header) and [c.strip() for c in cells[: len(header)]] == header

    def safe_amount(self, text: str) -> object:
        try:
            return self.read_amount(text)
        except (AmountParseError, ArithmeticError):
            return _BAD

    def signed_amount(self, cells: list[str]) -> Decimal | None:
        """The row's signed amount; raises AmountParseError for unreadable text."""
        plan, read = self.plan, self.read_amount
        convention = self.profile.amount_convention
        if convention is AmountConvention.SIGNED:
            return read(cells[plan.amount])
        if convention is AmountConvention.DEBIT_CREDIT:
            debit = read(cells[plan.debit]) if plan.debit >= 0 else None
            credit = read(cells[plan.credit]) if plan.credit >= 0 else None
            if debit is None and credit is None:
                return None
            return abs(credit if credit is not None else _ZERO) - abs(
                debit if debit is not None else _ZERO)
        amount = read(cells[plan.amount])
        if amount is None:
            return None
        flag = self.fold(cells[plan.indicator].strip())
        return -abs(amount) if flag in self.money_out else abs(amount)

    # -- the careful way: one row at a time ---------------------------------

    def row(self, first: int, cells: list[str], raw: str) -> None:
        plan, profile = self.plan, self.profile
        n = len(cells)
        if n < plan.width:
            cells = cells + [""] * (plan.width - n)
        date_text = cells[plan.date]
        stripped = date_text.strip()
        if profile.merge_continuation_rows and not stripped and self.lines and not any(
            cells[c].strip() for c in plan.amount_columns
        ):
            extra = clean_text(" ".join(c for c in cells if c.strip()))
            if extra:
                last = self.lines[-1]
                self.lines[-1] = replace(
                    last, description=f"{last.description} {extra}".strip(),
                    raw=f"{last.raw}\n{raw}")
            return
        try:
            amount = self.signed_amount(cells)
        except (AmountParseError, ArithmeticError) as exc:
            if self.is_header(cells) or not any(c.strip() for c in cells[: plan.width]):
                self.skipped += 1
            else:
                self.problems.append(LineProblem(first, f"cannot read the amount: {exc}", raw))
            return
        if amount is None:
            if stripped and self.dates.matches(date_text):
                self.problems.append(LineProblem(first, "the line has a date but no amount", raw))
            else:
                self.skipped += 1
            return
        pending = False
        booking = self.dates.cache.get(date_text)
        if booking is None:
            if stripped:
                undated_pending = self.fold(stripped) in self.pending_values
            else:
                undated_pending = plan.status >= 0 and \
                    self.fold(cells[plan.status].strip()) in self.pending_values
            if undated_pending:
                pending = True
            else:
                try:
                    booking = self.dates(date_text)
                except DateError as exc:
                    if self.is_header(cells):
                        self.skipped += 1
                    elif not stripped:
                        self.undated.append(LineProblem(first, "the line has no date", raw))
                    elif self.dates.matches(date_text):
                        self.dates_failed.append(stripped)
                        self.problems.append(LineProblem(first, exc.reason, raw))
                    else:
                        self.undated.append(LineProblem(first, exc.reason, raw))
                    return
        if plan.status >= 0 and not pending:
            pending = self.fold(cells[plan.status].strip()) in self.pending_values
        description = self.description(cells, n)
        value_date = None
        if plan.value_date >= 0:
            value_text = cells[plan.value_date]
            if value_text.strip():
                try:
                    value_date = self.value_dates(value_text)
                except DateError as exc:
                    self.problems.append(LineProblem(first, f"value date: {exc.reason}", raw))
                    return
        elif plan.value_is_booking:
            value_date = booking
        elif profile.value_date_in_description:
            found = _VALUE_DATE_IN_TEXT.search(description)
            if found:
                value_date = _loose_date(found.group(1))
        balance = None
        if plan.balance >= 0:
            value = self.safe_amount(cells[plan.balance])
            balance = value if isinstance(value, Decimal) else None
            if balance is not None and profile.balance_before:
                balance = balance + amount
        currency = profile.default_currency
        if plan.currency >= 0 and cells[plan.currency].strip():
            currency = cells[plan.currency].strip().upper()
        if plan.account >= 0:
            self.accounts.add(cells[plan.account].strip())
        self.lines.append(fast_line(
            first, booking, value_date, amount, currency, description,
            _collapse(cells[plan.counterparty]) if plan.counterparty >= 0 else "",
            _tidy_iban(cells[plan.counterparty_iban]) if plan.counterparty_iban >= 0 else "",
            normalise_reference(cells[plan.reference]) if plan.reference >= 0
            else _quick_reference(description),
            (cells[plan.transaction_id].strip() or None) if plan.transaction_id >= 0 else None,
            balance, pending, raw,
        ))

    def description(self, cells: list[str], n: int) -> str:
        plan = self.plan
        text = " ".join([cells[c] for c in plan.descriptions if cells[c]])
        if n > plan.width and plan.descriptions:
            text = text + " " + " ".join(cells[plan.width:])
        text = _unquote(_collapse(text))
        if not text and plan.types:
            text = _collapse(" ".join([cells[c] for c in plan.types]))
        return text

    # -- the fast way: a whole chunk, column by column -----------------------

    def chunk(self, rows: list[RawRecord]) -> bool:
        """Read a chunk of regular rows; False (nothing read) if any row needs care."""
        table = list(map(_CELLS, rows))
        width = self.plan.width
        if min(map(len, table)) != width or max(map(len, table)) != width:
            return False
        columns = list(zip(*table))
        return self.read_columns(list(map(_FIRST, rows)), list(map(_RAW, rows)), columns)

    def read_columns(
        self, firsts: Sequence[int], raws: Sequence[str], columns: Sequence[Sequence[str]]
    ) -> bool:
        """Convert a block of full-width rows given column by column.

        Returns False, having read nothing, when any row needs the careful way.
        """
        plan, profile = self.plan, self.profile
        if profile.merge_continuation_rows:
            return False
        count = len(firsts)
        date_texts = columns[plan.date]
        cache = self.dates.cache
        for text in set(date_texts) - cache.keys():
            try:
                self.dates(text)
            except DateError:
                return False
        bookings = list(map(cache.get, date_texts))
        amounts: list[object] | None = None
        if profile.amount_convention is AmountConvention.SIGNED:
            amounts = self.read_column(columns[plan.amount])  # type: ignore[arg-type]
        if amounts is None:
            amounts = [self._safe_signed(cells) for cells in zip(*columns)]
            if any(a is None or a is _BAD for a in amounts):
                return False
        value_dates: Sequence[date | None]
        if plan.value_date >= 0:
            value_texts = columns[plan.value_date]
            value_cache = self.value_dates.cache
            for text in set(value_texts) - value_cache.keys():
                if not text.strip():
                    continue
                try:
                    self.value_dates(text)
                except DateError:
                    return False
            value_dates = list(map(value_cache.get, value_texts))
        elif plan.value_is_booking:
            value_dates = bookings
        else:
            value_dates = [None] * count
        descriptions = self._descriptions(columns, count)
        if plan.value_date < 0 and not plan.value_is_booking and \
                profile.value_date_in_description:
            value_dates = [
                _loose_date(found.group(1)) if (found := _VALUE_DATE_IN_TEXT.search(d)) else None
                for d in descriptions
            ]
        if plan.status >= 0:
            pending_values, fold = self.pending_values, self.fold
            pendings = [fold(v.strip()) in pending_values for v in columns[plan.status]]
        else:
            pendings = [False] * count
        balances: list[object]
        if plan.balance >= 0:
            balance_texts = columns[plan.balance]
            read = self.read_column(balance_texts)  # type: ignore[arg-type]
            balances = read if read is not None else [  # type: ignore[assignment]
                b if b is not _BAD else None for b in map(self.safe_amount, balance_texts)]
            if profile.balance_before:
                balances = [b + a if b is not None else None  # type: ignore[operator]
                            for b, a in zip(balances, amounts)]
        else:
            balances = [None] * count
        default = profile.default_currency
        if plan.currency >= 0:
            currencies = [c.upper() if c else default
                          for c in map(str.strip, columns[plan.currency])]
        else:
            currencies = [default] * count
        parties = list(map(" ".join, map(str.split, columns[plan.counterparty]))) \
            if plan.counterparty >= 0 else [""] * count
        ibans = list(map(_tidy_iban, columns[plan.counterparty_iban])) \
            if plan.counterparty_iban >= 0 else [""] * count
        references = list(map(normalise_reference, columns[plan.reference])) \
            if plan.reference >= 0 else list(map(_quick_reference, descriptions))
        ids = [v.strip() or None for v in columns[plan.transaction_id]] \
            if plan.transaction_id >= 0 else [None] * count
        if plan.account >= 0:
            self.accounts.update(map(str.strip, columns[plan.account]))
        self.lines.extend(map(
            fast_line, firsts, bookings, value_dates, amounts, currencies, descriptions,
            parties, ibans, references, ids, balances, pendings, raws,
        ))
        return True

    def _safe_signed(self, cells: Sequence[str]) -> object:
        try:
            return self.signed_amount(cells)  # type: ignore[arg-type]
        except (AmountParseError, ArithmeticError):
            return _BAD

    def _descriptions(self, columns: Sequence[Sequence[str]], count: int) -> list[str]:
        plan = self.plan
        if len(plan.descriptions) == 1:
            texts = list(map(" ".join, map(str.split, columns[plan.descriptions[0]])))
            if "\n'" in "\n" + "\n".join(texts):
                texts = list(map(_unquote, texts))
        elif plan.descriptions:
            texts = [_unquote(_collapse(" ".join(parts)))
                     for parts in zip(*(columns[c] for c in plan.descriptions))]
        else:
            texts = [""] * count
        if plan.types and "" in texts:
            kinds = [_collapse(" ".join(parts))
                     for parts in zip(*(columns[c] for c in plan.types))]
            texts = [t or kind for t, kind in zip(texts, kinds)]
        return texts


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
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _parse(text, profile, progress, cancel)
    finally:
        if collecting:
            gc.enable()


def _parse(
    text: str, profile: CsvProfile, progress: Progress | None, cancel: Cancel | None
) -> CsvResult:
    text = normalise_newlines(text)
    reader = _Reader(profile)
    plan = reader.plan
    total_lines = text.count("\n") + 1
    preamble = _Preamble()
    skip_until = profile.skip_records + (1 if profile.has_header else 0)
    record_types = frozenset(profile.record_types)
    type_col = plan.record_type
    if '"' not in text and type_col < 0 and not profile.merge_continuation_rows:
        _parse_plain(text, reader, preamble, skip_until, progress, cancel, total_lines)
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
        _read_chunk(reader, rows[start:start + CHUNK])
        if cancel is not None and cancel():
            raise StatementCancelled()
        if progress is not None:
            progress(rows[min(start + CHUNK, len(rows)) - 1][0], total_lines)
    if progress is not None:
        progress(total_lines, total_lines)
    return _finish(reader, preamble)


def _parse_plain(
    text: str, reader: _Reader, preamble: _Preamble, skip_until: int,
    progress: Progress | None, cancel: Cancel | None, total_lines: int,
) -> None:
    """Read a file without any quote character: blocks of equal rows are split at once.

    Without quotes a record is exactly one line; a block of lines that all
    hold the same number of delimiters is split in one call and sliced into
    columns, which avoids building a list per row.
    """
    profile = reader.profile
    delimiter = profile.delimiter
    lines = text.split("\n")
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
    for start in range(position, len(lines), CHUNK):
        block = lines[start:start + CHUNK]
        counts = list(map(str.count, block, repeat(delimiter)))
        done = False
        if min(counts) == max(counts) == width - 1:
            flat = delimiter.join(block).split(delimiter)
            columns = [flat[i::width] for i in range(width)]
            done = reader.read_columns(range(start + 1, start + 1 + len(block)), block, columns)
        if not done:
            rows = [(start + 1 + k, line.split(delimiter), line)
                    for k, line in enumerate(block) if line.strip()]
            if rows:
                _read_chunk(reader, rows)
        if cancel is not None and cancel():
            raise StatementCancelled()
        if progress is not None:
            progress(start + len(block), total_lines)
    if progress is not None:
        progress(total_lines, total_lines)


def _read_chunk(reader: _Reader, rows: list[RawRecord]) -> None:
    if not reader.chunk(rows):
        for first, cells, raw in rows:
            reader.row(first, cells, raw)


def _finish(reader: _Reader, preamble: _Preamble) -> CsvResult:
    lines = _trusted_ids(reader.lines)
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
    currencies = {line.currency for line in lines if line.currency}
    currency = currencies.pop() if len(currencies) == 1 else None
    if currency is None and not currencies and len(preamble.currencies) == 1:
        currency = next(iter(preamble.currencies))
        lines = [replace(line, currency=currency) for line in lines]
    return CsvResult(lines, reader.problems, reader.skipped, account_iban, account_id, currency,
                     reader.dates, reader.dates_failed)


def _loose_date(text: str) -> date | None:
    guess = infer_date_format([text], prefer_day_first=True)
    if guess is None:
        return None
    try:
        return DateReader(guess.fmt)(text)
    except DateError:
        return None


def _trusted_ids(lines: list[StatementLine]) -> list[StatementLine]:
    """Drop bank transaction ids that repeat within the file: they identify nothing."""
    ids = [line.bank_transaction_id for line in lines if line.bank_transaction_id]
    if len(ids) == len(set(ids)):
        return lines
    return [replace(line, bank_transaction_id=None) for line in lines]
