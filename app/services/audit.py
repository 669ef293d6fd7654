"""Writing and verifying the audit log (append-only, hash-chained).

Every service that changes data calls ``record`` inside its own transaction,
so the change and its audit event commit or roll back together.  The chain
head row is updated in the same transaction: concurrent writers queue on it,
which keeps the chain linear on SQLite and PostgreSQL alike.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import insert, select, text
from sqlalchemy.orm import Session

from app.core.audit_chain import (
    GENESIS_HASH,
    ChainedEvent,
    ChainProblem,
    canonical_json,
    event_hash,
    verify_chain,
)
from app.core.clock import Clock
from app.db.models import AuditEvent, AuditHead


@dataclass(frozen=True)
class AuditContext:
    """Who is acting and when; passed to every service call that writes."""

    clock: Clock
    actor: str = "user"


_HEAD = "counterfoil.audit_head"


def _head(session: Session) -> AuditHead:
    head = session.info.get(_HEAD)
    if head is None:
        # Locked once per transaction (FOR UPDATE on PostgreSQL; SQLite's write
        # transaction is already exclusive), then kept for the following events.
        head = session.get(AuditHead, 1, with_for_update=True)
        if head is None:
            head = AuditHead(id=1, last_event_id=0, last_hash=GENESIS_HASH)
            session.add(head)
            session.flush()
        session.info[_HEAD] = head
    return head


def forget_head(session: Session) -> None:
    """Drop the cached chain head (after a commit or rollback the row must be re-read)."""
    session.info.pop(_HEAD, None)


def record(
    session: Session,
    ctx: AuditContext,
    action: str,
    entity_type: str,
    entity_id: object,
    *,
    before: Mapping[str, Any] | None = None,
    after: Mapping[str, Any] | None = None,
    note: str = "",
) -> AuditEvent:
    """Append one event to the chain in the caller's transaction."""
    head = _head(session)
    data: dict[str, Any] = {}
    if before is not None:
        data["before"] = dict(before)
    if after is not None:
        data["after"] = dict(after)
    if note:
        data["note"] = note
    data_json = canonical_json(data)
    at = ctx.clock.now_utc()
    prev = head.last_hash
    digest = event_hash(prev, at, ctx.actor, action, entity_type, str(entity_id), data_json)
    ev = AuditEvent(
        at=at,
        actor=ctx.actor,
        action=action,
        entity_type=entity_type,
        entity_id=str(entity_id),
        data_json=data_json,
        prev_hash=prev,
        hash=digest,
    )
    # No flush here: events are inserted in the order they were added (the chain
    # order), and a bill run writing thousands of them flushes once per batch.
    session.add(ev)
    head.last_hash = digest
    return ev


def record_many(
    session: Session, ctx: AuditContext, events: list[tuple[str, str, object, dict[str, Any]]]
) -> None:
    """Append many events at once (bulk insert), chained exactly as ``record`` would."""
    if not events:
        return
    session.flush()  # events added by ``record`` come first in the chain
    head = _head(session)
    at = ctx.clock.now_utc()
    prev = head.last_hash
    rows = []
    for action, entity_type, entity_id, data in events:
        data_json = canonical_json(data)
        digest = event_hash(prev, at, ctx.actor, action, entity_type, str(entity_id), data_json)
        rows.append(
            {
                "at": at,
                "actor": ctx.actor,
                "action": action,
                "entity_type": entity_type,
                "entity_id": str(entity_id),
                "data_json": data_json,
                "prev_hash": prev,
                "hash": digest,
            }
        )
        prev = digest
    session.execute(insert(AuditEvent), rows)
    head.last_hash = prev


def verify(session: Session, batch: int = 5000) -> list[ChainProblem]:
    """Walk the whole chain in id order, in batches, and compare with the head."""
    head = session.get(AuditHead, 1)

    def events() -> Any:
        last = 0
        while True:
            rows = (
                session.execute(
                    select(AuditEvent)
                    .where(AuditEvent.id > last)
                    .order_by(AuditEvent.id)
                    .limit(batch)
                )
                .scalars()
                .all()
            )
            if not rows:
                return
            for r in rows:
                yield ChainedEvent(
                    r.id,
                    r.at,
                    r.actor,
                    r.action,
                    r.entity_type,
                    r.entity_id,
                    r.data_json,
                    r.prev_hash,
                    r.hash,
                )
            last = rows[-1].id
            session.expunge_all()

    return verify_chain(events(), expected_tip=head.last_hash if head else None)


def integrity_problems(session: Session) -> list[str]:
    """SQLite's own page-level check; empty when the file is sound."""
    if session.get_bind().dialect.name != "sqlite":
        return []
    rows = [r[0] for r in session.execute(text("PRAGMA integrity_check")).all()]
    return [] if rows == ["ok"] else rows


def history(session: Session, entity_type: str, entity_id: object) -> list[AuditEvent]:
    return list(
        session.execute(
            select(AuditEvent)
            .where(AuditEvent.entity_type == entity_type, AuditEvent.entity_id == str(entity_id))
            .order_by(AuditEvent.id)
        ).scalars()
    )
