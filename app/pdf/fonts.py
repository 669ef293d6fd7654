"""The shipped TrueType families, registered with ReportLab once per process.

The PDF base-14 fonts cannot show Polish, Turkish, Greek or Cyrillic names
(nor ₹), so documents use an embedded TrueType family.  Registration
parses the font files (tens of milliseconds), so it happens lazily on the
first render and is cached; ReportLab then embeds only the glyphs a document
uses (subsetting), which keeps each PDF small.

Building a subset font program is one of the costlier steps of a render,
and the invoices of one bill run mostly use the same characters, so the
subsets are memoised per glyph list: the bytes are identical either way.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFError, TTFont

from app.pdf.errors import DocumentError
from app.resources import resource_path


@dataclass(frozen=True, slots=True)
class FontSet:
    """ReportLab names of the two weights documents use."""

    regular: str
    bold: str


# family → file names of the regular and bold weights (in resources/fonts)
SHIPPED_FAMILIES: dict[str, tuple[str, str]] = {
    "DejaVu Sans": ("DejaVuSans.ttf", "DejaVuSans-Bold.ttf"),
}

_registered: dict[str, FontSet] = {}
_lock = threading.Lock()
SUBSETS_KEPT = 64


def _memoise_subsets(font: TTFont) -> None:
    """Make ``font`` reuse subset programs it has already built for the same glyphs."""
    face = font.face
    build = face.makeSubset
    kept: OrderedDict[tuple[int, ...], bytes] = OrderedDict()

    def make_subset(subset: list[int]) -> bytes:
        key = tuple(subset)
        program = kept.get(key)
        if program is not None:
            kept.move_to_end(key)
        else:
            program = build(subset)
            kept[key] = program
            if len(kept) > SUBSETS_KEPT:
                kept.popitem(last=False)
        return program

    face.makeSubset = make_subset


def _internal_name(family: str, style: str) -> str:
    return family.replace(" ", "") + ("" if style == "regular" else "-" + style)


def font_set(family: str) -> FontSet:
    """Register ``family`` (once) and return the names to use in styles.

    Raises DocumentError for a family that is not shipped or whose files are
    missing or damaged, since no document can be drawn without its font.
    """
    known = _registered.get(family)
    if known is not None:
        return known
    files = SHIPPED_FAMILIES.get(family)
    if files is None:
        choices = ", ".join(sorted(SHIPPED_FAMILIES))
        raise DocumentError(f"font family {family!r} is not available (choose one of: {choices})")
    with _lock:
        known = _registered.get(family)
        if known is not None:
            return known
        names = [_internal_name(family, style) for style in ("regular", "bold")]
        for name, file_name in zip(names, files):
            path = resource_path("fonts", file_name)
            try:
                font = TTFont(name, str(path))
            except (OSError, TTFError) as exc:
                raise DocumentError(f"font file {path} cannot be used: {exc}") from exc
            _memoise_subsets(font)
            pdfmetrics.registerFont(font)
        result = FontSet(*names)
        _registered[family] = result
        return result
