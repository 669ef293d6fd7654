"""E-mail templates: wording from the user, every fact from the data.

A template is a subject, a plain-text body and an HTML body with placeholders
such as ``{{invoice_number}}`` or ``{{balance}}``, and sections that appear only
when a value exists (``{{#payment_link}}Pay online: {{payment_link}}{{/payment_link}}``)
or only when it does not (``{{^payment_link}}…{{/payment_link}}``).  Amounts,
dates and payment instructions are never typed into a template: they are filled
from the invoice, so an edited wording can never state a wrong figure.  A
template that names a placeholder we do not know is refused when it is saved,
with the placeholder and its line named, instead of sending ``{{amout}}`` to a
client.
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping
from dataclasses import dataclass

COMMON = {
    "company_name": "your company's name",
    "company_email": "your company's e-mail",
    "company_phone": "your company's phone",
    "company_website": "your company's website",
    "sender_name": "the sender name from the e-mail settings",
    "client_name": "the client's name",
    "contact_name": "the client's billing contact (or the client's name)",
    "today": "today's date",
}
INVOICE = {
    "invoice_number": "the invoice number",
    "issue_date": "the issue date",
    "due_date": "the due date",
    "total": "the invoice total",
    "balance": "what is still owed on the invoice",
    "amount_paid": "what has been paid so far",
    "terms": "the payment terms",
    "period": "the service period",
    "payment_reference": "the reference to quote when paying",
    "iban": "your IBAN",
    "bic": "your BIC",
    "bank_name": "your bank",
    "payment_link": "the online payment link",
    "payment_instructions": "how to pay (bank details, reference, link)",
    "days_overdue": "days since the due date",
    "days_until_due": "days until the due date",
}
REMINDER = {
    "stage_title": "the reminder's title (e.g. Second reminder)",
    "late_fee": "late-payment interest and compensation claimed",
    "late_fee_lines": "one line per late-payment charge",
    "total_due": "the balance plus any late-payment charges",
}
RECEIPT = {
    "payment_date": "the day the payment arrived",
    "payment_amount": "the amount received",
    "paid_invoices": "the invoices the payment settled, one per line",
    "credit_left": "money kept as credit for the client",
}
STATEMENT = {
    "statement_date": "the statement's date",
    "period_start": "the first day of the statement",
    "period_end": "the last day of the statement",
    "closing_balance": "the balance at the end of the statement",
    "open_invoices": "the unpaid invoices, one per line",
}
CREDIT_NOTE = {
    "credit_note_number": "the credit note's number",
    "related_number": "the invoice it corrects",
}

PLACEHOLDERS: dict[str, frozenset[str]] = {
    "invoice": frozenset(COMMON) | frozenset(INVOICE),
    "credit_note": frozenset(COMMON) | frozenset(INVOICE) | frozenset(CREDIT_NOTE),
    "reminder": frozenset(COMMON) | frozenset(INVOICE) | frozenset(REMINDER),
    "receipt": frozenset(COMMON) | frozenset(RECEIPT),
    "statement": frozenset(COMMON) | frozenset(STATEMENT),
    "test": frozenset(COMMON),
}
DESCRIPTIONS = {**COMMON, **INVOICE, **REMINDER, **RECEIPT, **STATEMENT, **CREDIT_NOTE}

_TAG = re.compile(r"\{\{\s*([#^/]?)\s*([^{}]*?)\s*\}\}")
_NAME = re.compile(r"^[a-z][a-z0-9_]*$")


class TemplateError(ValueError):
    """A template that cannot be used; ``placeholder`` is the offending name, if any."""

    def __init__(self, message: str, placeholder: str = "", part: str = "", line: int = 0) -> None:
        super().__init__(message)
        self.placeholder = placeholder
        self.part = part
        self.line = line


@dataclass(frozen=True)
class MailTemplate:
    subject: str
    text: str
    html: str


@dataclass(frozen=True)
class RenderedMail:
    subject: str
    text: str
    html: str


@dataclass(frozen=True)
class _Node:
    kind: str  # text | var | section | inverted
    value: str
    children: tuple[_Node, ...] = ()


def _text(source: str, start: int, end: int, part: str) -> _Node:
    segment = source[start:end]
    for mark in ("{{", "}}"):
        at = segment.find(mark)
        if at >= 0:
            line = source.count("\n", 0, start + at) + 1
            raise TemplateError(
                f"{part}, line {line}: a placeholder is not written as {{{{name}}}}", "", part, line
            )
    return _Node("text", segment)


def _parse(source: str, part: str) -> tuple[_Node, ...]:
    stack: list[tuple[str, str, list[_Node], int]] = [("", "", [], 0)]
    pos = 0
    for found in _TAG.finditer(source):
        line = source.count("\n", 0, found.start()) + 1
        if found.start() > pos:
            stack[-1][2].append(_text(source, pos, found.start(), part))
        pos = found.end()
        sigil, name = found.groups()
        if not _NAME.match(name):
            raise TemplateError(
                f"{part}, line {line}: {{{{{sigil}{name}}}}} is not a placeholder name "
                "(lower-case letters, digits and _)",
                name,
                part,
                line,
            )
        if sigil in ("#", "^"):
            stack.append((sigil, name, [], line))
        elif sigil == "/":
            open_sigil, open_name, children, _ = stack[-1]
            if open_name != name:
                expected = f"; {{{{/{open_name}}}}} was expected" if open_name else ""
                raise TemplateError(
                    f"{part}, line {line}: {{{{/{name}}}}} closes a section that is not open{expected}",
                    name,
                    part,
                    line,
                )
            stack.pop()
            kind = "section" if open_sigil == "#" else "inverted"
            stack[-1][2].append(_Node(kind, name, tuple(children)))
        else:
            stack[-1][2].append(_Node("var", name))
    if pos < len(source):
        stack[-1][2].append(_text(source, pos, len(source), part))
    if len(stack) > 1:
        _, name, _, line = stack[-1]
        raise TemplateError(
            f"{part}, line {line}: the section {{{{#{name}}}}} is never closed with {{{{/{name}}}}}",
            name,
            part,
            line,
        )
    return tuple(stack[0][2])


def placeholders_in(source: str, part: str = "text") -> list[tuple[str, int]]:
    """Every placeholder name with its line, in order (sections included)."""
    _parse(source, part)
    return [
        (found.group(2), source.count("\n", 0, found.start()) + 1)
        for found in _TAG.finditer(source)
        if found.group(1) != "/"
    ]


def check(template: MailTemplate, kind: str) -> None:
    """Refuse a template with a syntax error or a placeholder this kind of e-mail cannot fill."""
    allowed = PLACEHOLDERS[kind]
    for part, source in (
        ("Subject", template.subject),
        ("Text", template.text),
        ("HTML", template.html),
    ):
        for name, line in placeholders_in(source, part):
            if name not in allowed:
                raise TemplateError(
                    f"unknown placeholder {{{{{name}}}}} in the {part.lower()}, line {line}; "
                    f"{_article(kind)} {kind.replace('_', ' ')} e-mail can use: "
                    + ", ".join(sorted(allowed)),
                    name,
                    part,
                    line,
                )


def _article(word: str) -> str:
    return "an" if word[:1] in "aeiou" else "a"


def _render(nodes: tuple[_Node, ...], values: Mapping[str, str], escape: bool) -> str:
    out: list[str] = []
    for node in nodes:
        if node.kind == "text":
            out.append(node.value)
        elif node.kind == "var":
            value = values.get(node.value, "")
            out.append(html.escape(value).replace("\n", "<br>\n") if escape else value)
        elif bool(values.get(node.value, "")) == (node.kind == "section"):
            out.append(_render(node.children, values, escape))
    return "".join(out)


def render(template: MailTemplate, values: Mapping[str, str]) -> RenderedMail:
    """Fill a checked template; missing values render empty (their sections disappear)."""
    subject = _render(_parse(template.subject, "Subject"), values, escape=False)
    text = _render(_parse(template.text, "Text"), values, escape=False)
    body = _render(_parse(template.html, "HTML"), values, escape=True)
    return RenderedMail(" ".join(subject.split()), _tidy(text), body.strip() + "\n")


def _tidy(text: str) -> str:
    """Drop the blank lines a missing section leaves behind (never more than one in a row)."""
    lines = [line.rstrip() for line in text.strip().splitlines()]
    out: list[str] = []
    for line in lines:
        if line or (out and out[-1]):
            out.append(line)
    return "\n".join(out) + "\n"


def read_text_file(content: str) -> tuple[str, str]:
    """A plain-text template file: a ``Subject:`` line, a blank line, then the body."""
    first, _, body = content.partition("\n")
    if not first.lower().startswith("subject:"):
        raise TemplateError("a text template starts with a 'Subject:' line")
    return first.split(":", 1)[1].strip(), body.lstrip("\n")
