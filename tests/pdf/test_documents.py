"""The document records: immutable, tolerant of plain tuples, strict about branding."""

from __future__ import annotations

import sys
from dataclasses import FrozenInstanceError, replace
from pathlib import Path

import pytest

from app.core.documents import Branding
from app.resources import resource_path

from .handmade import three_line_invoice


def test_documents_are_immutable_and_hashable() -> None:
    doc = three_line_invoice()
    with pytest.raises(FrozenInstanceError):
        doc.number = "X"  # type: ignore[misc]
    assert isinstance(doc.lines, tuple)
    assert hash(doc) == hash(three_line_invoice())
    assert doc.currency == "EUR"


def test_a_document_kind_must_be_invoice_or_credit_note() -> None:
    with pytest.raises(ValueError, match="kind must be 'invoice' or 'credit_note'"):
        replace(three_line_invoice(), kind="receipt")  # type: ignore[arg-type]


def test_a_string_is_not_taken_for_a_list_of_lines() -> None:
    with pytest.raises(TypeError, match="lines must be a sequence"):
        replace(three_line_invoice(), lines="one line")


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"accent_hex": "blue"}, "accent colour"),
        ({"accent_hex": "#12345"}, "accent colour"),
        ({"template": "fancy"}, "template must be one of classic, modern"),
        ({"paper": "A5"}, "paper must be one of A4, Letter"),
    ],
)
def test_branding_refuses_values_it_cannot_draw(changes: dict, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        Branding(**changes)


def test_branding_defaults() -> None:
    branding = Branding()
    assert (
        branding.accent_hex,
        branding.font_family,
        branding.template,
        branding.paper,
        branding.locale,
    ) == ("#1F4E79", "DejaVu Sans", "classic", "A4", "en_IE")


def test_bundled_files_are_found_from_the_source_tree() -> None:
    fonts = resource_path("fonts")
    assert (fonts / "DejaVuSans.ttf").is_file()
    assert (fonts / "DejaVuSans-Bold.ttf").is_file()
    assert (fonts / "DejaVu-LICENSE.txt").is_file()
    assert fonts == Path(__file__).resolve().parents[2] / "resources" / "fonts"


def test_bundled_files_are_found_inside_a_frozen_build(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(sys, "_MEIPASS", str(tmp_path), raising=False)
    assert resource_path("fonts", "DejaVuSans.ttf") == tmp_path / "resources" / "fonts" / (
        "DejaVuSans.ttf"
    )
