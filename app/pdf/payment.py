"""How to pay: bank details, the creditor reference and an optional payment link."""

from __future__ import annotations

import logging
from urllib.parse import quote

from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Flowable, Spacer

from app.core.documents import CompanyBlock, InvoiceDocument
from app.core.money import Money
from app.formatting import format_date, format_money
from app.pdf.blocks import plain, section
from app.pdf.columns import Pairs
from app.pdf.labels import LABELS
from app.pdf.text import in_groups_of_four
from app.pdf.textblock import TextBlock
from app.pdf.theme import Theme

log = logging.getLogger(__name__)


def payment_link(
    company: CompanyBlock, number: str, reference: str | None, amount: Money, warnings: list[str]
) -> str | None:
    """The company's payment link for this document, or None (warned) if the template is broken."""
    template = company.payment_link_template
    if not template:
        return None
    values = {
        "number": quote(number, safe=""),
        "reference": quote("".join((reference or "").split()), safe=""),
        "amount": amount.plain(),
        "currency": amount.currency,
    }
    try:
        return template.format_map(values)
    except (KeyError, IndexError, ValueError) as exc:
        message = (
            f"payment link template {template!r} is not usable ({exc!r}); "
            "use {number}, {reference}, {amount} or {currency}"
        )
        log.warning(message)
        warnings.append(message)
        return None


def _details(rows: list[tuple[str, str, bool]], theme: Theme) -> Pairs:
    label_style = theme.text("fact_label")
    widest = max(stringWidth(label, label_style.font, label_style.size) for label, _v, _s in rows)
    plain_style, strong_style = theme.text("fact_plain"), theme.text("fact_value")
    return Pairs(
        [(label, value, strong_style if strong else plain_style) for label, value, strong in rows],
        label_style,
        widest + 4 * mm,
        value_align="left",
        gap=2.2,
    )


def bank_details(company: CompanyBlock, reference: str | None, theme: Theme) -> Pairs | None:
    """Bank, IBAN, BIC and the payment reference, as a label/value table."""
    rows: list[tuple[str, str, bool]] = []
    if company.bank_name:
        rows.append((LABELS["bank"], company.bank_name, False))
    if company.iban:
        rows.append((LABELS["iban"], in_groups_of_four(company.iban), True))
    if company.bic:
        rows.append((LABELS["bic"], company.bic.strip().upper(), False))
    if reference:
        rows.append((LABELS["payment_reference"], in_groups_of_four(reference), True))
    return _details(rows, theme) if rows else None


def payment_block(doc: InvoiceDocument, theme: Theme, warnings: list[str]) -> list[Flowable]:
    """What the client must do next: amount and date, bank details, reference, link."""
    locale = theme.locale
    if doc.kind == "credit_note":
        if not doc.related_number:
            return []
        return [plain(LABELS["credit_note_for"].format(number=doc.related_number), theme, "body")]
    if doc.balance_due.amount <= 0:
        return [plain(LABELS["paid_in_full"], theme, "body")]
    amount = format_money(doc.balance_due, locale)
    if doc.due_date:
        sentence = LABELS["pay_by"].format(amount=amount, date=format_date(doc.due_date, locale))
    else:
        sentence = f"{LABELS['balance_due']}: {amount}"
    blocks: list[Flowable] = [section(LABELS["payment"], theme), plain(sentence, theme, "strong")]
    details = bank_details(doc.company, doc.payment_reference, theme)
    if details is not None:
        blocks += [Spacer(1, 2 * mm), details]
    if doc.payment_reference:
        blocks.append(Spacer(1, 1.5 * mm))
        blocks.append(plain(LABELS["quote_reference"], theme, "small"))
    link = payment_link(doc.company, doc.number, doc.payment_reference, doc.balance_due, warnings)
    if link:
        shown = link.split("://", 1)[-1].split("?", 1)[0]
        blocks.append(Spacer(1, 2 * mm))
        blocks.append(plain(LABELS["pay_online"], theme, "strong"))
        blocks.append(TextBlock([(shown, theme.text("link"))], link=link))
    return blocks
