"""The invoice detail as rich text: lines, tax, totals, review reasons, money in, history."""

from __future__ import annotations

import html
import json
from datetime import date, datetime, tzinfo

from app.core.invoices import EDITABLE, OPEN, HistoryEntry, InvoiceDetail, Status
from app.ui.widgets.badges import OVERDUE, pill, status_colour, status_label
from app.ui.widgets.figures import Figures

_TABLE = "width='100%' cellspacing='0' cellpadding='3'"
_HEAD = "style='color:#6b7480; border-bottom:1px solid #dfe3e8;'"
_MUTED = "color:#6b7480"
ACTIONS = {
    "invoice.create": "Draft created",
    "invoice.bill_run": "Created by the bill run",
    "invoice.edit": "Draft edited",
    "invoice.approve": "Approved",
    "invoice.issue": "Issued",
    "invoice.void": "Voided",
    "invoice.credit": "Credited",
    "invoice.reject": "Rejected",
    "invoice.dispute": "Marked disputed",
    "invoice.dispute_withdrawn": "Dispute withdrawn",
    "invoice.promise": "Promise to pay recorded",
    "credit_note.create": "Credit note created",
}
_DETAIL_KEYS = ("number", "reason", "note", "credit_note", "amount", "promise_date")


def _section(title: str, top: int = 14) -> str:
    return (
        f"<p style='margin-top:{top}px; margin-bottom:4px; font-weight:600; color:#1c2b3a'>"
        f"{title}</p>"
    )


def doc_title(d: InvoiceDetail) -> str:
    r = d.row
    if r.number:
        return r.number
    return f"Draft #{r.id}" if r.kind == "invoice" else f"Draft credit note #{r.id}"


def history_line(e: HistoryEntry, fig: Figures, tz: tzinfo) -> str:
    """'25 Nov 2026 12:00 · user · Issued (INV-2026-00004)'."""
    at = e.at if isinstance(e.at, datetime) else datetime.fromisoformat(str(e.at))
    local = at.astimezone(tz)
    extra = ""
    try:
        data = json.loads(e.note or "{}")
        after = data.get("after") or {}
        bits = [str(after[k]) for k in _DETAIL_KEYS if after.get(k)]
        extra = f" — {', '.join(bits)}" if bits else ""
    except (ValueError, AttributeError):
        extra = ""
    label = ACTIONS.get(e.action, e.action.split(".")[-1].replace("_", " ").capitalize())
    return (
        f"<tr><td style='{_MUTED}' nowrap>{fig.date(local.date())} {local:%H:%M}&nbsp;&nbsp;</td>"
        f"<td>{html.escape(label + extra)} <span style='{_MUTED}'>· {html.escape(e.actor)}</span>"
        "</td></tr>"
    )


def invoice_html(d: InvoiceDetail, fig: Figures, today: date, tz: tzinfo) -> str:
    esc = html.escape
    r = d.row
    cur = r.currency

    def amt(minor: int) -> str:
        return fig.amount(minor, cur)

    badges = [pill(status_label(r.status), status_colour(r.status))]
    if r.kind == "credit_note":
        badges.insert(0, pill("Credit note", "#6a4c93"))
    overdue_days = (today - r.due_date).days
    if r.status in OPEN and overdue_days > 0:
        badges.append(
            pill(f"Overdue {overdue_days} day{'s' if overdue_days != 1 else ''}", OVERDUE)
        )
    if d.disputed:
        badges.append(pill("Disputed", OVERDUE))
    parts = [
        f"<h3 style='margin-bottom:2px'>{esc(doc_title(d))}</h3>",
        f"<p style='margin-top:0'>{esc(r.client_name)} &nbsp; {' '.join(badges)}</p>",
    ]
    if r.review_reasons and r.status in EDITABLE:
        reasons = "".join(f"<li>{esc(x)}</li>" for x in r.review_reasons.splitlines() if x)
        parts.append(
            "<table width='100%' cellpadding='8' style='background-color:#fff4e0;'><tr><td>"
            "<b style='color:#a15c00'>Needs review before it is issued</b>"
            f"<ul style='margin-left:-20px; margin-bottom:0'>{reasons}</ul></td></tr></table>"
        )
    if d.void_reason:
        parts.append(f"<p style='color:#b3261e'><b>Void:</b> {esc(d.void_reason)}</p>")

    facts = [
        ("Issue date", fig.date(r.issue_date)),
        ("Due", fig.date(r.due_date) + (f" ({esc(d.terms_text)})" if d.terms_text else "")),
    ]
    if r.period_start and r.period_end:
        facts.append(("Period", fig.period(r.period_start, r.period_end)))
    if d.schedule_name:
        facts.append(("Agreement", esc(d.schedule_name)))
    if d.related_number:
        facts.append(("Credits", esc(d.related_number)))
    if d.reference:
        facts.append(("Reference", esc(d.reference)))
    if d.promise_date:
        facts.append(("Promised", fig.date(d.promise_date)))
    parts.append("<table cellspacing='0' cellpadding='2'>")
    parts += [f"<tr><td style='{_MUTED}'>{k}&nbsp;</td><td>{v}</td></tr>" for k, v in facts]
    parts.append("</table>")

    totals = [("Subtotal", amt(d.subtotal_minor))]
    for t in d.tax_rows:
        totals.append((f"{esc(t.label)} on {amt(t.base_minor)}", amt(t.tax_minor)))
    totals.append((f"<b>Total {cur}</b>", f"<b>{amt(r.total_minor)}</b>"))
    if d.paid_minor:
        totals.append(("Paid", f"−{amt(d.paid_minor)}"))
    if d.credited_minor:
        totals.append(("Credited", f"−{amt(d.credited_minor)}"))
    if r.status not in EDITABLE and r.status != Status.VOID and r.kind == "invoice":
        totals.append((f"<b>Balance {cur}</b>", f"<b>{amt(r.balance_minor)}</b>"))
    parts.append(f"<table {_TABLE} style='margin-top:6px'>")
    parts += [
        f"<tr><td align='right'>{k}</td><td align='right' width='30%'>{v}</td></tr>"
        for k, v in totals
    ]
    parts.append("</table>")
    if d.prices_include_tax:
        parts.append(f"<p style='{_MUTED}'>Prices include tax.</p>")
    if d.legal_note:
        parts.append(f"<p style='{_MUTED}'>{esc(d.legal_note)}</p>")

    left, parts = parts, []
    parts.append(_section("Lines", 4))
    parts.append(
        f"<table {_TABLE}><tr><th align='left' {_HEAD}>Description</th>"
        f"<th align='right' {_HEAD}>Qty</th><th align='right' {_HEAD}>Price</th>"
        f"<th align='right' {_HEAD}>Amount</th></tr>"
    )
    for ln in d.lines:
        qty = fig.quantity(ln.quantity) + (f" {esc(ln.unit)}" if ln.unit else "")
        parts.append(
            f"<tr><td>{esc(ln.description)}</td><td align='right'>{qty}</td>"
            f"<td align='right'>{amt(ln.unit_price_minor)}</td>"
            f"<td align='right'>{amt(ln.net_minor)}</td></tr>"
        )
    parts.append("</table>")

    if d.allocations or d.credit_notes:
        parts.append(_section("Payments and credits"))
        parts.append(f"<table {_TABLE}>")
        for a in d.allocations:
            what = "Credit note" if a.kind == "credit" else "Payment"
            style = " style='text-decoration:line-through; color:#8a8f98'" if a.reversed else ""
            parts.append(
                f"<tr{style}><td>{fig.date(a.date)}</td><td>{what} {esc(a.reference)}</td>"
                f"<td align='right'>{amt(a.amount_minor)}</td></tr>"
            )
        parts.append("</table>")
        if d.credit_notes:
            parts.append(f"<p style='{_MUTED}'>Credit notes: {esc(', '.join(d.credit_notes))}</p>")
    if d.notes:
        parts.append(_section("Notes"))
        parts.append(f"<p>{esc(d.notes)}</p>")
    if d.history:
        parts.append(_section("History"))
        parts.append(f"<table {_TABLE}>")
        parts += [history_line(e, fig, tz) for e in d.history]
        parts.append("</table>")
    return (
        "<table width='100%' cellspacing='0' cellpadding='0'><tr>"
        f"<td width='45%' valign='top'>{''.join(left)}</td><td width='24'></td>"
        f"<td width='55%' valign='top'>{''.join(parts)}</td></tr></table>"
    )
