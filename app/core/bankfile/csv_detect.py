"""Guessing a ``CsvProfile`` for a delimited bank export nobody described.

Detection works on a sample of the file's records and records every choice it
makes (``Choice``) with a reason and a doubt flag.  The order is:

1. delimiter (the one that splits rows into equal columns);
2. header row: the row that reads most like column names, else the text row
   just above the first block of rows holding a date and an amount; rows
   above it are a preamble (account details, titles) and are skipped;
3. record-type column: a short numeric code in one of the first columns whose
   rows differ in kind (balance, turnover and trailer records next to
   transactions); only the transaction code is kept;
4. column roles from header names checked against content, then from content;
5. date format and day/month order from whole columns, decimal mark from all
   amount columns together, amount convention (signed, debit/credit columns,
   unsigned amount plus indicator), running balance before/after;
6. pending markers, continuation rows, a value date hidden in the text.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from decimal import Decimal

from app.core.amounts import AmountParseError
from app.core.bankfile.cells import CellKind, cell_kind, currency_in_text
from app.core.bankfile.csv_columns import (
    Assignment,
    ColumnStats,
    align_header,
    assign_from_header,
    balance_relation,
    column_stats,
    fill_from_content,
)
from app.core.bankfile.csv_profile import AmountConvention, ColumnRole, CsvProfile, fold_name
from app.core.bankfile.csv_rows import Record, detect_delimiter, iter_records, normalise_newlines
from app.core.bankfile.dates import DateFormatGuess, infer_date_format
from app.core.bankfile.decimals import AmountReader, infer_decimal_mark
from app.core.bankfile.model import Choice
from app.core.bankfile.vocabulary import (
    NON_TRANSACTION_WORDS,
    PENDING_WORDS,
    VALUE_DATE_LABELS,
    fold_value,
    header_hits,
)

R = ColumnRole
SAMPLE_RECORDS = 1500
SAMPLE_LINES = 6000
_RECORD_CODE = re.compile(r"\d{2,3}")
_RECORD_HEADERS = {"", "type", "record type", "rec type", "satzart", "record", "tipas"}
_VALUE_DATE_IN_TEXT = re.compile(
    r"(?:" + "|".join(re.escape(label) for label in VALUE_DATE_LABELS) + r")\s*:?\s*"
    r"(\d{1,2}[-./]\d{1,2}[-./]\d{2,4}|\d{4}-\d{2}-\d{2})",
    re.IGNORECASE,
)


class CsvDetectionError(ValueError):
    """The text has no layout that reads as a bank statement."""


def _is_data_like(cells: Sequence[str]) -> bool:
    kinds = [cell_kind(c) for c in cells]
    return CellKind.DATE in kinds and CellKind.AMOUNT in kinds


def _is_continuation(cells: Sequence[str]) -> bool:
    kinds = [cell_kind(c) for c in cells]
    return (
        CellKind.DATE not in kinds
        and CellKind.AMOUNT not in kinds
        and sum(1 for k in kinds if k is not CellKind.EMPTY) <= 2
        and bool(cells)
        and not cells[0].strip()
    )


def find_header(records: list[Record]) -> tuple[int | None, int, str]:
    """(header index or None, index of the first data record, reason)."""
    best, best_hits = None, 1
    for i, record in enumerate(records[:40]):
        kinds = {cell_kind(c) for c in record.cells}
        if CellKind.DATE in kinds or CellKind.AMOUNT in kinds:
            continue
        hits = header_hits(record.cells)
        if hits > best_hits:
            best, best_hits = i, hits
    if best is not None:
        return best, best + 1, f"{best_hits} of its cells read as column names"
    for i, record in enumerate(records[:60]):
        if not _is_data_like(record.cells):
            continue
        following = [r for r in records[i:i + 10] if not _is_continuation(r.cells)]
        if sum(1 for r in following if _is_data_like(r.cells)) >= 0.6 * len(following):
            if i > 0:
                above = records[i - 1].cells
                kinds = [cell_kind(c) for c in above]
                texty = all(k in (CellKind.TEXT, CellKind.EMPTY, CellKind.CURRENCY) for k in kinds)
                filled = sum(1 for k in kinds if k is not CellKind.EMPTY)
                if texty and filled >= 2 and len(above) >= 0.5 * len(record.cells):
                    return i - 1, i, "a row of labels just above the first transaction"
            return None, i, "the first rows already hold dates and amounts"
    return None, 0, "no row reads as a header"


def find_record_type(
    rows: list[list[str]], header: Sequence[str] | None
) -> tuple[int, tuple[str, ...], str] | None:
    """(column, kept codes, reason) when one column tells records apart by a code."""
    for col in range(3):
        if header is not None and col < len(header) and fold_name(header[col]) not in _RECORD_HEADERS:
            continue
        codes = [row[col].strip() if col < len(row) else "" for row in rows]
        if not codes or not all(_RECORD_CODE.fullmatch(c) for c in codes):
            continue
        distinct = set(codes)
        if not 2 <= len(distinct) <= 10:
            continue
        score: dict[str, float] = {}
        differs = False
        widths = {code: {len(r) for r, c in zip(rows, codes) if c == code} for code in distinct}
        for code in distinct:
            members = [r for r, c in zip(rows, codes) if c == code]
            data_like = sum(1 for r in members if _is_data_like(r))
            summary = sum(
                1 for r in members
                if any(word in fold_value(cell) for cell in r for word in NON_TRANSACTION_WORDS)
            )
            score[code] = data_like - 2.0 * summary
            if summary or data_like < len(members):
                differs = True
        if len({min(w) for w in widths.values()}) > 1:
            differs = True
        keep = max(score, key=lambda c: (score[c], -codes.index(c)))
        if not differs or score[keep] <= 0:
            continue
        others = ", ".join(sorted(distinct - {keep}))
        return col, (keep,), (
            f"column {col + 1} holds record codes; rows with code {keep} are transactions, "
            f"codes {others} are balances, totals or headers"
        )
    return None


def _choose_date_format(
    stats: list[ColumnStats], assignment: Assignment, prefer_day_first: bool | None
) -> tuple[DateFormatGuess | None, DateFormatGuess | None]:
    date_col = assignment.column(R.DATE)
    value_col = assignment.column(R.VALUE_DATE)
    if date_col is None:
        date_col, value_col = value_col, None
    if date_col is None:
        return None, None

    def values(col: int) -> list[str]:
        return [v for v in stats[col].nonempty if fold_value(v) not in PENDING_WORDS]

    main = stats[date_col].date_guess
    if value_col is None:
        return _with_preference(values(date_col), main, prefer_day_first), None
    joint = infer_date_format(values(date_col) + values(value_col), prefer_day_first)
    if joint is not None:
        return joint, joint
    return (
        _with_preference(values(date_col), main, prefer_day_first),
        _with_preference(values(value_col), stats[value_col].date_guess, prefer_day_first),
    )


def _with_preference(
    values: list[str], guess: DateFormatGuess | None, prefer: bool | None
) -> DateFormatGuess | None:
    if guess is not None and guess.doubtful and prefer is not None:
        return infer_date_format(values, prefer) or guess
    return guess


def _signed_sample(
    rows: list[list[str]], assignment: Assignment, reader: AmountReader,
    convention: AmountConvention, indicator: tuple[tuple[str, ...], tuple[str, ...]] | None,
) -> list[Decimal | None]:
    def cell(row: list[str], col: int | None) -> str:
        return row[col] if col is not None and col < len(row) else ""

    def read(text: str) -> Decimal | None:
        try:
            return reader(text)
        except (AmountParseError, ArithmeticError):
            return None

    amount_col = assignment.column(R.AMOUNT)
    debit_col, credit_col = assignment.column(R.DEBIT), assignment.column(R.CREDIT)
    ind_col = assignment.column(R.INDICATOR)
    signed: list[Decimal | None] = []
    for row in rows:
        if convention is AmountConvention.DEBIT_CREDIT:
            debit, credit = read(cell(row, debit_col)), read(cell(row, credit_col))
            if debit is None and credit is None:
                signed.append(None)
            else:
                zero = Decimal(0)
                signed.append(abs(credit if credit is not None else zero)
                              - abs(debit if debit is not None else zero))
        elif convention is AmountConvention.INDICATOR and indicator is not None:
            value = read(cell(row, amount_col))
            flag = fold_value(cell(row, ind_col))
            if value is None:
                signed.append(None)
            else:
                signed.append(-abs(value) if flag in indicator[1] else abs(value))
        else:
            signed.append(read(cell(row, amount_col)))
    return signed


def detect_layout(text: str, filename: str = "") -> tuple[CsvProfile, list[Choice]]:
    """Guess how to read a delimited export; the text must already be decoded."""
    text = normalise_newlines(text)
    lines = text.split("\n", SAMPLE_LINES)
    if len(lines) > SAMPLE_LINES:
        lines.pop()
        text = "\n".join(lines)
    choices: list[Choice] = []
    try:
        delimiter_guess = detect_delimiter(lines)
    except ValueError as exc:
        raise CsvDetectionError("the file is not split into columns by ; , tab or |") from exc
    delimiter = delimiter_guess.delimiter
    choices.append(Choice("delimiter", delimiter, delimiter_guess.doubtful, delimiter_guess.reason))

    records: list[Record] = []
    for record in iter_records(text, delimiter):
        records.append(record)
        if len(records) >= SAMPLE_RECORDS:
            break
    if not any(_is_data_like(r.cells) for r in records):
        raise CsvDetectionError(
            "no row holds both a date and an amount: this does not look like a bank statement")
    header_idx, data_start, header_reason = find_header(records)
    header = records[header_idx].cells if header_idx is not None else None
    skip = header_idx if header_idx is not None else data_start
    header_value = (f"line {records[header_idx].line_no}" if header_idx is not None else "none")
    choices.append(Choice("header", header_value, False, header_reason))
    if skip:
        choices.append(Choice("skip_records", str(skip), False,
                              f"{skip} record(s) above the data are account details or titles"))

    rows = [r.cells for r in records[data_start:]]
    record_type = find_record_type(rows, header)
    record_types: tuple[str, ...] = ()
    rt_col = None
    if record_type is not None:
        rt_col, record_types, rt_reason = record_type
        rows = [r for r in rows if rt_col < len(r) and r[rt_col].strip() in record_types]
        choices.append(Choice("record_type", ",".join(record_types), False, rt_reason, rt_col))
    rows = _data_block(rows, header)
    if not rows:
        raise CsvDetectionError("no rows with a date and an amount were found")

    width = min(max(len(r) for r in rows), 250)
    stats = [column_stats(i, [r[i] if i < len(r) else "" for r in rows], delimiter)
             for i in range(width)]
    if header is not None:
        mapping, note, doubtful = align_header(header, stats)
        assignment, _ = assign_from_header(header, stats, mapping)
        if note:
            choices.append(Choice("alignment", "merged" if not doubtful else "right", doubtful, note))
    else:
        assignment = Assignment([R.IGNORE] * width)
    if rt_col is not None:
        assignment.set(rt_col, R.RECORD_TYPE, "record codes")
    fill_from_content(assignment, stats, header is not None)
    _drop_constant_descriptions(assignment, stats)
    if header is not None:
        _trim_spill_columns(assignment, header, stats, choices)

    format_name = "csv"
    minor_units = False
    if rt_col == 0 and delimiter == "\t" and records and records[0].cells[:1] == ["000"] \
            and records[-1].cells[:1] == ["999"]:
        format_name, minor_units = "litas-esis", True
        choices.append(Choice("format", "litas-esis", False,
                              "tab-separated records 000 … 999: the Lithuanian LITAS-ESIS "
                              "format, whose amounts are written in cents"))

    amount_cols = [j for j, r in enumerate(assignment.roles)
                   if r in (R.AMOUNT, R.DEBIT, R.CREDIT, R.BALANCE)]
    primary = [v for j in amount_cols if assignment.roles[j] is not R.BALANCE
               for v in stats[j].nonempty]
    every = [v for j in amount_cols for v in stats[j].nonempty]
    mark_guess = infer_decimal_mark(primary, infer_decimal_mark(every).mark)
    if not primary or (mark_guess.evidence == 0 and not mark_guess.doubtful):
        mark_guess = infer_decimal_mark(every)
    choices.append(Choice("decimal_mark", mark_guess.mark, mark_guess.doubtful, mark_guess.reason))

    convention, conv_reason, conv_doubtful, indicator = _decide_convention(assignment, stats)
    choices.append(Choice("amount_convention", convention.value, conv_doubtful, conv_reason))

    default_currency = None
    for j in amount_cols:
        found = currency_in_text(assignment.header_for.get(j, "")) or next(
            (c for c in map(currency_in_text, stats[j].nonempty[:50]) if c), None)
        if found:
            default_currency = found
            break

    prefer_day_first = False if default_currency == "USD" or any(
        "$" in v for j in amount_cols for v in stats[j].nonempty[:20]) else None
    date_guess, value_guess = _choose_date_format(stats, assignment, prefer_day_first)
    if date_guess is None:
        raise CsvDetectionError("no column holds dates")
    choices.append(Choice("date_format", date_guess.fmt, date_guess.doubtful, date_guess.reason))
    if assignment.column(R.DATE) is None:
        choices.append(Choice("booking_date", "value date", True,
                              "the file gives only a value date; it is used as booking date"))
    if value_guess is not None and value_guess.fmt != date_guess.fmt:
        choices.append(Choice("value_date_format", value_guess.fmt, value_guess.doubtful,
                              value_guess.reason))

    reader = AmountReader(mark_guess.mark, 2 if minor_units else 0)
    signed = _signed_sample(rows, assignment, reader, convention, indicator)
    balance_before = _settle_balance(assignment, stats, rows, reader, signed, choices)

    pending_values = set()
    for role in (R.DATE, R.VALUE_DATE, R.STATUS):
        col = assignment.column(role)
        if col is not None:
            pending_values |= stats[col].pending
    if pending_values:
        choices.append(Choice("pending", ",".join(sorted(pending_values)), False,
                              "lines marked so are not yet booked"))

    merge = _has_continuation_rows(rows, assignment)
    if merge:
        choices.append(Choice("continuation_rows", "merged", False,
                              "rows with only text continue the description of the row above"))
    value_in_text = False
    if assignment.column(R.VALUE_DATE) is None:
        descriptions = [" ".join(r[j] for j in assignment_cols(assignment, R.DESCRIPTION)
                                 if j < len(r)) for r in rows[:200]]
        found = sum(1 for d in descriptions if _VALUE_DATE_IN_TEXT.search(d))
        if descriptions and found >= 0.5 * len(descriptions):
            value_in_text = True
            choices.append(Choice("value_date", "from description", False,
                                  "the description states the value date"))

    for j, role in enumerate(assignment.roles):
        if role is R.IGNORE and j not in assignment.reasons:
            continue
        reason = assignment.reasons.get(j, "")
        choices.append(Choice("column", role.value, j in assignment.doubtful, reason, j))

    profile = CsvProfile(
        delimiter=delimiter,
        columns=tuple(assignment.roles),
        date_format=date_guess.fmt,
        decimal_mark=mark_guess.mark,
        skip_records=skip,
        has_header=header is not None,
        header=tuple(c.strip() for c in header) if header is not None else (),
        value_date_format=value_guess.fmt if value_guess and value_guess.fmt != date_guess.fmt
        else None,
        amount_convention=convention,
        indicator_in=indicator[0] if indicator else (),
        indicator_out=indicator[1] if indicator else (),
        minor_units=minor_units,
        record_types=record_types,
        pending_values=tuple(sorted(pending_values)),
        balance_before=balance_before,
        merge_continuation_rows=merge,
        value_date_in_description=value_in_text,
        default_currency=default_currency,
        format_name=format_name,
    )
    return profile, choices


def _data_block(rows: list[list[str]], header: Sequence[str] | None) -> list[list[str]]:
    """The rows to learn columns from: no repeated headers, no trailing summary rows."""
    if header is not None:
        names = [c.strip() for c in header]
        rows = [r for r in rows if [c.strip() for c in r[: len(names)]] != names]
    last = max((i for i, r in enumerate(rows[-50:], start=max(0, len(rows) - 50))
                if _is_data_like(r)), default=len(rows) - 1)
    return rows[: last + 1]


def _trim_spill_columns(
    assignment: Assignment, header: Sequence[str], stats: list[ColumnStats], choices: list[Choice]
) -> None:
    """Drop unexplained columns beyond the header: rows whose text spilled over."""
    named = len(header)
    while named and not header[named - 1].strip():
        named -= 1
    roles = assignment.roles
    width = len(roles)
    while width > named and roles[width - 1] is R.IGNORE and width - 1 not in assignment.reasons:
        width -= 1
    if any(not st.empty for st in stats[width:]):
        choices.append(Choice(
            "extra_fields", "joined to the description", False,
            f"some rows have up to {len(roles)} fields but the header names {named}; "
            "the extra fields are free text that spilled over and are added to the description",
        ))
    del roles[width:]


def assignment_cols(assignment: Assignment, role: ColumnRole) -> list[int]:
    return [j for j, r in enumerate(assignment.roles) if r is role]


def _drop_constant_descriptions(assignment: Assignment, stats: list[ColumnStats]) -> None:
    descriptive = assignment_cols(assignment, R.DESCRIPTION)
    if len(descriptive) < 2:
        return
    constant = [j for j in descriptive if stats[j].constant and stats[j].rows >= 3]
    if constant and len(constant) < len(descriptive):
        for j in constant:
            assignment.set(j, R.IGNORE, "the same text on every row (it describes the account)")


def _decide_convention(
    assignment: Assignment, stats: list[ColumnStats]
) -> tuple[AmountConvention, str, bool, tuple[tuple[str, ...], tuple[str, ...]] | None]:
    amount = assignment.column(R.AMOUNT)
    debit, credit = assignment.column(R.DEBIT), assignment.column(R.CREDIT)
    ind = assignment.column(R.INDICATOR)
    indicator = stats[ind].indicator_values() if ind is not None else None
    if amount is not None and stats[amount].negative:
        for j in (debit, credit):
            if j is not None:
                assignment.set(j, R.IGNORE, "the signed amount column is used instead")
        return AmountConvention.SIGNED, "amounts carry their own sign", False, None
    if amount is not None and indicator is not None:
        ins = "/".join(v or "(blank)" for v in indicator[0])
        outs = "/".join(v or "(blank)" for v in indicator[1])
        return AmountConvention.INDICATOR, (
            f"unsigned amounts; column {ind + 1 if ind is not None else '?'} says money in "
            f"({ins}) or out ({outs})"
        ), False, indicator
    if debit is not None or credit is not None:
        if amount is not None:
            assignment.set(amount, R.IGNORE, "separate debit and credit columns are used")
        both = debit is not None and credit is not None
        return AmountConvention.DEBIT_CREDIT, (
            "money out and money in are in separate columns" if both
            else "only one of the debit/credit columns was found"
        ), not both, None
    if amount is not None:
        doubtful = stats[amount].rows >= 3
        reason = "amounts carry their own sign" if not doubtful else (
            "no amount is negative: check that money out is not written without a minus")
        return AmountConvention.SIGNED, reason, doubtful, None
    raise CsvDetectionError("no column holds amounts")


def _settle_balance(
    assignment: Assignment, stats: list[ColumnStats], rows: list[list[str]],
    reader: AmountReader, signed: list[Decimal | None], choices: list[Choice],
) -> bool:
    def read_column(col: int) -> list[Decimal | None]:
        out: list[Decimal | None] = []
        for row in rows:
            try:
                out.append(reader(row[col]) if col < len(row) else None)
            except (AmountParseError, ArithmeticError):
                out.append(None)
        return out

    balance = assignment.column(R.BALANCE)
    if balance is None:
        free = [j for j, r in enumerate(assignment.roles)
                if r is R.IGNORE and j not in assignment.reasons and not stats[j].empty
                and stats[j].amount_ratio >= 0.9 and stats[j].date_guess is None]
        for j in free:
            relation = balance_relation(signed, read_column(j))
            if relation:
                assignment.set(j, R.BALANCE, f"a running balance ({relation} each line)", False)
                choices.append(Choice("balance", relation, False,
                                      "the running balance follows the amounts"))
                return relation == "before"
        return False
    relation = balance_relation(signed, read_column(balance))
    if relation == "before":
        choices.append(Choice("balance", "before", False,
                              "the balance column is the balance before each line"))
        return True
    if relation == "after":
        choices.append(Choice("balance", "after", False,
                              "the running balance follows the amounts"))
    return False


def _has_continuation_rows(rows: list[list[str]], assignment: Assignment) -> bool:
    date_col = assignment.column(R.DATE)
    if date_col is None:
        date_col = assignment.column(R.VALUE_DATE)
    amount_cols = [j for j, r in enumerate(assignment.roles)
                   if r in (R.AMOUNT, R.DEBIT, R.CREDIT)]
    count = 0
    for row in rows:
        if date_col is not None and date_col < len(row) and row[date_col].strip():
            continue
        if any(j < len(row) and row[j].strip() for j in amount_cols):
            continue
        if any(cell.strip() for cell in row):
            count += 1
    return count > 0 and count * 3 >= len(rows) * 0.3


__all__ = ["CsvDetectionError", "detect_layout", "find_header", "find_record_type"]
