"""Charts for the dashboard and the reports (Qt Charts), built from plain series.

Money arrives in integer minor units of one currency; it becomes a float only
here, to be drawn.  The value axis is titled with the currency (and
"thousands" when the figures are large), so a reader never has to guess the
unit, and nothing is ever converted between currencies.  Every bar or point
can be clicked: the chart calls back with the series and category index.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from babel.dates import format_date as babel_date
from PySide6.QtCharts import (
    QBarCategoryAxis,
    QBarSeries,
    QBarSet,
    QChart,
    QChartView,
    QHorizontalBarSeries,
    QLineSeries,
    QScatterSeries,
    QStackedBarSeries,
    QValueAxis,
)
from PySide6.QtCore import QMargins, QPointF, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QPainter, QPen
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QSizePolicy, QVBoxLayout, QWidget

from app.core.currency import exponent
from app.formatting import parse_locale

INK = "#1c2b3a"
GRID = "#e8ebef"
AXIS_TEXT = "#4b5563"
PALETTE = ["#1f4e79", "#3a9d6e", "#d08a2e", "#8b5fbf", "#c0504d"]
AGING_COLOURS = ["#3a9d6e", "#e3b341", "#e08a3c", "#d4622f", "#b3261e"]

Click = Callable[[int, int], None]  # (series index, category index)

CARD_STYLE = """
QFrame#chartCard { background: #ffffff; border: 1px solid #dfe3e8; border-radius: 8px; }
QLabel#chartTitle { color: #1c2b3a; font-size: 13px; font-weight: 600; }
QLabel#chartNote { color: #6b7480; font-size: 11px; }
"""


def month_label(key: str, locale: str, short: bool = False) -> str:
    """``2026-03`` → ``Mar 26`` (``Mar`` when ``short``) in the company's language."""
    try:
        d = date(int(key[:4]), int(key[5:7]), 1)
    except (ValueError, IndexError):
        return key
    return babel_date(d, "MMM" if short else "MMM yy", locale=parse_locale(locale))


def major(minor: int | Decimal | None, currency: str) -> float:
    """Minor units to a plotting value (drawing only; sums never use it)."""
    if minor is None:
        return 0.0
    return float(Decimal(minor).scaleb(-exponent(currency)))


def money_scale(values: Sequence[float]) -> tuple[float, str]:
    """(divisor, suffix): large figures are drawn in thousands so tick labels stay short."""
    peak = max((abs(v) for v in values), default=0.0)
    if peak >= 1_000_000:
        return 1_000_000.0, " millions"
    if peak >= 10_000:
        return 1_000.0, " thousands"
    return 1.0, ""


def _axis_font() -> QFont:
    font = QFont()
    font.setPointSizeF(8.5)
    return font


def _value_axis(title: str, values: Sequence[float]) -> QValueAxis:
    axis = QValueAxis()
    low = min([0.0, *values])
    high = max([0.0, *values])
    if high == low:
        high = low + 1
    axis.setRange(low, high)
    axis.applyNiceNumbers()
    axis.setLabelFormat("%.0f" if high - low >= 10 else "%.1f")
    axis.setTitleText(title)
    axis.setTitleFont(_axis_font())
    axis.setLabelsFont(_axis_font())
    axis.setLabelsColor(QColor(AXIS_TEXT))
    axis.setTitleBrush(QBrush(QColor(AXIS_TEXT)))
    axis.setGridLineColor(QColor(GRID))
    axis.setLinePen(QPen(Qt.PenStyle.NoPen))
    return axis


def _category_axis(categories: Sequence[str]) -> QBarCategoryAxis:
    axis = QBarCategoryAxis()
    axis.append(list(categories))
    axis.setTruncateLabels(False)
    axis.setLabelsFont(_axis_font())
    axis.setLabelsColor(QColor(AXIS_TEXT))
    axis.setGridLineVisible(False)
    axis.setLinePen(QPen(QColor(GRID)))
    return axis


def _chart() -> QChart:
    chart = QChart()
    chart.setAnimationOptions(QChart.AnimationOption.NoAnimation)
    chart.setBackgroundVisible(False)
    chart.setMargins(QMargins(4, 4, 4, 4))
    chart.layout().setContentsMargins(0, 0, 0, 0)
    chart.legend().setAlignment(Qt.AlignmentFlag.AlignBottom)
    chart.legend().setFont(_axis_font())
    return chart


class ChartCard(QFrame):
    """A titled card holding one chart (or a sentence when there is nothing to draw)."""

    def __init__(self, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("chartCard")
        self.setStyleSheet(CARD_STYLE)
        self.title = QLabel(title)
        self.title.setObjectName("chartTitle")
        self.header = QHBoxLayout()
        self.header.setContentsMargins(0, 0, 0, 0)
        self.header.addWidget(self.title, 1)
        self.note = QLabel("")
        self.note.setObjectName("chartNote")
        self.view = QChartView()
        self.view.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.view.setMinimumHeight(150)
        self.view.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Ignored)
        self.view.setStyleSheet("background: transparent; border: none;")
        self.empty = QLabel("")
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.setObjectName("chartNote")
        self.empty.hide()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 10, 12, 8)
        layout.setSpacing(2)
        layout.addLayout(self.header)
        layout.addWidget(self.note)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.empty, 1)
        self.chart: QChart | None = None
        self._keep: list[Any] = []

    def set_chart(self, chart: QChart | None, empty_text: str = "Nothing to show yet.") -> None:
        self.chart = chart
        if chart is None:
            self.view.hide()
            self.empty.setText(empty_text)
            self.empty.show()
            return
        self.empty.hide()
        self.view.show()
        self.view.setChart(chart)


def bar_chart(
    categories: Sequence[str],
    series: Sequence[tuple[str, Sequence[int], str]],
    currency: str,
    on_click: Click | None = None,
    *,
    legend: bool = True,
) -> QChart:
    """Grouped vertical bars of money; ``series`` is (name, minor values, colour)."""
    chart = _chart()
    raw = [major(v, currency) for _, values, _ in series for v in values]
    divisor, suffix = money_scale(raw)
    bars = QBarSeries()
    bars.setBarWidth(0.75)
    for i, (name, values, colour) in enumerate(series):
        bar_set = QBarSet(name)
        bar_set.append([major(v, currency) / divisor for v in values])
        bar_set.setColor(QColor(colour))
        bar_set.setBorderColor(QColor(colour))
        if on_click is not None:
            bar_set.clicked.connect(lambda index, s=i: on_click(s, index))
        bars.append(bar_set)
    chart.addSeries(bars)
    x = _category_axis(categories)
    y = _value_axis(f"{currency}{suffix}", [v / divisor for v in raw])
    chart.addAxis(x, Qt.AlignmentFlag.AlignBottom)
    chart.addAxis(y, Qt.AlignmentFlag.AlignLeft)
    bars.attachAxis(x)
    bars.attachAxis(y)
    chart.legend().setVisible(legend and len(series) > 1)
    return chart


AGING_SHORT = ("Current", "1–30", "31–60", "61–90", "90+")


def aging_chart(
    labels: Sequence[str], values: Sequence[int], currency: str, on_click: Click | None = None
) -> QChart:
    """One bar per aging bucket, from calm green (current) to red (over 90 days).

    The category axis uses the short bucket names with "days past due" as its title."""
    chart = _chart()
    raw = [major(v, currency) for v in values]
    divisor, suffix = money_scale(raw)
    bars = QStackedBarSeries()
    # One stacked set per bucket, zero elsewhere, so every bucket keeps its own colour.
    for i, (label, value) in enumerate(zip(labels, raw, strict=True)):
        bar_set = QBarSet(label)
        bar_set.append([value / divisor if j == i else 0.0 for j in range(len(labels))])
        colour = AGING_COLOURS[i % len(AGING_COLOURS)]
        bar_set.setColor(QColor(colour))
        bar_set.setBorderColor(QColor(colour))
        if on_click is not None:
            bar_set.clicked.connect(lambda _index, b=i: on_click(0, b))
        bars.append(bar_set)
    bars.setBarWidth(0.7)
    chart.addSeries(bars)
    short = list(AGING_SHORT) if len(labels) == len(AGING_SHORT) else list(labels)
    x = _category_axis(short)
    x.setTitleText("days past due")
    x.setTitleFont(_axis_font())
    x.setTitleBrush(QBrush(QColor(AXIS_TEXT)))
    y = _value_axis(f"{currency}{suffix}", [v / divisor for v in raw])
    chart.addAxis(x, Qt.AlignmentFlag.AlignBottom)
    chart.addAxis(y, Qt.AlignmentFlag.AlignLeft)
    bars.attachAxis(x)
    bars.attachAxis(y)
    chart.legend().setVisible(False)
    return chart


def hbar_chart(
    names: Sequence[str],
    values: Sequence[int],
    currency: str,
    on_click: Click | None = None,
    colour: str = "#c0504d",
) -> QChart:
    """Horizontal bars, largest on top (top overdue clients, top revenue)."""
    chart = _chart()
    order = list(reversed(range(len(names))))  # Qt draws the first category at the bottom
    raw = [major(values[i], currency) for i in order]
    divisor, suffix = money_scale(raw)
    bar_set = QBarSet(currency)
    bar_set.append([v / divisor for v in raw])
    bar_set.setColor(QColor(colour))
    bar_set.setBorderColor(QColor(colour))
    if on_click is not None:
        bar_set.clicked.connect(lambda index: on_click(0, order[index]))
    series = QHorizontalBarSeries()
    series.setBarWidth(0.7)
    series.append(bar_set)
    chart.addSeries(series)
    y = _category_axis([_short(names[i]) for i in order])
    x = _value_axis(f"{currency}{suffix}", [v / divisor for v in raw])
    chart.addAxis(y, Qt.AlignmentFlag.AlignLeft)
    chart.addAxis(x, Qt.AlignmentFlag.AlignBottom)
    series.attachAxis(x)
    series.attachAxis(y)
    chart.legend().setVisible(False)
    return chart


def _short(name: str, limit: int = 24) -> str:
    return name if len(name) <= limit else name[: limit - 1] + "…"


def line_chart(
    categories: Sequence[str],
    series: Sequence[tuple[str, Sequence[Decimal | None], str]],
    axis_title: str,
    on_click: Click | None = None,
) -> QChart:
    """Lines with a dot on every known value; unknown values (None) leave a gap."""
    chart = _chart()
    x = _category_axis(categories)
    known = [float(v) for _, values, _ in series for v in values if v is not None]
    y = _value_axis(axis_title, known)
    chart.addAxis(x, Qt.AlignmentFlag.AlignBottom)
    chart.addAxis(y, Qt.AlignmentFlag.AlignLeft)
    for s_index, (name, values, colour) in enumerate(series):
        line = QLineSeries()
        line.setName(name)
        pen = QPen(QColor(colour))
        pen.setWidthF(2.2)
        line.setPen(pen)
        dots = QScatterSeries()
        dots.setMarkerSize(7)
        dots.setColor(QColor(colour))
        dots.setBorderColor(QColor(colour))
        for i, v in enumerate(values):
            if v is None:
                continue
            line.append(QPointF(i, float(v)))
            dots.append(QPointF(i, float(v)))
        for item in (line, dots):
            chart.addSeries(item)
            item.attachAxis(x)
            item.attachAxis(y)
            if on_click is not None:
                item.clicked.connect(lambda p, s=s_index: on_click(s, round(p.x())))
        for marker in chart.legend().markers(dots):
            marker.setVisible(False)
    chart.legend().setVisible(len(series) > 1)
    return chart
