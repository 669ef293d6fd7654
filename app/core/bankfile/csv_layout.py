"""Where the data of a delimited bank export is, and which rows are transactions.

Finds the header row (or decides there is none) under a preamble of account
details and titles, the block of rows to learn columns from (without
repeated headers and trailing summary rows), a record-type column whose codes
tell transactions from balance and trailer records, extra fields that are
free text spilling over, and continuation rows that only carry text.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from app.core.bankfile.cells import CellKind, cell_kind
from app.core.bankfile.csv_columns import Assignment, ColumnStats
from app.core.bankfile.csv_profile import ColumnRole, fold_name
from app.core.bankfile.csv_rows import Record
from app.core.bankfile.model import Choice
from app.core.bankfile.vocabulary import NON_TRANSACTION_WORDS, fold_value, header_hits

R = ColumnRole
_RECORD_CODE = re.compile(r"\d{2,3}")
_RECORD_HEADERS = {"", "type", "record type", "rec type", "satzart", "record", "tipas"}


class CsvDetectionError(ValueError):
    """The text has no layout that reads as a bank statement."""


def is_data_like(cells: Sequence[str]) -> bool:
    kinds = [cell_kind(c) for c in cells]
    return CellKind.DATE in kinds and CellKind.AMOUNT in kinds


def is_continuation(cells: Sequence[str]) -> bool:
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
        if not is_data_like(record.cells):
            continue
        following = [r for r in records[i : i + 10] if not is_continuation(r.cells)]
        if sum(1 for r in following if is_data_like(r.cells)) >= 0.6 * len(following):
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
        if (
            header is not None
            and col < len(header)
            and fold_name(header[col]) not in _RECORD_HEADERS
        ):
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
            data_like = sum(1 for r in members if is_data_like(r))
            summary = sum(
                1
                for r in members
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
        return (
            col,
            (keep,),
            (
                f"column {col + 1} holds record codes; rows with code {keep} are transactions, "
                f"codes {others} are balances, totals or headers"
            ),
        )
    return None


def data_block(rows: list[list[str]], header: Sequence[str] | None) -> list[list[str]]:
    """The rows to learn columns from: no repeated headers, no trailing summary rows."""
    if header is not None:
        names = [c.strip() for c in header]
        rows = [r for r in rows if [c.strip() for c in r[: len(names)]] != names]
    last = max(
        (i for i, r in enumerate(rows[-50:], start=max(0, len(rows) - 50)) if is_data_like(r)),
        default=len(rows) - 1,
    )
    return rows[: last + 1]


def trim_spill_columns(
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
        choices.append(
            Choice(
                "extra_fields",
                "joined to the description",
                False,
                f"some rows have up to {len(roles)} fields but the header names {named}; "
                "the extra fields are free text that spilled over and are added to the description",
            )
        )
    del roles[width:]


def has_continuation_rows(rows: list[list[str]], assignment: Assignment) -> bool:
    date_col = assignment.column(R.DATE)
    if date_col is None:
        date_col = assignment.column(R.VALUE_DATE)
    amount_cols = [j for j, r in enumerate(assignment.roles) if r in (R.AMOUNT, R.DEBIT, R.CREDIT)]
    count = 0
    for row in rows:
        if date_col is not None and date_col < len(row) and row[date_col].strip():
            continue
        if any(j < len(row) and row[j].strip() for j in amount_cols):
            continue
        if any(cell.strip() for cell in row):
            count += 1
    return count > 0 and count * 3 >= len(rows) * 0.3
