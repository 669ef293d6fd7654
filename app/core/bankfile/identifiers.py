"""Account numbers and payment references found in bank files.

IBANs are recognised by shape (country code, two check digits and the
country's fixed length) rather than by checksum, because exported test and
anonymised statements are full of well-shaped IBANs with wrong check digits.
Creditor references are different: they are only trusted when their check
digits are right, since a wrong reference would match a payment to the wrong
invoice.  Recognised: ISO 11649 ``RF`` references, Belgian structured
communications (``+++123/4567/89002+++``) and Swiss QR references (27 digits).
"""

from __future__ import annotations

import re

IBAN_LENGTHS: dict[str, int] = {
    "AD": 24,
    "AE": 23,
    "AL": 28,
    "AT": 20,
    "AZ": 28,
    "BA": 20,
    "BE": 16,
    "BG": 22,
    "BH": 22,
    "BI": 27,
    "BR": 29,
    "BY": 28,
    "CH": 21,
    "CR": 22,
    "CY": 28,
    "CZ": 24,
    "DE": 22,
    "DJ": 27,
    "DK": 18,
    "DO": 28,
    "EE": 20,
    "EG": 29,
    "ES": 24,
    "FI": 18,
    "FK": 18,
    "FO": 18,
    "FR": 27,
    "GB": 22,
    "GE": 22,
    "GI": 23,
    "GL": 18,
    "GR": 27,
    "GT": 28,
    "HN": 28,
    "HR": 21,
    "HU": 28,
    "IE": 22,
    "IL": 23,
    "IQ": 23,
    "IS": 26,
    "IT": 27,
    "JO": 30,
    "KW": 30,
    "KZ": 20,
    "LB": 28,
    "LC": 32,
    "LI": 21,
    "LT": 20,
    "LU": 20,
    "LV": 21,
    "LY": 25,
    "MC": 27,
    "MD": 24,
    "ME": 22,
    "MK": 19,
    "MN": 20,
    "MR": 27,
    "MT": 31,
    "MU": 30,
    "NI": 28,
    "NL": 18,
    "NO": 15,
    "OM": 23,
    "PK": 24,
    "PL": 28,
    "PS": 29,
    "PT": 25,
    "QA": 29,
    "RO": 24,
    "RS": 22,
    "RU": 33,
    "SA": 24,
    "SC": 31,
    "SD": 18,
    "SE": 24,
    "SI": 19,
    "SK": 24,
    "SM": 27,
    "SO": 23,
    "ST": 25,
    "SV": 28,
    "TL": 23,
    "TN": 24,
    "TR": 26,
    "UA": 29,
    "VA": 22,
    "VG": 24,
    "XK": 20,
    "YE": 30,
}

_IBAN_SHAPE = re.compile(r"[A-Z]{2}\d{2}[A-Z0-9]{11,30}")
_RF = re.compile(r"\bRF(\d{2})((?: ?[A-Z0-9]{1,4}){1,6})\b", re.IGNORECASE)
_OGM = re.compile(r"(?:\+{3}|\*{3})\s*(\d{3})\s*/?\s*(\d{4})\s*/?\s*(\d{5})\s*(?:\+{3}|\*{3})")
_QRR = re.compile(r"\d{27}")
_QRR_TABLE = (0, 9, 4, 6, 8, 2, 7, 1, 3, 5)


def compact(text: str) -> str:
    """Upper-case and drop spaces, the way IBANs and references are compared."""
    return "".join(text.split()).upper()


def is_iban(text: str) -> bool:
    """True for a value shaped like an IBAN of a known country (checksum not required)."""
    value = compact(text)
    if not _IBAN_SHAPE.fullmatch(value):
        return False
    return IBAN_LENGTHS.get(value[:2]) == len(value)


def iban_checksum_ok(text: str) -> bool:
    """ISO 13616 mod-97 check of an IBAN."""
    value = compact(text)
    if not _IBAN_SHAPE.fullmatch(value):
        return False
    return _mod97(value[4:] + value[:4]) == 1


def iban_prefix(text: str) -> str | None:
    """The IBAN at the start of ``text`` (``NL77INGB0574908765EUR`` → the IBAN)."""
    value = compact(text)
    length = IBAN_LENGTHS.get(value[:2])
    if length is None or len(value) < length:
        return None
    candidate = value[:length]
    return candidate if _IBAN_SHAPE.fullmatch(candidate) else None


def _mod97(digits_and_letters: str) -> int:
    numeric = "".join(str(int(ch, 36)) for ch in digits_and_letters)
    return int(numeric) % 97


def rf_reference_ok(text: str) -> bool:
    """ISO 11649 creditor reference check (``RF18539007547034``)."""
    value = compact(text)
    if not re.fullmatch(r"RF\d{2}[A-Z0-9]{1,21}", value):
        return False
    return _mod97(value[4:] + value[:4]) == 1


def ogm_ok(digits: str) -> bool:
    """Belgian structured communication: first ten digits mod 97 give the last two."""
    if not re.fullmatch(r"\d{12}", digits):
        return False
    check = int(digits[:10]) % 97 or 97
    return check == int(digits[10:])


def qrr_ok(digits: str) -> bool:
    """Swiss QR reference: 27 digits with a recursive mod-10 check digit."""
    if not _QRR.fullmatch(digits):
        return False
    carry = 0
    for ch in digits[:-1]:
        carry = _QRR_TABLE[(carry + int(ch)) % 10]
    return (10 - carry) % 10 == int(digits[-1])


def format_ogm(digits: str) -> str:
    return f"+++{digits[:3]}/{digits[3:7]}/{digits[7:]}+++"


def find_creditor_reference(text: str) -> str:
    """The first valid structured creditor reference written in free text, or ''."""
    if not text:
        return ""
    if "RF" in text or "rf" in text or "Rf" in text:
        for match in _RF.finditer(text):
            check, body = match.group(1), match.group(2)
            groups = body.split() if " " in body.strip() else [body]
            for size in range(len(groups), 0, -1):
                candidate = f"RF{check}{''.join(groups[:size])}".upper()
                if len(candidate) <= 25 and rf_reference_ok(candidate):
                    return candidate
    if "+++" in text or "***" in text:
        for match in _OGM.finditer(text):
            digits = "".join(match.groups())
            if ogm_ok(digits):
                return format_ogm(digits)
    return ""


def normalise_reference(text: str) -> str:
    """A reference from a dedicated field, tidied; checked forms are reformatted."""
    value = " ".join(text.split())
    if not value:
        return ""
    digits = re.sub(r"\D", "", value)
    if re.fullmatch(r"[+*]{3}[\d/ ]+[+*]{3}", value) or (
        len(digits) == 12 and ogm_ok(digits) and not value[:2].isalpha()
    ):
        return format_ogm(digits) if ogm_ok(digits) else value
    if compact(value).startswith("RF") and rf_reference_ok(value):
        return compact(value)
    return value
