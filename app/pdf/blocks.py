"""Building blocks every document kind shares: letterhead, parties, key facts.

Blocks are placed with Columns and text drawn with TextBlock (see those
modules for why not Table and Paragraph).
"""

from __future__ import annotations

from collections.abc import Sequence

from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Flowable, Spacer

from app.core.documents import CompanyBlock, PartyBlock
from app.pdf.columns import Columns, Pairs
from app.pdf.labels import LABELS
from app.pdf.logo import LoadedLogo, LogoFlowable
from app.pdf.text import fitting_size
from app.pdf.textblock import TextBlock, TextStyle
from app.pdf.theme import RULE, Theme


def section(title: str, theme: Theme) -> TextBlock:
    """A small capitalised caption that stays with the block below it."""
    return TextBlock([(title.upper(), theme.text("section"))], space_after=2, keep_with_next=True)


def _joined(parts: Sequence[str | None], separator: str = " · ") -> str:
    return separator.join(part for part in parts if part)


def company_details(company: CompanyBlock, theme: Theme, align: str) -> TextBlock:
    """Company name, address, identifiers and contacts as printed in the letterhead."""
    address = theme.text("address")
    pieces: list[tuple[str, TextStyle]] = [(company.name, theme.text("company"))]
    lines = [
        ", ".join(line.strip() for line in company.address_lines if line.strip()),
        _joined(
            [
                f"{LABELS['tax_id']} {company.tax_id}" if company.tax_id else None,
                f"{LABELS['registration']} {company.registration}"
                if company.registration
                else None,
            ]
        ),
        _joined([company.email, company.phone, company.website]),
    ]
    pieces += [(line, address) for line in lines if line]
    return TextBlock(pieces, align=align)


def party_block(party: PartyBlock, theme: Theme, caption: str, width: float) -> list[Flowable]:
    """The client's block: caption, name (shrunk to fit rather than broken), address."""
    name_style = theme.text("party")
    size = fitting_size(party.name, name_style.font, name_style.size, 8.5, width)
    if size != name_style.size:
        name_style = TextStyle(name_style.font, size, size * 1.3, name_style.colour)
    detail = theme.text("party_detail")
    details = [line for line in party.address_lines if line]
    if party.contact:
        details.insert(0, f"{LABELS['contact']} {party.contact}")
    if party.tax_id:
        details.append(f"{LABELS['tax_id']} {party.tax_id}")
    if party.email:
        details.append(party.email)
    pieces = [(party.name, name_style), *((line, detail) for line in details)]
    return [section(caption, theme), TextBlock(pieces)]


def facts_list(facts: Sequence[tuple[str, str]], theme: Theme, width: float) -> Pairs:
    """Label/value pairs such as number, dates and terms; values right-aligned.

    The label column is as wide as the longest label, so values get the rest
    and wrap (rather than overflow) only when they really are too long.
    """
    label_style = theme.text("fact_label")
    widest = max(stringWidth(label, label_style.font, label_style.size) for label, _v in facts)
    label_width = min(widest + 4 * mm, width * 0.5)
    value_style = theme.text("fact_value")
    return Pairs([(label, value, value_style) for label, value in facts], label_style, label_width)


def _letterhead(theme: Theme, company: CompanyBlock, logo: LoadedLogo | None) -> Columns:
    """Logo on the left, the business's name and details right-aligned."""
    width = theme.frame_width
    left: list[Flowable] = []
    if logo is not None:
        left = [LogoFlowable(logo, max_width=60 * mm, max_height=17 * mm)]
    return Columns(
        [left, [company_details(company, theme, align="right")]],
        [width * 0.38, width * 0.62],
        valign="middle" if theme.modern else "top",
    )


def _title(text: str, theme: Theme, align: str, width: float) -> TextBlock:
    """The document title on one line, a little smaller if it is long."""
    style = theme.text("title")
    size = fitting_size(text, style.font, style.size, 14, width)
    if size != style.size:
        style = TextStyle(style.font, size, size * 1.2, style.colour)
    return TextBlock([(text, style)], align=align)


def document_head(
    theme: Theme,
    company: CompanyBlock,
    logo: LoadedLogo | None,
    title: str,
    party: PartyBlock,
    caption: str,
    facts: Sequence[tuple[str, str]],
) -> list[Flowable]:
    """The top of page 1: who sends what to whom, and the document's key facts.

    ``facts[0]`` identifies the document (its number, date or period).
    Classic: letterhead, then the client on the left and the title above all
    the facts on the right, between hairlines.  Modern: letterhead, a title
    line with the identifying fact set large on the right, then the client
    and the remaining facts in a tinted panel.
    """
    width = theme.frame_width
    gap = 10 * mm
    inset = 5 * mm if theme.modern else 0
    facts_width = 74 * mm
    party_width = width - facts_width - gap - 2 * inset
    head: list[Flowable] = [_letterhead(theme, company, logo)]
    party_column = party_block(party, theme, caption, party_width)
    if theme.modern:
        title_width = width * 0.6
        identity = TextBlock([(facts[0][1], theme.text("title_number"))], align="right")
        title_row = Columns(
            [[_title(title, theme, "left", title_width)], [identity]],
            [title_width, width - title_width],
            valign="bottom",
        )
        head += [Spacer(1, 6 * mm), title_row, Spacer(1, 3 * mm)]
        right: list[Flowable] = [facts_list(facts[1:], theme, facts_width)] if facts[1:] else []
        panel = Columns(
            [party_column, right],
            [party_width + gap, facts_width],
            padding=(4 * mm, inset, 4 * mm, inset),
            background=theme.accent_tint,
        )
    else:
        head += [Spacer(1, 5 * mm)]
        right = [
            _title(title, theme, "right", facts_width),
            Spacer(1, 2.5 * mm),
            facts_list(facts, theme, facts_width),
        ]
        panel = Columns(
            [party_column, right],
            [party_width + gap, facts_width],
            padding=(4 * mm, 0, 4 * mm, 0),
            rules=RULE,
        )
    return [*head, panel, Spacer(1, 6 * mm)]


def plain(text: str, theme: Theme, style: str, align: str = "left", after: float = 0) -> TextBlock:
    """One block of plain text in a named style."""
    return TextBlock([(text, theme.text(style))], align=align, space_after=after)
