"""Running service calls off the GUI thread, the way the window needs them.

``OpRunner`` owns one worker QObject moved to its own QThread (SQLite has one
writer, so database work is queued on a single worker); each job is a plain
callable that opens its own unit of work.  Results come back to the GUI thread
as queued signals, so callbacks may touch widgets.  ``LongTask`` adds progress
and a cancel flag for bill runs, imports and batches.
"""

from __future__ import annotations

import itertools
import threading
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from PySide6.QtCore import QObject, QThread, Signal, Slot


class _Worker(QObject):
    done = Signal(int, object, object)
    progress = Signal(int, int, int, str)

    @Slot(int, object)
    def run(self, job_id: int, fn: Callable[[], Any]) -> None:
        try:
            result = fn()
        except BaseException as exc:  # delivered to the GUI thread, never swallowed
            exc.__traceback_text__ = traceback.format_exc()  # type: ignore[attr-defined]
            self.done.emit(job_id, None, exc)
            return
        self.done.emit(job_id, result, None)


class CancelToken:
    """A flag the GUI sets and the service polls between items."""

    def __init__(self) -> None:
        self._event = threading.Event()

    def cancel(self) -> None:
        self._event.set()

    def __call__(self) -> bool:
        return self._event.is_set()


@dataclass
class _Job:
    on_done: Callable[[Any], None] | None
    on_error: Callable[[BaseException], None] | None
    on_progress: Callable[[int, int, str], None] | None = None
    token: CancelToken = field(default_factory=CancelToken)


class OpRunner(QObject):
    """Queue of background jobs on one worker thread, with callbacks on the GUI thread."""

    _submit = Signal(int, object)
    busy_changed = Signal(bool)
    failed = Signal(str)

    def __init__(self, name: str = "counterfoil-db", parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._thread = QThread()
        self._thread.setObjectName(name)
        self._worker = _Worker()
        self._worker.moveToThread(self._thread)
        self._submit.connect(self._worker.run)
        self._worker.done.connect(self._on_done)
        self._worker.progress.connect(self._on_progress)
        self._jobs: dict[int, _Job] = {}
        self._ids = itertools.count(1)
        self._thread.start()

    def run(
        self,
        fn: Callable[[], Any],
        on_done: Callable[[Any], None] | None = None,
        on_error: Callable[[BaseException], None] | None = None,
    ) -> int:
        job_id = next(self._ids)
        self._jobs[job_id] = _Job(on_done, on_error)
        if len(self._jobs) == 1:
            self.busy_changed.emit(True)
        self._submit.emit(job_id, fn)
        return job_id

    def run_long(
        self,
        fn: Callable[[Callable[[int, int, str], None], CancelToken], Any],
        on_progress: Callable[[int, int, str], None],
        on_done: Callable[[Any], None] | None = None,
        on_error: Callable[[BaseException], None] | None = None,
    ) -> CancelToken:
        """Run ``fn(progress, cancel)``; progress is delivered on the GUI thread."""
        job_id = next(self._ids)
        job = _Job(on_done, on_error, on_progress)
        self._jobs[job_id] = job
        worker = self._worker

        def report(done: int, total: int, message: str = "") -> None:
            worker.progress.emit(job_id, done, total, message)

        if len(self._jobs) == 1:
            self.busy_changed.emit(True)
        self._submit.emit(job_id, lambda: fn(report, job.token))
        return job.token

    @Slot(int, object, object)
    def _on_done(self, job_id: int, result: Any, error: BaseException | None) -> None:
        job = self._jobs.pop(job_id, None)
        if not self._jobs:
            self.busy_changed.emit(False)
        if job is None:
            return
        if error is not None:
            if job.on_error is not None:
                job.on_error(error)
            else:
                self.failed.emit(str(error) or type(error).__name__)
            return
        if job.on_done is not None:
            job.on_done(result)

    @Slot(int, int, int, str)
    def _on_progress(self, job_id: int, done: int, total: int, message: str) -> None:
        job = self._jobs.get(job_id)
        if job is not None and job.on_progress is not None:
            job.on_progress(done, total, message)

    def pending(self) -> int:
        return len(self._jobs)

    def shutdown(self, wait_ms: int = 10_000) -> None:
        for job in self._jobs.values():
            job.token.cancel()
        self._thread.quit()
        self._thread.wait(wait_ms)
