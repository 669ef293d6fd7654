"""Pages around the content: running header and footer, page numbers, the build.

Every document kind shares this: page 1 starts with the document's own
letterhead, later pages carry a slim continuation header so a loose page
still says whose document it belongs to, every page has the footer and
"Page X of Y".  The total page count is only known once the content has been
laid out, so the canvas holds each finished page back and stamps the numbers
when the document is saved (one layout pass, not two).

The build is deterministic: ReportLab's invariant mode, a creation date
taken from the document's own date and a file ID seeded from the document's
content make the same document give byte-identical PDF files, so the SHA-256
kept when an invoice is issued can be checked again later.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from functools import partial
from typing import Any

from reportlab import rl_config
from reportlab.lib.colors import HexColor
from reportlab.lib.utils import simpleSplit
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import BaseDocTemplate, Flowable, Frame, PageTemplate
from reportlab.platypus.doctemplate import LayoutError

from app.pdf.errors import DocumentError
from app.pdf.labels import LABELS
from app.pdf.text import printable
from app.pdf.theme import INK, MUTED, RULE, Theme

# Image streams are written as binary rather than ASCII85 text: a quarter
# smaller, and ReportLab's pure-Python ASCII85 encoder was the slowest step
# of drawing a logo.  Every PDF viewer reads binary streams.
rl_config.useA85 = 0

CONTINUATION_HEADER = 34.0  # points reserved at the top of pages 2+
BAND = 6.0  # modern template: height of the accent band at the top edge
_STRONG_WATERMARKS = {"VOID", "CANCELLED", "CANCELED", "ANNULLED"}


@dataclass(frozen=True)
class PageFurniture:
    """What the running header/footer show; the same on every page of a document."""

    owner: str  # the issuing business, shown on continuation pages
    running_title: str  # e.g. "Invoice INV-2024-0007"
    footer_lines: Sequence[str]
    watermark: str | None = None


@dataclass(frozen=True)
class PdfInfo:
    """Metadata written into the PDF; all of it fixed by the document."""

    title: str
    author: str
    subject: str
    created: date
    fingerprint: bytes
    keywords: str = ""
    creator: str = "Counterfoil"


class PagedCanvas(Canvas):
    """A canvas that stamps "Page X of Y" (and the footer) once Y is known."""

    def __init__(
        self,
        *args: Any,
        stamp: Callable[[Canvas, int, int], None],
        info: PdfInfo,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self._held_pages: list[dict[str, Any]] = []
        self._stamp = stamp
        stamp_date = f"D:{info.created:%Y%m%d}000000+00'00'"
        self.setDateFormatter(lambda *_parts: stamp_date)
        doc = getattr(self, "_doc", None)
        if doc is not None:
            doc.updateSignature(info.fingerprint)

    def showPage(self) -> None:
        self._held_pages.append(dict(self.__dict__))
        self._startPage()

    def save(self) -> None:
        total = len(self._held_pages)
        for number, state in enumerate(self._held_pages, start=1):
            self.__dict__.update(state)
            self._stamp(self, number, total)
            super().showPage()
        super().save()


def _draw_watermark(canvas: Canvas, theme: Theme, text: str) -> None:
    width, height = theme.page_size
    strong = text.strip().upper() in _STRONG_WATERMARKS
    canvas.saveState()
    canvas.setFillColor(HexColor("#C0392B") if strong else HexColor("#7F8C8D"))
    canvas.setFillAlpha(0.13)
    size = min(110.0, 900.0 / max(len(text), 1))
    canvas.setFont(theme.fonts.bold, size)
    canvas.translate(width / 2, height / 2)
    canvas.rotate(35)
    canvas.drawCentredString(0, -size / 3, printable(text))
    canvas.restoreState()


def _draw_band(canvas: Canvas, theme: Theme, thickness: float) -> None:
    width, height = theme.page_size
    canvas.saveState()
    canvas.setFillColor(theme.accent)
    canvas.rect(0, height - thickness, width, thickness, stroke=0, fill=1)
    canvas.restoreState()


def _draw_continuation(canvas: Canvas, theme: Theme, furniture: PageFurniture) -> None:
    width, height = theme.page_size
    top = height - theme.margin_top
    left, right = theme.margin_left, width - theme.margin_right
    canvas.saveState()
    canvas.setFont(theme.fonts.bold, 9)
    canvas.setFillColor(theme.accent if theme.modern else INK)
    canvas.drawString(left, top - 10, printable(furniture.owner))
    canvas.setFont(theme.fonts.regular, 8)
    canvas.setFillColor(MUTED)
    canvas.drawRightString(
        right, top - 10, f"{printable(furniture.running_title)} · {LABELS['continued']}"
    )
    canvas.setStrokeColor(RULE)
    canvas.setLineWidth(0.6)
    canvas.line(left, top - 17, right, top - 17)
    canvas.restoreState()


def _stamp_footer(
    canvas: Canvas, page: int, pages: int, theme: Theme, furniture: PageFurniture
) -> None:
    width, _height = theme.page_size
    left, right = theme.margin_left, width - theme.margin_right
    rule_y = theme.margin_bottom - 8
    canvas.saveState()
    canvas.setStrokeColor(theme.accent if theme.modern else RULE)
    canvas.setLineWidth(0.8 if theme.modern else 0.6)
    canvas.line(left, rule_y, right, rule_y)
    canvas.setFont(theme.fonts.regular, 7)
    canvas.setFillColor(MUTED)
    page_text = LABELS["page_of"].format(page=page, pages=pages)
    page_width = canvas.stringWidth(page_text, theme.fonts.regular, 7)
    canvas.drawRightString(right, rule_y - 10, page_text)
    y = rule_y - 10
    text_width = right - left - page_width - 16
    lines: list[str] = []
    for line in furniture.footer_lines:
        lines.extend(simpleSplit(printable(line), theme.fonts.regular, 7, text_width))
    for line in lines[:3]:
        canvas.drawString(left, y, line)
        y -= 9
    canvas.restoreState()


def build_pdf(
    story: list[Flowable], theme: Theme, furniture: PageFurniture, info: PdfInfo
) -> bytes:
    """Lay out ``story`` on branded pages and return the PDF bytes."""
    width, height = theme.page_size
    frame_width = theme.frame_width
    first_height = height - theme.margin_top - theme.margin_bottom
    later_height = first_height - CONTINUATION_HEADER
    first_frame = Frame(
        theme.margin_left,
        theme.margin_bottom,
        frame_width,
        first_height,
        leftPadding=0,
        rightPadding=0,
        topPadding=0,
        bottomPadding=0,
        id="first",
    )
    later_frame = Frame(
        theme.margin_left,
        theme.margin_bottom,
        frame_width,
        later_height,
        leftPadding=0,
        rightPadding=0,
        topPadding=0,
        bottomPadding=0,
        id="later",
    )

    def on_first(canvas: Canvas, _doc: BaseDocTemplate) -> None:
        if furniture.watermark:
            _draw_watermark(canvas, theme, furniture.watermark)
        if theme.modern:
            _draw_band(canvas, theme, BAND)

    def on_later(canvas: Canvas, _doc: BaseDocTemplate) -> None:
        if furniture.watermark:
            _draw_watermark(canvas, theme, furniture.watermark)
        if theme.modern:
            _draw_band(canvas, theme, BAND / 2)
        _draw_continuation(canvas, theme, furniture)

    buffer = io.BytesIO()
    template = BaseDocTemplate(
        buffer,
        pagesize=(width, height),
        leftMargin=theme.margin_left,
        rightMargin=theme.margin_right,
        topMargin=theme.margin_top,
        bottomMargin=theme.margin_bottom,
        title=info.title,
        author=info.author,
        subject=info.subject,
        creator=info.creator,
        keywords=info.keywords,
        invariant=1,
        initialFontName=theme.fonts.regular,
        pageTemplates=[
            PageTemplate("first", [first_frame], onPage=on_first, autoNextPageTemplate="later"),
            PageTemplate("later", [later_frame], onPage=on_later),
        ],
    )
    stamp = partial(_stamp_footer, theme=theme, furniture=furniture)
    canvasmaker = partial(PagedCanvas, stamp=stamp, info=info)
    try:
        template.build(story, canvasmaker=canvasmaker)
    except LayoutError as exc:
        raise DocumentError(
            "the document cannot be laid out: a block that must stay in one piece (an "
            "address, the document facts, terms or payment details) is taller than a page; "
            f"shorten it ({str(exc)[:160]})"
        ) from exc
    return buffer.getvalue()
