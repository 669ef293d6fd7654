"""The count beside "Exceptions" in the sidebar, kept current whether or not the page was opened.

A module of its own so the main window can show the count without importing the
exceptions page and the services behind it (about 130 ms at start-up).
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QListWidgetItem

from app.ui.handle import AppHandle

# which ChangeBus topics can change the number of open items
REFRESH_ON = ("exceptions", "invoices", "payments", "bank", "clients", "all")


def _open_count(ctx: Any) -> int:
    from app.services.exceptions import open_count  # imported on the worker thread

    return open_count(ctx)


class SidebarBadge(QObject):
    """Shows "Exceptions  12" on a sidebar item and refreshes on relevant changes.

    Wiring (main window, after ``attach``)::

        row = next(i for i, s in enumerate(PAGES) if s.key == "exceptions")
        self.exceptions_badge = SidebarBadge(handle, self.sidebar.item(row), "Exceptions")
    """

    changed = Signal(int)

    def __init__(self, handle: AppHandle, item: QListWidgetItem, title: str) -> None:
        super().__init__()
        self.handle = handle
        self.item = item
        self.title = title
        self.count = 0
        handle.bus.changed.connect(self._on_changed)
        self.refresh()

    def _on_changed(self, what: str) -> None:
        if what in REFRESH_ON:
            self.refresh()

    def refresh(self) -> None:
        self.handle.call(_open_count, on_done=self.show, on_error=lambda _e: None)

    def show(self, count: int) -> None:
        self.count = count
        self.item.setText(f"{self.title}  {count:,}" if count else self.title)
        self.item.setToolTip(f"{count:,} item(s) need attention" if count else self.title)
        self.changed.emit(count)
