"""Issued documents as PDFs: built from the stored invoice, archived once, verified by hash.

An invoice's PDF shows it as issued (nothing paid yet): the document is frozen
with the invoice, so re-rendering it later gives the same bytes and ``verify``
can compare every stored file with the SHA-256 kept at issue.  A single issue
renders inline; a bill run's invoices are rendered afterwards in a batch on
every core (``render_pending``).
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.core.documents import (
    Branding,
    CompanyBlock,
    DocumentLine,
    InvoiceDocument,
    PartyBlock,
    TaxRow,
)
from app.core.invoice_math import TAX_LABELS, TaxCategory
from app.core.money import Money
from app.db import models as m
from app.services import settings as settings_service
from app.services.context import AppContext
from app.services.errors import InvariantError, NotFoundError
from app.services.invoice_store import IssuedInvoice

INLINE_LIMIT = 5  # issuing more than this at once leaves rendering to the batch


def company_block(values: dict[str, Any]) -> CompanyBlock:
    return CompanyBlock(
        name=values["company.name"] or "Your company",
        address_lines=tuple(x for x in values["company.address"].splitlines() if x.strip()),
        tax_id=values["company.tax_id"] or None,
        registration=values["company.registration"] or None,
        email=values["company.email"] or None,
        phone=values["company.phone"] or None,
        website=values["company.website"] or None,
        logo_path=values["company.logo_path"] or None,
        iban=values["payment.iban"] or None,
        bic=values["payment.bic"] or None,
        bank_name=values["payment.bank_name"] or None,
        payment_link_template=values["payment.link_template"] or None,
    )


def branding(values: dict[str, Any]) -> Branding:
    return Branding(
        accent_hex=values["branding.accent"],
        template=values["branding.template"],
        paper=values["branding.paper"],
        footer_text=values["branding.footer"],
        locale=values["company.locale"],
        logo_path=values["company.logo_path"] or None,
    )


def party_block(client: m.Client) -> PartyBlock:
    city = " ".join(x for x in (client.postal_code, client.city) if x)
    lines = tuple(
        x
        for x in (client.address_line1, client.address_line2, city, client.region, client.country)
        if x
    )
    billing = next((c for c in client.contacts if c.is_billing), None)
    return PartyBlock(
        name=client.name,
        address_lines=lines,
        tax_id=client.tax_id or None,
        email=client.email or None,
        contact=billing.name if billing else None,
    )


def invoice_document(s: Session, row: m.Invoice, values: dict[str, Any]) -> InvoiceDocument:
    if not row.number:
        raise InvariantError("A draft has no number yet; issue it to get its PDF.")
    client = s.get(m.Client, row.client_id)
    assert client is not None
    cur = row.currency
    lines = [
        DocumentLine(
            description=ln.description,
            quantity=ln.quantity,
            unit=ln.unit,
            unit_price=Money.from_minor(ln.unit_price_minor, cur),
            tax_rate=ln.tax_rate,
            line_total=Money.from_minor(
                ln.total_minor if row.prices_include_tax else ln.net_minor, cur
            ),
            tax_label=_tax_label(ln.tax_category, ln.tax_rate),
            discount_percent=ln.discount_percent,
            period_start=ln.period_start,
            period_end=ln.period_end,
        )
        for ln in row.lines
    ]
    groups: dict[tuple[str, Any], list[int]] = {}
    for ln in row.lines:
        g = groups.setdefault((ln.tax_category, ln.tax_rate), [0, 0])
        g[0] += ln.net_minor
        g[1] += ln.tax_minor
    tax_rows = [
        TaxRow(_tax_label(cat, rate), rate, Money.from_minor(b, cur), Money.from_minor(t, cur))
        for (cat, rate), (b, t) in groups.items()
    ]
    related = s.get(m.Invoice, row.related_invoice_id) if row.related_invoice_id else None
    total = Money.from_minor(row.total_minor, cur)
    return InvoiceDocument(
        kind="credit_note" if row.kind == "credit_note" else "invoice",
        number=row.number,
        issue_date=row.issue_date,
        due_date=row.due_date,
        company=company_block(values),
        client=party_block(client),
        lines=lines,
        tax_rows=tax_rows,
        subtotal=Money.from_minor(row.subtotal_minor, cur),
        tax_total=Money.from_minor(row.tax_minor, cur),
        total=total,
        amount_paid=Money.zero(cur),
        balance_due=Money.zero(cur) if row.kind == "credit_note" else total,
        terms_text=row.terms_text,
        period_start=row.period_start,
        period_end=row.period_end,
        reference=row.reference or None,
        payment_reference=row.creditor_reference or None,
        notes=row.notes,
        legal_notes=tuple(x for x in row.legal_note.splitlines() if x),
        prices_include_tax=row.prices_include_tax,
        rounding_mode_text="Tax rounded per line."
        if row.rounding_mode == "line"
        else "Tax rounded on the total per rate.",
        related_number=related.number if related else None,
    )


def _tax_label(category: str, rate: Any) -> str:
    """The tax's name; the renderer prints the rate next to it."""
    return TAX_LABELS[TaxCategory(category)]


def _relative(ctx: AppContext, path: Path) -> str:
    return str(path.relative_to(ctx.home.root))


def _target_dir(ctx: AppContext, row: m.Invoice) -> Path:
    folder = ctx.home.pdfs / f"{row.issue_date.year}"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def archive(
    s: Session, ctx: AppContext, row: m.Invoice, values: dict[str, Any] | None = None
) -> str:
    """Render and store one issued document now; returns its SHA-256."""
    from app.pdf import render_credit_note, render_invoice
    from app.pdf.batch import file_name

    values = values or settings_service.get_all(s)
    doc = invoice_document(s, row, values)
    render = render_credit_note if doc.kind == "credit_note" else render_invoice
    data = render(doc, branding(values))
    target = _target_dir(ctx, row) / file_name(doc)
    partial = target.with_suffix(".pdf.part")
    partial.write_bytes(data)
    os.replace(partial, target)
    row.pdf_path = _relative(ctx, target)
    row.pdf_sha256 = hashlib.sha256(data).hexdigest()
    return row.pdf_sha256


def archive_issued(s: Session, ctx: AppContext, issued: list[IssuedInvoice]) -> None:
    if len(issued) > INLINE_LIMIT:
        return
    values = settings_service.get_all(s)
    for item in issued:
        row = s.get(m.Invoice, item.id)
        if row is not None and row.lines:
            archive(s, ctx, row, values)


@dataclass
class RenderResult:
    rendered: int = 0
    failed: list[str] | None = None
    cancelled: bool = False

    def as_dict(self) -> dict[str, Any]:
        return {"rendered": self.rendered, "failed": self.failed or [], "cancelled": self.cancelled}


def render_pending(
    ctx: AppContext,
    progress: Callable[[int, int, str], None] | None = None,
    cancel: Callable[[], bool] | None = None,
    workers: int = 2,
) -> RenderResult:
    """Archive every issued document that has no PDF yet, on all cores."""
    from app.pdf import render_batch

    with ctx.uow.read() as uow:
        s = uow.session
        values = settings_service.get_all(s)
        brand = branding(values)
        rows = list(
            s.execute(
                select(m.Invoice)
                .where(m.Invoice.number.is_not(None), m.Invoice.pdf_sha256 == "")
                .order_by(m.Invoice.id)
            ).scalars()
        )
        jobs_by_year: dict[int, list[tuple[int, InvoiceDocument]]] = {}
        for r in rows:
            if r.lines:
                jobs_by_year.setdefault(r.issue_date.year, []).append(
                    (r.id, invoice_document(s, r, values))
                )
    result = RenderResult(failed=[])
    total = sum(len(v) for v in jobs_by_year.values())
    done_before = 0
    for year, jobs in sorted(jobs_by_year.items()):
        out_dir = ctx.home.pdfs / str(year)
        out_dir.mkdir(parents=True, exist_ok=True)
        errors: list[str] = []

        def step(done: int, _total: int, base: int = done_before) -> None:
            if progress is not None:
                progress(base + done, total, "rendering PDFs")

        rendered = render_batch(
            [(doc, brand) for _, doc in jobs],
            out_dir,
            workers=workers,
            progress=step,
            cancel=cancel,
            errors=errors,
        )
        by_number = {r.number: r for r in rendered}
        with ctx.uow() as uow:
            for invoice_id, doc in jobs:
                hit = by_number.get(doc.number)
                if hit is None:
                    continue
                row = uow.session.get(m.Invoice, invoice_id)
                if row is not None and not row.pdf_sha256:
                    row.pdf_path = _relative(ctx, Path(hit.path))
                    row.pdf_sha256 = hit.sha256
                    result.rendered += 1
            uow.commit()
        result.failed.extend(errors)  # type: ignore[union-attr]
        done_before += len(jobs)
        if cancel is not None and cancel():
            result.cancelled = True
            break
    return result


def pdf_path(ctx: AppContext, invoice_id: int) -> Path:
    """The archived PDF of an issued document (rendered now if it is still pending)."""
    with ctx.uow() as uow:
        row = uow.session.get(m.Invoice, invoice_id)
        if row is None:
            raise NotFoundError(f"There is no invoice with id {invoice_id}.")
        if not row.pdf_sha256:
            archive(uow.session, ctx, row)
            uow.commit()
        path = ctx.home.root / row.pdf_path
    if not path.is_file():
        raise InvariantError(f"The stored PDF {path} is missing; run 'verify'.")
    return path


def preview_bytes(ctx: AppContext, invoice_id: int) -> bytes:
    """A PDF of any invoice as it stands (drafts get a DRAFT watermark), not archived."""
    from dataclasses import replace

    from app.pdf import render_credit_note, render_invoice

    with ctx.uow.read() as uow:
        s = uow.session
        row = s.get(m.Invoice, invoice_id)
        if row is None:
            raise NotFoundError(f"There is no invoice with id {invoice_id}.")
        values = settings_service.get_all(s)
        number = row.number
        if not number:
            row.number = f"DRAFT-{row.id}"
        doc = invoice_document(s, row, values)
        if not number:
            doc = replace(doc, status_watermark="DRAFT")
        s.rollback()
    render = render_credit_note if doc.kind == "credit_note" else render_invoice
    return render(doc, branding(values))
