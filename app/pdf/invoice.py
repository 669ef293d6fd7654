"""Invoices and credit notes as PDF.

The renderer shows the figures it is given and never recomputes them: a
wrong total is a bug in the invoice arithmetic, not something to paper over
here.  It does refuse documents that cannot make sense on paper (no lines,
mixed currencies) with a DocumentError naming the problem.
"""

from __future__ import annotations

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, Spacer

from app.core.documents import Branding, InvoiceDocument
from app.formatting import format_date
from app.pdf.blocks import document_head, plain, section
from app.pdf.errors import DocumentError
from app.pdf.fingerprint import fingerprint
from app.pdf.furniture import footer_lines, require_one_currency, require_parties
from app.pdf.labels import LABELS
from app.pdf.layout import PageFurniture, PdfInfo, build_pdf
from app.pdf.line_table import line_tables
from app.pdf.logo import load_logo
from app.pdf.payment import payment_block
from app.pdf.theme import Theme, theme_for
from app.pdf.totals import summary_block


def _check(doc: InvoiceDocument) -> None:
    if not doc.number or not doc.number.strip():
        raise DocumentError("the document has no number; number it before rendering")
    what = f"{LABELS[doc.kind].lower()} {doc.number}"
    if not doc.lines:
        raise DocumentError(f"{what} has no lines; a document must list at least one item")
    require_parties(what, doc.company, doc.client)
    figures = [doc.subtotal, doc.tax_total, doc.amount_paid, doc.balance_due]
    for line in doc.lines:
        figures += [line.unit_price, line.line_total]
    for row in doc.tax_rows:
        figures += [row.base, row.tax]
    require_one_currency(what, doc.total.currency, figures)


def _facts(doc: InvoiceDocument, theme: Theme) -> list[tuple[str, str]]:
    locale = theme.locale
    facts = [
        (LABELS["number_" + doc.kind], doc.number),
        (LABELS["issue_date"], format_date(doc.issue_date, locale)),
    ]
    if doc.kind == "credit_note" and doc.related_number:
        facts.append((LABELS["corrects"], doc.related_number))
    if doc.due_date and doc.kind == "invoice":
        facts.append((LABELS["due_date"], format_date(doc.due_date, locale)))
    if doc.terms_text:
        facts.append((LABELS["terms"], doc.terms_text))
    if doc.period_start and doc.period_end:
        period = (
            f"{format_date(doc.period_start, locale, 'short')} – "
            f"{format_date(doc.period_end, locale, 'short')}"
        )
        facts.append((LABELS["period"], period))
    if doc.purchase_order:
        facts.append((LABELS["purchase_order"], doc.purchase_order))
    if doc.reference:
        facts.append((LABELS["reference"], doc.reference))
    return facts


def _notes(doc: InvoiceDocument, theme: Theme) -> list[Flowable]:
    paragraphs = [part.strip() for part in doc.notes.split("\n\n") if part.strip()]
    if not paragraphs:
        return []
    notes: list[Flowable] = [section(LABELS["notes"], theme)]
    return notes + [plain(part, theme, "notes", after=3) for part in paragraphs]


def _legal(doc: InvoiceDocument, theme: Theme) -> list[Flowable]:
    small = [LABELS["prices_include_tax"]] if doc.prices_include_tax else []
    if doc.rounding_mode_text:
        small.append(doc.rounding_mode_text)
    legal = [text for text in (*doc.legal_notes, " ".join(small)) if text.strip()]
    if not legal:
        return []
    return [Spacer(1, 6 * mm)] + [plain(text, theme, "legal", after=1) for text in legal]


def _after_totals(doc: InvoiceDocument, theme: Theme) -> list[Flowable]:
    notes = _notes(doc, theme)
    blocks: list[Flowable] = [Spacer(1, 7 * mm), *notes] if notes else []
    return blocks + _legal(doc, theme)


def invoice_story(
    doc: InvoiceDocument, theme: Theme, branding: Branding, warnings: list[str]
) -> list[Flowable]:
    logo = load_logo(branding.logo_path or doc.company.logo_path, warnings)
    title = LABELS[doc.kind]
    caption = LABELS["credit_to"] if doc.kind == "credit_note" else LABELS["bill_to"]
    story: list[Flowable] = []
    story += document_head(theme, doc.company, logo, title, doc.client, caption, _facts(doc, theme))
    story.append(plain(LABELS["amounts_in"].format(currency=doc.currency), theme, "small", "right"))
    story.append(Spacer(1, 1.5 * mm))
    body, tail = line_tables(doc, theme)
    if body is not None:
        story.append(body)
    payment = payment_block(doc, theme, warnings)
    story.append(KeepTogether([tail, summary_block(doc, theme, payment)]))
    story += _after_totals(doc, theme)
    return story


def render_invoice(
    doc: InvoiceDocument, branding: Branding, warnings: list[str] | None = None
) -> bytes:
    """The PDF of an invoice or credit note, byte-identical for the same input.

    Problems that do not stop the document (a missing logo, a broken payment
    link template) are logged and appended to ``warnings`` when a list is
    given.  Raises DocumentError for a document that cannot be rendered.
    """
    _check(doc)
    collected: list[str] = [] if warnings is None else warnings
    theme = theme_for(branding)
    story = invoice_story(doc, theme, branding, collected)
    title = f"{LABELS[doc.kind]} {doc.number}"
    furniture = PageFurniture(
        owner=doc.company.name,
        running_title=title,
        footer_lines=footer_lines(doc.company, branding),
        watermark=doc.status_watermark,
    )
    info = PdfInfo(
        title=title,
        author=doc.company.name,
        subject=f"{title} – {doc.client.name}",
        keywords=doc.number,
        created=doc.issue_date,
        fingerprint=fingerprint(doc, branding),
    )
    return build_pdf(story, theme, furniture, info)


def render_credit_note(
    doc: InvoiceDocument, branding: Branding, warnings: list[str] | None = None
) -> bytes:
    """The PDF of a credit note (an InvoiceDocument of kind ``credit_note``)."""
    if doc.kind != "credit_note":
        raise DocumentError(f"document {doc.number} is an {doc.kind}, not a credit note")
    return render_invoice(doc, branding, warnings)
