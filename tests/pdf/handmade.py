"""Documents built by hand for the PDF tests, with totals worked out in comments.

Nothing here is computed by the code under test: every figure is written out
and its arithmetic explained, so a test failing means the PDF shows
something other than what a person would expect.
"""

from __future__ import annotations

import io
from dataclasses import replace
from datetime import date
from decimal import Decimal

from pypdf import PdfReader

from app.core.documents import (
    CompanyBlock,
    DocumentLine,
    InvoiceDocument,
    PartyBlock,
    TaxRow,
)
from app.core.money import Money

D = Decimal


def eur(text: str) -> Money:
    return Money(D(text), "EUR")


def company(logo_path: str | None = None) -> CompanyBlock:
    return CompanyBlock(
        name="Harbour Lights Consulting Ltd",
        address_lines=("3 Quay Street", "Galway H91 X2Y3", "Ireland"),
        tax_id="IE9876543W",
        registration="CRO 701234",
        email="billing@harbourlights.example",
        phone="+353 91 555 010",
        website="harbourlights.example",
        logo_path=logo_path,
        iban="IE29AIBK93115212345678",
        bic="AIBKIE2D",
        bank_name="Example Bank",
        payment_link_template="https://pay.example/{number}?ref={reference}&amount={amount}",
    )


def client(name: str = "Corrib Foods Ltd") -> PartyBlock:
    return PartyBlock(
        name=name,
        address_lines=("Unit 7, Business Park", "Oranmore, Co. Galway"),
        tax_id="IE1234567T",
        email="ap@corribfoods.example",
        contact="Aoife Byrne",
    )


def three_line_invoice(**changes: object) -> InvoiceDocument:
    """An EUR invoice with two VAT rates, a discount and a part payment.

    Line 1: 10 h × 120.00 = 1,200.00 at 20 %
    Line 2: 2 × 249.50 = 499.00, less 10 % (49.90) = 449.10 at 20 %
    Line 3: 3 × 15.00 = 45.00 at 10 %
    VAT 20 % on 1,200.00 + 449.10 = 1,649.10 → 329.82
    VAT 10 % on 45.00 → 4.50
    Subtotal 1,200.00 + 449.10 + 45.00 = 1,694.10
    Tax total 329.82 + 4.50 = 334.32
    Total 1,694.10 + 334.32 = 2,028.42
    Paid 500.00, balance due 2,028.42 − 500.00 = 1,528.42
    """
    doc = InvoiceDocument(
        kind="invoice",
        number="INV-2024-0042",
        issue_date=date(2024, 5, 2),
        due_date=date(2024, 6, 1),
        terms_text="Net 30",
        period_start=date(2024, 4, 1),
        period_end=date(2024, 4, 30),
        reference="Project Lighthouse",
        purchase_order="PO-5521",
        company=company(),
        client=client(),
        lines=[
            DocumentLine(
                "Consulting services", D("10"), "h", eur("120.00"), D("20"), eur("1200.00"), "VAT"
            ),
            DocumentLine(
                "Software licence",
                D("2"),
                "pcs",
                eur("249.50"),
                D("20"),
                eur("449.10"),
                "VAT",
                discount_percent=D("10"),
            ),
            DocumentLine(
                "Printed manuals", D("3"), "pcs", eur("15.00"), D("10"), eur("45.00"), "VAT"
            ),
        ],
        tax_rows=[
            TaxRow("VAT", D("20"), eur("1649.10"), eur("329.82")),
            TaxRow("VAT", D("10"), eur("45.00"), eur("4.50")),
        ],
        subtotal=eur("1694.10"),
        tax_total=eur("334.32"),
        total=eur("2028.42"),
        amount_paid=eur("500.00"),
        balance_due=eur("1528.42"),
        payment_reference="RF18539007547034",
        notes="Thank you for your business.",
        legal_notes=("Late payments accrue interest under the Late Payments Directive.",),
    )
    return replace(doc, **changes) if changes else doc


def numbered_lines_invoice(count: int, description_prefix: str = "Item") -> InvoiceDocument:
    """``count`` lines; line i is 1 × €i.00 at 20 % VAT.

    Subtotal = 1 + 2 + … + n = n(n+1)/2 euros; for n = 200 that is 20,100.00,
    VAT 20 % = 4,020.00, total 24,120.00, nothing paid, balance 24,120.00.
    """
    lines = [
        DocumentLine(
            f"{description_prefix} {i:03d}",
            D("1"),
            "pcs",
            eur(f"{i}.00"),
            D("20"),
            eur(f"{i}.00"),
            "VAT",
        )
        for i in range(1, count + 1)
    ]
    subtotal = D(count * (count + 1) // 2)
    tax = subtotal * D("0.2")
    return InvoiceDocument(
        kind="invoice",
        number=f"INV-LONG-{count}",
        issue_date=date(2024, 5, 2),
        due_date=date(2024, 6, 1),
        company=company(),
        client=client(),
        lines=lines,
        tax_rows=[TaxRow("VAT", D("20"), eur(f"{subtotal}.00"), eur(f"{tax:.2f}"))],
        subtotal=eur(f"{subtotal}.00"),
        tax_total=eur(f"{tax:.2f}"),
        total=eur(f"{subtotal + tax:.2f}"),
        amount_paid=eur("0.00"),
        balance_due=eur(f"{subtotal + tax:.2f}"),
        payment_reference="RF18539007547034",
    )


def pages_text(pdf: bytes) -> list[str]:
    """Text of each page, with no-break spaces written as plain spaces."""
    reader = PdfReader(io.BytesIO(pdf))
    return [
        (page.extract_text() or "").replace("\u00a0", " ").replace("\u202f", " ")
        for page in reader.pages
    ]


def all_text(pdf: bytes) -> str:
    return "\n".join(pages_text(pdf))
