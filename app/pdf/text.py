"""Turning user-entered text into something ReportLab draws faithfully.

Invisible direction marks that CLDR puts into some locales' numbers would
otherwise show as empty boxes; IBANs and creditor references are printed in
groups of four, as banks and ISO 11649 recommend for paper; long names
shrink a little rather than break.
"""

from __future__ import annotations

from reportlab.pdfbase.pdfmetrics import stringWidth

# Format characters (bidi marks, zero-width joiners) have no glyph in a
# Latin font; dropping them loses nothing on a left-to-right page.
_INVISIBLE = dict.fromkeys(
    map(ord, "\u200b\u200c\u200d\u200e\u200f\u061c\u2066\u2067\u2068\u2069\ufeff")
)


def printable(text: str) -> str:
    """Text without invisible format characters."""
    return text.translate(_INVISIBLE)


def in_groups_of_four(code: str) -> str:
    """``RF18539007547034`` → ``RF18 5390 0754 7034`` (IBANs alike)."""
    compact = "".join(code.split()).upper()
    return " ".join(compact[i : i + 4] for i in range(0, len(compact), 4))


def fitting_size(text: str, font: str, largest: float, smallest: float, width: float) -> float:
    """The largest font size (in 0.5 pt steps) at which ``text`` fits ``width``.

    Long client names shrink a little rather than wrap, down to ``smallest``;
    below that the caller lets them wrap.
    """
    natural = stringWidth(text, font, largest)
    if natural <= width:
        return largest
    return max(smallest, int(largest * width / natural * 2) / 2)
