"""Named locks held in the database, shared by every process on the same data.

The GUI's background scheduler and a ``counterfoil bill-run`` from cron use the
same lock, so a bill run never runs twice at once.  A lock expires if its
holder dies without releasing it (the holder refreshes it while working).
"""

from __future__ import annotations

import os
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta

from sqlalchemy import delete

from app.db.models import AppLock
from app.services.context import AppContext
from app.services.errors import BusyError

DEFAULT_TTL = timedelta(minutes=10)


def holder_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def _holder_gone(holder: str) -> bool:
    """True when the holder was a process on this machine that no longer exists."""
    host, _, pid = holder.rpartition(":")
    if host != socket.gethostname() or not pid.isdigit():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False


def acquire(ctx: AppContext, name: str, ttl: timedelta = DEFAULT_TTL) -> bool:
    now = ctx.clock.wall_utc()
    me = holder_id()
    with ctx.uow() as uow:
        lock = uow.session.get(AppLock, name)
        busy = lock is not None and lock.holder != me and lock.expires_at > now
        if busy and not _holder_gone(lock.holder):  # type: ignore[union-attr]
            return False
        if lock is None:
            uow.session.add(AppLock(name=name, holder=me, acquired_at=now, expires_at=now + ttl))
        else:
            lock.holder, lock.acquired_at, lock.expires_at = me, now, now + ttl
        uow.commit()
    return True


def release(ctx: AppContext, name: str) -> None:
    with ctx.uow() as uow:
        uow.session.execute(
            delete(AppLock).where(AppLock.name == name, AppLock.holder == holder_id())
        )
        uow.commit()


@contextmanager
def held(ctx: AppContext, name: str, what: str) -> Iterator[None]:
    if not acquire(ctx, name):
        raise BusyError(
            f"{what} is already running (in this or another Counterfoil window or command)."
        )
    try:
        yield
    finally:
        release(ctx, name)
