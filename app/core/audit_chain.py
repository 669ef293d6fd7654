"""The audit log's hash chain: each event's hash covers its content and the previous hash.

Editing, deleting or reordering any event breaks every later link, which
``verify_chain`` reports with the first event where the chain stops holding.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

GENESIS_HASH = "0" * 64


@dataclass(frozen=True)
class ChainedEvent:
    id: int
    at: datetime
    actor: str
    action: str
    entity_type: str
    entity_id: str
    data_json: str
    prev_hash: str
    hash: str


def canonical_json(data: object) -> str:
    """Stable JSON (sorted keys, no spaces) so the same content always hashes the same."""
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)


def event_hash(
    prev_hash: str,
    at: datetime,
    actor: str,
    action: str,
    entity_type: str,
    entity_id: str,
    data_json: str,
) -> str:
    payload = "\x1f".join(
        [prev_hash, at.isoformat(), actor, action, entity_type, entity_id, data_json]
    )
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class ChainProblem:
    event_id: int
    reason: str


def verify_chain(
    events: Iterable[ChainedEvent], expected_tip: str | None = None
) -> list[ChainProblem]:
    """Check every link; events must come in id order.

    ``expected_tip`` (the hash kept in the chain head) also catches the removal
    of the newest events, which no later link would reveal.
    """
    problems: list[ChainProblem] = []
    prev = GENESIS_HASH
    last_id = 0
    for ev in events:
        if ev.prev_hash != prev:
            problems.append(
                ChainProblem(ev.id, "link broken: an earlier event was changed or removed")
            )
        recomputed = event_hash(
            ev.prev_hash, ev.at, ev.actor, ev.action, ev.entity_type, ev.entity_id, ev.data_json
        )
        if recomputed != ev.hash:
            problems.append(ChainProblem(ev.id, "content changed after it was written"))
        prev = ev.hash
        last_id = ev.id
    if expected_tip is not None and expected_tip != prev:
        problems.append(
            ChainProblem(
                last_id, "the newest audit events were removed (chain head does not match)"
            )
        )
    return problems
