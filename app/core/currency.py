"""ISO 4217 currencies and their minor-unit exponents.

The exponent decides how many decimals an amount may carry and how it is stored
(integer minor units).  Only exceptions to the common two-decimal rule are listed
explicitly; every other well-formed three-letter code that appears in
``KNOWN_CURRENCIES`` uses two decimals.
"""

from __future__ import annotations

from functools import lru_cache

_ZERO_DECIMAL = {
    "BIF",
    "CLP",
    "DJF",
    "GNF",
    "ISK",
    "JPY",
    "KMF",
    "KRW",
    "PYG",
    "RWF",
    "UGX",
    "UYI",
    "VND",
    "VUV",
    "XAF",
    "XOF",
    "XPF",
}
_THREE_DECIMAL = {"BHD", "IQD", "JOD", "KWD", "LYD", "OMR", "TND"}
_FOUR_DECIMAL = {"CLF", "UYW"}

# Active ISO 4217 codes (2024) plus LTL, still found in old Lithuanian statements.
KNOWN_CURRENCIES: frozenset[str] = frozenset(
    """
    AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BHD BIF BMD BND BOB
    BRL BSD BTN BWP BYN BZD CAD CDF CHF CLF CLP CNY COP CRC CUP CVE CZK DJF DKK
    DOP DZD EGP ERN ETB EUR FJD FKP GBP GEL GHS GIP GMD GNF GTQ GYD HKD HNL HTG
    HUF IDR ILS INR IQD IRR ISK JMD JOD JPY KES KGS KHR KMF KPW KRW KWD KYD KZT
    LAK LBP LKR LRD LSL LTL LYD MAD MDL MGA MKD MMK MNT MOP MRU MUR MVR MWK MXN
    MYR MZN NAD NGN NIO NOK NPR NZD OMR PAB PEN PGK PHP PKR PLN PYG QAR RON RSD
    RUB RWF SAR SBD SCR SDG SEK SGD SHP SLE SOS SRD SSP STN SVC SYP SZL THB TJS
    TMT TND TOP TRY TTD TWD TZS UAH UGX USD UYI UYU UYW UZS VES VND VUV WST XAF
    XCD XOF XPF YER ZAR ZMW ZWL
    """.split()
)


class UnknownCurrencyError(ValueError):
    """Raised for a currency code that is not an ISO 4217 code we know."""

    def __init__(self, code: str) -> None:
        super().__init__(
            f"unknown currency {code!r} (expected an ISO 4217 code such as EUR, USD, GBP)"
        )
        self.code = code


def normalise_currency(code: str) -> str:
    """Upper-case and validate a currency code; raise UnknownCurrencyError otherwise."""
    cleaned = (code or "").strip().upper()
    if cleaned not in KNOWN_CURRENCIES:
        raise UnknownCurrencyError(code)
    return cleaned


@lru_cache(maxsize=512)
def exponent(code: str) -> int:
    """Number of decimals of the currency's minor unit (EUR 2, JPY 0, KWD 3).

    Cached: it is asked once per amount when 100,000 bank lines or invoices are read.
    """
    cleaned = normalise_currency(code)
    if cleaned in _ZERO_DECIMAL:
        return 0
    if cleaned in _THREE_DECIMAL:
        return 3
    if cleaned in _FOUR_DECIMAL:
        return 4
    return 2
