"""The look of a document: page geometry, colours and text styles per template.

A Theme is derived from the business's Branding once and cached, because
rebuilding styles for every one of a thousand batch invoices would be wasted
work.  Two templates share one structure and differ in emphasis:

* ``classic`` — black-on-white typography, the accent used only for the
  title and thin rules, hairline-separated table rows;
* ``modern`` — an accent band at the top of the page, a solid accent table
  header with white text, lightly tinted alternate rows and an accent
  "balance due" bar.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from reportlab.lib.colors import Color, HexColor, white
from reportlab.lib.pagesizes import A4, LETTER
from reportlab.lib.units import mm

from app.core.documents import Branding
from app.pdf.fonts import FontSet, font_set
from app.pdf.textblock import TextStyle

INK = HexColor("#1C2430")
MUTED = HexColor("#5B6573")
RULE = HexColor("#D5DAE1")
FAINT = HexColor("#F4F6F8")


def _mix_with_white(colour: Color, share: float) -> Color:
    """``share`` of white mixed into ``colour`` (0.9 → a very light tint)."""
    return Color(
        colour.red + (1 - colour.red) * share,
        colour.green + (1 - colour.green) * share,
        colour.blue + (1 - colour.blue) * share,
    )


@dataclass(frozen=True)
class Theme:
    template: str
    fonts: FontSet
    page_size: tuple[float, float]
    margin_left: float
    margin_right: float
    margin_top: float
    margin_bottom: float
    accent: Color
    accent_tint: Color
    zebra: Color
    header_fill: Color | None
    header_text: Color
    texts: dict[str, TextStyle]
    locale: str

    @property
    def frame_width(self) -> float:
        return self.page_size[0] - self.margin_left - self.margin_right

    @property
    def modern(self) -> bool:
        return self.template == "modern"

    def text(self, name: str) -> TextStyle:
        return self.texts[name]


def _texts(fonts: FontSet, accent: Color, modern: bool) -> dict[str, TextStyle]:
    regular, bold = fonts.regular, fonts.bold
    title_size = 24.0 if modern else 20.0
    return {
        "body": TextStyle(regular, 9, 12.5, INK),
        "strong": TextStyle(bold, 9, 12.5, INK),
        "letter": TextStyle(regular, 9.5, 13.5, INK),
        "small": TextStyle(regular, 7.5, 10, MUTED),
        "section": TextStyle(bold, 7, 10, accent if modern else MUTED),
        "company": TextStyle(bold, 12, 15, INK),
        "address": TextStyle(regular, 8, 11, MUTED),
        "party": TextStyle(bold, 10.5, 14, INK),
        "party_detail": TextStyle(regular, 9, 12.5, INK),
        "title": TextStyle(bold, title_size, title_size * 1.2, accent),
        "title_number": TextStyle(regular, 13, 17, MUTED),
        "fact_label": TextStyle(regular, 8.5, 11, MUTED),
        "fact_value": TextStyle(bold, 8.5, 11, INK),
        "fact_plain": TextStyle(regular, 8.5, 11, INK),
        "cell": TextStyle(regular, 8.5, 11.2, INK),
        "cell_note": TextStyle(regular, 7.5, 10, MUTED),
        "total_label": TextStyle(regular, 8.5, 11, MUTED),
        "notes": TextStyle(regular, 8.5, 12, INK),
        "legal": TextStyle(regular, 7.5, 10.5, MUTED),
        "link": TextStyle(regular, 8, 10.5, accent),
    }


@lru_cache(maxsize=32)
def theme_for(branding: Branding) -> Theme:
    """The Theme of a Branding (cached: Branding is immutable and hashable)."""
    fonts = font_set(branding.font_family)
    accent = HexColor(branding.accent_hex)
    modern = branding.template == "modern"
    page = A4 if branding.paper == "A4" else LETTER
    return Theme(
        template=branding.template,
        fonts=fonts,
        page_size=page,
        margin_left=18 * mm,
        margin_right=18 * mm,
        margin_top=(17 if modern else 15) * mm,
        margin_bottom=20 * mm,
        accent=accent,
        accent_tint=_mix_with_white(accent, 0.88),
        zebra=_mix_with_white(accent, 0.95) if modern else FAINT,
        header_fill=accent if modern else None,
        header_text=white if modern else MUTED,
        texts=_texts(fonts, accent, modern),
        locale=branding.locale,
    )
