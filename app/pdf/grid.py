"""Data tables for reminders and statements, styled like the invoice lines.

Same header treatment, row separators and right-aligned figures as the
invoice table, so every document of a business reads as one family; and
like the invoice table, the last rows stay with whatever closes the
document (aging summary, payment details) instead of leaving it alone on a
page.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from reportlab.platypus import Flowable, KeepTogether, Table, TableStyle

from app.pdf.table_tail import TableTail
from app.pdf.theme import INK, MUTED, RULE, Theme

# A row command: (name, first column, last column, *arguments), e.g. ("SPAN", 0, 3).
RowCommand = tuple
TAIL_ROWS = 2


def _style(
    theme: Theme,
    first: int,
    count: int,
    total: int,
    with_header: bool,
    first_figure_column: int,
    strong_rows: Sequence[int],
    row_commands: Mapping[int, Sequence[RowCommand]],
) -> TableStyle:
    """Style for the rows ``first``..``first + count - 1`` of a grid of ``total`` rows."""
    offset = 1 if with_header else 0
    commands: list[tuple] = [
        ("FONT", (0, offset), (-1, -1), theme.fonts.regular, 8.5, 11.2),
        ("TEXTCOLOR", (0, offset), (-1, -1), INK),
        ("ALIGN", (first_figure_column, 0), (-1, -1), "RIGHT"),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 4),
        ("RIGHTPADDING", (0, 0), (-1, -1), 4),
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
    for index in range(first, first + count):
        row = index - first + offset
        if theme.modern:
            if index % 2 == 1:
                commands.append(("BACKGROUND", (0, row), (-1, row), theme.zebra))
        elif index + 1 < total:
            commands.append(("LINEBELOW", (0, row), (-1, row), 0.4, RULE))
        if index in strong_rows:
            commands.append(("FONT", (0, row), (-1, row), theme.fonts.bold, 8.5, 11.2))
            if index > 0:
                commands.append(("LINEABOVE", (0, row), (-1, row), 0.6, MUTED))
        for name, first_column, last_column, *arguments in row_commands.get(index, ()):
            commands.append((name, (first_column, row), (last_column, row), *arguments))
    if first + count == total and count:
        closing = theme.accent if theme.modern else MUTED
        commands.append(("LINEBELOW", (0, -1), (-1, -1), 0.8, closing))
    return TableStyle(commands)


def grid(
    header: Sequence[str],
    rows: Sequence[Sequence[object]],
    widths: Sequence[float],
    theme: Theme,
    first_figure_column: int,
    strong_rows: Sequence[int] = (),
    row_commands: Mapping[int, Sequence[RowCommand]] | None = None,
    keep_with: Sequence[Flowable] = (),
) -> list[Flowable]:
    """The table, as flowables: a body that repeats its header on each page, and a
    tail of the last rows kept together with ``keep_with``.

    Columns from ``first_figure_column`` are right-aligned; ``strong_rows``
    (indexes into ``rows``) are bold with a rule above, for opening and
    closing balances; ``row_commands`` add style to single rows.
    """
    commands = row_commands or {}
    total = len(rows)
    cut = max(0, total - TAIL_ROWS)

    def table(first: int, count: int, with_header: bool) -> Table:
        data = ([list(header)] if with_header else []) + [
            list(row) for row in rows[first : first + count]
        ]
        built = Table(data, colWidths=list(widths), repeatRows=1 if with_header else 0)
        built.setStyle(
            _style(
                theme, first, count, total, with_header, first_figure_column, strong_rows, commands
            )
        )
        return built

    parts: list[Flowable] = []
    if cut:
        parts.append(table(0, cut, True))
        tail: Flowable = TableTail(table(cut, total - cut, True), table(cut, total - cut, False))
    else:
        tail = table(0, total, True)
    parts.append(KeepTogether([tail, *keep_with]))
    return parts
