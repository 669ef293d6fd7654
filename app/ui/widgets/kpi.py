"""A KPI card: a title, one large figure, the change against the previous period,
and a quiet line for the same figure in the other currencies.

The whole card is a button: it opens the list behind the figure.  Whether a
rise is good news depends on the figure (more collected is good, more overdue
is not), so the card is told which direction is good and colours the change.
"""

from __future__ import annotations

from decimal import Decimal

from babel.numbers import get_decimal_symbol
from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import QFrame, QLabel, QSizePolicy, QVBoxLayout, QWidget

from app.core.currency import exponent
from app.core.money import Money
from app.core.reports import Change
from app.formatting import format_decimal, format_money, parse_locale

GOOD = "#1e7b4f"
BAD = "#b3261e"
NEUTRAL = "#6b7480"

CARD_STYLE = """
QFrame#kpiCard { background: #ffffff; border: 1px solid #dfe3e8; border-radius: 8px; }
QFrame#kpiCard:hover { border: 1px solid #2f5d8a; background: #fbfcfe; }
QLabel#kpiTitle { color: #5b6470; font-size: 11px; font-weight: 600; letter-spacing: 0.5px; }
QLabel#kpiValue { color: #1c2b3a; font-size: 20px; font-weight: 600; }
QLabel#kpiChange { font-size: 12px; }
QLabel#kpiNote { color: #6b7480; font-size: 11px; }
"""


def whole_money(minor: int, currency: str, locale: str) -> str:
    """Money rounded to whole units for a headline figure: ``€31,984`` (``31.984 €``)."""
    places = exponent(currency)
    whole = Money.of(Money.from_minor(minor, currency).amount.quantize(Decimal(1)), currency)
    text = format_money(whole, locale)
    if places:
        text = text.replace(str(get_decimal_symbol(parse_locale(locale))) + "0" * places, "", 1)
    return text


def days_text(value: Decimal | None, locale: str) -> str:
    return "—" if value is None else f"{format_decimal(value, locale, 1)} days"


def percent_text(value: Decimal | None, locale: str) -> str:
    return "—" if value is None else f"{format_decimal(value, locale, 1)} %"


def change_text(change: Change, locale: str, *, higher_is_good: bool | None) -> tuple[str, str]:
    """("▲ 12.5 % vs previous period", colour) — or a plain note when there is no change."""
    pct = change.percent
    if change.current is None:
        return "", NEUTRAL
    if pct is None:
        if not change.previous and change.current:
            return "new this period", NEUTRAL
        return "no change" if change.delta == 0 else "", NEUTRAL
    if pct == 0:
        return "no change vs previous", NEUTRAL
    arrow = "▲" if pct > 0 else "▼"
    colour = NEUTRAL
    if higher_is_good is not None:
        colour = GOOD if (pct > 0) == higher_is_good else BAD
    return f"{arrow} {format_decimal(abs(pct), locale, 1)} % vs previous", colour


class KpiCard(QFrame):
    clicked = Signal()

    def __init__(self, title: str, key: str, tooltip: str = "", parent: QWidget | None = None):
        super().__init__(parent)
        self.key = key
        self.setObjectName("kpiCard")
        self.setStyleSheet(CARD_STYLE)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setMinimumWidth(170)
        self.setFocusPolicy(Qt.FocusPolicy.TabFocus)
        self.base_tooltip = tooltip
        self.title = QLabel(title.upper())
        self.title.setObjectName("kpiTitle")
        self.value = QLabel("…")
        self.value.setObjectName("kpiValue")
        self.value.setTextInteractionFlags(Qt.TextInteractionFlag.NoTextInteraction)
        self.change = QLabel("")
        self.change.setObjectName("kpiChange")
        self.change.setWordWrap(True)
        self.note = QLabel("")
        self.note.setObjectName("kpiNote")
        self.note.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 8, 12, 8)
        layout.setSpacing(1)
        for w in (self.title, self.value, self.change, self.note):
            layout.addWidget(w)
        layout.addStretch(1)
        self.setMinimumHeight(96)
        self.setToolTip(tooltip)

    def show_figure(
        self, value: str, change: str = "", colour: str = NEUTRAL, note: str = "", tip: str = ""
    ) -> None:
        self.value.setText(value)
        self.change.setText(change)
        self.change.setStyleSheet(f"color: {colour};")
        self.note.setText(note)
        parts = [p for p in (self.base_tooltip, tip) if p]
        self.setToolTip("\n\n".join(parts))

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton and self.rect().contains(
            event.position().toPoint()
        ):
            self.clicked.emit()
        super().mouseReleaseEvent(event)

    def keyPressEvent(self, event) -> None:  # type: ignore[no-untyped-def]
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Space):
            self.clicked.emit()
            return
        super().keyPressEvent(event)
