"""The exceptions queue: raising, resolving and listing what needs attention.

Raising is idempotent: one open item per ``dedupe_key`` (type + entity + what),
so a rule that fires on every run does not flood the queue.
"""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.db import models as m
from app.services.audit import record
from app.services.context import AppContext


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
        item.status = "resolved"
        item.resolution = resolution
        item.auto_resolved = auto
        item.resolved_by = "rule" if auto else ctx.actor
        item.resolved_at = ctx.clock.now_utc()
        record(
            session,
            ctx.audit,
            "exception.resolve",
            "exception",
            item.id,
            after={"resolution": resolution, "auto": auto},
        )
        n += 1
    return n
