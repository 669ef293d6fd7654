"""Reading and changing business settings (declared in app.core.settings)."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.core import settings as decl
from app.db.models import Setting
from app.services.audit import AuditContext, record

if TYPE_CHECKING:
    from app.services.context import AppContext


_CACHE = "counterfoil.settings"


def get(session: Session, key: str) -> Any:
    decl.spec(key)
    return get_all(session)[key]


def get_all(session: Session) -> dict[str, Any]:
    """Every setting, read once per session (a bill run asks thousands of times)."""
    cached = session.info.get(_CACHE)
    if cached is not None:
        return dict(cached)
    stored = {r.key: r.value_json for r in session.execute(select(Setting)).scalars()}
    out: dict[str, Any] = {}
    for key, spec in decl.SPECS.items():
        out[key] = decl.coerce(key, json.loads(stored[key])) if key in stored else spec.default
    session.info[_CACHE] = out
    return dict(out)


def set_value(session: Session, ctx: AuditContext, key: str, value: Any) -> Any:
    """Validate, store and audit one setting; returns the stored (coerced) value."""
    converted = decl.coerce(key, value)
    old = get(session, key)
    row = session.get(Setting, key)
    payload = json.dumps(decl.to_json_value(key, converted))
    if row is None:
        session.add(Setting(key=key, value_json=payload, updated_at=ctx.clock.now_utc()))
    else:
        row.value_json = payload
        row.updated_at = ctx.clock.now_utc()
    session.info.pop(_CACHE, None)
    if old != converted:
        record(
            session,
            ctx,
            "settings.set",
            "setting",
            key,
            before={"value": decl.to_json_value(key, old)},
            after={"value": decl.to_json_value(key, converted)},
        )
    return converted


def set_many(session: Session, ctx: AuditContext, values: dict[str, Any]) -> None:
    for key in values:
        decl.coerce(key, values[key])  # refuse the whole batch before writing any
    for key, value in values.items():
        set_value(session, ctx, key, value)


def load_settings(ctx: AppContext) -> dict[str, Any]:
    """All business settings with defaults filled in (for forms)."""
    with ctx.uow.read() as uow:
        return get_all(uow.session)


def save_settings(ctx: AppContext, values: dict[str, Any]) -> dict[str, Any]:
    """Validate every value first, then store them all in one audited transaction."""
    with ctx.uow() as uow:
        set_many(uow.session, ctx.audit, values)
        uow.commit()
        return get_all(uow.session)
