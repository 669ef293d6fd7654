"""Payment reminders as PDF: a letter, the overdue invoices, fees and what to pay.

The total now due is computed by the dunning policy; this renderer prints
it as given, next to the balances and fees it is made of.
"""

from __future__ import annotations

from reportlab.lib.colors import white
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Spacer

from app.core.documents import Branding, ReminderDocument
from app.formatting import format_amount, format_date, format_money
from app.pdf.blocks import document_head, plain, section
from app.pdf.errors import DocumentError
from app.pdf.fingerprint import fingerprint
from app.pdf.furniture import footer_lines, require_one_currency, require_parties
from app.pdf.grid import grid
from app.pdf.labels import LABELS
from app.pdf.layout import PageFurniture, PdfInfo, build_pdf
from app.pdf.logo import load_logo
from app.pdf.payment import bank_details
from app.pdf.text import in_groups_of_four
from app.pdf.textblock import TextBlock
from app.pdf.theme import Theme, theme_for


def _check(doc: ReminderDocument) -> None:
    what = f"reminder of {doc.date.isoformat()}"
    require_parties(what, doc.company, doc.client)
    if not doc.overdue_items:
        raise DocumentError(f"{what} lists no overdue invoice; there is nothing to remind of")
    figures = [item.balance for item in doc.overdue_items]
    figures += [fee.amount for fee in doc.fees]
    require_one_currency(what, doc.total_due.currency, figures)


def _items_table(doc: ReminderDocument, theme: Theme, keep_with: list[Flowable]) -> list[Flowable]:
    locale = theme.locale
    header = [
        LABELS["number_invoice"],
        LABELS["issue_date"],
        LABELS["due_date"],
        LABELS["days_overdue"],
        LABELS["open_balance"],
    ]
    rows: list[list[object]] = [
        [
            item.number,
            format_date(item.issue_date, locale),
            format_date(item.due_date, locale),
            str(item.days_overdue),
            format_amount(item.balance, locale),
        ]
        for item in doc.overdue_items
    ]
    first_extra = len(rows)
    cell = theme.text("cell")
    for fee in doc.fees:
        rows.append([TextBlock([(fee.label, cell)]), "", "", "", format_amount(fee.amount, locale)])
    rows.append([LABELS["total_due"], "", "", "", format_money(doc.total_due, locale)])
    last = len(rows) - 1
    commands: dict[int, list[tuple]] = {
        index: [("SPAN", 0, 3)] for index in range(first_extra, last + 1)
    }
    commands[last] += [
        ("FONT", 0, -1, theme.fonts.bold, 10, 13),
        ("TOPPADDING", 0, -1, 6),
        ("BOTTOMPADDING", 0, -1, 6),
    ]
    if theme.modern:
        commands[last] += [("BACKGROUND", 0, -1, theme.accent), ("TEXTCOLOR", 0, -1, white)]
    else:
        commands[last] += [
            ("TEXTCOLOR", 0, -1, theme.accent),
            ("LINEABOVE", 0, -1, 1.0, theme.accent),
        ]
    widths = [40 * mm, 28 * mm, 28 * mm, 26 * mm]
    widths.append(theme.frame_width - sum(widths))
    return grid(
        header,
        rows,
        widths,
        theme,
        first_figure_column=3,
        row_commands=commands,
        keep_with=keep_with,
    )


def reminder_story(
    doc: ReminderDocument, theme: Theme, branding: Branding, warnings: list[str]
) -> list[Flowable]:
    locale = theme.locale
    logo = load_logo(branding.logo_path or doc.company.logo_path, warnings)
    story: list[Flowable] = []
    facts = [(LABELS["date"], format_date(doc.date, locale))]
    if doc.payment_reference:
        facts.append((LABELS["payment_reference"], in_groups_of_four(doc.payment_reference)))
    facts.append((LABELS["total_due"], format_money(doc.total_due, locale)))
    story += document_head(
        theme,
        doc.company,
        logo,
        doc.stage_title or LABELS["reminder"],
        doc.client,
        LABELS["customer"],
        facts,
    )
    story += [plain(text, theme, "letter", after=7) for text in doc.body_paragraphs if text.strip()]
    payment: list[Flowable] = []
    details = bank_details(doc.company, doc.payment_reference, theme)
    if details is not None:
        payment += [Spacer(1, 8 * mm), section(LABELS["payment"], theme), details]
        if doc.payment_reference:
            payment += [Spacer(1, 1.5 * mm), plain(LABELS["quote_reference"], theme, "small")]
    story += [Spacer(1, 5 * mm), section(LABELS["overdue_items"], theme)]
    story += _items_table(doc, theme, payment)
    return story


def render_reminder(
    doc: ReminderDocument, branding: Branding, warnings: list[str] | None = None
) -> bytes:
    """The PDF of a payment reminder; deterministic, warnings as for invoices."""
    _check(doc)
    collected: list[str] = [] if warnings is None else warnings
    theme = theme_for(branding)
    story = reminder_story(doc, theme, branding, collected)
    title = f"{doc.stage_title or LABELS['reminder']} – {doc.client.name}"
    furniture = PageFurniture(
        owner=doc.company.name,
        running_title=f"{doc.stage_title or LABELS['reminder']} {format_date(doc.date, theme.locale)}",
        footer_lines=footer_lines(doc.company, branding),
    )
    info = PdfInfo(
        title=title,
        author=doc.company.name,
        subject=f"{title} – {doc.date.isoformat()}",
        created=doc.date,
        fingerprint=fingerprint(doc, branding),
    )
    return build_pdf(story, theme, furniture, info)
