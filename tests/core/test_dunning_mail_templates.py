"""E-mail templates: facts filled from data, sections that vanish, mistakes refused by name."""

from __future__ import annotations

import pytest

from app.core.mail_templates import MailTemplate, TemplateError, check, read_text_file, render

TEMPLATE = MailTemplate(
    subject="Invoice {{invoice_number}}  from {{company_name}}",
    text=(
        "Dear {{contact_name}},\n\n"
        "{{balance}} is due on {{due_date}}.\n\n"
        "{{#payment_link}}Pay online: {{payment_link}}{{/payment_link}}"
        "{{^payment_link}}Pay by bank transfer.{{/payment_link}}\n\n"
        "Kind regards"
    ),
    html="<p>Dear {{contact_name}},</p>\n<p>{{payment_instructions}}</p>",
)


def test_placeholders_are_filled_and_sections_follow_the_data() -> None:
    values = {
        "invoice_number": "INV-7",
        "company_name": "Northwind",
        "contact_name": "Ann",
        "balance": "€100.00",
        "due_date": "18 Mar 2026",
        "payment_link": "https://pay.example/INV-7",
    }
    mail = render(TEMPLATE, values)
    assert mail.subject == "Invoice INV-7 from Northwind"
    assert mail.text == (
        "Dear Ann,\n\n€100.00 is due on 18 Mar 2026.\n\nPay online: https://pay.example/INV-7\n\n"
        "Kind regards\n"
    )
    without_link = render(TEMPLATE, values | {"payment_link": ""})
    assert "Pay by bank transfer." in without_link.text
    assert "Pay online" not in without_link.text


def test_html_values_are_escaped_and_keep_their_lines() -> None:
    mail = render(
        TEMPLATE, {"contact_name": "Smith & <Sons>", "payment_instructions": "IBAN: X\nBIC: Y"}
    )
    assert "Dear Smith &amp; &lt;Sons&gt;," in mail.html
    assert "IBAN: X<br>\nBIC: Y" in mail.html


def test_an_unknown_placeholder_is_refused_with_its_name_and_line() -> None:
    bad = MailTemplate("Invoice {{invoice_number}}", "Hello\n\nYou owe {{amout}}.", "")
    with pytest.raises(TemplateError) as caught:
        check(bad, "invoice")
    assert caught.value.placeholder == "amout"
    assert "unknown placeholder {{amout}} in the text, line 3" in str(caught.value)


def test_a_reminder_placeholder_is_unknown_in_an_invoice_email() -> None:
    check(MailTemplate("{{stage_title}}", "x", ""), "reminder")
    with pytest.raises(TemplateError, match=r"\{\{stage_title\}\}"):
        check(MailTemplate("{{stage_title}}", "x", ""), "invoice")


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("{{#payment_link}}open", "never closed"),
        ("{{/payment_link}}", "not open"),
        ("Hello {{ contact_name", "not written as"),
        ("{{Contact Name}}", "not a placeholder name"),
    ],
)
def test_broken_syntax_is_refused_with_the_reason(text: str, problem: str) -> None:
    with pytest.raises(TemplateError, match=problem):
        check(MailTemplate("s", text, ""), "invoice")


def test_a_text_template_file_starts_with_its_subject() -> None:
    assert read_text_file("Subject: Hello {{client_name}}\n\nBody\n") == (
        "Hello {{client_name}}",
        "Body\n",
    )
    with pytest.raises(TemplateError, match="Subject"):
        read_text_file("Body only")
