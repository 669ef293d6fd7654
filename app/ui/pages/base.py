"""Common shape of a page in the main window."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from app.ui.handle import AppHandle


class Page(QWidget):
    """A sidebar destination; ``activated`` runs each time it is shown."""

    title = ""

    def __init__(self, handle: AppHandle) -> None:
        super().__init__()
        self.handle = handle

    def activated(self) -> None:
        """Refresh what may be stale; called when the user opens the page."""


class ComingPage(Page):
    """An honest placeholder for a part of the product that is not built yet."""

    def __init__(self, handle: AppHandle, title: str, what: str) -> None:
        super().__init__(handle)
        self.title = title
        layout = QVBoxLayout(self)
        heading = QLabel(f"<h2>{title}</h2>")
        text = QLabel(
            f"{what}<br><br><i>This part of Counterfoil is not available in this version yet.</i>"
        )
        text.setWordWrap(True)
        for w in (heading, text):
            w.setAlignment(Qt.AlignmentFlag.AlignHCenter)
            layout.addWidget(w)
        layout.addStretch(1)
        layout.insertStretch(0, 1)


def page_header(title: str, subtitle: str = "") -> QWidget:
    box = QWidget()
    lay = QVBoxLayout(box)
    lay.setContentsMargins(0, 0, 0, 4)
    lay.setSpacing(0)
    t = QLabel(title)
    t.setObjectName("pageTitle")
    lay.addWidget(t)
    if subtitle:
        s = QLabel(subtitle)
        s.setObjectName("pageSubtitle")
        lay.addWidget(s)
    return box
