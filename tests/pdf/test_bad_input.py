"""Awkward or broken input: the document still renders, or is refused clearly."""

from __future__ import annotations

import io
import re
from dataclasses import replace
from decimal import Decimal
from pathlib import Path

import pytest
from PIL import Image
from pypdf import PdfReader

from app.core.documents import Branding, DocumentLine
from app.core.money import Money
from app.pdf import render_invoice
from app.pdf.errors import DocumentError

from .handmade import all_text, client, company, pages_text, three_line_invoice


def _images(pdf: bytes) -> list[Image.Image]:
    return [image.image for page in PdfReader(io.BytesIO(pdf)).pages for image in page.images]


def test_a_good_logo_is_embedded_without_loss(tmp_path: Path) -> None:
    source = Image.new("RGBA", (120, 40), (31, 78, 121, 255))
    for x in range(60, 120):
        for y in range(40):
            source.putpixel((x, y), (255, 255, 255, 0))  # transparent right half
    path = tmp_path / "logo.png"
    source.save(path)
    warnings: list[str] = []
    pdf = render_invoice(three_line_invoice(company=company(str(path))), Branding(), warnings)
    assert warnings == []
    (embedded,) = _images(pdf)
    assert embedded.size == (120, 40)
    assert embedded.convert("RGBA").getpixel((10, 10)) == (31, 78, 121, 255)
    assert embedded.convert("RGBA").getpixel((100, 10))[3] == 0


def test_a_missing_logo_renders_without_it_and_warns(tmp_path: Path) -> None:
    warnings: list[str] = []
    doc = three_line_invoice(company=company(str(tmp_path / "gone.png")))
    pdf = render_invoice(doc, Branding(), warnings)
    assert _images(pdf) == []
    assert len(warnings) == 1 and "not found" in warnings[0] and "gone.png" in warnings[0]
    assert "Balance due" in all_text(pdf)


def test_a_corrupt_logo_renders_without_it_and_warns(tmp_path: Path) -> None:
    broken = tmp_path / "logo.png"
    broken.write_bytes(b"\x89PNG\r\n\x1a\n this is not really a picture")
    warnings: list[str] = []
    pdf = render_invoice(three_line_invoice(), Branding(logo_path=str(broken)), warnings)
    assert _images(pdf) == []
    assert len(warnings) == 1 and "not a readable image" in warnings[0]


def test_a_logo_warning_is_logged_when_no_list_is_given(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    render_invoice(three_line_invoice(), Branding(logo_path=str(tmp_path / "none.png")))
    assert "none.png not found" in caplog.text


def _words(count: int, prefix: str = "w") -> str:
    return " ".join(f"{prefix}{index:04d}" for index in range(count))


def test_a_2000_character_description_wraps_and_is_kept_whole() -> None:
    description = _words(400)  # 400 words × 5 characters = 2,399 characters with spaces
    assert len(description) >= 2000
    doc = three_line_invoice()
    doc = replace(doc, lines=[replace(doc.lines[0], description=description), *doc.lines[1:]])
    text = all_text(render_invoice(doc, Branding()))
    assert re.findall(r"w\d{4}", text) == description.split()


def test_a_description_taller_than_a_page_is_split_over_pages() -> None:
    description = _words(3000)  # 3,000 words: more lines than one page holds
    doc = three_line_invoice()
    doc = replace(doc, lines=[replace(doc.lines[0], description=description), *doc.lines[1:]])
    pages = pages_text(render_invoice(doc, Branding()))
    assert len(pages) >= 3
    assert re.findall(r"w\d{4}", "\n".join(pages)) == description.split()
    assert "Balance due\n€1,528.42" in "\n".join(pages)


def test_a_word_longer_than_the_column_is_broken_not_lost() -> None:
    url = "https://example.com/" + "x" * 300
    doc = three_line_invoice()
    doc = replace(doc, lines=[replace(doc.lines[0], description=url), *doc.lines[1:]])
    text = all_text(render_invoice(doc, Branding()))
    assert url in text.replace("\n", "")


def test_a_40_character_client_name_stays_on_one_line() -> None:
    name = "Przedsiębiorstwo Handlowo-Usługowe WWWWW"
    assert len(name) == 40
    for template in ("classic", "modern"):
        text = all_text(
            render_invoice(three_line_invoice(client=client(name)), Branding(template=template))
        )
        assert name in text.splitlines()


def test_text_with_markup_characters_is_printed_literally() -> None:
    doc = three_line_invoice(client=client('Smith & <Sons> "Ltd"'), notes="5 < 6 & 7 > 3")
    text = all_text(render_invoice(doc, Branding()))
    assert 'Smith & <Sons> "Ltd"' in text
    assert "5 < 6 & 7 > 3" in text


def test_an_invoice_without_lines_is_refused() -> None:
    with pytest.raises(DocumentError, match="INV-2024-0042 has no lines"):
        render_invoice(three_line_invoice(lines=[]), Branding())


def test_an_unnumbered_invoice_is_refused() -> None:
    with pytest.raises(DocumentError, match="no number"):
        render_invoice(three_line_invoice(number="  "), Branding())


def test_mixed_currencies_are_refused() -> None:
    doc = three_line_invoice()
    usd_line = replace(doc.lines[0], line_total=Money.of("1200", "USD"))
    with pytest.raises(DocumentError, match=r"mixes currencies.*EUR.*USD"):
        render_invoice(replace(doc, lines=[usd_line, *doc.lines[1:]]), Branding())


def test_an_unknown_font_family_is_refused() -> None:
    with pytest.raises(DocumentError, match="font family 'Comic Sans' is not available"):
        render_invoice(three_line_invoice(), Branding(font_family="Comic Sans"))


def test_a_broken_payment_link_template_warns_and_omits_the_link() -> None:
    doc = three_line_invoice(company=replace(company(), payment_link_template="https://p/{iban}"))
    warnings: list[str] = []
    text = all_text(render_invoice(doc, Branding(), warnings))
    assert "Pay online" not in text
    assert len(warnings) == 1 and "payment link template" in warnings[0]


def test_invisible_direction_marks_do_not_print_as_boxes() -> None:
    doc = three_line_invoice(client=client("\u200fCorrib\u200e Foods"))
    assert "Corrib Foods" in all_text(render_invoice(doc, Branding()))


def test_many_tax_rates_and_odd_quantities() -> None:
    # 0.333 kg × €9.00 = 2.997 → €3.00 as computed upstream; shown as given.
    line = DocumentLine(
        "Saffron",
        Decimal("0.333"),
        "kg",
        Money.of("9", "EUR"),
        Decimal("0"),
        Money.of("3.00", "EUR"),
        "VAT",
    )
    doc = three_line_invoice()
    text = all_text(render_invoice(replace(doc, lines=[*doc.lines, line]), Branding()))
    assert "0.333 kg" in text and "0%" in text


def test_a_block_taller_than_a_page_is_refused_clearly() -> None:
    # Terms text must stay beside the other facts; 400 sentences cannot fit a page.
    with pytest.raises(DocumentError, match="taller than a page"):
        render_invoice(three_line_invoice(terms_text="Net 30 days. " * 400), Branding())


def test_very_long_notes_flow_onto_further_pages() -> None:
    notes = " ".join(f"n{index:04d}" for index in range(3000))
    pages = pages_text(render_invoice(three_line_invoice(notes=notes), Branding()))
    assert len(pages) >= 2
    assert re.findall(r"n\d{4}", "\n".join(pages)) == notes.split()
