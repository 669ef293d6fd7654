"""What every page gets: the services context, the background runner and the change bus."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Signal

from app.ui.qt_ops import OpRunner

if TYPE_CHECKING:
    from app.bootstrap import App


class ChangeBus(QObject):
    """Broadcasts what changed ('clients', 'invoices', 'settings'…) so views refresh themselves."""

    changed = Signal(str)
    status = Signal(str)


@dataclass
class AppHandle:
    app: App
    ops: OpRunner
    bus: ChangeBus
    long_ops: OpRunner

    @property
    def ctx(self) -> Any:
        return self.app.ctx

    def call(
        self,
        fn: Callable[..., Any],
        *args: Any,
        on_done: Callable[[Any], None] | None = None,
        on_error: Callable[[BaseException], None] | None = None,
        changes: str | None = None,
        **kwargs: Any,
    ) -> int:
        """Run ``fn(ctx, *args, **kwargs)`` in the background; announce ``changes`` on success."""
        ctx = self.ctx

        def done(result: Any) -> None:
            if changes:
                for what in changes.split(","):
                    self.bus.changed.emit(what.strip())
            if on_done is not None:
                on_done(result)

        return self.ops.run(lambda: fn(ctx, *args, **kwargs), done, on_error)
