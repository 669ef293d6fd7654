"""The exceptions queue: raising, closing and reading what needs attention.

Raising is idempotent: one item per ``dedupe_key`` (type + entity + what), kept
after it is closed, so a rule that fires on every scan neither floods the queue
nor brings back an item somebody dismissed.  Every raise and every close is
audited in the caller's transaction; an item closed by a rule says so
(``auto_resolved``, resolved by "rule") and names the rule in its resolution.

Acting on an item (approve, write off, apply credit …) lives in
``app.services.exception_actions``; the rules run in ``app.services.exception_scan``.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import func, insert, or_, select
from sqlalchemy.orm import Session

from app.core.exception_rules import Finding
from app.core.exception_types import SEVERITIES, actions_of, describe
from app.core.text import fold
from app.db import models as m
from app.services.audit import history, record, record_many
from app.services.context import AppContext
from app.services.errors import NotFoundError

RULE_ACTOR = "rule"


def raise_item(
    session: Session,
    ctx: AppContext,
    *,
    type: str,
    entity_type: str,
    entity_id: int,
    title: str,
    explanation: str,
    key: str = "",
    client_id: int | None = None,
    severity: str = "medium",
    evidence: dict[str, Any] | None = None,
    actions: str = "",
) -> m.ExceptionItem:
    dedupe = f"{type}:{entity_type}:{entity_id}:{key}"
    existing = session.execute(
        select(m.ExceptionItem).where(m.ExceptionItem.dedupe_key == dedupe)
    ).scalar_one_or_none()
    if existing is not None:
        return existing
    item = m.ExceptionItem(
        type=type,
        severity=severity,
        entity_type=entity_type,
        entity_id=entity_id,
        client_id=client_id,
        dedupe_key=dedupe,
        title=title,
        explanation=explanation,
        evidence_json=json.dumps(evidence or {}, default=str, sort_keys=True),
        actions=actions,
        status="open",
        created_at=ctx.clock.now_utc(),
    )
    session.add(item)
    session.flush()
    record(
        session,
        ctx.audit,
        "exception.raise",
        "exception",
        item.id,
        after={"type": type, "entity": f"{entity_type}:{entity_id}", "title": title},
    )
    return item


def raise_finding(session: Session, ctx: AppContext, f: Finding) -> m.ExceptionItem:
    return raise_item(
        session,
        ctx,
        type=f.type,
        entity_type=f.entity_type,
        entity_id=f.entity_id,
        title=f.title[:300],
        explanation=f.explanation,
        key=f.key,
        client_id=f.client_id,
        severity=f.severity,
        evidence=dict(f.evidence),
        actions=",".join(f.actions),
    )


def known_keys(session: Session, keys: Iterable[str]) -> set[str]:
    """Which of ``keys`` already have an item (open or closed)."""
    wanted = list(set(keys))
    found: set[str] = set()
    for start in range(0, len(wanted), 900):
        found.update(
            session.execute(
                select(m.ExceptionItem.dedupe_key).where(
                    m.ExceptionItem.dedupe_key.in_(wanted[start : start + 900])
                )
            ).scalars()
        )
    return found


def raise_many(session: Session, ctx: AppContext, findings: Sequence[Finding]) -> int:
    """Raise every finding that has no item yet, with one bulk insert; returns how many."""
    seen = known_keys(session, (f.dedupe_key for f in findings))
    fresh: dict[str, Finding] = {}
    for f in findings:
        if f.dedupe_key not in seen:
            fresh.setdefault(f.dedupe_key, f)
    if not fresh:
        return 0
    now = ctx.clock.now_utc()
    rows = [
        {
            "type": f.type,
            "severity": f.severity,
            "entity_type": f.entity_type,
            "entity_id": f.entity_id,
            "client_id": f.client_id,
            "dedupe_key": key,
            "title": f.title[:300],
            "explanation": f.explanation,
            "evidence_json": json.dumps(dict(f.evidence), default=str, sort_keys=True),
            "actions": ",".join(f.actions)[:200],
            "status": "open",
            "resolution": "",
            "auto_resolved": False,
            "resolved_by": "",
            "created_at": now,
        }
        for key, f in fresh.items()
    ]
    session.flush()
    ids = list(
        session.execute(
            insert(m.ExceptionItem).returning(m.ExceptionItem.id, sort_by_parameter_order=True),
            rows,
        ).scalars()
    )
    record_many(
        session,
        ctx.audit,
        [
            (
                "exception.raise",
                "exception",
                item_id,
                {
                    "after": {
                        "type": f.type,
                        "entity": f"{f.entity_type}:{f.entity_id}",
                        "title": f.title[:300],
                    }
                },
            )
            for item_id, f in zip(ids, fresh.values(), strict=True)
        ],
    )
    return len(ids)


def close_item(
    session: Session,
    ctx: AppContext,
    item: m.ExceptionItem,
    resolution: str,
    *,
    auto: bool = False,
    status: str = "resolved",
) -> None:
    """Resolve (or dismiss) one open item, recording who or which rule, when and why."""
    item.status = status
    item.resolution = resolution
    item.auto_resolved = auto
    item.resolved_by = RULE_ACTOR if auto else ctx.actor
    item.resolved_at = ctx.clock.now_utc()
    record(
        session,
        ctx.audit,
        "exception.dismiss" if status == "dismissed" else "exception.resolve",
        "exception",
        item.id,
        after={"resolution": resolution, "auto": auto, "status": status},
    )


def resolve_items(
    session: Session,
    ctx: AppContext,
    *,
    entity_type: str,
    entity_id: int,
    types: tuple[str, ...] | None = None,
    resolution: str,
    auto: bool = False,
) -> int:
    """Close the open items about one entity (e.g. when its invoice is approved)."""
    stmt = select(m.ExceptionItem).where(
        m.ExceptionItem.entity_type == entity_type,
        m.ExceptionItem.entity_id == entity_id,
        m.ExceptionItem.status == "open",
    )
    if types:
        stmt = stmt.where(m.ExceptionItem.type.in_(types))
    n = 0
    for item in session.execute(stmt).scalars():
        close_item(session, ctx, item, resolution, auto=auto)
        n += 1
    return n


# --- reading --------------------------------------------------------------------------


@dataclass(frozen=True)
class ExceptionQuery:
    status: str = "open"  # open | resolved | dismissed | closed | all
    types: tuple[str, ...] = ()
    search: str = ""
    client_id: int | None = None


@dataclass(frozen=True)
class ExceptionRow:
    id: int
    type: str
    type_label: str
    group: str
    severity: str
    title: str
    client_id: int | None
    client_name: str
    entity_type: str
    entity_id: int
    status: str
    created_at: datetime
    resolved_at: datetime | None
    auto_resolved: bool
    actions: tuple[str, ...]


@dataclass(frozen=True)
class ExceptionDetail:
    row: ExceptionRow
    explanation: str
    evidence: dict[str, Any]
    resolution: str
    resolved_by: str
    history: tuple[tuple[datetime, str, str, str], ...]  # (at, actor, action, data)


@dataclass(frozen=True)
class QueueStats:
    open: int
    resolved: int
    dismissed: int
    auto_resolved: int

    @property
    def closed(self) -> int:
        return self.resolved + self.dismissed

    @property
    def auto_share(self) -> Decimal | None:
        """Auto-resolved items as a share of all closed items (None before any is closed)."""
        return Decimal(self.auto_resolved) / self.closed if self.closed else None

    def as_dict(self) -> dict[str, Any]:
        share = self.auto_share
        return {
            "open": self.open,
            "resolved": self.resolved,
            "dismissed": self.dismissed,
            "auto_resolved": self.auto_resolved,
            "closed": self.closed,
            "auto_share": None if share is None else f"{share:.4f}",
        }


_SEVERITY_RANK = {s: n for n, s in enumerate(SEVERITIES)}


def _filtered(q: ExceptionQuery, stmt: Any) -> Any:
    E = m.ExceptionItem
    if q.status == "closed":
        stmt = stmt.where(E.status.in_(("resolved", "dismissed")))
    elif q.status != "all":
        stmt = stmt.where(E.status == q.status)
    if q.types:
        stmt = stmt.where(E.type.in_(q.types))
    if q.client_id:
        stmt = stmt.where(E.client_id == q.client_id)
    for word in fold(q.search).split():
        stmt = stmt.where(
            or_(m.Client.search_key.like(f"%{word}%"), func.upper(E.title).like(f"%{word}%"))
        )
    return stmt


def exception_ids(ctx: AppContext, q: ExceptionQuery) -> list[int]:
    """Ids in display order: most severe first, then newest."""
    E = m.ExceptionItem
    stmt = select(E.id, E.severity)
    if q.search:
        stmt = stmt.outerjoin(m.Client, m.Client.id == E.client_id)
    stmt = _filtered(q, stmt).order_by(E.created_at.desc(), E.id.desc())
    with ctx.uow.read() as uow:
        rows = uow.session.execute(stmt).all()
    rows.sort(key=lambda r: _SEVERITY_RANK.get(r.severity, len(SEVERITIES)))
    return [r.id for r in rows]


def _row(item: m.ExceptionItem, client_name: str | None) -> ExceptionRow:
    kind = describe(item.type)
    return ExceptionRow(
        item.id,
        item.type,
        kind.label,
        kind.group,
        item.severity,
        item.title,
        item.client_id,
        client_name or "",
        item.entity_type,
        item.entity_id,
        item.status,
        item.created_at,
        item.resolved_at,
        item.auto_resolved,
        actions_of(item.type, item.actions) if item.status == "open" else (),
    )


def exception_rows(ctx: AppContext, ids: list[int]) -> list[ExceptionRow]:
    if not ids:
        return []
    stmt = (
        select(m.ExceptionItem, m.Client.name)
        .outerjoin(m.Client, m.Client.id == m.ExceptionItem.client_id)
        .where(m.ExceptionItem.id.in_(ids))
    )
    with ctx.uow.read() as uow:
        found = {item.id: _row(item, name) for item, name in uow.session.execute(stmt)}
    return [found[i] for i in ids if i in found]


def list_exceptions(ctx: AppContext, q: ExceptionQuery) -> list[ExceptionRow]:
    ids = exception_ids(ctx, q)
    return [r for s in range(0, len(ids), 900) for r in exception_rows(ctx, ids[s : s + 900])]


def get_exception(ctx: AppContext, item_id: int) -> ExceptionDetail:
    with ctx.uow.read() as uow:
        s = uow.session
        item = s.get(m.ExceptionItem, item_id)
        if item is None:
            raise NotFoundError(f"There is no exception item {item_id}.")
        client = s.get(m.Client, item.client_id) if item.client_id else None
        events = tuple(
            (ev.at, ev.actor, ev.action, ev.data_json) for ev in history(s, "exception", item.id)
        )
        return ExceptionDetail(
            _row(item, client.name if client else None),
            item.explanation,
            json.loads(item.evidence_json or "{}"),
            item.resolution,
            item.resolved_by,
            events,
        )


def type_counts(ctx: AppContext, status: str = "open") -> dict[str, int]:
    """How many items of each type (for the grouping list and the filter)."""
    stmt = _filtered(
        ExceptionQuery(status=status),
        select(m.ExceptionItem.type, func.count()).group_by(m.ExceptionItem.type),
    )
    with ctx.uow.read() as uow:
        return {t: n for t, n in uow.session.execute(stmt)}


def open_count(ctx: AppContext) -> int:
    """The number on the sidebar badge."""
    with ctx.uow.read() as uow:
        return int(
            uow.session.scalar(
                select(func.count())
                .select_from(m.ExceptionItem)
                .where(m.ExceptionItem.status == "open")
            )
            or 0
        )


def queue_stats(ctx: AppContext) -> QueueStats:
    """Open, resolved, dismissed and auto-resolved counts (the dashboard's share comes from here)."""
    E = m.ExceptionItem
    with ctx.uow.read() as uow:
        by_status = dict(
            uow.session.execute(select(E.status, func.count()).group_by(E.status)).all()
        )
        auto = uow.session.scalar(
            select(func.count()).select_from(E).where(E.auto_resolved.is_(True))
        )
    return QueueStats(
        int(by_status.get("open", 0)),
        int(by_status.get("resolved", 0)),
        int(by_status.get("dismissed", 0)),
        int(auto or 0),
    )
