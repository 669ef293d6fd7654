"""The background scheduler: a main-thread QTimer that decides what is due and enqueues it.

It only decides; the work (a bill run, later the mail sender) runs on the long
worker thread with its own sessions.  It checks at start, every N minutes, and
right after the computer wakes up (the wall clock jumps ahead of the timer).
A database lock keeps it from running alongside a ``counterfoil bill-run``.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal

from app.ui.handle import AppHandle

TICK_MS = 60_000
DISABLE_ENV = "COUNTERFOIL_DISABLE_SCHEDULER"


class BackgroundScheduler(QObject):
    started = Signal(str)
    finished = Signal(str)
    progress = Signal(int, int, str)
    missed = Signal()  # periods fell due while the app was closed: show "since last run"

    def __init__(self, handle: AppHandle, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.handle = handle
        self._timer = QTimer(self)
        self._timer.setInterval(TICK_MS)
        self._timer.timeout.connect(self._tick)
        self._last_wall = time.time()
        self._last_check = 0.0
        self._busy = False
        self.interval_minutes = 15
        self.enabled = True
        self._missed_offered = False

    def start(self) -> None:
        if os.environ.get(DISABLE_ENV):
            return
        self._timer.start()
        self.check_now()

    def stop(self) -> None:
        self._timer.stop()

    def _tick(self) -> None:
        now = time.time()
        woke = now - self._last_wall > 3 * TICK_MS / 1000
        self._last_wall = now
        if woke or now - self._last_check >= self.interval_minutes * 60:
            self.check_now()

    def check_now(self) -> None:
        """Read the settings, then run the bill run if anything is due (never two at once)."""
        if self._busy:
            return
        self._busy = True
        self._last_check = time.time()
        from app.services.settings import load_settings

        self.handle.call(load_settings, on_done=self._with_settings, on_error=self._failed)

    def _with_settings(self, values: dict[str, Any]) -> None:
        self._daily_backup(int(values.get("backup.keep_days", 14)))
        self.enabled = bool(values.get("scheduler.enabled", True))
        self.interval_minutes = int(values.get("scheduler.interval_minutes", 15))
        if not self.enabled:
            self._busy = False
            return
        from app.services.bill_run import pending_items

        self.handle.call(pending_items, on_done=self._maybe_run, on_error=self._failed)

    def _daily_backup(self, keep_days: int) -> None:
        """One automatic backup a day (the first check of the day makes it), rotated."""
        from app.services.backup import auto_backup

        ctx = self.handle.ctx
        self.handle.long_ops.run(
            lambda: auto_backup(ctx.home.root, keep_days, ctx.clock.wall_utc()),
            on_error=lambda exc: self.handle.bus.status.emit(f"Automatic backup failed: {exc}"),
        )

    def _maybe_run(self, items: list[Any]) -> None:
        """Bill what fell due today, archive PDFs, send due mail, scan for exceptions.

        What fell due while the app was closed is the user's call ("since last
        run"), so it is offered, not billed.
        """
        today = self.handle.ctx.clock.today()
        missed = [i for i in items if i.bill_date < today]
        if missed and not self._missed_offered:
            self._missed_offered = True
            self.missed.emit()
        todays = {(i.schedule_id, i.period_start) for i in items if i.bill_date >= today}
        if todays:
            self.started.emit(f"Bill run: {len(todays)} invoice(s) due")
        ctx = self.handle.ctx

        def job(progress: Callable[[int, int, str], None], cancel: Any) -> Rounds:
            from app.services.bill_run import run_bill_run
            from app.services.delivery import send_due
            from app.services.exception_scan import run_scan
            from app.services.pdf_archive import render_pending

            rounds = Rounds()
            if todays:
                rounds.bill_run = run_bill_run(
                    ctx, progress=progress, cancel=cancel, periods=todays
                )
                render_pending(ctx, progress=progress, cancel=cancel)
            if not cancel():
                rounds.mail = send_due(ctx, progress=progress, cancel=cancel)
            if not cancel():
                rounds.scan = run_scan(ctx)
            return rounds

        self.handle.long_ops.run_long(job, self.progress.emit, self._done, self._failed)

    def _done(self, rounds: Rounds) -> None:
        self._busy = False
        for what in ("invoices", "outbox", "exceptions"):
            self.handle.bus.changed.emit(what)
        parts = []
        if rounds.bill_run is not None:
            r = rounds.bill_run
            parts.append(
                f"Bill run: {r.created} invoice(s) created, {r.issued} issued, {r.review} waiting for review."
            )
        if rounds.mail is not None and getattr(rounds.mail, "summary", ""):
            parts.append(rounds.mail.summary)
        text = " ".join(parts)
        if text:
            self.finished.emit(text)
            self.handle.bus.status.emit(text)

    def _failed(self, exc: BaseException) -> None:
        self._busy = False
        self.finished.emit(f"Background work did not run: {exc}")
        self.handle.bus.status.emit(f"Background work did not run: {exc}")


@dataclass
class Rounds:
    """What one round of background work did."""

    bill_run: Any = None
    mail: Any = None
    scan: Any = None
