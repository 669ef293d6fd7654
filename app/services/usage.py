"""Usage and time records: import (idempotent), correction until invoiced, period totals."""

from __future__ import annotations

import functools
import json
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date
from decimal import Decimal
from typing import Any

from sqlalchemy import bindparam, func, insert, select, text
from sqlalchemy.orm import Session

from app.core.client_import import RowError
from app.core.collector import collector_paused
from app.core.money import Money
from app.core.text import fold
from app.core.usage import Pricing, pricing_from_dict, pricing_to_dict
from app.core.usage_import import read_usage
from app.db import models as m
from app.services.audit import record
from app.services.context import AppContext
from app.services.errors import InvariantError, NotFoundError, ValidationError


@dataclass
class UsageImportReport:
    imported: int = 0
    duplicates: int = 0
    late: int = 0  # records for periods already invoiced: billed as adjustments next time
    rejected: list[RowError] = field(default_factory=list)
    columns: dict[str, str] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {
            "imported": self.imported,
            "duplicates": self.duplicates,
            "late": self.late,
            "rejected": [{"line": e.line, "reason": e.reason} for e in self.rejected],
            "columns": self.columns,
        }


class UsageRejected(ValidationError):
    def __init__(self, report: UsageImportReport) -> None:
        self.report = report
        shown = "; ".join(str(e) for e in report.rejected[:20])
        super().__init__(f"{len(report.rejected)} row(s) rejected, nothing imported: {shown}")


def _clients(s: Session) -> Any:
    rows = s.execute(select(m.Client.id, m.Client.name, m.Client.email, m.Client.currency)).all()
    by = {str(r.id): r for r in rows} | {r.email.lower(): r for r in rows if r.email}
    names: dict[str, list[Any]] = defaultdict(list)
    for r in rows:
        names[fold(r.name)].append(r)

    def find(text: str) -> Any:
        t = text.strip()
        hit = by.get(t) or by.get(t.lower())
        if hit is not None:
            return hit
        found = names.get(fold(t), [])
        if len(found) == 1:
            return found[0]
        raise ValueError(f"no single client {t!r} (use the client's name, id or e-mail)")

    return find


def _metered_schedules(s: Session) -> dict[int, list[tuple[int, str, str, str]]]:
    """client id → [(schedule id, schedule name, reference, meter item)] of metered lines."""
    out: dict[int, list[tuple[int, str, str, str]]] = defaultdict(list)
    stmt = (
        select(
            m.Schedule.client_id,
            m.Schedule.id,
            m.Schedule.name,
            m.Schedule.reference,
            m.ScheduleLine.meter_item,
        )
        .join(m.ScheduleLine, m.ScheduleLine.schedule_id == m.Schedule.id)
        .where(m.ScheduleLine.metered.is_(True))
    )
    for client_id, sid, name, ref, item in s.execute(stmt):
        out[client_id].append((sid, name, ref, item))
    return out


def _schedule_for(
    options: list[tuple[int, str, str, str]], schedule_text: str, item: str
) -> int | None:
    if schedule_text:
        wanted = fold(schedule_text)
        hits = {sid for sid, name, ref, _ in options if wanted in (fold(name), fold(ref), str(sid))}
        if len(hits) != 1:
            raise ValueError(f"no single agreement {schedule_text!r} for this client")
        return hits.pop()
    hits = {sid for sid, _name, _ref, meter in options if fold(meter) == fold(item)}
    return hits.pop() if len(hits) == 1 else None


def import_usage(
    ctx: AppContext,
    data: bytes,
    *,
    skip_invalid: bool = False,
    columns: dict[str, str] | None = None,
    day_first: bool | None = None,
    decimal_mark: str | None = None,
) -> UsageImportReport:
    """Add every new record (re-importing adds nothing); all or nothing unless ``skip_invalid``."""
    parsed = read_usage(data, day_first=day_first, decimal_mark=decimal_mark, columns=columns)
    report = UsageImportReport(rejected=list(parsed.errors), columns=parsed.columns)
    with ctx.uow() as uow, collector_paused():
        s = uow.session
        find = functools.lru_cache(maxsize=None)(_clients(s))
        metered = _metered_schedules(s)
        schedule_for = functools.lru_cache(maxsize=None)(
            lambda client_id, schedule, item: _schedule_for(
                metered.get(client_id, []), schedule, item
            )
        )
        prepared = []
        for row in parsed.rows:
            try:
                client = find(row.client)
                schedule_id = schedule_for(client.id, row.schedule, row.item)
                rate_minor = (
                    Money.of(row.rate, client.currency).minor if row.rate is not None else None
                )
            except ValueError as exc:
                report.rejected.append(RowError(row.line, str(exc)))
                continue
            prepared.append((row, client.id, schedule_id, rate_minor))
        report.rejected.sort(key=lambda e: e.line)
        if report.rejected and not skip_invalid:
            raise UsageRejected(report)
        existing = _known_keys(s, [(cid, row.record_key) for row, cid, _, _ in prepared])
        invoiced = _invoiced_periods(s, {sid for _, _, sid, _ in prepared if sid})
        now = ctx.clock.now_utc()
        rows = []
        for row, client_id, schedule_id, rate_minor in prepared:
            key = (client_id, row.record_key)
            if key in existing:
                report.duplicates += 1
                continue
            existing.add(key)
            periods = invoiced.get(schedule_id) if schedule_id else None
            if periods and any(a <= row.occurred_on <= b for a, b in periods):
                report.late += 1
            rows.append(
                (
                    client_id,
                    schedule_id,
                    row.item,
                    row.occurred_on,
                    row.quantity,
                    row.description,
                    row.person,
                    rate_minor,
                    row.billable,
                    row.record_key,
                    row.raw,
                    now,
                )
            )
        _store_records(s, rows)

        report.imported = len(rows)
        record(
            s,
            ctx.audit,
            "usage.import",
            "usage",
            0,
            after={
                "imported": report.imported,
                "duplicates": report.duplicates,
                "late": report.late,
            },
        )
        uow.commit()
    return report


def _known_keys(s: Session, keys: list[tuple[int, str]]) -> set[tuple[int, str]]:
    """Which (client, record key) pairs are stored already: one join instead of a query per batch."""
    if not keys:
        return set()
    conn = s.connection()
    if conn.dialect.name != "sqlite":
        found: set[tuple[int, str]] = set()
        for start in range(0, len(keys), 900):
            part = keys[start : start + 900]
            stmt = select(m.UsageRecord.client_id, m.UsageRecord.record_key).where(
                m.UsageRecord.record_key.in_([k for _, k in part])
            )
            found.update((c, k) for c, k in conn.execute(stmt))
        return found
    conn.exec_driver_sql(
        "CREATE TEMP TABLE IF NOT EXISTS usage_keys (record_key TEXT, client_id INTEGER)"
    )
    conn.exec_driver_sql("DELETE FROM usage_keys")
    conn.exec_driver_sql("INSERT INTO usage_keys VALUES (?, ?)", [(k, c) for c, k in keys])
    rows = conn.exec_driver_sql(
        "SELECT u.client_id, u.record_key FROM usage_keys k JOIN usage_records u "
        "ON u.record_key = k.record_key AND u.client_id = k.client_id"
    ).all()
    conn.exec_driver_sql("DELETE FROM usage_keys")
    return {(c, k) for c, k in rows}


_COLUMNS = (
    "client_id",
    "schedule_id",
    "item",
    "occurred_on",
    "quantity",
    "description",
    "person",
    "rate_minor",
    "billable",
    "record_key",
    "raw",
    "created_at",
)


def _store_records(s: Session, rows: list[tuple[Any, ...]]) -> None:
    """One executemany of tuples in ``_COLUMNS`` order; on SQLite straight to the driver
    (values in SQLAlchemy's stored form), elsewhere through the Core insert."""
    if not rows:
        return
    conn = s.connection()
    if conn.dialect.name != "sqlite":
        conn.execute(m.UsageRecord.__table__.insert(), [dict(zip(_COLUMNS, r)) for r in rows])
        return
    created = rows[0][11].astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")
    bind_quantity = m.UsageRecord.__table__.c.quantity.type.bind_processor(conn.dialect)
    iso: dict[date, str] = {}
    driver_rows = []
    for r in rows:
        day = r[3]
        day_text = iso.get(day)
        if day_text is None:
            day_text = iso[day] = day.isoformat()
        quantity = r[4] if bind_quantity is None else bind_quantity(r[4])
        driver_rows.append((*r[:3], day_text, quantity, *r[5:8], int(r[8]), r[9], r[10], created))
    conn.exec_driver_sql(
        f"INSERT INTO usage_records ({', '.join(_COLUMNS)}) "
        f"VALUES ({', '.join('?' for _ in _COLUMNS)})",
        driver_rows,
    )


def _invoiced_periods(s: Session, schedule_ids: set[int]) -> dict[int, list[tuple[date, date]]]:
    out: dict[int, list[tuple[date, date]]] = defaultdict(list)
    if not schedule_ids:
        return out
    for sid, start, end in s.execute(
        select(m.Invoice.schedule_id, m.Invoice.period_start, m.Invoice.period_end).where(
            m.Invoice.schedule_id.in_(schedule_ids)
        )
    ):
        if start and end:
            out[sid].append((start, end))
    return out


def correct_record(ctx: AppContext, record_id: int, quantity: Decimal, note: str = "") -> None:
    """Change a record's quantity while its period is not invoiced yet."""
    if quantity < 0:
        raise ValidationError("A quantity cannot be negative.")
    with ctx.uow() as uow:
        row = uow.session.get(m.UsageRecord, record_id)
        if row is None:
            raise NotFoundError(f"There is no usage record {record_id}.")
        if billed_ids(uow.session, [row.id]):
            raise InvariantError(
                "This record is already on an invoice; import a correction record instead "
                "(or delete the draft that counted it)."
            )
        before = row.quantity
        row.quantity = quantity
        record(
            uow.session,
            ctx.audit,
            "usage.correct",
            "usage",
            row.id,
            before={"quantity": str(before)},
            after={"quantity": str(quantity), "note": note},
        )
        uow.commit()


def set_metering(
    ctx: AppContext, schedule_line_id: int, item: str, pricing: Pricing | None
) -> None:
    """Make a schedule line metered (or fixed again) with the given pricing."""
    if pricing is not None:
        pricing.validate()
    with ctx.uow() as uow:
        line = uow.session.get(m.ScheduleLine, schedule_line_id)
        if line is None:
            raise NotFoundError(f"There is no schedule line {schedule_line_id}.")
        line.metered = pricing is not None
        line.meter_item = item if pricing is not None else ""
        line.pricing_json = json.dumps(pricing_to_dict(pricing)) if pricing is not None else ""
        record(
            uow.session,
            ctx.audit,
            "schedule.metering",
            "schedule",
            line.schedule_id,
            after={"line": line.id, "item": item, "pricing": line.pricing_json},
        )
        uow.commit()


def plan_pricing(line: m.ScheduleLine) -> Pricing | None:
    if not line.metered or not line.pricing_json:
        return None
    return pricing_from_dict(json.loads(line.pricing_json))


@dataclass(frozen=True)
class UsageTotals:
    quantity: Decimal
    records: int
    scope: UsageScope
    # (person, hours, rate in minor units) of records that carry a rate: time sheets
    timed: tuple[tuple[str, Decimal, int], ...] = ()


@dataclass(frozen=True)
class UsageScope:
    """The records a period's total came from, so the invoice can record them as billed."""

    schedule_id: int
    item: str
    start: date
    end: date


def _in_scope(schedule_id: Any, item: Any, start: Any, end: Any) -> list[Any]:
    return [
        m.UsageRecord.schedule_id == schedule_id,
        m.UsageRecord.item == item,
        m.UsageRecord.billable.is_(True),
        m.UsageRecord.occurred_on >= start,
        m.UsageRecord.occurred_on <= end,
    ]


# Built once: a bill run asks these for every metered agreement, and building the
# expression each time costs more than SQLite takes to answer it.
_SCOPE = _in_scope(bindparam("sid"), bindparam("item"), bindparam("start"), bindparam("end"))
_PERIOD_TOTAL = select(
    func.sum(m.UsageRecord.quantity), func.count(), func.count(m.UsageRecord.rate_minor)
).where(*_SCOPE)
_PERIOD_TIMED = (
    select(m.UsageRecord.person, m.UsageRecord.quantity, m.UsageRecord.rate_minor)
    .where(*_SCOPE, m.UsageRecord.rate_minor.is_not(None))
    .order_by(m.UsageRecord.occurred_on, m.UsageRecord.id)
)


def _billed_clause() -> Any:
    """True for a usage record that a billing range covers (see UsageBilling)."""
    b = m.UsageBilling
    r = m.UsageRecord
    return (
        select(b.id)
        .where(
            b.schedule_id == r.schedule_id,
            b.item == r.item,
            b.period_start <= r.occurred_on,
            b.period_end >= r.occurred_on,
            b.through_record_id >= r.id,
        )
        .exists()
    )


def hold_usage_steady(s: Session) -> None:
    """Keep new usage records out until this transaction ends.

    A billing range says "every record up to id N"; that is only true if no record
    with a lower id can still be committed after the totals were read.  SQLite's
    write transaction already excludes other writers; PostgreSQL hands out ids
    before commit, so there the table is locked against inserts first.
    """
    if s.get_bind().dialect.name == "postgresql":
        s.execute(text("LOCK TABLE usage_records IN SHARE MODE"))


def period_usage(s: Session, schedule_id: int, item: str, start: date, end: date) -> UsageTotals:
    """The billable quantity of one item in a period, summed by the database."""
    conn = s.connection()
    params = {"sid": schedule_id, "item": item, "start": start, "end": end}
    total, count, rated = conn.execute(_PERIOD_TOTAL, params).one()
    timed: tuple[tuple[str, Decimal, int], ...] = ()
    if rated:
        timed = tuple(
            (person, quantity, rate)
            for person, quantity, rate in conn.execute(_PERIOD_TIMED, params)
        )
    scope = UsageScope(schedule_id, item, start, end)
    return UsageTotals(total or Decimal(0), count, scope, timed)


def late_usage(
    s: Session, schedule_id: int, item: str, periods: list[tuple[date, date]]
) -> dict[tuple[date, date], Decimal]:
    """Unbilled quantities that arrived after their (already invoiced) period was billed.

    Each regular bill settles every late record that existed then, so only records
    newer than the last regular billing of this item can be late; the index on
    (schedule, item, day) carries the record id, so the history is scanned in the
    index alone and only the newer records are checked against the billing ranges.
    """
    if not periods:
        return {}
    b = m.UsageBilling
    settled = s.execute(
        select(func.max(b.through_record_id))
        .join(m.Invoice, m.Invoice.id == b.invoice_id)
        .where(
            b.schedule_id == schedule_id,
            b.item == item,
            m.Invoice.interim_schedule_id.is_(None),
        )
    ).scalar_one()
    first = min(p[0] for p in periods)
    last = max(p[1] for p in periods)
    rows = s.execute(
        select(m.UsageRecord.occurred_on, m.UsageRecord.quantity).where(
            *_in_scope(schedule_id, item, first, last),
            m.UsageRecord.id > (settled or 0),
            ~_billed_clause(),
        )
    ).all()
    late: dict[tuple[date, date], Decimal] = {}
    for day, quantity in rows:
        for period in periods:
            if period[0] <= day <= period[1]:
                late[period] = late.get(period, Decimal(0)) + quantity
                break
    return late


def mark_billed(s: Session, billed: list[tuple[int, list[UsageScope]]]) -> None:
    """Record that each invoice billed its scopes: one row per scope, not per record."""
    rows = [
        {
            "invoice_id": invoice_id,
            "schedule_id": sc.schedule_id,
            "item": sc.item,
            "period_start": sc.start,
            "period_end": sc.end,
        }
        for invoice_id, scopes in billed
        for sc in scopes
    ]
    if not rows:
        return
    conn = s.connection()
    through = conn.execute(select(func.max(m.UsageRecord.id))).scalar_one() or 0
    conn.execute(
        insert(m.UsageBilling.__table__), [{**r, "through_record_id": through} for r in rows]
    )


def billed_ids(s: Session, ids: list[int]) -> set[int]:
    """Which of these usage records an invoice has counted."""
    if not ids:
        return set()
    return set(
        s.execute(
            select(m.UsageRecord.id).where(
                m.UsageRecord.id.in_(ids), m.UsageRecord.billable.is_(True), _billed_clause()
            )
        ).scalars()
    )


@dataclass(frozen=True)
class UsageRow:
    id: int
    client_name: str
    item: str
    occurred_on: date
    quantity: Decimal
    person: str
    description: str
    billed: bool


@dataclass(frozen=True)
class UsageQuery:
    client_id: int | None = None
    schedule_id: int | None = None
    item: str = ""
    start: date | None = None
    end: date | None = None


def usage_ids(ctx: AppContext, q: UsageQuery) -> list[int]:
    stmt = select(m.UsageRecord.id)
    if q.client_id:
        stmt = stmt.where(m.UsageRecord.client_id == q.client_id)
    if q.schedule_id:
        stmt = stmt.where(m.UsageRecord.schedule_id == q.schedule_id)
    if q.item:
        stmt = stmt.where(m.UsageRecord.item == q.item)
    if q.start:
        stmt = stmt.where(m.UsageRecord.occurred_on >= q.start)
    if q.end:
        stmt = stmt.where(m.UsageRecord.occurred_on <= q.end)
    with ctx.uow.read() as uow:
        return list(
            uow.session.execute(
                stmt.order_by(m.UsageRecord.occurred_on.desc(), m.UsageRecord.id.desc())
            ).scalars()
        )


def usage_rows(ctx: AppContext, ids: list[int]) -> list[UsageRow]:
    if not ids:
        return []
    stmt = (
        select(m.UsageRecord, m.Client.name)
        .join(m.Client, m.Client.id == m.UsageRecord.client_id)
        .where(m.UsageRecord.id.in_(ids))
    )
    with ctx.uow.read() as uow:
        billed = billed_ids(uow.session, ids)
        found = {
            r.id: UsageRow(
                r.id,
                name,
                r.item,
                r.occurred_on,
                r.quantity,
                r.person,
                r.description,
                r.id in billed,
            )
            for r, name in uow.session.execute(stmt)
        }
    return [found[i] for i in ids if i in found]


def usage_totals(ctx: AppContext, q: UsageQuery) -> list[tuple[str, Decimal, int]]:
    """(item, total quantity, records) for the filtered records: the list's footer."""
    stmt = select(m.UsageRecord.item, func.sum(m.UsageRecord.quantity), func.count())
    if q.client_id:
        stmt = stmt.where(m.UsageRecord.client_id == q.client_id)
    if q.schedule_id:
        stmt = stmt.where(m.UsageRecord.schedule_id == q.schedule_id)
    if q.start:
        stmt = stmt.where(m.UsageRecord.occurred_on >= q.start)
    if q.end:
        stmt = stmt.where(m.UsageRecord.occurred_on <= q.end)
    with ctx.uow.read() as uow:
        return [
            (item, Decimal(total or 0), n)
            for item, total, n in uow.session.execute(stmt.group_by(m.UsageRecord.item))
        ]
