"""Side-by-side placement of blocks, and label/value lists, without tables.

A ReportLab Table resolves styles cell by cell and measures every cell more
than once; for placing a few blocks next to each other (letterhead, client
and facts, payment and totals) that machinery costs more than the blocks
themselves.  These two flowables do just the placing.  They do not split
across pages: everything they hold is a few lines tall.
"""

from __future__ import annotations

from collections.abc import Sequence

from reportlab.lib.colors import Color
from reportlab.platypus import Flowable

from app.pdf.textblock import TextBlock, TextStyle


class Columns(Flowable):
    """Stacks of flowables in fixed-width columns, on an optional panel.

    ``padding`` is (top, right, bottom, left) inside the panel; ``rules``
    draws hairlines above and below; ``valign`` is "top", "middle" or
    "bottom" for columns shorter than the tallest.
    """

    def __init__(
        self,
        columns: Sequence[Sequence[Flowable]],
        widths: Sequence[float],
        padding: tuple[float, float, float, float] = (0, 0, 0, 0),
        background: Color | None = None,
        rules: Color | None = None,
        valign: str = "top",
    ) -> None:
        super().__init__()
        self.columns = [list(column) for column in columns]
        self.widths = list(widths)
        self.padding = padding
        self.background = background
        self.rules = rules
        self.valign = valign
        self._heights: list[list[float]] = []

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        canvas = getattr(self, "canv", None)
        self._heights = []
        for column, width in zip(self.columns, self.widths):
            heights = []
            for flowable in column:
                if canvas is not None:
                    _w, height = flowable.wrapOn(canvas, width, available_height)
                else:
                    _w, height = flowable.wrap(width, available_height)
                heights.append(height + flowable.getSpaceAfter())
            self._heights.append(heights)
        top, right, bottom, left = self.padding
        tallest = max((sum(heights) for heights in self._heights), default=0)
        self.width = sum(self.widths) + left + right
        self.height = tallest + top + bottom
        return self.width, self.height

    def draw(self) -> None:
        canvas = self.canv
        top, _right, bottom, left = self.padding
        if self.background is not None:
            canvas.setFillColor(self.background)
            canvas.rect(0, 0, self.width, self.height, stroke=0, fill=1)
        if self.rules is not None:
            canvas.setStrokeColor(self.rules)
            canvas.setLineWidth(0.6)
            canvas.line(0, 0, self.width, 0)
            canvas.line(0, self.height, self.width, self.height)
        inner = self.height - top - bottom
        x = left
        for column, heights, width in zip(self.columns, self._heights, self.widths):
            used = sum(heights)
            if self.valign == "middle":
                y = self.height - top - (inner - used) / 2
            elif self.valign == "bottom":
                y = bottom + used
            else:
                y = self.height - top
            for flowable, height in zip(column, heights):
                y -= height
                flowable.drawOn(canvas, x, y + flowable.getSpaceAfter())
            x += width


class Pairs(Flowable):
    """Label/value rows: labels in a column of their own, values aligned as asked."""

    def __init__(
        self,
        rows: Sequence[tuple[str, str, TextStyle]],
        label_style: TextStyle,
        label_width: float,
        value_align: str = "right",
        gap: float = 2.8,
    ) -> None:
        super().__init__()
        self.label_width = label_width
        self.gap = gap
        self.rows = [
            (
                TextBlock([(label, label_style)]),
                TextBlock([(value, style)], align=value_align),
            )
            for label, value, style in rows
        ]
        self._heights: list[float] = []

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        value_width = available_width - self.label_width
        self._heights = []
        for label, value in self.rows:
            _w, label_height = label.wrap(self.label_width, available_height)
            _w, value_height = value.wrap(value_width, available_height)
            self._heights.append(max(label_height, value_height))
        self.width = available_width
        self.height = sum(self._heights) + self.gap * max(len(self.rows) - 1, 0)
        return self.width, self.height

    def draw(self) -> None:
        y = self.height
        for (label, value), height in zip(self.rows, self._heights):
            y -= height
            label.drawOn(self.canv, 0, y + height - label.height)
            value.drawOn(self.canv, self.label_width, y + height - value.height)
            y -= self.gap
