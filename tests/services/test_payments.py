"""Payments and credits move balances exactly, and every move can be undone to the cent."""

from __future__ import annotations

import sqlite3
from datetime import date
from decimal import Decimal as D
from pathlib import Path
from typing import Any

import pytest

from app.core.invoice_math import LineInput
from app.core.invoices import InvoiceDraft, Status
from app.services import invoicing, payments
from app.services.errors import ValidationError
from app.services.settings import save_settings
from tests.services.billing_fixtures import client


def issued(ctx: Any, client_id: int, amount: str, day: int) -> int:
    d = invoicing.create_draft(
        ctx, InvoiceDraft(client_id, date(2026, 1, day), (LineInput("x", D(1), D(amount)),))
    )
    invoicing.issue_invoices(ctx, [d.row.id])
    return d.row.id


def balance(ctx: Any, invoice_id: int) -> tuple[int, str]:
    d = invoicing.get_detail(ctx, invoice_id)
    return d.row.balance_minor, d.row.status


def test_oldest_first_partial_and_overpayment_to_credit(ctx: Any) -> None:
    c = client(ctx)
    a, b = issued(ctx, c.id, "100.00", 5), issued(ctx, c.id, "250.00", 10)
    # 300.00 pays the older 100.00 in full and 200.00 of the 250.00 → 50.00 left there.
    r = payments.record_payment(ctx, c.id, D("300.00"), date(2026, 2, 1))
    assert [amt for _, amt in r.allocations] == [10000, 20000]
    assert balance(ctx, a) == (0, Status.PAID)
    assert balance(ctx, b) == (5000, Status.PARTLY_PAID)
    # 80.00 more: 50.00 settles b, 30.00 becomes the client's credit.
    r = payments.record_payment(ctx, c.id, D("80.00"), date(2026, 2, 3))
    assert r.credit_minor == 3000
    assert payments.credit_balance(ctx, c.id).plain() == "30.00"


def test_credit_is_offered_on_the_next_invoice_and_can_be_refunded(ctx: Any) -> None:
    c = client(ctx)
    payments.record_payment(ctx, c.id, D("40.00"), date(2026, 1, 2))  # nothing open: all credit
    nxt = issued(ctx, c.id, "25.00", 6)
    r = payments.apply_credit(ctx, c.id)
    assert r.allocations == [(invoicing.get_detail(ctx, nxt).row.number, 2500)]
    assert balance(ctx, nxt) == (0, Status.PAID)
    assert payments.credit_balance(ctx, c.id).plain() == "15.00"
    with pytest.raises(ValidationError, match=r"Only 15\.00"):
        payments.refund(ctx, c.id, D("15.01"), date(2026, 1, 7))
    payments.refund(ctx, c.id, D("15.00"), date(2026, 1, 7))
    assert payments.credit_balance(ctx, c.id).plain() == "0.00"


def test_undoing_an_allocation_restores_the_former_balance_to_the_cent(ctx: Any) -> None:
    c = client(ctx)
    inv = issued(ctx, c.id, "123.45", 5)
    payments.record_payment(ctx, c.id, D("23.46"), date(2026, 1, 20))
    assert balance(ctx, inv) == (9999, Status.PARTLY_PAID)
    alloc = invoicing.get_detail(ctx, inv).allocations[0]
    payments.undo_allocation(ctx, alloc.id, "wrong client")
    assert balance(ctx, inv) == (12345, Status.ISSUED)
    assert payments.credit_balance(ctx, c.id).plain() == "23.46"  # the money is now credit
    history = invoicing.get_detail(ctx, inv).allocations
    assert [a.amount_minor for a in history] == [2346, -2346]


def test_a_reversed_payment_reopens_the_invoice(ctx: Any) -> None:
    c = client(ctx)
    inv = issued(ctx, c.id, "99.99", 5)
    r = payments.record_payment(ctx, c.id, D("99.99"), date(2026, 1, 9))
    payments.reverse_payment(ctx, r.payment_id, "returned by the bank")
    assert balance(ctx, inv) == (9999, Status.ISSUED)
    assert payments.credit_balance(ctx, c.id).plain() == "0.00"


def test_short_payment_closed_with_a_bank_charges_write_off(ctx: Any) -> None:
    c = client(ctx)
    inv = issued(ctx, c.id, "500.00", 5)
    payments.record_payment(ctx, c.id, D("498.50"), date(2026, 1, 9))
    payments.write_off(ctx, inv, D("1.50"))
    assert balance(ctx, inv) == (0, Status.PAID)


def test_partial_credit_note_and_payment_together(ctx: Any) -> None:
    # 200.00 invoice; credit note 50.00 → balance 150.00 (still "issued", not paid);
    # payment 150.00 → paid. The credit note never marked it paid on its own.
    c = client(ctx)
    inv = issued(ctx, c.id, "200.00", 5)
    invoicing.credit_note(ctx, inv, D("50.00"), "discount")
    assert balance(ctx, inv) == (15000, Status.ISSUED)
    payments.record_payment(ctx, c.id, D("150.00"), date(2026, 1, 30))
    assert balance(ctx, inv) == (0, Status.PAID)


def test_bad_payments_are_refused(ctx: Any) -> None:
    c = client(ctx)
    inv = issued(ctx, c.id, "10.00", 5)
    with pytest.raises(ValidationError, match="above zero"):
        payments.record_payment(ctx, c.id, D("0"), date(2026, 1, 9))
    with pytest.raises(ValidationError, match=r"more than the 10\.00 still due"):
        payments.record_payment(
            ctx, c.id, D("20.00"), date(2026, 1, 9), allocations=[(inv, D("11.00"))]
        )
    with pytest.raises(ValidationError, match="future"):
        payments.record_payment(ctx, c.id, D("1.00"), date(2027, 1, 9))


def test_payment_detail_lists_what_a_payment_paid_and_what_was_undone(ctx: Any) -> None:
    c = client(ctx)
    a, b = issued(ctx, c.id, "100.00", 5), issued(ctx, c.id, "250.00", 10)
    # 300.00, oldest first: 100.00 on a (5 January), 200.00 on b (10 January); nothing left.
    r = payments.record_payment(ctx, c.id, D("300.00"), date(2026, 2, 1), reference="T-77")
    detail = payments.payment_detail(ctx, r.payment_id)
    assert (detail.row.reference, detail.row.amount_minor, detail.bank_line_id) == (
        "T-77",
        30000,
        None,
    )
    assert [(x.invoice_id, x.number, x.amount_minor, x.kind, x.source, x.reversed)
            for x in detail.allocations] == [
        (a, "INV-2026-00001", 10000, "payment", "manual", False),
        (b, "INV-2026-00002", 20000, "payment", "manual", False),
    ]  # fmt: skip
    payments.undo_allocation(ctx, detail.allocations[0].allocation_id, "wrong invoice")
    after = payments.payment_detail(ctx, r.payment_id)
    # The undo is a reversal row of its own; the detail marks the original, it adds no line.
    assert [(x.number, x.amount_minor, x.reversed) for x in after.allocations] == [
        ("INV-2026-00001", 10000, True),
        ("INV-2026-00002", 20000, False),
    ]
    assert after.row.unallocated_minor == 10000  # the 100.00 is the client's credit again
    out = payments.refund(ctx, c.id, D("100.00"), date(2026, 2, 2))
    assert payments.payment_detail(ctx, out.payment_id).allocations == ()


def _outbox(home: Path) -> list[tuple[str, str, str, str]]:
    db = sqlite3.connect(home / "counterfoil.sqlite3")
    try:
        return list(
            db.execute("SELECT kind, dedupe_key, to_address, status FROM outbox ORDER BY id")
        )
    finally:
        db.close()


def test_a_receipt_is_queued_with_the_payment_when_receipts_are_on(ctx: Any, home: Path) -> None:
    save_settings(ctx, {"mail.send_invoices": False})
    c = client(ctx, email="ap@acme.example")
    inv = issued(ctx, c.id, "10.00", 5)
    payments.record_payment(ctx, c.id, D("4.00"), date(2026, 1, 9))
    assert _outbox(home) == []  # switched off by default

    save_settings(ctx, {"mail.send_receipts": True})
    r = payments.record_payment(ctx, c.id, D("5.00"), date(2026, 1, 10))
    assert _outbox(home) == [
        ("receipt", f"payment:{r.payment_id}:receipt::0", "ap@acme.example", "queued")
    ]
    # A refused payment thanks nobody.
    with pytest.raises(ValidationError):
        payments.record_payment(
            ctx, c.id, D("9.00"), date(2026, 1, 11), allocations=[(inv, D("9.00"))]
        )
    assert len(_outbox(home)) == 1
