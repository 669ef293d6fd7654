"""SQL fragments the reports share: status lists, dates, months and index hints.

Reports aggregate in the database (GROUP BY over covering indexes), never by
loading rows into Python.  Constants are written into the SQL text rather
than bound as parameters: SQLite cannot use a partial index whose condition
it only learns at run time, and binding a constant status list made the
aging query 2.5× slower.  Only values this module has validated (dates,
integers, three-letter currency codes) are ever written into SQL.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from app.core.invoices import OPEN, Status

OPEN_STATUSES = tuple(s.value for s in OPEN)
# Issued and still counted: everything from "issued" on except "void".
BILLED_STATUSES = (*OPEN_STATUSES, Status.PAID.value, Status.CREDITED.value)
_CURRENCY = re.compile(r"^[A-Z]{3}$")


def in_list(values: Iterable[str]) -> str:
    """``('a','b')`` for constant lists of known words (statuses, kinds)."""
    items = list(values)
    for v in items:
        if not re.fullmatch(r"[a-z_]+", v):
            raise ValueError(f"not a constant word: {v!r}")
    return "(" + ",".join(f"'{v}'" for v in items) + ")"


OPEN_SQL = in_list(OPEN_STATUSES)
BILLED_SQL = in_list(BILLED_STATUSES)


def day(d: date) -> str:
    """A date literal (ISO text compares correctly with SQLite's stored dates)."""
    if not isinstance(d, date):
        raise TypeError("a date is needed")
    return f"'{d.isoformat()}'"


def currency_filter(column: str, currency: str) -> str:
    """``AND column = 'EUR'`` for a validated code, or nothing."""
    if not currency:
        return ""
    code = currency.strip().upper()
    if not _CURRENCY.match(code):
        raise ValueError(f"{currency!r} is not a currency code")
    return f" AND {column} = '{code}'"


def id_filter(column: str, value: int | None) -> str:
    return "" if value is None else f" AND {column} = {int(value)}"


def is_sqlite(s: Session) -> bool:
    return s.get_bind().dialect.name == "sqlite"


def hint(s: Session, index: str) -> str:
    """``INDEXED BY`` on SQLite, where the planner lacks statistics to pick the covering
    index on its own; other databases choose well without it."""
    return f" INDEXED BY {index}" if is_sqlite(s) else ""


def month_of(s: Session, column: str) -> str:
    """The ``YYYY-MM`` key of a date column."""
    if is_sqlite(s):
        return f"substr({column}, 1, 7)"
    return f"to_char({column}, 'YYYY-MM')"


def day_of(s: Session, column: str) -> str:
    """The calendar day of a timestamp column, comparable with a date literal."""
    if is_sqlite(s):
        return f"substr({column}, 1, 10)"
    return f"CAST({column} AS DATE)"


def days_between(s: Session, later: str, earlier: str) -> str:
    """Whole days from ``earlier`` to ``later`` (date columns)."""
    if is_sqlite(s):
        return f"CAST(julianday({later}) - julianday({earlier}) AS INTEGER)"
    return f"({later} - {earlier})"


def rows(s: Session, sql: str) -> list[tuple[Any, ...]]:
    """Run an aggregate on the session's own connection (same transaction) and return
    plain tuples: thousands of grouped rows skip SQLAlchemy's per-row processing."""
    cursor = s.connection().connection.cursor()
    try:
        cursor.execute(sql)
        return [tuple(r) for r in cursor.fetchall()]
    finally:
        cursor.close()
