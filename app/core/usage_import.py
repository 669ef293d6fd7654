"""Reading usage and time-sheet files: metered quantities or hours per client and item.

Columns are recognised by their header names; dates and decimal marks are
decided from the whole column (a day above 12 settles day/month order, a
comma followed by one or two digits settles the decimal mark).  Each record
gets a key — the file's own record id when it has one, else a fingerprint of
the row — so importing the same file again adds nothing, while two identical
rows in one file stay two records.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import NamedTuple

from app.core.amounts import AmountParseError, parse_amount
from app.core.client_import import RowError
from app.core.sheet_import import map_header
from app.core.textfile import TextFileError, read_csv_table

USAGE_HEADERS: dict[str, tuple[str, ...]] = {
    "record_id": ("record id", "id", "event id", "entry id", "uuid", "transaction id"),
    "client": (
        "client",
        "customer",
        "account",
        "client name",
        "client id",
        "client email",
        "company",
    ),
    "schedule": ("schedule", "agreement", "contract", "subscription", "plan", "project"),
    "item": ("item", "metric", "meter", "product", "sku", "service", "task", "activity", "role"),
    "date": ("date", "day", "timestamp", "time", "occurred", "occurred at", "created at", "start"),
    "quantity": (
        "quantity",
        "qty",
        "units",
        "usage",
        "amount used",
        "count",
        "hours",
        "duration (h)",
    ),
    "description": ("description", "notes", "note", "comment", "details"),
    "person": ("person", "user", "employee", "staff", "consultant", "name of person", "who"),
    "rate": ("rate", "hourly rate", "price", "unit price"),
    "billable": ("billable", "chargeable", "is billable"),
}
_DATE_PREFIX = re.compile(r"^\s*(\d{1,4})[./-](\d{1,2})[./-](\d{1,4})")
_PLAIN = re.compile(r"^\d{1,15}(\.\d{1,6})?$")  # the common case, read without the general parser
_TRUE = {"yes", "y", "true", "1", "billable", "x", "ja", "oui"}
_FALSE = {"no", "n", "false", "0", "non-billable", "nonbillable", "nein", "non"}


class UsageRow(NamedTuple):
    """One readable record (a named tuple: a million are made per large file)."""

    line: int
    record_key: str
    client: str
    schedule: str
    item: str
    occurred_on: date
    quantity: Decimal
    description: str
    person: str
    rate: Decimal | None
    billable: bool
    raw: str


@dataclass
class UsageFile:
    rows: list[UsageRow] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    columns: dict[str, str] = field(default_factory=dict)
    day_first: bool = True
    decimal_mark: str = "."


def _day_first(values: list[str]) -> bool:
    """Day before month unless the column shows otherwise (ISO dates are unambiguous)."""
    firsts, seconds = [], []
    for v in values:
        m = _DATE_PREFIX.match(v)
        if m and len(m.group(1)) <= 2:
            firsts.append(int(m.group(1)))
            seconds.append(int(m.group(2)))
    month_first = any(x > 12 for x in seconds) and not any(x > 12 for x in firsts)
    return not month_first


_COMMA_DECIMALS = re.compile(r",\d{1,2}$")
_POINT_DECIMALS = re.compile(r"\.\d{1,2}$")


def _decimal_mark(values: list[str]) -> str:
    comma = sum(1 for v in values if _COMMA_DECIMALS.search(v.strip()))
    point = sum(1 for v in values if _POINT_DECIMALS.search(v.strip()))
    return "," if comma > point else "."


def _date(text: str, day_first: bool) -> date:
    t = text.strip()
    if not t:
        raise ValueError("no date")
    try:
        return datetime.fromisoformat(t.replace("Z", "+00:00")).date()
    except ValueError:
        pass
    m = _DATE_PREFIX.match(t)
    if not m:
        raise ValueError(f"{text!r} is not a date")
    a, b, c = m.group(1), int(m.group(2)), m.group(3)
    if len(a) == 4:
        y, mo, d = int(a), b, int(c)
    else:
        y = int(c) + (2000 if len(c) == 2 else 0)
        d, mo = (int(a), b) if day_first else (b, int(a))
    try:
        return date(y, mo, d)
    except ValueError:
        raise ValueError(f"{text!r} is not a real date") from None


def _key(cells: list[str], seen: Counter[str]) -> str:
    """The row's fingerprint: its stripped cells, case-folded, joined by U+001F, SHA-256.

    Cells arrive stripped, and folding the joined text folds each cell the same way.
    """
    basis = "\x1f".join(cells).casefold()
    digest = hashlib.sha256(basis.encode("utf-8")).hexdigest()[:24]
    seen[digest] += 1
    return f"fp:{digest}#{seen[digest]}"


def read_usage(
    data: bytes,
    *,
    day_first: bool | None = None,
    decimal_mark: str | None = None,
    columns: dict[str, str] | None = None,
) -> UsageFile:
    """Read a usage or time file; ``columns`` (field → header) overrides the recognised mapping."""
    header, rows, _enc, _delim = read_csv_table(data)
    cols = map_header(header, USAGE_HEADERS)
    if columns:
        for field_name, title in columns.items():
            if title in header:
                cols[field_name] = header.index(title)
    missing = [f for f in ("client", "date", "quantity") if f not in cols]
    if missing:
        raise TextFileError(
            "missing column(s): "
            + ", ".join(missing)
            + " (found: "
            + ", ".join(h for h in header if h)
            + ")",
            line=1,
        )
    date_values = [r[cols["date"]] for _, r in rows if cols["date"] < len(r)]
    qty_values = [r[cols["quantity"]] for _, r in rows if cols["quantity"] < len(r)]
    out = UsageFile(
        columns={header[i]: f for f, i in cols.items()},
        day_first=_day_first(date_values) if day_first is None else day_first,
        decimal_mark=decimal_mark or _decimal_mark(qty_values),
    )
    seen: Counter[str] = Counter()
    dates: dict[str, date] = {}  # a file has few distinct days and many rows per day
    plain_point = out.decimal_mark == "."
    yes_or_no = _TRUE | _FALSE
    # Cells by plain index (a million rows): an absent field reads the last cell of
    # the padding, which is always empty; short rows are padded with empty cells.
    at = {f: cols.get(f, -1) for f in USAGE_HEADERS}
    i_qty, i_rate, i_billable, i_client, i_date = (
        at["quantity"],
        at["rate"],
        at["billable"],
        at["client"],
        at["date"],
    )
    i_record, i_person, i_schedule, i_item, i_description = (
        at["record_id"],
        at["person"],
        at["schedule"],
        at["item"],
        at["description"],
    )
    blank = [""] * (max(cols.values()) + 2)
    for line, cells in rows:  # cells come stripped from read_csv_table
        row = cells + blank
        try:
            qty_text = row[i_qty]
            qty = (
                Decimal(qty_text)
                if plain_point and _PLAIN.match(qty_text)
                else parse_amount(qty_text, out.decimal_mark)
            )
            if qty < 0:
                raise ValueError("negative quantity (record a correction instead)")
            rate_text = row[i_rate]
            billable_text = row[i_billable].lower()
            if billable_text and billable_text not in yes_or_no:
                raise ValueError(f"billable {row[i_billable]!r} is not yes or no")
            client = row[i_client]
            if not client:
                raise ValueError("no client")
            date_text = row[i_date]
            occurred_on = dates.get(date_text)
            if occurred_on is None:
                occurred_on = dates[date_text] = _date(date_text, out.day_first)
            record_id = row[i_record]
            person = row[i_person]
            out.rows.append(
                UsageRow(
                    line=line,
                    record_key=f"id:{record_id}" if record_id else _key(cells, seen),
                    client=client,
                    schedule=row[i_schedule],
                    item=row[i_item] or ("hours" if person else "usage"),
                    occurred_on=occurred_on,
                    quantity=qty,
                    description=row[i_description],
                    person=person,
                    rate=parse_amount(rate_text, out.decimal_mark) if rate_text else None,
                    billable=billable_text not in _FALSE,
                    raw=";".join(cells),
                )
            )
        except AmountParseError as exc:
            out.errors.append(RowError(line, f"quantity or rate: {exc.reason} ({exc.text!r})"))
        except ValueError as exc:
            out.errors.append(RowError(line, str(exc)))
    return out
