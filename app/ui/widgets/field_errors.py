"""Form rows that can show what is wrong right under the field (from FieldError lists)."""

from __future__ import annotations

from PySide6.QtWidgets import QFormLayout, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from app.core.clients import FieldError


def inline(*widgets: QWidget, stretch: bool = False) -> QWidget:
    """Several widgets side by side in one form row."""
    box = QWidget()
    h = QHBoxLayout(box)
    h.setContentsMargins(0, 0, 0, 0)
    for w in widgets:
        h.addWidget(w)
    if stretch:
        h.addStretch(1)
    return box


class FieldErrors:
    """Error labels keyed by the field names services use ("name", "end_date", …)."""

    def __init__(self) -> None:
        self.labels: dict[str, QLabel] = {}

    def add_row(self, form: QFormLayout, label: str, widget: QWidget, key: str) -> None:
        box = QWidget()
        v = QVBoxLayout(box)
        v.setContentsMargins(0, 0, 0, 0)
        v.setSpacing(2)
        v.addWidget(widget)
        err = QLabel()
        err.setObjectName("errorText")
        err.setWordWrap(True)
        err.hide()
        v.addWidget(err)
        self.labels[key] = err
        form.addRow(label, box)

    def alias(self, key: str, shown_at: str) -> None:
        """Show errors about ``key`` under the row of ``shown_at``."""
        self.labels[key] = self.labels[shown_at]

    def text(self, key: str) -> str:
        label = self.labels.get(key)
        return label.text() if label is not None and not label.isHidden() else ""

    def show(self, errors: list[FieldError], skip_prefix: str = "lines") -> list[str]:
        """Place each message under its field; return the ones that have no field here."""
        for label in self.labels.values():
            label.hide()
        unplaced: list[str] = []
        for e in errors:
            label = self.labels.get(e.field)
            if label is not None:
                label.setText(e.message)
                label.show()
            elif not e.field.startswith(skip_prefix):
                unplaced.append(e.message)
        return unplaced
