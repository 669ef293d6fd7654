"""Invoices longer than a page: numbering, repeated headers, totals at the end only."""

from __future__ import annotations

import re

import pytest

from app.core.documents import Branding
from app.pdf import render_invoice

from .handmade import numbered_lines_invoice, pages_text


@pytest.fixture(scope="module", params=["classic", "modern"])
def two_hundred_lines(request: pytest.FixtureRequest) -> list[str]:
    pdf = render_invoice(numbered_lines_invoice(200), Branding(template=request.param))
    return pages_text(pdf)


def test_pages_are_numbered_page_x_of_y(two_hundred_lines: list[str]) -> None:
    pages = two_hundred_lines
    total = len(pages)
    # ~25 single-line rows fit a page, so 200 lines need several pages.
    assert total >= 5
    for number, text in enumerate(pages, start=1):
        assert f"Page {number} of {total}" in text


def test_column_header_is_repeated_on_every_page(two_hundred_lines: list[str]) -> None:
    for text in two_hundred_lines:
        assert "Description" in text and "Unit price" in text and "Amount" in text


def test_continuation_pages_say_whose_invoice_they_belong_to(
    two_hundred_lines: list[str],
) -> None:
    for text in two_hundred_lines[1:]:
        assert "Invoice INV-LONG-200 · continued" in text


def test_every_line_appears_once_and_in_order(two_hundred_lines: list[str]) -> None:
    found = re.findall(r"Item (\d{3})", "\n".join(two_hundred_lines))
    assert found == [f"{i:03d}" for i in range(1, 201)]


def test_totals_only_on_the_last_page_with_lines_above_them(
    two_hundred_lines: list[str],
) -> None:
    pages = two_hundred_lines
    # 1 + 2 + … + 200 = 200 × 201 / 2 = 20,100.00; VAT 20 % = 4,020.00; total 24,120.00.
    for text in pages[:-1]:
        assert "Balance due" not in text and "Subtotal" not in text
    last = pages[-1]
    assert "Subtotal\n€20,100.00" in last
    assert "VAT 20% on €20,100.00\n€4,020.00" in last
    assert "Total\n€24,120.00" in last
    assert "Balance due\n€24,120.00" in last
    assert "Item 200" in last  # the totals do not open a page on their own


@pytest.mark.parametrize("count", range(14, 40))
def test_totals_never_start_a_page_without_the_last_lines(count: int) -> None:
    # Whatever the line count, the page with the totals also holds the last line
    # and a column header, so the totals are never orphaned at the top of a page.
    pages = pages_text(render_invoice(numbered_lines_invoice(count), Branding()))
    with_totals = [text for text in pages if "Balance due" in text]
    assert len(with_totals) == 1
    assert f"Item {count:03d}" in with_totals[0]
    assert "Description" in with_totals[0]
