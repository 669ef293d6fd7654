"""What a client reads on an invoice PDF: every figure, in their locale and script."""

from __future__ import annotations

import io
from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest
from pypdf import PdfReader

from app.core.documents import Branding, DocumentLine, PartyBlock, TaxRow
from app.core.money import Money
from app.pdf import render_credit_note, render_invoice
from app.pdf.errors import DocumentError

from .handmade import all_text, company, pages_text, three_line_invoice

D = Decimal


@pytest.mark.parametrize("template", ["classic", "modern"])
def test_every_figure_of_the_invoice_is_shown(template: str) -> None:
    text = all_text(render_invoice(three_line_invoice(), Branding(template=template)))
    # Lines as given (see three_line_invoice for the arithmetic).
    for figure in ("1,200.00", "449.10", "45.00", "120.00", "249.50", "15.00"):
        assert figure in text
    assert "10%" in text  # the discount on the licence line
    # Tax per rate with its base, then the totals, paid and balance due.
    assert "VAT 20% on €1,649.10" in text and "€329.82" in text
    assert "VAT 10% on €45.00" in text and "€4.50" in text
    assert "Subtotal\n€1,694.10" in text
    assert "Tax total\n€334.32" in text
    assert "Total\n€2,028.42" in text
    assert "Amount paid\n€500.00" in text
    assert "Balance due\n€1,528.42" in text


def test_header_facts_parties_and_payment_instructions() -> None:
    text = all_text(render_invoice(three_line_invoice(), Branding()))
    for expected in (
        "Harbour Lights Consulting Ltd",
        "3 Quay Street, Galway H91 X2Y3, Ireland",
        "VAT no. IE9876543W · Reg. no. CRO 701234",
        "Corrib Foods Ltd",
        "Attn. Aoife Byrne",
        "VAT no. IE1234567T",
        "INV-2024-0042",
        "2 May 2024",  # issue date, medium style in en_IE
        "1 Jun 2024",  # due date
        "Net 30",
        "01/04/2024 – 30/04/2024",  # service period
        "PO-5521",
        "Project Lighthouse",
        # payment: amount and due date, IBAN and the RF reference in groups of four
        "Please pay €1,528.42 by 1 Jun 2024.",
        "IE29 AIBK 9311 5212 3456 78",
        "AIBKIE2D",
        "RF18 5390 0754 7034",
        "pay.example/INV-2024-0042",
        "Thank you for your business.",
        "Late payments accrue interest",
        "Page 1 of 1",
    ):
        assert expected in text, expected


def test_payment_link_is_clickable_with_the_full_url() -> None:
    pdf = render_invoice(three_line_invoice(), Branding())
    page = PdfReader(io.BytesIO(pdf)).pages[0]
    uris = [annot.get_object()["/A"]["/URI"] for annot in page.get("/Annots", [])]
    # {reference} is the compact RF code, {amount} the plain balance due.
    assert uris == ["https://pay.example/INV-2024-0042?ref=RF18539007547034&amount=1528.42"]


def test_german_locale_writes_german_numbers_and_dates() -> None:
    text = all_text(render_invoice(three_line_invoice(), Branding(locale="de_DE")))
    assert "Balance due\n1.528,42 €" in text
    assert "VAT 20 % on 1.649,10 €" in text
    assert "1.200,00" in text
    assert "02.05.2024" in text


def test_japanese_yen_invoice_has_no_decimals() -> None:
    # 3 × ¥1,500 = ¥4,500 at 10 % → ¥450; 1 × ¥12,345 at 8 % → 987.6 → ¥988 (half-up).
    # Subtotal 4,500 + 12,345 = 16,845; tax 450 + 988 = 1,438; total 18,283.
    def yen(amount: int) -> Money:
        return Money.of(amount, "JPY")

    doc = replace(
        three_line_invoice(),
        lines=[
            DocumentLine("Tea sets", D("3"), "pcs", yen(1500), D("10"), yen(4500), "JCT"),
            DocumentLine("Catering", D("1"), "", yen(12345), D("8"), yen(12345), "JCT"),
        ],
        tax_rows=[
            TaxRow("JCT", D("10"), yen(4500), yen(450)),
            TaxRow("JCT", D("8"), yen(12345), yen(988)),
        ],
        subtotal=yen(16845),
        tax_total=yen(1438),
        total=yen(18283),
        amount_paid=yen(0),
        balance_due=yen(18283),
    )
    text = all_text(render_invoice(doc, Branding(locale="ja_JP")))
    assert "¥16,845" in text
    assert "JCT 8% on ¥12,345" in text and "¥988" in text
    assert "Balance due\n¥18,283" in text
    assert "Amounts in JPY" in text
    assert "¥18,283.00" not in text


def test_names_in_five_scripts_are_embedded_and_extractable() -> None:
    client = PartyBlock(
        name="Αθήνα Ξενοδοχεία Α.Ε.",
        address_lines=(
            "Москва, Тверская 7",
            "Երևան 0010",
            "თბილისი, რუსთაველი 12",
            "İstanbul Şişli, Büyükdere Cd. ğ",
            "Łódź, ul. Piotrkowska 104",
        ),
    )
    doc = replace(
        three_line_invoice(client=client),
        lines=[
            replace(
                three_line_invoice().lines[0],
                description="Fees quoted as £, ¥ and ₹ converted to €",
            )
        ],
    )
    pdf = render_invoice(doc, Branding(template="modern"))
    text = all_text(pdf)
    for name in (
        "Αθήνα Ξενοδοχεία Α.Ε.",
        "Москва, Тверская 7",
        "Երևան 0010",
        "თბილისი, რუსთაველი 12",
        "İstanbul Şişli, Büyükdere Cd. ğ",
        "Łódź, ul. Piotrkowska 104",
        "£, ¥ and ₹ converted to €",
    ):
        assert name in text, name
    fonts = set()
    for page in PdfReader(io.BytesIO(pdf)).pages:
        for font in page["/Resources"]["/Font"].values():
            descriptor = font.get_object().get("/FontDescriptor")
            fonts.add(
                (
                    str(font.get_object()["/BaseFont"]),
                    descriptor is not None and "/FontFile2" in descriptor.get_object(),
                )
            )
    # Only subsets of the shipped TrueType family, each embedded (no base-14 Helvetica).
    assert fonts and all("DejaVuSans" in name and embedded for name, embedded in fonts)


def test_credit_note_says_what_it_corrects_and_credits() -> None:
    doc = replace(
        three_line_invoice(),
        kind="credit_note",
        number="CN-2024-0003",
        related_number="INV-2024-0042",
        due_date=None,
    )
    text = all_text(render_credit_note(doc, Branding()))
    assert "Credit note" in text
    assert "Corrects invoice" in text and "INV-2024-0042" in text
    assert "This credit note corrects invoice INV-2024-0042." in text
    assert "Total credit\n€2,028.42" in text
    assert "Credit remaining\n€1,528.42" in text
    assert "Please pay" not in text


def test_render_credit_note_refuses_an_invoice() -> None:
    with pytest.raises(DocumentError, match="not a credit note"):
        render_credit_note(three_line_invoice(), Branding())


def test_fully_paid_invoice_thanks_instead_of_asking() -> None:
    doc = three_line_invoice(
        amount_paid=Money.of("2028.42", "EUR"), balance_due=Money.of("0", "EUR")
    )
    text = all_text(render_invoice(doc, Branding()))
    assert "Paid in full. Thank you." in text
    assert "Balance due\n€0.00" in text
    assert "Please pay" not in text


def test_prices_including_tax_are_labelled() -> None:
    text = all_text(
        render_invoice(
            three_line_invoice(prices_include_tax=True, rounding_mode_text="Rounded per line."),
            Branding(),
        )
    )
    assert "Amount incl. tax" in text
    assert "Total excl. tax\n€1,694.10" in text
    assert "Prices include tax. Rounded per line." in text


def test_void_watermark_is_printed_on_every_page() -> None:
    pages = pages_text(render_invoice(three_line_invoice(status_watermark="VOID"), Branding()))
    assert all("VOID" in page for page in pages)


@pytest.mark.parametrize(("paper", "size"), [("A4", (595, 842)), ("Letter", (612, 792))])
def test_paper_size(paper: str, size: tuple[int, int]) -> None:
    pdf = render_invoice(three_line_invoice(), Branding(paper=paper))
    box = PdfReader(io.BytesIO(pdf)).pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == size


def test_accent_colour_is_used() -> None:
    # #C0392B is (192, 57, 43)/255 = 0.752941 0.223529 0.168627 as a PDF fill colour.
    pdf = render_invoice(three_line_invoice(), Branding(accent_hex="#C0392B"))
    content = PdfReader(io.BytesIO(pdf)).pages[0].get_contents().get_data()
    assert b".752941 .223529 .168627 rg" in content


def test_branding_footer_text_replaces_the_default_footer() -> None:
    text = all_text(
        render_invoice(
            three_line_invoice(), Branding(footer_text="Registered in Ireland no. 701234")
        )
    )
    assert "Registered in Ireland no. 701234" in text


def test_metadata_names_the_document() -> None:
    info = PdfReader(io.BytesIO(render_invoice(three_line_invoice(), Branding()))).metadata
    assert info.title == "Invoice INV-2024-0042"
    assert info.author == "Harbour Lights Consulting Ltd"
    assert info.subject == "Invoice INV-2024-0042 – Corrib Foods Ltd"
    # The creation date is the issue date, not the moment of rendering.
    assert info["/CreationDate"].startswith("D:20240502")


def test_documents_without_a_company_iban_skip_bank_rows() -> None:
    doc = three_line_invoice(
        company=replace(company(), iban=None, bic=None, bank_name=None, payment_link_template=None)
    )
    text = all_text(render_invoice(doc, Branding()))
    assert "IBAN" not in text and "Pay online" not in text
    assert "RF18 5390 0754 7034" in text


def test_leap_day_issue_date() -> None:
    text = all_text(render_invoice(three_line_invoice(issue_date=date(2024, 2, 29)), Branding()))
    assert "29 Feb 2024" in text


def test_the_renderer_shows_figures_as_given_never_recomputed() -> None:
    # A (deliberately) inconsistent total is printed as given: one rounding engine upstream.
    doc = three_line_invoice(total=Money.of("9999.99", "EUR"))
    assert "Total\n€9,999.99" in all_text(render_invoice(doc, Branding()))


def test_modern_and_classic_differ_visibly() -> None:
    classic = render_invoice(three_line_invoice(), Branding(template="classic"))
    modern = render_invoice(three_line_invoice(), Branding(template="modern"))
    assert classic != modern
    # Modern fills the table header and the balance bar with the accent colour:
    # #1F4E79 = (31, 78, 121)/255 = .121569 .305882 .47451.
    content = PdfReader(io.BytesIO(modern)).pages[0].get_contents().get_data()
    assert content.count(b".121569 .305882 .47451 rg") >= 2
