"""Demonstration documents for template previews, documentation and benchmarks.

The branding settings page previews a template with these, the documentation
pictures are rendered from them and the benchmark times them.  Their figures
are worked out here with plain Money arithmetic (net per line, tax per rate
rounded half-up), which is enough for demo data; real documents get their
figures from the invoice arithmetic.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta
from decimal import Decimal

from app.core.documents import (
    AgingBucket,
    CompanyBlock,
    DocumentLine,
    Fee,
    InvoiceDocument,
    OverdueItem,
    PartyBlock,
    ReminderDocument,
    StatementDocument,
    StatementEntry,
    TaxRow,
)
from app.core.money import Money, sum_money
from app.resources import resource_path

_ITEMS = [
    (
        "Brand strategy workshop (half day), incl. preparation and written summary",
        "8",
        "h",
        "95.00",
        None,
    ),
    ("Monthly design retainer", "1", "month", "1450.00", None),
    (
        "Illustration set for the spring campaign: 12 spot illustrations, two rounds of revisions",
        "12",
        "pcs",
        "85.00",
        "10",
    ),
    ("Web hosting, Business plan", "3", "months", "29.90", None),
    ("Printed brochures A5, 16 pages, 500 copies", "500", "pcs", "1.32", "5"),
    ("Stock photography licences", "6", "pcs", "12.50", None),
    ("Copywriting: product pages", "7.5", "h", "78.00", None),
    ("Travel to client site (Cork)", "1", "trip", "146.40", None),
]
_RATES = [
    Decimal("23"),
    Decimal("23"),
    Decimal("13.5"),
    Decimal("23"),
    Decimal("13.5"),
    Decimal("23"),
    Decimal("23"),
    Decimal("13.5"),
]


def sample_company(logo: bool = True) -> CompanyBlock:
    return CompanyBlock(
        name="Northwind Studio Ltd",
        address_lines=("14 Fitzwilliam Square", "Dublin 2, D02 X285", "Ireland"),
        tax_id="IE3456789KH",
        registration="CRO 612345",
        email="accounts@northwind.example",
        phone="+353 1 555 0142",
        website="northwind.example",
        logo_path=str(resource_path("images", "sample-logo.png")) if logo else None,
        iban="IE64IRCE92050112345678",
        bic="IRCEIE2D",
        bank_name="Example Bank Ireland",
        payment_link_template="https://pay.northwind.example/i/{number}?amount={amount}",
    )


def sample_client() -> PartyBlock:
    return PartyBlock(
        name="Łódź Ceramika Sp. z o.o.",
        address_lines=("ul. Piotrkowska 104", "90-006 Łódź", "Poland"),
        tax_id="PL7251234567",
        email="ksiegowosc@lodzceramika.example",
        contact="Zofia Wiśniewska",
    )


def _line(index: int, currency: str, start: date) -> DocumentLine:
    description, quantity, unit, price, discount = _ITEMS[index % len(_ITEMS)]
    if index >= len(_ITEMS):
        description = f"{description} (batch {index // len(_ITEMS) + 1})"
    qty = Decimal(quantity)
    unit_price = Money.of(Decimal(price), currency)
    gross = qty * unit_price.amount
    if discount:
        gross = gross * (100 - Decimal(discount)) / 100
    period_end = start + timedelta(days=30) if unit.startswith("month") else None
    return DocumentLine(
        description=description,
        quantity=qty,
        unit=unit,
        unit_price=unit_price,
        discount_percent=Decimal(discount) if discount else None,
        tax_rate=_RATES[index % len(_RATES)],
        tax_label="VAT",
        line_total=Money.of(gross, currency),
        period_start=start if period_end else None,
        period_end=period_end,
    )


def sample_invoice(
    line_count: int = 8,
    currency: str = "EUR",
    kind: str = "invoice",
    paid_share: Decimal = Decimal("0"),
    watermark: str | None = None,
    logo: bool = True,
) -> InvoiceDocument:
    """An invoice (or credit note) for a design studio's client, ``line_count`` lines."""
    issue = date(2024, 3, 1)
    lines = [_line(index, currency, issue) for index in range(line_count)]
    bases: dict[Decimal, list[Money]] = defaultdict(list)
    for line in lines:
        bases[line.tax_rate].append(line.line_total)
    tax_rows = []
    for rate in sorted(bases, reverse=True):
        base = sum_money(bases[rate], currency)
        tax_rows.append(TaxRow("VAT", rate, base, base.times(rate / 100)))
    subtotal = sum_money((line.line_total for line in lines), currency)
    tax_total = sum_money((row.tax for row in tax_rows), currency)
    total = subtotal + tax_total
    paid = total.times(paid_share)
    credit = kind == "credit_note"
    return InvoiceDocument(
        kind="credit_note" if credit else "invoice",
        number="CN-2024-0007" if credit else "INV-2024-0142",
        issue_date=issue,
        due_date=None if credit else issue + timedelta(days=30),
        terms_text="" if credit else "Net 30 days",
        period_start=date(2024, 3, 1),
        period_end=date(2024, 3, 31),
        purchase_order="PO-88213",
        reference="Spring campaign",
        company=sample_company(logo),
        client=sample_client(),
        lines=lines,
        tax_rows=tax_rows,
        subtotal=subtotal,
        tax_total=tax_total,
        total=total,
        amount_paid=paid,
        balance_due=total - paid,
        payment_reference=None if credit else "RF71 4300 0000 0142",
        notes=(
            "Thank you for your business. Questions about this invoice? "
            "Write to accounts@northwind.example and quote the invoice number."
        ),
        legal_notes=(
            "Reverse charge: VAT to be accounted for by the recipient "
            "(Article 196, Council Directive 2006/112/EC).",
        )
        if not credit
        else (),
        related_number="INV-2024-0142" if credit else None,
        status_watermark=watermark,
        rounding_mode_text="Tax is calculated per rate on the invoice total, rounded half-up.",
    )


def sample_reminder(currency: str = "EUR") -> ReminderDocument:
    fee = Money.of(Decimal("40.00"), currency)
    items = [
        OverdueItem(
            "INV-2024-0098",
            date(2024, 1, 15),
            date(2024, 2, 14),
            31,
            Money.of(Decimal("1845.00"), currency),
        ),
        OverdueItem(
            "INV-2024-0117",
            date(2024, 2, 1),
            date(2024, 3, 2),
            14,
            Money.of(Decimal("612.40"), currency),
        ),
    ]
    total = sum_money((item.balance for item in items), currency) + fee
    return ReminderDocument(
        company=sample_company(),
        client=sample_client(),
        date=date(2024, 3, 16),
        stage_title="Second reminder",
        body_paragraphs=(
            "Dear Ms Wiśniewska,",
            "According to our records the invoices below are still unpaid, although "
            "their due dates have passed. Perhaps this has been overlooked.",
            "Please transfer the total now due within 10 days. If you have already "
            "paid, please accept our thanks and disregard this letter.",
            "Kind regards,\nNorthwind Studio accounts team",
        ),
        overdue_items=items,
        fees=[Fee("Late payment compensation (EU Directive 2011/7/EU)", fee)],
        total_due=total,
        payment_reference="RF71 4300 0000 0098",
    )


def sample_statement(currency: str = "EUR") -> StatementDocument:
    def m(text: str) -> Money:
        return Money.of(Decimal(text), currency)

    rows = [
        (date(2024, 1, 15), "Invoice", "INV-2024-0098", m("1845.00"), None),
        (date(2024, 1, 22), "Payment", "Bank transfer, thank you", None, m("1200.00")),
        (date(2024, 2, 1), "Invoice", "INV-2024-0117", m("612.40"), None),
        (
            date(2024, 2, 12),
            "Credit note",
            "CN-2024-0004 (corrects INV-2024-0098)",
            None,
            m("150.00"),
        ),
        (date(2024, 3, 1), "Invoice", "INV-2024-0142", m("3528.33"), None),
    ]
    balance = m("420.00")
    opening = balance
    entries = []
    for day, kind, text, debit, credit in rows:
        balance = balance + (debit or m("0")) - (credit or m("0"))
        entries.append(StatementEntry(day, kind, text, debit, credit, balance))
    return StatementDocument(
        company=sample_company(),
        client=sample_client(),
        period_start=date(2024, 1, 1),
        period_end=date(2024, 3, 31),
        opening_balance=opening,
        entries=entries,
        closing_balance=balance,
        aging=[
            AgingBucket("Current", m("3528.33")),
            AgingBucket("1–30 days", m("612.40")),
            AgingBucket("31–60 days", m("915.00")),
            AgingBucket("Over 60 days", m("0.00")),
        ],
    )
