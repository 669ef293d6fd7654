"""A client's payment risk as a coloured word with its reasons (for client and invoice panes)."""

from __future__ import annotations

import html

from PySide6.QtWidgets import QLabel, QWidget

from app.core.risk import RiskScore
from app.ui.widgets.badges import pill

RISK_COLOURS = {"low": "#2e7d32", "medium": "#a15c00", "high": "#b3261e"}
RISK_LABELS = {"low": "Low risk", "medium": "Medium risk", "high": "High risk"}


def risk_html(score: RiskScore) -> str:
    """The level as a pill, then the reasons that drive it, each recomputable by hand."""
    colour = RISK_COLOURS.get(score.level, "#6b7480")
    label = f"{RISK_LABELS.get(score.level, score.level)} · {score.points} points"
    reasons = "".join(f"<li>{html.escape(r)}</li>" for r in score.reasons)
    return f"{pill(label, colour)}<ul style='margin-top:4px'>{reasons}</ul>"


class RiskBadge(QLabel):
    """Shows a RiskScore; the tooltip lists every factor with its points."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWordWrap(True)
        self.setTextFormat(self.textFormat().RichText)

    def show_score(self, score: RiskScore | None) -> None:
        if score is None:
            self.clear()
            self.setToolTip("")
            return
        self.setText(risk_html(score))
        self.setToolTip("\n".join(f.text for f in score.factors))
