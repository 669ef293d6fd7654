"""The money summary under the lines: tax per rate, totals, what is still owed."""

from __future__ import annotations

from reportlab.lib.colors import white
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Flowable, Table, TableStyle

from app.core.documents import InvoiceDocument
from app.formatting import format_money, format_percent
from app.pdf.columns import Columns
from app.pdf.labels import LABELS
from app.pdf.text import printable
from app.pdf.textblock import TextBlock
from app.pdf.theme import INK, MUTED, RULE, Theme

TOTALS_WIDTH = 78 * mm


def _tax_label(label: str, rate_text: str) -> str:
    label = printable(label).strip()
    return f"{label} {rate_text}" if label else rate_text


def totals_table(doc: InvoiceDocument, theme: Theme) -> Table:
    """Subtotal, tax per rate (with its base), total, paid and the balance.

    Tax rows say what they were charged on ("VAT 23% on €2,959.70"), so the
    breakdown per rate needs no separate table.
    """
    locale = theme.locale
    credit = doc.kind == "credit_note"
    label_style = theme.text("total_label")
    label_width = TOTALS_WIDTH * 0.55 - 8
    subtotal_label = LABELS["subtotal_net"] if doc.prices_include_tax else LABELS["subtotal"]
    rows: list[list[object]] = [[subtotal_label, format_money(doc.subtotal, locale)]]
    for tax_row in doc.tax_rows:
        label = _tax_label(tax_row.label, format_percent(tax_row.rate, locale))
        label = LABELS["tax_on"].format(tax=label, base=format_money(tax_row.base, locale))
        fits = stringWidth(label, label_style.font, label_style.size) <= label_width
        cell = label if fits else TextBlock([(label, label_style)])
        rows.append([cell, format_money(tax_row.tax, locale)])
    if len(doc.tax_rows) != 1:
        rows.append([LABELS["tax_total"], format_money(doc.tax_total, locale)])
    total_row = len(rows)
    rows.append([LABELS["total_credit" if credit else "total"], format_money(doc.total, locale)])
    paid_label = LABELS["credit_applied" if credit else "amount_paid"]
    rows.append([paid_label, format_money(doc.amount_paid, locale)])
    balance_label = LABELS["credit_remaining" if credit else "balance_due"]
    rows.append([balance_label, format_money(doc.balance_due, locale)])
    balance_row = len(rows) - 1
    commands: list[tuple] = [
        ("FONT", (0, 0), (-1, -1), theme.fonts.regular, 8.5, 11),
        ("TEXTCOLOR", (0, 0), (0, -1), MUTED),
        ("TEXTCOLOR", (1, 0), (1, -1), INK),
        ("ALIGN", (1, 0), (1, -1), "RIGHT"),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 4),
        ("RIGHTPADDING", (0, 0), (-1, -1), 4),
        ("TOPPADDING", (0, 0), (-1, -1), 2.4),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2.4),
        ("FONT", (0, total_row), (-1, total_row), theme.fonts.bold, 9, 11),
        ("TEXTCOLOR", (0, total_row), (0, total_row), INK),
        ("LINEABOVE", (0, total_row), (-1, total_row), 0.6, RULE),
        ("TOPPADDING", (0, total_row), (-1, total_row), 4),
        ("FONT", (0, balance_row), (-1, balance_row), theme.fonts.bold, 11, 14),
        ("TOPPADDING", (0, balance_row), (-1, balance_row), 6),
        ("BOTTOMPADDING", (0, balance_row), (-1, balance_row), 6),
    ]
    if theme.modern:
        commands += [
            ("BACKGROUND", (0, balance_row), (-1, balance_row), theme.accent),
            ("TEXTCOLOR", (0, balance_row), (-1, balance_row), white),
        ]
    else:
        commands += [
            ("TEXTCOLOR", (0, balance_row), (-1, balance_row), theme.accent),
            ("LINEABOVE", (0, balance_row), (-1, balance_row), 1.2, theme.accent),
        ]
    table = Table(rows, colWidths=[TOTALS_WIDTH * 0.55, TOTALS_WIDTH * 0.45])
    table.setStyle(TableStyle(commands))
    return table


def summary_block(doc: InvoiceDocument, theme: Theme, beside: list[Flowable]) -> Columns:
    """``beside`` (payment instructions) on the left, the totals on the right."""
    gap = 8 * mm
    left_width = theme.frame_width - TOTALS_WIDTH - gap
    return Columns(
        [beside, [], [totals_table(doc, theme)]],
        [left_width, gap, TOTALS_WIDTH],
        padding=(5 * mm, 0, 0, 0),
    )
