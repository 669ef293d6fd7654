"""Text normalisation shared by search, matching and imports."""

from __future__ import annotations

import unicodedata

_TRANSLIT = str.maketrans(
    {
        "ß": "ss",
        "ẞ": "SS",
        "Æ": "AE",
        "æ": "ae",
        "Ø": "O",
        "ø": "o",
        "Œ": "OE",
        "œ": "oe",
        "Ł": "L",
        "ł": "l",
        "Đ": "D",
        "đ": "d",
        "Þ": "TH",
        "þ": "th",
        "ı": "i",
    }
)


def fold(text: str) -> str:
    """Upper-case and strip accents: 'Müller Łódź' → 'MULLER LODZ' (for search keys)."""
    decomposed = unicodedata.normalize("NFKD", (text or "").translate(_TRANSLIT))
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(stripped.upper().split())
