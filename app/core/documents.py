"""What a client-facing document shows, as plain immutable records.

The PDF renderer (and later the e-mail body and the GUI preview) only *shows*
these records: every figure on them (line totals, tax per rate, totals,
balances) is computed once by the invoice arithmetic and copied here, so a
document can never disagree with the books because a renderer rounded
differently.  Sequences are stored as tuples so a document is hashable and
cannot change after it was handed to a renderer; plain tuples are accepted
for the small row types and converted to their named form.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Literal, NamedTuple

from app.core.money import Money

DocumentKind = Literal["invoice", "credit_note"]
TemplateName = Literal["classic", "modern"]
PaperName = Literal["A4", "Letter"]

TEMPLATES: tuple[str, ...] = ("classic", "modern")
PAPERS: tuple[str, ...] = ("A4", "Letter")
_HEX_COLOUR = re.compile(r"^#[0-9A-Fa-f]{6}$")


def _freeze(instance: object, name: str, convert: type | None = None) -> None:
    values = getattr(instance, name)
    if isinstance(values, str):
        raise TypeError(f"{name} must be a sequence of items, not a string")
    items = tuple(values)
    if convert is not None:
        items = tuple(item if isinstance(item, convert) else convert(*item) for item in items)
    object.__setattr__(instance, name, items)


@dataclass(frozen=True, slots=True)
class CompanyBlock:
    """The issuing business as printed on its documents.

    ``payment_link_template`` may use ``{number}``, ``{reference}``,
    ``{amount}`` (plain, e.g. ``1234.50``) and ``{currency}``; values are
    URL-encoded when the link is built.
    """

    name: str
    address_lines: Sequence[str] = ()
    tax_id: str | None = None
    registration: str | None = None
    email: str | None = None
    phone: str | None = None
    website: str | None = None
    logo_path: str | None = None
    iban: str | None = None
    bic: str | None = None
    bank_name: str | None = None
    payment_link_template: str | None = None

    def __post_init__(self) -> None:
        _freeze(self, "address_lines")


@dataclass(frozen=True, slots=True)
class PartyBlock:
    """The client (bill-to party) as printed on a document."""

    name: str
    address_lines: Sequence[str] = ()
    tax_id: str | None = None
    email: str | None = None
    contact: str | None = None

    def __post_init__(self) -> None:
        _freeze(self, "address_lines")


@dataclass(frozen=True, slots=True)
class DocumentLine:
    """One billed item; ``line_total`` is already rounded by the invoice arithmetic.

    ``tax_rate`` is a percentage (``Decimal("20")`` for 20 %).
    ``line_total`` is net of tax unless the invoice says prices include tax.
    """

    description: str
    quantity: Decimal
    unit: str
    unit_price: Money
    tax_rate: Decimal
    line_total: Money
    tax_label: str = ""
    discount_percent: Decimal | None = None
    period_start: date | None = None
    period_end: date | None = None


@dataclass(frozen=True, slots=True)
class TaxRow:
    """Tax charged at one rate: the taxable base and the tax on it."""

    label: str
    rate: Decimal
    base: Money
    tax: Money


@dataclass(frozen=True, slots=True)
class InvoiceDocument:
    """An issued invoice or credit note, ready to be shown.

    ``related_number`` is, on a credit note, the number of the invoice it
    corrects.  ``payment_reference`` is the structured creditor reference
    (ISO 11649 "RF…") the payer should quote.  ``status_watermark`` (e.g.
    ``"VOID"``) is printed across every page.
    """

    kind: DocumentKind
    number: str
    issue_date: date
    due_date: date | None
    company: CompanyBlock
    client: PartyBlock
    lines: Sequence[DocumentLine]
    tax_rows: Sequence[TaxRow]
    subtotal: Money
    tax_total: Money
    total: Money
    amount_paid: Money
    balance_due: Money
    terms_text: str = ""
    period_start: date | None = None
    period_end: date | None = None
    reference: str | None = None
    purchase_order: str | None = None
    payment_reference: str | None = None
    notes: str = ""
    legal_notes: Sequence[str] = ()
    prices_include_tax: bool = False
    rounding_mode_text: str | None = None
    related_number: str | None = None
    status_watermark: str | None = None

    def __post_init__(self) -> None:
        if self.kind not in ("invoice", "credit_note"):
            raise ValueError(f"kind must be 'invoice' or 'credit_note', not {self.kind!r}")
        _freeze(self, "lines")
        _freeze(self, "tax_rows")
        _freeze(self, "legal_notes")

    @property
    def currency(self) -> str:
        return self.total.currency


class OverdueItem(NamedTuple):
    """An unpaid invoice listed on a reminder."""

    number: str
    issue_date: date
    due_date: date
    days_overdue: int
    balance: Money


class Fee(NamedTuple):
    """A charge added by a reminder (late fee, statutory interest)."""

    label: str
    amount: Money


@dataclass(frozen=True, slots=True)
class ReminderDocument:
    """A payment reminder at one dunning stage; ``total_due`` is computed upstream."""

    company: CompanyBlock
    client: PartyBlock
    date: date
    stage_title: str
    body_paragraphs: Sequence[str]
    overdue_items: Sequence[OverdueItem]
    fees: Sequence[Fee]
    total_due: Money
    payment_reference: str | None = None

    def __post_init__(self) -> None:
        _freeze(self, "body_paragraphs")
        _freeze(self, "overdue_items", OverdueItem)
        _freeze(self, "fees", Fee)


class StatementEntry(NamedTuple):
    """One movement on a client's account; ``kind`` is e.g. "Invoice", "Payment"."""

    date: date
    kind: str
    description: str
    debit: Money | None
    credit: Money | None
    running_balance: Money


class AgingBucket(NamedTuple):
    """Open balance by age, e.g. ("1–30 days", Money)."""

    label: str
    amount: Money


@dataclass(frozen=True, slots=True)
class StatementDocument:
    """A client's account statement over a period."""

    company: CompanyBlock
    client: PartyBlock
    period_start: date
    period_end: date
    opening_balance: Money
    entries: Sequence[StatementEntry]
    closing_balance: Money
    aging: Sequence[AgingBucket] = field(default=())

    def __post_init__(self) -> None:
        _freeze(self, "entries", StatementEntry)
        _freeze(self, "aging", AgingBucket)


@dataclass(frozen=True, slots=True)
class Branding:
    """How the business wants its documents to look.

    ``logo_path`` overrides the company's logo when set.  ``locale`` decides
    how numbers, money and dates are written (``de_DE`` → ``1.234,50 €``).
    """

    accent_hex: str = "#1F4E79"
    font_family: str = "DejaVu Sans"
    template: TemplateName = "classic"
    paper: PaperName = "A4"
    footer_text: str = ""
    locale: str = "en_IE"
    logo_path: str | None = None

    def __post_init__(self) -> None:
        if not _HEX_COLOUR.match(self.accent_hex or ""):
            raise ValueError(f"accent colour must look like #1F4E79, not {self.accent_hex!r}")
        if self.template not in TEMPLATES:
            raise ValueError(
                f"template must be one of {', '.join(TEMPLATES)}, not {self.template!r}"
            )
        if self.paper not in PAPERS:
            raise ValueError(f"paper must be one of {', '.join(PAPERS)}, not {self.paper!r}")
