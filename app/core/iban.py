"""IBAN checks (ISO 13616): normalised form and the mod-97 check digits."""

from __future__ import annotations

import re

_SHAPE = re.compile(r"^[A-Z]{2}\d{2}[A-Z0-9]{10,30}$")


def normalise_iban(text: str) -> str:
    return "".join(text.split()).upper()


def is_valid_iban(text: str) -> bool:
    iban = normalise_iban(text)
    if not _SHAPE.match(iban):
        return False
    rearranged = iban[4:] + iban[:4]
    digits = "".join(str(int(ch, 36)) for ch in rearranged)
    return int(digits) % 97 == 1


def looks_like_iban(text: str) -> bool:
    """Country code, two check digits and 10–30 letters or digits (checksum not required)."""
    return bool(_SHAPE.match(normalise_iban(text)))
