"""The reminder policy as settings: the business's, a client's own, and a preview of both.

A client's override is kept as a small JSON object on the client (only the
keys that differ), checked by the same parser as the business settings, so a
policy that cannot be read is refused when it is saved, not when a reminder
is due.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from app.core.dunning import (
    OVERRIDE_KEYS,
    PolicyError,
    parse_override,
    policy_from_settings,
    schedule_for,
)
from app.db import models as m
from app.services import settings as settings_service
from app.services.audit import record
from app.services.context import AppContext
from app.services.errors import NotFoundError, ValidationError


@dataclass(frozen=True)
class ScheduledStage:
    key: str
    title: str
    offset_days: int
    day: date
    first_chance: datetime
    escalate: bool

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


def preview_schedule(
    ctx: AppContext,
    values: dict[str, Any] | None,
    due_date: date,
    override: dict[str, Any] | None = None,
    time_zone: str = "",
) -> list[ScheduledStage]:
    """When each stage would go out for an invoice due on ``due_date`` (settings not saved yet)."""
    if values is None:
        values = settings_service.load_settings(ctx)
    try:
        policy = policy_from_settings(values, override)
    except PolicyError as exc:
        raise ValidationError(str(exc)) from None
    tz = ZoneInfo(time_zone) if time_zone else ctx.clock.tz
    return [
        ScheduledStage(
            p.stage.key, p.stage.title, p.stage.offset_days, p.day, p.first_chance, p.stage.escalate
        )
        for p in schedule_for(policy, due_date, tz)
    ]


def client_policy(ctx: AppContext, client_id: int) -> dict[str, Any]:
    with ctx.uow.read() as uow:
        client = uow.session.get(m.Client, client_id)
        if client is None:
            raise NotFoundError(f"There is no client with id {client_id}.")
        try:
            return parse_override(client.dunning_policy)
        except PolicyError as exc:
            raise ValidationError(str(exc)) from None


def set_client_policy(
    ctx: AppContext, client_id: int, override: dict[str, Any] | None
) -> dict[str, Any]:
    """Store a client's own reminder settings (None or {} returns to the business's)."""
    override = {k: v for k, v in (override or {}).items() if v is not None}
    unknown = sorted(set(override) - set(OVERRIDE_KEYS))
    if unknown:
        raise ValidationError(
            f"Unknown reminder setting(s): {', '.join(unknown)}; known: {', '.join(OVERRIDE_KEYS)}."
        )
    with ctx.uow() as uow:
        s = uow.session
        client = s.get(m.Client, client_id)
        if client is None:
            raise NotFoundError(f"There is no client with id {client_id}.")
        try:
            policy_from_settings(settings_service.get_all(s), override)
        except PolicyError as exc:
            raise ValidationError(f"{client.name}: {exc}") from None
        text = json.dumps(override, sort_keys=True, default=str) if override else ""
        before = client.dunning_policy
        client.dunning_policy = text
        record(
            s,
            ctx.audit,
            "client.dunning_policy",
            "client",
            client.id,
            before={"policy": before},
            after={"policy": text},
        )
        uow.commit()
    return override
