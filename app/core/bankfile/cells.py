"""What a single cell of a bank export looks like.

Column roles are inferred from what the cells hold: dates, amounts, IBANs,
currency codes or free text.  These tests are shape tests only and cheap;
deciding a column's exact date format or decimal mark is done over the whole
column elsewhere.
"""

from __future__ import annotations

import re
from enum import StrEnum

from app.core.bankfile.dates import looks_like_date
from app.core.bankfile.identifiers import is_iban
from app.core.currency import KNOWN_CURRENCIES

_SYMBOLS = "$€£¥₹₽₩₪₫₴₦₱฿₺₼₸"
_AMOUNT = re.compile(
    rf"\(?[+-]?\s*(?:[A-Z]{{3}}\s?|[{_SYMBOLS}]\s?|[A-Z]{{1,2}}\$\s?)?[+-]?\s*"
    rf"(?:\d[\d.,'\u00a0\u202f ]*|[.,]\d+)(?:\s?[A-Z]{{3}}|\s?[{_SYMBOLS}])?\)?\s*-?"
    rf"(?:\s?(?:CR|DR|Cr|Dr|cr|dr)\.?)?"
)
_SYMBOL_CURRENCY = {
    "€": "EUR",
    "£": "GBP",
    "¥": "JPY",
    "₹": "INR",
    "₽": "RUB",
    "₩": "KRW",
    "₪": "ILS",
    "₫": "VND",
    "₴": "UAH",
    "₦": "NGN",
    "₱": "PHP",
    "฿": "THB",
    "₺": "TRY",
    "₼": "AZN",
    "₸": "KZT",
}
_CODE = re.compile(r"[A-Z]{3}")
_CREDIT_DEBIT = re.compile(r"\s?(?:CR|DR)\.?$", re.IGNORECASE)
_PARENS_CODE = re.compile(r"\(([A-Z]{3})\)|\b([A-Z]{3})\b")


class CellKind(StrEnum):
    EMPTY = "empty"
    DATE = "date"
    AMOUNT = "amount"
    IBAN = "iban"
    CURRENCY = "currency"
    TEXT = "text"


def looks_like_amount(text: str) -> bool:
    """True for "12,50", "-1.234,56", "+ £1,100.00", "$75.00", "-.46", "2500"."""
    body = text.strip()
    if not body or len(body) > 32 or not any(ch.isdigit() for ch in body):
        return False
    if _AMOUNT.fullmatch(body) is None:
        return False
    core = _CREDIT_DEBIT.sub("", body)
    return all(code in KNOWN_CURRENCIES for code in _CODE.findall(core))


def is_currency_code(text: str) -> bool:
    body = text.strip()
    return len(body) == 3 and body.isupper() and body in KNOWN_CURRENCIES


def cell_kind(text: str) -> CellKind:
    """Classify one cell by shape."""
    body = text.strip()
    if not body:
        return CellKind.EMPTY
    if looks_like_date(body):
        return CellKind.DATE
    if looks_like_amount(body):
        return CellKind.AMOUNT
    if is_currency_code(body):
        return CellKind.CURRENCY
    if len(body) >= 15 and is_iban(body):
        return CellKind.IBAN
    return CellKind.TEXT


def clean_text(text: str) -> str:
    """Collapse runs of whitespace and drop wrapping single quotes ('…')."""
    value = " ".join(text.split())
    if len(value) >= 2 and value[0] == "'" and value[-1] == "'":
        value = value[1:-1].strip()
    return value


def currency_in_text(text: str) -> str | None:
    """A currency named in a header or an amount: "Bedrag (EUR)", "£67.40"."""
    for symbol, code in _SYMBOL_CURRENCY.items():
        if symbol in text:
            return code
    for match in _PARENS_CODE.finditer(text):
        code = match.group(1) or match.group(2)
        if code in KNOWN_CURRENCIES:
            return code
    return None
