"""The table of billed lines, which may run over many pages.

Three layout rules a reader notices:

* the column header is repeated at the top of every page;
* a description longer than a page (or just very long) is cut into several
  table rows, because ReportLab cannot split one row and would otherwise
  refuse the whole document; only the first row of a line carries figures;
* the last rows of the table travel with the totals (see table_tail.py), so
  the totals never open a page on their own.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Table, TableStyle

from app.core.documents import DocumentLine, InvoiceDocument
from app.formatting import format_amount, format_date, format_percent, format_quantity
from app.pdf.labels import LABELS
from app.pdf.table_tail import TableTail
from app.pdf.text import printable
from app.pdf.textblock import TextBlock, TextStyle, wrap_text
from app.pdf.theme import INK, MUTED, RULE, Theme

LINES_PER_ROW = 20  # a description row never grows beyond this many text lines
TAIL_ROWS = 2
_PAD = 4.0
_SHORT_DESCRIPTION = 400  # characters; shorter texts cannot exceed LINES_PER_ROW lines


@dataclass(frozen=True)
class LineColumns:
    headers: list[str]
    widths: list[float]
    with_discount: bool


def columns(doc: InvoiceDocument, theme: Theme) -> LineColumns:
    with_discount = any(line.discount_percent for line in doc.lines)
    amount = LABELS["amount_incl_tax"] if doc.prices_include_tax else LABELS["amount"]
    figures = [
        (LABELS["quantity"], 22 * mm),
        (LABELS["unit_price"], 25 * mm),
        *([(LABELS["discount"], 14 * mm)] if with_discount else []),
        (LABELS["tax"], 14 * mm),
        (amount, 28 * mm),
    ]
    description = theme.frame_width - sum(width for _label, width in figures)
    return LineColumns(
        headers=[LABELS["description"], *(label for label, _width in figures)],
        widths=[description, *(width for _label, width in figures)],
        with_discount=with_discount,
    )


def _description_chunks(line: DocumentLine, theme: Theme, width: float) -> list[str]:
    """The description as one or more row texts of at most LINES_PER_ROW lines."""
    text = printable(line.description)
    if len(text) <= _SHORT_DESCRIPTION and text.count("\n") < LINES_PER_ROW // 2:
        return [text]
    style = theme.text("cell")
    wrapped = wrap_text(text, style.font, style.size, width)
    return [
        "\n".join(wrapped[start : start + LINES_PER_ROW])
        for start in range(0, max(len(wrapped), 1), LINES_PER_ROW)
    ]


def _period(line: DocumentLine, locale: str) -> str:
    if line.period_start and line.period_end:
        return f"{format_date(line.period_start, locale)} – {format_date(line.period_end, locale)}"
    if line.period_start:
        return format_date(line.period_start, locale)
    return ""


def _plain_cell(text: str, style: TextStyle, width: float) -> str:
    """Text for a table cell, pre-wrapped: the table draws plain strings fastest."""
    if "\n" not in text and stringWidth(text, style.font, style.size) <= width:
        return text
    return "\n".join(wrap_text(text, style.font, style.size, width))


@dataclass
class LineRows:
    rows: list[list[object]]
    owner: list[int]  # for each row, the index of the document line it belongs to


def line_rows(doc: InvoiceDocument, theme: Theme, cols: LineColumns) -> LineRows:
    locale = theme.locale
    cell = theme.text("cell")
    note = theme.text("cell_note")
    text_width = cols.widths[0] - 2 * _PAD
    rows: list[list[object]] = []
    owner: list[int] = []
    for index, line in enumerate(doc.lines):
        chunks = _description_chunks(line, theme, text_width)
        period = _period(line, locale)
        first: str | TextBlock
        if period:
            first = TextBlock([(chunks[0], cell), (period, note)])
        else:
            first = _plain_cell(chunks[0], cell, text_width)
        quantity = format_quantity(line.quantity, locale)
        if line.unit:
            quantity = f"{quantity} {printable(line.unit)}"
        figures = [quantity, format_amount(line.unit_price, locale)]
        if cols.with_discount:
            figures.append(
                format_percent(line.discount_percent, locale) if line.discount_percent else ""
            )
        figures.append(format_percent(line.tax_rate, locale))
        figures.append(format_amount(line.line_total, locale))
        rows.append([first, *figures])
        owner.append(index)
        blank = [""] * len(figures)
        for chunk in chunks[1:]:
            rows.append([_plain_cell(chunk, cell, text_width), *blank])
            owner.append(index)
    return LineRows(rows, owner)


def _style(
    theme: Theme, owner: Sequence[int], with_header: bool, last_row_closes: bool
) -> TableStyle:
    offset = 1 if with_header else 0
    cell = theme.text("cell")
    commands: list[tuple] = [
        ("FONT", (0, offset), (-1, -1), cell.font, cell.size, cell.leading),
        ("TEXTCOLOR", (0, 0), (-1, -1), INK),
        ("ALIGN", (1, 0), (-1, -1), "RIGHT"),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), _PAD),
        ("RIGHTPADDING", (0, 0), (-1, -1), _PAD),
        ("TOPPADDING", (0, offset), (-1, -1), 4.5),
        ("BOTTOMPADDING", (0, offset), (-1, -1), 4.5),
    ]
    if with_header:
        commands += [
            ("FONT", (0, 0), (-1, 0), theme.fonts.bold, 7.5, 9),
            ("TEXTCOLOR", (0, 0), (-1, 0), theme.header_text),
            ("TOPPADDING", (0, 0), (-1, 0), 5),
            ("BOTTOMPADDING", (0, 0), (-1, 0), 5),
        ]
        if theme.header_fill is not None:
            commands.append(("BACKGROUND", (0, 0), (-1, 0), theme.header_fill))
        else:
            commands.append(("LINEBELOW", (0, 0), (-1, 0), 1.0, theme.accent))
    one_row_per_line = len(set(owner)) == len(owner)
    if one_row_per_line and owner:
        if theme.modern:
            shades = [None, theme.zebra] if owner[0] % 2 == 0 else [theme.zebra, None]
            commands.append(("ROWBACKGROUNDS", (0, offset), (-1, -1), shades))
        else:
            last = -2 if last_row_closes else -1
            if len(owner) > 1 or not last_row_closes:
                commands.append(("LINEBELOW", (0, offset), (-1, last), 0.4, RULE))
    for position, line_index in enumerate(owner):
        if one_row_per_line:
            break
        row = position + offset
        last_of_line = position + 1 == len(owner) or owner[position + 1] != line_index
        if theme.modern:
            if line_index % 2 == 1:
                commands.append(("BACKGROUND", (0, row), (-1, row), theme.zebra))
        elif last_of_line and (position + 1 < len(owner) or not last_row_closes):
            commands.append(("LINEBELOW", (0, row), (-1, row), 0.4, RULE))
        if not last_of_line:
            commands.append(("BOTTOMPADDING", (0, row), (-1, row), 0))
        if position > 0 and owner[position - 1] == line_index:
            commands.append(("TOPPADDING", (0, row), (-1, row), 0))
    if last_row_closes and owner:
        commands.append(
            ("LINEBELOW", (0, -1), (-1, -1), 0.8, theme.accent if theme.modern else MUTED)
        )
    return TableStyle(commands)


def _table(
    header: list[str] | None,
    rows: list[list[object]],
    owner: Sequence[int],
    cols: LineColumns,
    theme: Theme,
    last_row_closes: bool,
) -> Table:
    data = ([header] if header else []) + rows
    table = Table(data, colWidths=cols.widths, repeatRows=1 if header else 0)
    table.setStyle(_style(theme, owner, header is not None, last_row_closes))
    return table


def line_tables(doc: InvoiceDocument, theme: Theme) -> tuple[Table | None, TableTail]:
    """The body table (may be None for short invoices) and the tail kept with the totals."""
    cols = columns(doc, theme)
    built = line_rows(doc, theme, cols)
    rows, owner = built.rows, built.owner
    header = cols.headers
    cut = max(0, len(rows) - TAIL_ROWS)
    body = _table(header, rows[:cut], owner[:cut], cols, theme, False) if cut else None
    tail_rows, tail_owner = rows[cut:], owner[cut:]
    headed = _table(header, tail_rows, tail_owner, cols, theme, True)
    bare = _table(None, tail_rows, tail_owner, cols, theme, True) if body is not None else None
    return body, TableTail(headed, bare)
