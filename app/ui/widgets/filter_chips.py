"""A row of mutually exclusive filter chips ("All", "Review", "Overdue"…)."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QButtonGroup, QHBoxLayout, QPushButton, QWidget

_STYLE = """
QPushButton[chip="true"] {
    background: #ffffff; border: 1px solid #c9d0d8; border-radius: 13px;
    padding: 3px 13px; min-height: 18px; color: #3b4450;
}
QPushButton[chip="true"]:hover { background: #eef3f8; }
QPushButton[chip="true"]:checked {
    background: #1f4e79; border-color: #1f4e79; color: #ffffff;
}
"""


class FilterChips(QWidget):
    """Exactly one chip is on; ``changed`` carries its key."""

    changed = Signal(str)

    def __init__(self, chips: list[tuple[str, str]], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setStyleSheet(_STYLE)
        self._group = QButtonGroup(self)
        self._group.setExclusive(True)
        self.buttons: dict[str, QPushButton] = {}
        self._labels = dict(chips)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)
        for key, label in chips:
            button = QPushButton(label.replace("&", "&&"))
            button.setCheckable(True)
            button.setProperty("chip", True)
            button.clicked.connect(lambda _c=False, k=key: self._clicked(k))
            self._group.addButton(button)
            self.buttons[key] = button
            layout.addWidget(button)
        layout.addStretch(1)
        self._current = chips[0][0]
        self.buttons[self._current].setChecked(True)

    def current(self) -> str:
        return self._current

    def set_current(self, key: str) -> None:
        """Switch chips from code (e.g. the dashboard opening 'overdue'); emits ``changed``."""
        if key not in self.buttons:
            raise KeyError(f"no filter named {key!r}")
        self.buttons[key].setChecked(True)
        self._clicked(key)

    def set_count(self, key: str, count: int | None) -> None:
        label = self._labels[key].replace("&", "&&")
        self.buttons[key].setText(label if not count else f"{label}  {count:,}")

    def _clicked(self, key: str) -> None:
        if key == self._current:
            return
        self._current = key
        self.changed.emit(key)
