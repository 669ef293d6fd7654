"""The schedule detail pane: terms, lines, pauses, changes and the next bill dates."""

from __future__ import annotations

import html
from decimal import Decimal

from app.core.clients import terms_text
from app.core.invoice_math import TAX_LABELS, TaxCategory
from app.core.money import Money
from app.core.schedules import Schedule
from app.services.schedules import PreviewItem
from app.ui.widgets.badges import SCHEDULE_COLOURS, SCHEDULE_LABELS, pill
from app.ui.widgets.figures import Figures

_TABLE = "width='100%' cellspacing='0' cellpadding='3'"
_HEAD = "style='color:#6b7480; border-bottom:1px solid #dfe3e8;'"


def _section(title: str) -> str:
    return (
        f"<p style='margin-top:14px; margin-bottom:4px; font-weight:600; color:#1c2b3a'>{title}</p>"
    )


def schedule_html(s: Schedule, upcoming: list[PreviewItem], fig: Figures) -> str:
    esc = html.escape
    d = s.data
    cur = s.currency
    status = pill(SCHEDULE_LABELS.get(s.status, s.status), SCHEDULE_COLOURS.get(s.status, "#666"))
    if d.terms_kind:
        terms = terms_text(d.terms_kind, d.terms_days or 0)
    else:
        terms = "The client's usual terms"
    until = f" until {fig.date(d.end_date)}" if d.end_date else ", no end date"
    uplift = (
        f"{fig.percent(d.uplift_percent)} a year on each anniversary"
        if d.uplift_percent
        else "none"
    )
    parts = [
        f"<h3 style='margin-bottom:2px'>{esc(d.name)}</h3>",
        f"<p style='margin-top:0'>{esc(s.client_name)} &nbsp; {status}</p>",
        "<table cellspacing='0' cellpadding='2'>",
        f"<tr><td style='color:#6b7480'>Cadence&nbsp;</td><td>{esc(d.cadence_text())}</td></tr>",
        f"<tr><td style='color:#6b7480'>Runs&nbsp;</td>"
        f"<td>from {fig.date(d.start_date)}{until}</td></tr>",
        f"<tr><td style='color:#6b7480'>Terms&nbsp;</td><td>{esc(terms)}</td></tr>",
        f"<tr><td style='color:#6b7480'>Uplift&nbsp;</td><td>{esc(uplift)}</td></tr>",
        f"<tr><td style='color:#6b7480'>Prices&nbsp;</td>"
        f"<td>{'include' if d.prices_include_tax else 'exclude'} tax, in {cur}</td></tr>",
    ]
    if d.reference:
        parts.append(
            f"<tr><td style='color:#6b7480'>Reference&nbsp;</td><td>{esc(d.reference)}</td></tr>"
        )
    parts.append("</table>")

    parts.append(_section("Lines"))
    parts.append(
        f"<table {_TABLE}><tr><th align='left' {_HEAD}>Description</th>"
        f"<th align='right' {_HEAD}>Qty</th><th align='right' {_HEAD}>Price</th>"
        f"<th align='right' {_HEAD}>Tax</th></tr>"
    )
    names: dict[int | None, str] = {}
    for ln in d.lines:
        names[ln.id] = ln.description
        tax = (
            fig.percent(ln.tax_rate)
            if ln.tax_category is TaxCategory.STANDARD
            else TAX_LABELS[ln.tax_category]
        )
        disc = f" (−{fig.percent(ln.discount_percent)})" if ln.discount_percent else ""
        parts.append(
            f"<tr><td>{esc(ln.description)}</td><td align='right'>{fig.quantity(ln.quantity)}</td>"
            f"<td align='right'>{_price(ln.unit_price, cur, fig)}{disc}</td>"
            f"<td align='right'>{esc(tax)}</td></tr>"
        )
    parts.append("</table>")

    if s.pauses:
        parts.append(_section("Pauses"))
        for start, end in s.pauses:
            span = f"until {fig.date(end)}" if end else "<b>still paused</b>"
            parts.append(f"<p style='margin:2px 0'>From {fig.date(start)} {span}</p>")
    if s.changes:
        parts.append(_section("Changes"))
        for line_id, effective, qty, price, note in s.changes:
            what = []
            if qty is not None:
                what.append(f"quantity {fig.quantity(qty)}")
            if price is not None:
                what.append(f"price {_price(price, cur, fig)}")
            parts.append(
                f"<p style='margin:2px 0'>{fig.date(effective)}: {esc(names.get(line_id, '?'))}"
                f" → {', '.join(what)}"
                + (f" <span style='color:#6b7480'>({esc(note)})</span>" if note else "")
                + "</p>"
            )

    parts.append(_section("Next invoices"))
    if s.status == "ended":
        parts.append("<p style='color:#6b7480'>Ended: nothing more is billed.</p>")
    elif not upcoming:
        parts.append("<p style='color:#6b7480'>Nothing due while the agreement is paused.</p>")
    else:
        parts.append(f"<table {_TABLE}>")
        for it in upcoming:
            note = f" <span style='color:#a15c00'>({esc(it.notes)})</span>" if it.notes else ""
            parts.append(
                f"<tr><td>{fig.date(it.bill_date)}{note}</td>"
                f"<td align='right'>{fig.money_of(it.total)}</td></tr>"
            )
        parts.append("</table>")
    return "".join(parts)


def _price(value: Decimal, currency: str, fig: Figures) -> str:
    return fig.amount(Money.of(value, currency).minor, currency)
