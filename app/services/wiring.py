"""Hooks that tie use cases together (issuing an invoice archives its PDF, queues its e-mail…).

Installed once by the composition root, so every entry point behaves the same.
The hook modules are imported the first time an invoice is issued, not at start-up:
opening the window does not need them (they cost ~40 ms of the first screen).
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

# (module, function), in the order they run: the e-mail is queued, then the PDF archived
_ISSUE_HOOKS = (
    ("app.services.mail_queue", "queue_issued"),
    ("app.services.pdf_archive", "archive_issued"),
)

_installed = False


class _Deferred:
    """An issue hook that imports its module on first use."""

    def __init__(self, module: str, name: str) -> None:
        self.module, self.name = module, name

    def __call__(self, *args: Any) -> None:
        getattr(import_module(self.module), self.name)(*args)

    def __repr__(self) -> str:
        return f"{self.module}.{self.name}"


def install_hooks() -> None:
    global _installed
    if _installed:
        return
    from app.services.invoice_store import ISSUE_HOOKS

    ISSUE_HOOKS.extend(_Deferred(module, name) for module, name in _ISSUE_HOOKS)
    _installed = True
