"""Issued invoices are archived as PDFs once; the same invoice always renders the same bytes."""

from __future__ import annotations

import hashlib
from datetime import date
from decimal import Decimal as D
from io import BytesIO
from typing import Any

from pypdf import PdfReader

from app.core.invoice_math import LineInput
from app.core.invoices import InvoiceDraft
from app.services import invoicing
from app.services.pdf_archive import pdf_path, preview_bytes, render_pending
from app.services.verify import verify
from tests.services.billing_fixtures import client


def text_of(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(BytesIO(data)).pages)


def test_a_manual_issue_archives_the_pdf_with_its_hash(ctx: Any) -> None:
    c = client(ctx, name="Łódź Widgets sp. z o.o.")
    d = invoicing.create_draft(
        ctx,
        InvoiceDraft(
            c.id, date(2026, 3, 2), (LineInput("Consulting day", D(2), D("650.00"), D(23)),)
        ),
    )
    invoicing.issue_invoices(ctx, [d.row.id])
    path = pdf_path(ctx, d.row.id)
    data = path.read_bytes()
    detail = invoicing.get_detail(ctx, d.row.id)
    text = text_of(data)
    # 2 × 650.00 = 1,300.00; 23 % = 299.00; total 1,599.00.
    for expected in (
        "INV-2026-00001",
        "Łódź Widgets",
        "1,300.00",
        "299.00",
        "1,599.00",
        detail.creditor_reference[:4],
    ):
        assert expected in text, expected
    assert verify(ctx).ok


def test_rendering_the_same_invoice_again_gives_identical_bytes(ctx: Any) -> None:
    c = client(ctx)
    d = invoicing.create_draft(
        ctx, InvoiceDraft(c.id, date(2026, 3, 2), (LineInput("x", D(1), D("10.00")),))
    )
    invoicing.issue_invoices(ctx, [d.row.id])
    stored = pdf_path(ctx, d.row.id).read_bytes()
    with ctx.uow() as uow:  # forget the archive and render it again
        from app.db import models as m

        row = uow.session.get(m.Invoice, d.row.id)
        row.pdf_sha256 = ""
        uow.commit()
    assert render_pending(ctx, workers=0).rendered == 1
    again = pdf_path(ctx, d.row.id).read_bytes()
    assert hashlib.sha256(again).hexdigest() == hashlib.sha256(stored).hexdigest()


def test_a_changed_stored_pdf_fails_verify(ctx: Any) -> None:
    c = client(ctx)
    d = invoicing.create_draft(
        ctx, InvoiceDraft(c.id, date(2026, 3, 2), (LineInput("x", D(1), D("10.00")),))
    )
    invoicing.issue_invoices(ctx, [d.row.id])
    path = pdf_path(ctx, d.row.id)
    path.write_bytes(path.read_bytes() + b"%tampered\n")
    report = verify(ctx)
    assert not report.ok
    assert "changed after issue" in report.pdfs[0]


def test_a_draft_preview_is_watermarked_and_not_archived(ctx: Any) -> None:
    c = client(ctx)
    d = invoicing.create_draft(
        ctx, InvoiceDraft(c.id, date(2026, 3, 2), (LineInput("x", D(1), D("10.00")),))
    )
    text = text_of(preview_bytes(ctx, d.row.id))
    assert "DRAFT" in text
    assert invoicing.get_detail(ctx, d.row.id).pdf_path == ""
