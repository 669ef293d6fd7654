"""The detail of one queue item: why it was raised, the evidence, its history, its actions."""

from __future__ import annotations

import html
import json
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QTextBrowser, QVBoxLayout, QWidget

from app.core.exception_types import ACTIONS
from app.services.exceptions import ExceptionDetail
from app.ui.widgets.badges import MUTED, pill

SEVERITY_COLOURS = {"high": "#b3261e", "medium": "#a15c00", "low": "#5f6b7a"}
STATUS_COLOURS = {"open": "#1f4e79", "resolved": "#2e7d32", "dismissed": "#8a8f98"}
MAX_BUTTONS = 6


def _label(key: str) -> str:
    return key.replace("_", " ").capitalize()


def _value(value: Any) -> str:
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


def detail_html(d: ExceptionDetail) -> str:
    esc = html.escape
    r = d.row
    head = (
        f"<h3 style='margin-bottom:2px'>{esc(r.title)}</h3>"
        f"<p>{pill(r.severity.capitalize(), SEVERITY_COLOURS.get(r.severity, MUTED))} "
        f"{pill(r.type_label, '#1f4e79')} "
        f"{pill(r.status.capitalize(), STATUS_COLOURS.get(r.status, MUTED))}"
        + (
            f" &nbsp;<span style='color:{MUTED}'>{esc(r.client_name)}</span>"
            if r.client_name
            else ""
        )
        + "</p>"
    )
    body = f"<p>{esc(d.explanation)}</p>"
    evidence = "".join(
        f"<tr><td style='color:{MUTED}; padding-right:12px'>{esc(_label(k))}</td>"
        f"<td>{esc(_value(v))}</td></tr>"
        for k, v in d.evidence.items()
        if v not in ("", None, [])
    )
    if evidence:
        body += f"<p><b>Evidence</b></p><table>{evidence}</table>"
    if r.status != "open":
        who = "a rule" if r.auto_resolved else d.resolved_by
        body += f"<p><b>{r.status.capitalize()}</b> by {esc(who)}: {esc(d.resolution)}</p>"
    events = "".join(
        f"<li><span style='color:{MUTED}'>{at:%Y-%m-%d %H:%M}</span> {esc(actor)} — "
        f"{esc(action.removeprefix('exception.'))}{esc(_note(data))}</li>"
        for at, actor, action, data in d.history
    )
    if events:
        body += f"<p><b>History</b></p><ul>{events}</ul>"
    return head + body


def _note(data: str) -> str:
    try:
        after = json.loads(data).get("after", {})
    except ValueError:
        return ""
    text = after.get("resolution") or ""
    return f": {text}" if text else ""


class ExceptionDetailPane(QWidget):
    """The text, and one button per action (the first is what Enter does)."""

    action_clicked = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.text = QTextBrowser()
        self.text.setOpenExternalLinks(False)
        self.hint = QLabel("Enter: first action · A approve · R reject · D dismiss")
        self.hint.setObjectName("muted")
        self.buttons: dict[str, QPushButton] = {}
        self._row = QHBoxLayout()
        self._row.setContentsMargins(0, 0, 0, 0)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.text, 1)
        layout.addLayout(self._row)
        layout.addWidget(self.hint)
        self.show_nothing()

    def show_nothing(self, text: str = "No item selected.") -> None:
        self.text.setHtml(f"<p style='color:{MUTED}'>{html.escape(text)}</p>")
        self._set_actions(())

    def show_detail(self, d: ExceptionDetail) -> None:
        self.text.setHtml(detail_html(d))
        self._set_actions(d.row.actions)

    def _set_actions(self, actions: tuple[str, ...]) -> None:
        for button in self.buttons.values():
            self._row.removeWidget(button)
            button.deleteLater()
        self.buttons = {}
        while self._row.count():
            self._row.takeAt(0)
        for n, action in enumerate(actions[:MAX_BUTTONS]):
            button = QPushButton(ACTIONS.get(action, action))
            if n == 0:
                button.setObjectName("primary")
                button.setToolTip("Enter")
            button.clicked.connect(lambda _c=False, a=action: self.action_clicked.emit(a))
            self._row.addWidget(button)
            self.buttons[action] = button
        self._row.addStretch(1)
