"""Writing each e-mail: the facts from the data, the words from the template, the PDF attached.

A message's words are fixed when it is claimed for sending, from the data as
it is at that moment: a reminder claimed after a part payment states the new
balance.  A message that must not go out any more (the invoice was paid or
voided meanwhile, the client has no address) is refused with the reason.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from email.message import EmailMessage
from email.utils import format_datetime, formataddr
from html import escape
from typing import Any

from sqlalchemy.orm import Session

from app.core.mail_templates import MailTemplate, RenderedMail, render
from app.core.money import Money
from app.db import models as m
from app.services import mail_templates as templates
from app.services import settings as settings_service
from app.services.context import AppContext
from app.services.dunning_facts import client_email
from app.services.mail_facts import (
    company_values,
    credit_note_values,
    invoice_values,
    receipt_values,
    reminder_extras,
    statement_values,
)
from app.services.outbox import Composed, Refused, about_of
from app.services.pdf_archive import pdf_path

Attachment = Callable[[], tuple[str, bytes]]


def _template_for(s: Session, row: m.OutboxMessage, tone: str) -> tuple[str, MailTemplate]:
    if row.kind == "reminder":
        return templates.resolve(s, templates.reminder_candidates(row.stage, tone))
    return templates.resolve(s, [row.kind])


def compose(s: Session, ctx: AppContext, row: m.OutboxMessage) -> Composed | Refused:
    """The words and the attachment of a queued message, or why it must not go out."""
    values = settings_service.get_all(s)
    today = ctx.clock.today()
    client = s.get(m.Client, row.client_id) if row.client_id is not None else None
    if client is None:
        return Refused("failed", "The message names no client.")
    address = client_email(client) or row.to_address  # the address as it is now
    if not address:
        return Refused(
            "failed", f"{client.name} has no e-mail address; add one to the client and retry."
        )
    facts: dict[str, str] = {**company_values(values, today), "client_name": client.name}
    facts["contact_name"] = next(
        (c.name for c in client.contacts if c.is_billing and c.name), client.name
    )
    attachment: Attachment | None = None
    tone = "standard"
    fees: list[tuple[str, Money]] = []
    invoice: m.Invoice | None = None
    if row.kind in ("invoice", "credit_note", "reminder"):
        invoice = s.get(m.Invoice, row.invoice_id) if row.invoice_id is not None else None
        if invoice is None or invoice.status == "void":
            return Refused("cancelled", "The invoice was voided before the e-mail went out.")
        facts |= invoice_values(s, invoice, values, today)
        if row.kind == "credit_note":
            facts |= credit_note_values(s, invoice)
        if row.kind == "invoice" and invoice.status in ("paid", "credited"):
            return Refused("cancelled", "The invoice was settled before its e-mail went out.")
        if row.kind == "reminder":
            refusal = _reminder_refusal(invoice)
            if refusal:
                return Refused("cancelled", refusal)
            extras, tone, fees = reminder_extras(s, ctx, invoice, row.stage, values, today)
            facts |= extras
        else:
            invoice_id = invoice.id
            attachment = lambda: _archived_pdf(ctx, invoice_id)  # noqa: E731
    elif row.kind == "receipt":
        _, payment_id = about_of(row.dedupe_key)
        payment = s.get(m.Payment, payment_id)
        if payment is None or payment.reversed_at is not None:
            return Refused("cancelled", "The payment was reversed before the receipt went out.")
        facts |= receipt_values(s, payment, values)
    elif row.kind == "statement":
        extras, pdf = statement_values(s, client, row.stage, values)
        facts |= extras
        attachment = pdf
    _, template = _template_for(s, row, tone)
    mail = render(template, facts)
    if row.kind == "reminder" and invoice is not None:
        attachment = _reminder_letter(s, invoice, template, facts, fees, values, today)
    return Composed(mail.subject, mail.text, html_document(mail), address, attachment)


def _reminder_letter(
    s: Session,
    invoice: m.Invoice,
    template: MailTemplate,
    facts: dict[str, str],
    fees: list[tuple[str, Money]],
    values: dict[str, Any],
    today: date,
) -> Attachment:
    """The overdue letter as PDF: the e-mail's words, with the figures in the letter's table."""
    from app.services.mail_documents import reminder_document
    from app.services.pdf_archive import branding

    bare = render(template, facts | {"payment_instructions": "", "late_fee": ""})
    paragraphs = [" ".join(p.split()) for p in bare.text.split("\n\n") if p.strip()]
    doc = reminder_document(s, invoice, values, today, facts["stage_title"], paragraphs, fees)
    brand = branding(values)
    name = f"Reminder-{invoice.number}-{today.isoformat()}.pdf"

    def letter() -> tuple[str, bytes]:
        from app.pdf import render_reminder

        return name, render_reminder(doc, brand)

    return letter


def _reminder_refusal(invoice: m.Invoice) -> str:
    if invoice.balance_minor <= 0 or invoice.status not in ("issued", "sent", "partly_paid"):
        return "The invoice was settled before the reminder went out."
    if invoice.disputed:
        return "The invoice was disputed before the reminder went out."
    return ""


def _archived_pdf(ctx: AppContext, invoice_id: int) -> tuple[str, bytes]:
    path = pdf_path(ctx, invoice_id)
    return path.name, path.read_bytes()


def html_document(mail: RenderedMail) -> str:
    return (
        '<!DOCTYPE html>\n<html><head><meta charset="utf-8">'
        f"<title>{escape(mail.subject)}</title></head>\n"
        '<body style="font-family: Arial, Helvetica, sans-serif; font-size: 14px; '
        'line-height: 1.5; color: #1d232b;">\n'
        f"{mail.html}</body></html>\n"
    )


def build_message(
    *,
    sender_name: str,
    sender_address: str,
    reply_to: str,
    to_address: str,
    subject: str,
    text: str,
    html: str,
    message_id: str,
    at: datetime,
    attachment: tuple[str, bytes] | None = None,
) -> EmailMessage:
    """The MIME message: plain text and HTML alternatives, then the PDF."""
    msg = EmailMessage()
    msg["From"] = formataddr((sender_name, sender_address)) if sender_name else sender_address
    msg["To"] = to_address
    if reply_to:
        msg["Reply-To"] = reply_to
    msg["Subject"] = subject
    msg["Date"] = format_datetime(at)
    msg["Message-ID"] = message_id
    msg.set_content(text)
    if html:
        msg.add_alternative(html, subtype="html")
    if attachment is not None:
        name, data = attachment
        msg.add_attachment(data, maintype="application", subtype="pdf", filename=name)
    return msg


def preview(
    ctx: AppContext, name: str, template: MailTemplate, invoice_id: int | None
) -> RenderedMail:
    """A template filled with a real invoice's facts (the template editor's preview)."""
    from app.core.mail_templates import check

    kind = templates.kind_of(name)
    check(template, kind)
    with ctx.uow.read() as uow:
        s = uow.session
        values = settings_service.get_all(s)
        today = ctx.clock.today()
        facts = company_values(values, today)
        invoice = s.get(m.Invoice, invoice_id) if invoice_id is not None else None
        if invoice is not None:
            client = s.get(m.Client, invoice.client_id)
            assert client is not None
            facts |= {"client_name": client.name, "contact_name": client.name}
            facts |= invoice_values(s, invoice, values, today)
            if kind == "credit_note":
                facts |= credit_note_values(s, invoice)
            if kind == "reminder":
                facts |= {"stage_title": name.split("-")[0].replace("_", " ").capitalize()}
        return render(template, facts)
