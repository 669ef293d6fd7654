"""Plain text drawn straight onto the canvas: the workhorse of every document.

ReportLab's Paragraph parses XML markup and lays out rich text word by word;
nearly everything on an invoice is plain text in one style per line, and
drawing it directly is several times faster, which is most of what keeps a
document within a small factor of ReportLab's own floor.  A TextBlock is a
stack of pieces (each with its own font, size and colour), wrapped at word
boundaries (very long words are broken), aligned left or right, and it can
split across pages between lines.  User text needs no escaping here.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from reportlab.lib.colors import Color
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Flowable

from app.pdf.text import printable


@dataclass(frozen=True)
class TextStyle:
    font: str
    size: float
    leading: float
    colour: Color


def _break_word(word: str, font: str, size: float, width: float) -> list[str]:
    """Cut a word wider than ``width`` into pieces that fit (URLs, long codes)."""
    pieces: list[str] = []
    current = ""
    for char in word:
        if current and stringWidth(current + char, font, size) > width:
            pieces.append(current)
            current = char
        else:
            current += char
    if current:
        pieces.append(current)
    return pieces


def wrap_text(text: str, font: str, size: float, width: float) -> list[str]:
    """Greedy word wrap; hard line breaks and blank lines are kept."""
    lines: list[str] = []
    space = stringWidth(" ", font, size)
    for hard in text.split("\n"):
        hard = hard.rstrip()
        if stringWidth(hard, font, size) <= width:
            lines.append(hard)
            continue
        current: list[str] = []
        used = 0.0
        for word in hard.split():
            word_width = stringWidth(word, font, size)
            if word_width > width:
                if current:
                    lines.append(" ".join(current))
                pieces = _break_word(word, font, size, width)
                lines.extend(pieces[:-1])
                current, used = [pieces[-1]], stringWidth(pieces[-1], font, size)
                continue
            needed = word_width if not current else used + space + word_width
            if current and needed > width:
                lines.append(" ".join(current))
                current, used = [word], word_width
            else:
                current.append(word)
                used = needed
        if current:
            lines.append(" ".join(current))
    return lines


class TextBlock(Flowable):
    """Lines of plain text in one or more styles, wrapped to the available width.

    With ``link`` the whole block is a clickable area opening that URL.
    """

    def __init__(
        self,
        pieces: Sequence[tuple[str, TextStyle]],
        align: str = "left",
        space_before: float = 0,
        space_after: float = 0,
        keep_with_next: bool = False,
        link: str | None = None,
    ) -> None:
        super().__init__()
        self.link = link
        self.pieces = [(printable(text), style) for text, style in pieces if text is not None]
        self.align = align
        self.spaceBefore = space_before
        self.spaceAfter = space_after
        self.keepWithNext = keep_with_next
        self._laid_out_for: float | None = None
        self._lines: list[tuple[str, TextStyle]] = []

    def _layout(self, width: float) -> list[tuple[str, TextStyle]]:
        if self._laid_out_for != width:
            lines: list[tuple[str, TextStyle]] = []
            for text, style in self.pieces:
                for line in wrap_text(text, style.font, style.size, width):
                    lines.append((line, style))
            self._lines = lines
            self._laid_out_for = width
        return self._lines

    @staticmethod
    def _height(lines: Sequence[tuple[str, TextStyle]]) -> float:
        if not lines:
            return 0.0
        height = lines[0][1].size
        for _line, style in lines[1:]:
            height += style.leading
        return height + lines[-1][1].size * 0.28

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        lines = self._layout(available_width)
        self.width = available_width
        self.height = self._height(lines)
        return self.width, self.height

    def split(self, available_width: float, available_height: float) -> list[Flowable]:
        lines = self._layout(available_width)
        for count in range(len(lines) - 1, 0, -1):
            if self._height(lines[:count]) <= available_height:
                head = _Laid(lines[:count], self.align, self.spaceBefore, 0)
                tail = _Laid(lines[count:], self.align, 0, self.spaceAfter)
                return [head, tail]
        return []

    def draw(self) -> None:
        canvas = self.canv
        lines = self._lines
        y = self.height
        current: TextStyle | None = None
        for index, (line, style) in enumerate(lines):
            y -= style.size if index == 0 else style.leading
            if not line:
                continue
            if style is not current:
                canvas.setFont(style.font, style.size)
                canvas.setFillColor(style.colour)
                current = style
            if self.align == "right":
                canvas.drawRightString(self.width, y, line)
            elif self.align == "center":
                canvas.drawCentredString(self.width / 2, y, line)
            else:
                canvas.drawString(0, y, line)
        if self.link:
            canvas.linkURL(self.link, (0, 0, self.width, self.height), relative=1)


class _Laid(TextBlock):
    """A TextBlock whose lines were already wrapped (one half of a split)."""

    def __init__(
        self,
        lines: list[tuple[str, TextStyle]],
        align: str,
        space_before: float,
        space_after: float,
    ) -> None:
        super().__init__([], align, space_before, space_after)
        self._fixed = lines

    def _layout(self, width: float) -> list[tuple[str, TextStyle]]:
        self._lines = self._fixed
        return self._fixed
