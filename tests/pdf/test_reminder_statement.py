"""Reminders and statements show the figures they are given, in the client's locale."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from app.core.documents import (
    AgingBucket,
    Branding,
    Fee,
    OverdueItem,
    ReminderDocument,
    StatementDocument,
    StatementEntry,
)
from app.pdf import render_reminder, render_statement
from app.pdf.errors import DocumentError

from .handmade import all_text, client, company, eur, pages_text


def reminder() -> ReminderDocument:
    """Two overdue invoices and a €40 fee.

    Total due: 1,845.00 + 612.40 + 40.00 = 2,497.40.
    """
    return ReminderDocument(
        company=company(),
        client=client(),
        date=date(2024, 3, 16),
        stage_title="Second reminder",
        body_paragraphs=("Dear Ms Byrne,", "The invoices below are overdue."),
        overdue_items=[
            ("INV-0098", date(2024, 1, 15), date(2024, 2, 14), 31, eur("1845.00")),
            OverdueItem("INV-0117", date(2024, 2, 1), date(2024, 3, 2), 14, eur("612.40")),
        ],
        fees=[("Late payment compensation", eur("40.00"))],
        total_due=eur("2497.40"),
        payment_reference="RF71 4300 0000 0098",
    )


def test_reminder_lists_overdue_invoices_fees_and_total() -> None:
    text = all_text(render_reminder(reminder(), Branding()))
    for expected in (
        "Second reminder",
        "Dear Ms Byrne,",
        "The invoices below are overdue.",
        "INV-0098",
        "15 Jan 2024",
        "14 Feb 2024",
        "31",
        "1,845.00",
        "INV-0117",
        "612.40",
        "Late payment compensation",
        "40.00",
        "Total now due\n€2,497.40",
        "RF71 4300 0000 0098",
        "IE29 AIBK 9311 5212 3456 78",
        "Page 1 of 1",
    ):
        assert expected in text, expected


def test_plain_tuples_become_named_rows() -> None:
    doc = reminder()
    assert isinstance(doc.overdue_items[0], OverdueItem)
    assert doc.overdue_items[0].days_overdue == 31
    assert isinstance(doc.fees[0], Fee) and doc.fees[0].amount == eur("40.00")


def test_reminder_in_german() -> None:
    text = all_text(render_reminder(reminder(), Branding(locale="de_DE", template="modern")))
    assert "Total now due\n2.497,40 €" in text
    assert "15.01.2024" in text


def test_reminder_without_overdue_items_is_refused() -> None:
    with pytest.raises(DocumentError, match="no overdue invoice"):
        render_reminder(replace(reminder(), overdue_items=[]), Branding())


def statement() -> StatementDocument:
    """Opening 420.00; +1,845.00 invoice → 2,265.00; −1,200.00 payment → 1,065.00;
    +612.40 invoice → 1,677.40 (closing).  Aging: 612.40 current, 1,065.00 over 30 days."""
    rows = [
        StatementEntry(
            date(2024, 1, 15), "Invoice", "INV-0098", eur("1845.00"), None, eur("2265.00")
        ),
        # a plain tuple is accepted and becomes a StatementEntry
        (date(2024, 1, 22), "Payment", "Bank transfer", None, eur("1200.00"), eur("1065.00")),
        StatementEntry(
            date(2024, 2, 1), "Invoice", "INV-0117", eur("612.40"), None, eur("1677.40")
        ),
    ]
    return StatementDocument(
        company=company(),
        client=client(),
        period_start=date(2024, 1, 1),
        period_end=date(2024, 3, 31),
        opening_balance=eur("420.00"),
        entries=rows,
        closing_balance=eur("1677.40"),
        aging=[AgingBucket("Current", eur("612.40")), ("Over 30 days", eur("1065.00"))],
    )


def test_statement_shows_movements_running_balance_and_aging() -> None:
    text = all_text(render_statement(statement(), Branding()))
    for expected in (
        "Statement of account",
        "1 Jan 2024 – 31 Mar 2024",
        "Opening balance",
        "420.00",
        "INV-0098",
        "1,845.00",
        "2,265.00",
        "Bank transfer",
        "1,200.00",
        "1,065.00",
        "INV-0117",
        "612.40",
        "1,677.40",
        "Closing balance",
        "Current",
        "€612.40",
        "Over 30 days",
        "€1,065.00",
    ):
        assert expected in text, expected


def test_statement_without_movements_says_so() -> None:
    doc = replace(statement(), entries=[], closing_balance=eur("420.00"), aging=[])
    text = all_text(render_statement(doc, Branding(template="modern")))
    assert "No movements in this period." in text
    assert "Opening balance" in text and "Closing balance" in text


def test_long_statement_repeats_its_header() -> None:
    entries = [
        StatementEntry(
            date(2024, 1, 1 + i % 28),
            "Invoice",
            f"INV-{i:04d}",
            eur("10.00"),
            None,
            eur(f"{430 + 10 * i}.00"),
        )
        for i in range(120)
    ]
    # Balance after entry i: 420.00 + 10.00 × (i + 1); after the 120th: 1,620.00.
    doc = replace(statement(), entries=entries, closing_balance=eur("1620.00"))
    pages = pages_text(render_statement(doc, Branding()))
    assert len(pages) >= 3
    for number, text in enumerate(pages, start=1):
        assert "Debit" in text and "Balance" in text
        assert f"Page {number} of {len(pages)}" in text
    assert "1,620.00" in pages[-1]


def test_statement_ending_before_it_starts_is_refused() -> None:
    with pytest.raises(DocumentError, match="ends before it starts"):
        render_statement(replace(statement(), period_end=date(2023, 12, 31)), Branding())
