"""Checks and page furniture shared by all document kinds."""

from __future__ import annotations

from collections.abc import Iterable

from app.core.documents import Branding, CompanyBlock, PartyBlock
from app.core.money import Money
from app.pdf.errors import DocumentError
from app.pdf.labels import LABELS


def require_parties(what: str, company: CompanyBlock, client: PartyBlock) -> None:
    if not company.name.strip() or not client.name.strip():
        raise DocumentError(f"{what} needs both the company's and the client's name")


def require_one_currency(what: str, currency: str, figures: Iterable[Money | None]) -> None:
    """Refuse a document whose figures are not all in ``currency``."""
    odd = sorted({money.currency for money in figures if money is not None} - {currency})
    if odd:
        raise DocumentError(
            f"{what} mixes currencies: totals are in {currency} but some figures are in "
            f"{', '.join(odd)}"
        )


def footer_lines(company: CompanyBlock, branding: Branding) -> list[str]:
    """The branding's footer text, or the company's legal identity when none is set."""
    if branding.footer_text.strip():
        return branding.footer_text.splitlines()
    parts = [
        company.name,
        ", ".join(line.strip() for line in company.address_lines if line.strip()),
        f"{LABELS['registration']} {company.registration}" if company.registration else "",
        f"{LABELS['tax_id']} {company.tax_id}" if company.tax_id else "",
    ]
    return [" · ".join(part for part in parts if part)]
