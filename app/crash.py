"""Crash reports: a local text file with what happened, never with secrets.

Secrets live only in the OS keyring and are never held in settings, so a
report made from the traceback, the version and the platform cannot leak
one; values that look like passwords or keys are masked anyway.
"""

from __future__ import annotations

import platform
import re
import sys
import threading
import traceback
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType

from app import __version__

_SECRETISH = re.compile(r"(?i)(password|passwd|secret|token|api[_-]?key)(\s*[=:]\s*)(\S+)")


def redact(text: str) -> str:
    return _SECRETISH.sub(lambda m: f"{m.group(1)}{m.group(2)}***", text)


def write_report(
    folder: Path,
    exc_type: type[BaseException],
    exc: BaseException,
    tb: TracebackType | None,
    where: str = "main thread",
) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    path = folder / f"crash-{stamp}.txt"
    body = "".join(traceback.format_exception(exc_type, exc, tb))
    path.write_text(
        redact(
            f"Counterfoil {__version__} crash report ({where})\n"
            f"Time (UTC): {stamp}\n"
            f"Python {platform.python_version()} on {platform.platform()}\n"
            f"Frozen build: {getattr(sys, 'frozen', False)}\n\n{body}"
        ),
        encoding="utf-8",
    )
    return path


def install(folder: Path, notify: Callable[[Path], None] | None = None) -> None:
    """Write a report for every uncaught exception (main and worker threads)."""

    def hook(exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
        path = write_report(folder, exc_type, exc, tb)
        sys.stderr.write(f"Counterfoil stopped unexpectedly; a report was written to {path}\n")
        if notify is not None:
            notify(path)

    def thread_hook(args: threading.ExceptHookArgs) -> None:
        if args.exc_value is not None:
            write_report(
                folder,
                args.exc_type,
                args.exc_value,
                args.exc_traceback,
                where=f"thread {args.thread.name if args.thread else '?'}",
            )

    sys.excepthook = hook
    threading.excepthook = thread_hook
