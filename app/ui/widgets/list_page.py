"""The parts every list page is built from: a list beside (or above) its detail, and a
search that refreshes as the user types without querying on every keystroke."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, Qt, QTimer
from PySide6.QtWidgets import QLineEdit, QSplitter, QWidget

SEARCH_DELAY_MS = 120  # long enough to skip the keys of a word, short enough to feel instant


def master_detail(
    master: QWidget,
    detail: QWidget,
    sizes: tuple[int, int],
    *,
    stretch: tuple[int, int] = (3, 2),
    vertical: bool = False,
    collapsible: bool = True,
) -> QSplitter:
    """The list and its detail pane; the list takes most of any extra room."""
    split = QSplitter(Qt.Orientation.Vertical if vertical else Qt.Orientation.Horizontal)
    split.addWidget(master)
    split.addWidget(detail)
    split.setStretchFactor(0, stretch[0])
    split.setStretchFactor(1, stretch[1])
    split.setSizes(list(sizes))
    split.setChildrenCollapsible(collapsible)
    return split


def search_as_you_type(
    owner: QObject, search: QLineEdit, refresh: Callable[[], None], delay_ms: int = SEARCH_DELAY_MS
) -> QTimer:
    """Refresh ``delay_ms`` after the last keystroke in ``search``; returns the timer so a
    page can also start or stop it for its other filters."""
    timer = QTimer(owner, singleShot=True, interval=delay_ms)
    timer.timeout.connect(refresh)
    search.textChanged.connect(lambda _t: timer.start())
    return timer
