"""Reading statement lines back for the Bank page and the CLI: ids, rows, counts, candidates.

Lists are ids first and rows on demand (a statement can hold 100,000 lines);
the counts behind the status filters are one grouped query.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Select, func, select

from app.db import models as m
from app.services.bank_line_memory import LineMemory
from app.services.context import AppContext
from app.services.errors import NotFoundError

LINE_STATUSES = ("suggested", "unmatched", "auto", "matched", "outgoing", "ignored")


@dataclass(frozen=True)
class BankLineRow:
    id: int
    booking_date: date
    amount_minor: int
    currency: str
    counterparty: str
    description: str
    status: str
    match_kind: str
    match_score: int
    explanation: str


@dataclass(frozen=True)
class BankLineQuery:
    statuses: tuple[str, ...] = ()
    search: str = ""


def _searched(stmt: Select[Any], search: str) -> Select[Any]:
    for word in search.lower().split():
        stmt = stmt.where(
            func.lower(m.BankLine.counterparty).like(f"%{word}%")
            | func.lower(m.BankLine.description).like(f"%{word}%")
        )
    return stmt


def bank_line_ids(ctx: AppContext, q: BankLineQuery) -> list[int]:
    stmt = select(m.BankLine.id)
    if q.statuses:
        stmt = stmt.where(m.BankLine.status.in_(q.statuses))
    stmt = _searched(stmt, q.search)
    with ctx.uow.read() as uow:
        return list(
            uow.session.execute(
                stmt.order_by(m.BankLine.booking_date.desc(), m.BankLine.id.desc())
            ).scalars()
        )


def bank_line_counts(ctx: AppContext, search: str = "") -> dict[str, int]:
    """How many lines (matching ``search``) each status holds, and ``all``; one grouped query."""
    stmt = _searched(select(m.BankLine.status, func.count()).group_by(m.BankLine.status), search)
    with ctx.uow.read() as uow:
        found = {status: int(n) for status, n in uow.session.execute(stmt)}
    counts = {status: found.get(status, 0) for status in LINE_STATUSES} | found
    counts["all"] = sum(found.values())
    return counts


def bank_line_rows(ctx: AppContext, ids: list[int]) -> list[BankLineRow]:
    if not ids:
        return []
    with ctx.uow.read() as uow:
        found = {
            r.id: BankLineRow(
                r.id,
                r.booking_date,
                r.amount_minor,
                r.currency,
                r.counterparty,
                r.description,
                r.status,
                r.match_kind,
                r.match_score,
                r.match_explanation,
            )
            for r in uow.session.execute(select(m.BankLine).where(m.BankLine.id.in_(ids))).scalars()
        }
    return [found[i] for i in ids if i in found]


@dataclass(frozen=True)
class Suggestion:
    invoice_ids: tuple[int, ...]
    numbers: tuple[str, ...]
    client_name: str
    balance_minor: int
    currency: str
    score: float
    reasons: tuple[str, ...]


def suggestions(ctx: AppContext, line_id: int) -> list[Suggestion]:
    """The ranked candidates for one line, with their invoices and reasons (for the side panel)."""
    with ctx.uow.read() as uow:
        s = uow.session
        row = s.get(m.BankLine, line_id)
        if row is None:
            raise NotFoundError(f"There is no bank line {line_id}.")
        out = []
        for c in LineMemory.read(row.suggestions_json).candidates:
            invs = [s.get(m.Invoice, i) for i in c["invoice_ids"]]
            invs = [i for i in invs if i is not None]
            if not invs:
                continue
            client = s.get(m.Client, invs[0].client_id)
            out.append(
                Suggestion(
                    tuple(i.id for i in invs),
                    tuple(i.number or "" for i in invs),
                    client.name if client else "",
                    sum(i.balance_minor for i in invs),
                    invs[0].currency,
                    c["score"],
                    tuple(c["reasons"]),
                )
            )
        return out
