"""Statements of account as PDF: movements with a running balance, and aging.

Running balances and aging buckets come from the ledger; the renderer lists
them as given so the statement always agrees with the account.
"""

from __future__ import annotations

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Spacer, Table, TableStyle

from app.core.documents import Branding, StatementDocument
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
from app.pdf.textblock import TextBlock
from app.pdf.theme import INK, MUTED, RULE, Theme, theme_for


def _check(doc: StatementDocument) -> None:
    what = f"statement {doc.period_start.isoformat()}–{doc.period_end.isoformat()}"
    require_parties(what, doc.company, doc.client)
    if doc.period_end < doc.period_start:
        raise DocumentError(f"{what} ends before it starts")
    figures = [doc.opening_balance]
    for entry in doc.entries:
        figures += [entry.debit, entry.credit, entry.running_balance]
    figures += [bucket.amount for bucket in doc.aging]
    require_one_currency(what, doc.closing_balance.currency, figures)


def _period(doc: StatementDocument, locale: str) -> str:
    return f"{format_date(doc.period_start, locale)} – {format_date(doc.period_end, locale)}"


def _entries_table(
    doc: StatementDocument, theme: Theme, keep_with: list[Flowable]
) -> list[Flowable]:
    locale = theme.locale
    cell = theme.text("cell")
    header = [
        LABELS["date"],
        LABELS["type"],
        LABELS["details"],
        LABELS["debit"],
        LABELS["credit"],
        LABELS["balance"],
    ]
    rows: list[list[object]] = [
        [
            format_date(doc.period_start, locale),
            LABELS["opening_balance"],
            "",
            "",
            "",
            format_amount(doc.opening_balance, locale),
        ]
    ]
    for entry in doc.entries:
        rows.append(
            [
                format_date(entry.date, locale),
                entry.kind,
                TextBlock([(entry.description, cell)]),
                format_amount(entry.debit, locale) if entry.debit is not None else "",
                format_amount(entry.credit, locale) if entry.credit is not None else "",
                format_amount(entry.running_balance, locale),
            ]
        )
    if not doc.entries:
        rows.append(["", "", plain(LABELS["no_entries"], theme, "cell_note"), "", "", ""])
    rows.append(
        [
            format_date(doc.period_end, locale),
            LABELS["closing_balance"],
            "",
            "",
            "",
            format_amount(doc.closing_balance, locale),
        ]
    )
    widths = [24 * mm, 24 * mm, 0.0, 24 * mm, 24 * mm, 26 * mm]
    widths[2] = theme.frame_width - sum(widths)
    last = len(rows) - 1
    return grid(
        header,
        rows,
        widths,
        theme,
        first_figure_column=3,
        strong_rows=[0, last],
        row_commands={0: [("SPAN", 1, 2)], last: [("SPAN", 1, 2)]},
        keep_with=keep_with,
    )


def _aging_table(doc: StatementDocument, theme: Theme) -> list[Flowable]:
    """Open balance per age bucket, side by side."""
    if not doc.aging:
        return []
    locale = theme.locale
    labels = [bucket.label for bucket in doc.aging]
    amounts = [format_money(bucket.amount, locale) for bucket in doc.aging]
    width = theme.frame_width / len(doc.aging)
    table = Table([labels, amounts], colWidths=[width] * len(doc.aging))
    commands: list[tuple] = [
        ("FONT", (0, 0), (-1, 0), theme.fonts.bold, 7.5, 9),
        ("TEXTCOLOR", (0, 0), (-1, 0), MUTED),
        ("FONT", (0, 1), (-1, 1), theme.fonts.bold, 10, 13),
        ("TEXTCOLOR", (0, 1), (-1, 1), INK),
        ("ALIGN", (0, 0), (-1, -1), "CENTER"),
        ("TOPPADDING", (0, 0), (-1, -1), 5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 5),
        ("BOX", (0, 0), (-1, -1), 0.6, RULE),
        ("LINEBEFORE", (1, 0), (-1, -1), 0.6, RULE),
    ]
    if theme.modern:
        commands.append(("BACKGROUND", (0, 0), (-1, -1), theme.accent_tint))
    table.setStyle(TableStyle(commands))
    return [Spacer(1, 8 * mm), section(LABELS["aging"], theme), table]


def statement_story(
    doc: StatementDocument, theme: Theme, branding: Branding, warnings: list[str]
) -> list[Flowable]:
    locale = theme.locale
    logo = load_logo(branding.logo_path or doc.company.logo_path, warnings)
    story: list[Flowable] = []
    facts = [
        (LABELS["statement_period"], _period(doc, locale)),
        (LABELS["opening_balance"], format_money(doc.opening_balance, locale)),
        (LABELS["closing_balance"], format_money(doc.closing_balance, locale)),
    ]
    story += document_head(
        theme,
        doc.company,
        logo,
        LABELS["statement"],
        doc.client,
        LABELS["customer"],
        facts,
    )
    currency = doc.closing_balance.currency
    story.append(plain(LABELS["amounts_in"].format(currency=currency), theme, "small", "right"))
    closing = _aging_table(doc, theme)
    details = bank_details(doc.company, None, theme)
    if details is not None and doc.closing_balance.amount > 0:
        closing += [Spacer(1, 8 * mm), section(LABELS["payment"], theme), details]
    story.append(Spacer(1, 1.5 * mm))
    story += _entries_table(doc, theme, closing)
    return story


def render_statement(
    doc: StatementDocument, branding: Branding, warnings: list[str] | None = None
) -> bytes:
    """The PDF of a statement of account; deterministic, warnings as for invoices."""
    _check(doc)
    collected: list[str] = [] if warnings is None else warnings
    theme = theme_for(branding)
    story = statement_story(doc, theme, branding, collected)
    title = f"{LABELS['statement']} – {doc.client.name}"
    furniture = PageFurniture(
        owner=doc.company.name,
        running_title=f"{LABELS['statement']} {_period(doc, theme.locale)}",
        footer_lines=footer_lines(doc.company, branding),
    )
    info = PdfInfo(
        title=title,
        author=doc.company.name,
        subject=f"{title} – {doc.period_start.isoformat()} to {doc.period_end.isoformat()}",
        created=doc.period_end,
        fingerprint=fingerprint(doc, branding),
    )
    return build_pdf(story, theme, furniture, info)
