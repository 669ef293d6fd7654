"""Other numbering schemes and memo styles, hand-labelled.

The matcher derives its number patterns from the configured templates, so a
business that numbers "260123", "F2026/7" or "2026-000123" is served as well
as one that numbers "INV-2026-00042".  Each case says what a careful
bookkeeper would do; the whole set must have no wrong automatic application.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import pytest

from app.core.matching import BankLine, ClientProfile, MatchSettings, OpenInvoice, match_statement

D = Decimal
HARBOR = ClientProfile(1, "Harbor Media GmbH", (), ("DE82181590830166131860",))
CEDAR = ClientProfile(2, "Cédar Design SARL", (), ("FR7630006000011234567890189",))
STRANGER = ("PAYPAL EUROPE", "LU280019400644750000")


@dataclass(frozen=True)
class Case:
    memo: str
    amount: str
    payer: str  # "harbor", "cedar" or "stranger"
    action: str
    numbers: tuple[str, ...] = ()


def _payer(key: str) -> tuple[str, str]:
    if key == "harbor":
        return "HARBOR MEDIA GMBH", HARBOR.ibans[0]
    if key == "cedar":
        return "CEDAR DESIGN", CEDAR.ibans[0]
    return STRANGER


def _run(template: str, numbers: dict[str, tuple[int, str]], cases: list[Case]) -> None:
    invoices = [
        OpenInvoice(
            i, number, client, date(2026, 1, i), date(2026, 2, i), "EUR", D(amount), D(amount)
        )
        for i, (number, (client, amount)) in enumerate(numbers.items(), start=1)
    ]
    for at, case in enumerate(cases):
        name, iban = _payer(case.payer)
        line = BankLine(f"L{at}", date(2026, 3, 1), D(case.amount), "EUR", name, iban, case.memo)
        result = match_statement(
            [line], invoices, [HARBOR, CEDAR], MatchSettings(numbering_templates=(template,))
        )[0]
        got = tuple(sorted(a.number for a in result.allocations))
        assert (result.action, got if result.action == "auto" else ()) == (
            case.action,
            tuple(sorted(case.numbers)) if case.action == "auto" else (),
        ), f"{case.memo!r}: {result.explanation}"
        if case.action == "suggest" and case.numbers:
            assert got == tuple(sorted(case.numbers)), f"{case.memo!r}: {result.explanation}"


TWO_DIGIT_YEAR = {
    "260123": (1, "120.00"),
    "260124": (1, "120.00"),
    "260131": (2, "80.00"),
    "260132": (1, "45.00"),
}

TWO_DIGIT_YEAR_CASES = [
    Case("RE 260123", "120.00", "harbor", "auto", ("260123",)),
    Case("Rechnung 26-0124", "120.00", "harbor", "auto", ("260124",)),
    # A bare six-digit number from an unknown payer, amount exact: no prefix
    # but every field is there and the amount agrees.
    Case("260131", "80.00", "stranger", "auto", ("260131",)),
    # Partial payment naming 260131 from Cedar's own account.
    Case("Facture 260131 acompte", "30.00", "cedar", "auto", ("260131",)),
    # 260113 is one swap from 260131 — but nearly-right numbers need both the
    # payer and the amount to agree, and here the payer is unknown.
    Case("260113", "80.00", "stranger", "suggest", ("260131",)),
    # Cedar pays Harbor's invoice by number: review.
    Case("RE 260132", "45.00", "cedar", "suggest"),
    # Harbor pays 120.00 without reference; two invoices of 120.00: oldest.
    Case("Danke", "120.00", "harbor", "auto", ("260123",)),
    # Together 120.00 + 45.00 = 165.00 = 120.00 + 45.00 (from either 120.00),
    # one multiset of amounts, oldest first.
    Case("", "165.00", "harbor", "auto", ("260123", "260132")),
]


def test_two_digit_year_without_prefix() -> None:
    _run("{YY}{SEQ:04}", TWO_DIGIT_YEAR, TWO_DIGIT_YEAR_CASES)


SLASH = {
    "F2026/7": (1, "300.00"),
    "F2026/77": (1, "700.00"),
    "F2026/8": (2, "300.00"),
    "F2026/1234": (2, "55.55"),
}

SLASH_CASES = [
    Case("Payment F2026/7", "300.00", "harbor", "auto", ("F2026/7",)),
    # "F2026/77" must never be read as F2026/7.
    Case("f 2026 77", "700.00", "harbor", "auto", ("F2026/77",)),
    # Cédar written without accent, no IBAN known: name equal → payer known.
    Case("Facture F2026-8", "300.00", "cedar", "auto", ("F2026/8",)),
    Case("2026/1234", "55.55", "stranger", "auto", ("F2026/1234",)),
    # Over-payment of a named invoice: paid in full, rest to credit.
    Case("F2026/1234", "60.00", "cedar", "auto", ("F2026/1234",)),
    # Same 300.00 at two clients and no reference, payer unknown.
    Case("Thanks", "300.00", "stranger", "suggest"),
    # A bare "7" is not evidence enough: the amount alone from a stranger.
    Case("order 7", "300.00", "stranger", "suggest"),
]


def test_letter_year_slash_sequence() -> None:
    _run("F{YYYY}/{SEQ}", SLASH, SLASH_CASES)


YEAR_SIX = {
    "2026-000123": (1, "1500.00"),
    "2026-000124": (2, "1500.00"),
    "2026-000125": (1, "250.00"),
    "2026-000126": (1, "250.00"),
}

YEAR_SIX_CASES = [
    Case("Invoice 2026-000123", "1500.00", "harbor", "auto", ("2026-000123",)),
    Case("2026000124", "1500.00", "cedar", "auto", ("2026-000124",)),
    Case("Rg. 2026/125 u. 2026/126", "500.00", "harbor", "auto", ("2026-000125", "2026-000126")),
    # 1500.00 is a balance at both clients and the stranger names nothing.
    Case("Zahlung", "1500.00", "stranger", "suggest"),
    # Dates and amounts in the memo are not invoice numbers.
    Case("Payment of 15.01.2026, 250,00 EUR", "250.00", "harbor", "auto", ("2026-000125",)),
    # Short by 2.01 beyond the 2.00 tolerance with a clear reference: partial.
    Case("2026-000125", "247.99", "harbor", "auto", ("2026-000125",)),
]


def test_year_and_six_digit_sequence() -> None:
    _run("{YYYY}-{SEQ:06}", YEAR_SIX, YEAR_SIX_CASES)


@pytest.mark.parametrize("memo", ["Payment 2026-000125", "2026 000125", "INV 2026-125"])
def test_configured_scheme_reads_the_same_number_however_it_is_spaced(memo: str) -> None:
    _run("{YYYY}-{SEQ:06}", YEAR_SIX, [Case(memo, "250.00", "harbor", "auto", ("2026-000125",))])
