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

from app.core.bankfile.cells import currency_in_text
from app.core.bankfile.csv_columns import (
    Assignment,
    ColumnStats,
    align_header,
    assign_from_header,
    column_stats,
)
from app.core.bankfile.csv_content import (
    columns_with,
    decide_convention,
    drop_constant_descriptions,
    fill_from_content,
    settle_balance,
    signed_sample,
)
from app.core.bankfile.csv_layout import (
    CsvDetectionError,
    data_block,
    find_header,
    find_record_type,
    has_continuation_rows,
    is_data_like,
    trim_spill_columns,
)
from app.core.bankfile.csv_profile import ColumnRole, CsvProfile
from app.core.bankfile.csv_rows import (
    DelimiterGuess,
    Record,
    detect_delimiter,
    iter_records,
    normalise_newlines,
)
from app.core.bankfile.csv_text import VALUE_DATE_IN_TEXT
from app.core.bankfile.dates import DateFormatGuess, infer_date_format
from app.core.bankfile.decimals import AmountReader, infer_decimal_mark
from app.core.bankfile.model import Choice
from app.core.bankfile.vocabulary import PENDING_WORDS, fold_value

R = ColumnRole
SAMPLE_RECORDS = 1000
SAMPLE_LINES = 4000
_SEPARATOR_HINT = re.compile(r'"?sep=(.)"?', re.IGNORECASE)


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


def detect_layout(text: str, filename: str = "") -> tuple[CsvProfile, list[Choice]]:
    """Guess how to read a delimited export; the text must already be decoded."""
    text = normalise_newlines(text)
    lines = text.split("\n", SAMPLE_LINES)
    if len(lines) > SAMPLE_LINES:
        lines.pop()
        text = "\n".join(lines)
    choices: list[Choice] = []
    hint = _SEPARATOR_HINT.fullmatch(lines[0].strip()) if lines else None
    try:
        delimiter_guess = (
            DelimiterGuess(hint.group(1), False, "the first line names it (sep=…)")
            if hint
            else detect_delimiter(lines)
        )
    except ValueError as exc:
        raise CsvDetectionError("the file is not split into columns by ; , tab or |") from exc
    delimiter = delimiter_guess.delimiter
    choices.append(Choice("delimiter", delimiter, delimiter_guess.doubtful, delimiter_guess.reason))

    records: list[Record] = []
    for record in iter_records(text, delimiter):
        records.append(record)
        if len(records) >= SAMPLE_RECORDS:
            break
    if not any(is_data_like(r.cells) for r in records):
        raise CsvDetectionError(
            "no row holds both a date and an amount: this does not look like a bank statement"
        )
    header_idx, data_start, header_reason = find_header(records)
    header = records[header_idx].cells if header_idx is not None else None
    skip = header_idx if header_idx is not None else data_start
    header_value = f"line {records[header_idx].line_no}" if header_idx is not None else "none"
    choices.append(Choice("header", header_value, False, header_reason))
    if skip:
        choices.append(
            Choice(
                "skip_records",
                str(skip),
                False,
                f"{skip} record(s) above the data are account details or titles",
            )
        )

    rows = [r.cells for r in records[data_start:]]
    record_type = find_record_type(rows, header)
    record_types: tuple[str, ...] = ()
    rt_col = None
    if record_type is not None:
        rt_col, record_types, rt_reason = record_type
        rows = [r for r in rows if rt_col < len(r) and r[rt_col].strip() in record_types]
        choices.append(Choice("record_type", ",".join(record_types), False, rt_reason, rt_col))
    rows = data_block(rows, header)
    if not rows:
        raise CsvDetectionError("no rows with a date and an amount were found")

    width = min(max(len(r) for r in rows), 250)
    stats = [
        column_stats(i, [r[i] if i < len(r) else "" for r in rows], delimiter) for i in range(width)
    ]
    if header is not None:
        mapping, note, doubtful = align_header(header, stats)
        assignment, _ = assign_from_header(header, stats, mapping)
        if note:
            choices.append(
                Choice("alignment", "merged" if not doubtful else "right", doubtful, note)
            )
    else:
        assignment = Assignment([R.IGNORE] * width)
    if rt_col is not None:
        assignment.set(rt_col, R.RECORD_TYPE, "record codes")
    fill_from_content(assignment, stats, header is not None)
    drop_constant_descriptions(assignment, stats)
    if header is not None:
        trim_spill_columns(assignment, header, stats, choices)

    format_name = "csv"
    minor_units = False
    if (
        rt_col == 0
        and delimiter == "\t"
        and records
        and records[0].cells[:1] == ["000"]
        and records[-1].cells[:1] == ["999"]
    ):
        format_name, minor_units = "litas-esis", True
        choices.append(
            Choice(
                "format",
                "litas-esis",
                False,
                "tab-separated records 000 … 999: the Lithuanian LITAS-ESIS "
                "format, whose amounts are written in cents",
            )
        )

    amount_cols = [
        j for j, r in enumerate(assignment.roles) if r in (R.AMOUNT, R.DEBIT, R.CREDIT, R.BALANCE)
    ]
    primary = [
        v for j in amount_cols if assignment.roles[j] is not R.BALANCE for v in stats[j].nonempty
    ]
    every = [v for j in amount_cols for v in stats[j].nonempty]
    mark_guess = infer_decimal_mark(primary, infer_decimal_mark(every).mark)
    if not primary or (mark_guess.evidence == 0 and not mark_guess.doubtful):
        mark_guess = infer_decimal_mark(every)
    choices.append(Choice("decimal_mark", mark_guess.mark, mark_guess.doubtful, mark_guess.reason))

    convention, conv_reason, conv_doubtful, indicator = decide_convention(assignment, stats)
    choices.append(Choice("amount_convention", convention.value, conv_doubtful, conv_reason))

    default_currency = None
    for j in amount_cols:
        found = currency_in_text(assignment.header_for.get(j, "")) or next(
            (c for c in map(currency_in_text, stats[j].nonempty[:50]) if c), None
        )
        if found:
            default_currency = found
            break

    prefer_day_first = (
        False
        if default_currency == "USD"
        or any("$" in v for j in amount_cols for v in stats[j].nonempty[:20])
        else None
    )
    date_guess, value_guess = _choose_date_format(stats, assignment, prefer_day_first)
    if date_guess is None:
        raise CsvDetectionError("no column holds dates")
    choices.append(Choice("date_format", date_guess.fmt, date_guess.doubtful, date_guess.reason))
    if assignment.column(R.DATE) is None:
        choices.append(
            Choice(
                "booking_date",
                "value date",
                True,
                "the file gives only a value date; it is used as booking date",
            )
        )
    if value_guess is not None and value_guess.fmt != date_guess.fmt:
        choices.append(
            Choice("value_date_format", value_guess.fmt, value_guess.doubtful, value_guess.reason)
        )

    reader = AmountReader(mark_guess.mark, 2 if minor_units else 0)
    signed = signed_sample(rows, assignment, reader, convention, indicator)
    balance_before = settle_balance(assignment, stats, rows, reader, signed, choices)

    pending_values = set()
    for role in (R.DATE, R.VALUE_DATE, R.STATUS):
        col = assignment.column(role)
        if col is not None:
            pending_values |= stats[col].pending
    if pending_values:
        choices.append(
            Choice(
                "pending",
                ",".join(sorted(pending_values)),
                False,
                "lines marked so are not yet booked",
            )
        )

    merge = has_continuation_rows(rows, assignment)
    if merge:
        choices.append(
            Choice(
                "continuation_rows",
                "merged",
                False,
                "rows with only text continue the description of the row above",
            )
        )
    value_in_text = False
    if assignment.column(R.VALUE_DATE) is None:
        descriptions = [
            " ".join(r[j] for j in columns_with(assignment, R.DESCRIPTION) if j < len(r))
            for r in rows[:200]
        ]
        found = sum(1 for d in descriptions if VALUE_DATE_IN_TEXT.search(d))
        if descriptions and found >= 0.5 * len(descriptions):
            value_in_text = True
            choices.append(
                Choice(
                    "value_date", "from description", False, "the description states the value date"
                )
            )

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
        value_date_format=value_guess.fmt
        if value_guess and value_guess.fmt != date_guess.fmt
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
