"""A person's decisions on bank lines stick: rejections, undone matches, learnt payers, returns."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from app.core.invoice_math import LineInput
from app.core.invoices import InvoiceDraft, Status
from app.db import models as m
from app.services import invoicing, payments
from app.services.bank_import import import_statement
from app.services.reconcile import (
    BankLineQuery,
    accept,
    bank_line_counts,
    bank_line_ids,
    bank_line_rows,
    reconcile,
    reject,
    suggestions,
    take_back_rejection,
    undo,
)
from tests.services.billing_fixtures import client

HEADER = "Date;Amount;Counterparty;IBAN;Description\n"
BIRCHWOOD = "DE89370400440532013000"
CEDAR = "IE29AIBK93115212345678"


def _issued(ctx: Any, client_id: int, amount: str, day: date) -> int:
    draft = invoicing.create_draft(
        ctx, InvoiceDraft(client_id, day, (LineInput("Design work", D(1), D(amount)),))
    )
    invoicing.issue_invoices(ctx, [draft.row.id])
    return draft.row.id


def _invoice(ctx: Any, invoice_id: int) -> tuple[int, str]:
    row = invoicing.get_detail(ctx, invoice_id).row
    return row.balance_minor, row.status


def _statement(ctx: Any, folder: Path, name: str, *lines: str) -> None:
    path = folder / name
    path.write_text(HEADER + "".join(line + "\n" for line in lines), encoding="utf-8")
    assert import_statement(ctx, path).imported == len(lines)


def _line(ctx: Any, description: str) -> Any:
    [row] = [
        r
        for r in bank_line_rows(ctx, bank_line_ids(ctx, BankLineQuery()))
        if r.description == description
    ]
    return row


def _aliases(ctx: Any) -> list[tuple[str, str]]:
    with ctx.uow.read() as uow:
        return [
            (a.name, a.iban)
            for a in uow.session.execute(select(m.ClientAlias).order_by(m.ClientAlias.id)).scalars()
        ]


def test_a_rejected_invoice_is_never_suggested_for_that_line_again(
    ctx: Any, tmp_path: Path
) -> None:
    birch = client(ctx, "Birch Analytics GmbH", email="ap@birch.example")
    oak = client(ctx, "Oak & Ash Partners", email="ap@oak.example")
    birch_inv = _issued(ctx, birch.id, "480.00", date(2026, 11, 3))
    # An unknown payer and only the amount in common: a suggestion, nothing more.
    _statement(ctx, tmp_path, "nov.csv", f"21.11.2026;480,00;J. Birchwood;{BIRCHWOOD};services")
    reconcile(ctx)
    line = _line(ctx, "services")
    assert line.status == "suggested"
    assert [s.invoice_ids for s in suggestions(ctx, line.id)] == [(birch_inv,)]

    reject(ctx, line.id)
    line = _line(ctx, "services")
    assert line.status == "unmatched"
    assert line.explanation == "Rejected INV-2026-00001: not suggested for this line again."

    # Reconciling again does not bring it back …
    reconcile(ctx)
    assert _line(ctx, "services").status == "unmatched"
    assert suggestions(ctx, line.id) == []
    # … but another invoice of that amount is still offered.
    oak_inv = _issued(ctx, oak.id, "480.00", date(2026, 11, 20))
    reconcile(ctx)
    assert _line(ctx, "services").status == "suggested"
    assert [s.invoice_ids for s in suggestions(ctx, line.id)] == [(oak_inv,)]

    # Taking the rejection back lets the first invoice compete again.
    take_back_rejection(ctx, line.id)
    offered = {i for s in suggestions(ctx, line.id) for i in s.invoice_ids}
    assert offered == {birch_inv, oak_inv}
    assert _invoice(ctx, birch_inv) == (48000, Status.ISSUED)


def test_a_line_whose_match_was_undone_waits_for_a_person(ctx: Any, tmp_path: Path) -> None:
    cedar = client(ctx, "Cedar Design Ltd", email="ap@cedar.example")
    inv = _issued(ctx, cedar.id, "250.00", date(2026, 11, 2))
    _statement(ctx, tmp_path, "nov.csv", "20.11.2026;250,00;Cedar Design Ltd;;INV-2026-00001")
    reconcile(ctx)
    line = _line(ctx, "INV-2026-00001")
    assert line.status == "auto"
    undo(ctx, line.id)
    assert _invoice(ctx, inv) == (25000, Status.ISSUED)
    # The reference is as sure as before, but a person took the match back.
    result = reconcile(ctx)
    assert (result.auto_applied, result.suggested) == (0, 1)
    line = _line(ctx, "INV-2026-00001")
    assert line.status == "suggested"
    assert line.explanation.endswith(
        "not applied automatically: a person undid an earlier match of this line."
    )
    assert _invoice(ctx, inv) == (25000, Status.ISSUED)
    accept(ctx, line.id)
    assert _invoice(ctx, inv) == (0, Status.PAID)


def test_undoing_a_confirmation_forgets_the_payer_it_taught(ctx: Any, tmp_path: Path) -> None:
    birch = client(ctx, "Birch Analytics GmbH", email="ap@birch.example")
    nov_inv = _issued(ctx, birch.id, "480.00", date(2026, 11, 3))
    _statement(ctx, tmp_path, "nov.csv", f"21.11.2026;480,00;J. Birchwood;{BIRCHWOOD};November")
    reconcile(ctx)
    nov = _line(ctx, "November")
    accept(ctx, nov.id)
    assert _aliases(ctx) == [("J. Birchwood", BIRCHWOOD)]  # learnt from the confirmation
    undo(ctx, nov.id)
    assert _aliases(ctx) == []
    assert _invoice(ctx, nov_inv) == (48000, Status.ISSUED)

    # Next month the same payer sends 480.00 again: unknown once more, so only suggested.
    dec_inv = _issued(ctx, birch.id, "480.00", date(2026, 11, 10))
    _statement(ctx, tmp_path, "dec.csv", f"24.11.2026;480,00;J. Birchwood;{BIRCHWOOD};December")
    result = reconcile(ctx)
    assert result.auto_applied == 0
    assert _line(ctx, "December").status == "suggested"
    assert _invoice(ctx, dec_inv) == (48000, Status.ISSUED)

    # Confirmed again, the payer is learnt again, and a later line from the same
    # account pays the oldest open 480.00 by itself.
    accept(ctx, nov.id)
    assert _aliases(ctx) == [("J. Birchwood", BIRCHWOOD)]
    result = reconcile(ctx)
    assert result.auto_applied == 1
    assert _line(ctx, "December").status == "auto"
    assert _invoice(ctx, dec_inv) == (0, Status.PAID)


@pytest.mark.parametrize("how", ["undo the match", "reverse the payment"])
def test_taking_back_a_short_payment_also_takes_back_its_bank_charges(
    ctx: Any, tmp_path: Path, how: str
) -> None:
    cedar = client(ctx, "Cedar Design Ltd", email="ap@cedar.example")
    inv = _issued(ctx, cedar.id, "120.00", date(2026, 11, 2))
    # 118.50 names the invoice and is 1.50 short, within the 2.00 fee tolerance:
    # applied, and the 1.50 written off as bank charges.
    _statement(
        ctx, tmp_path, "nov.csv", f"20.11.2026;118,50;Cedar Design Ltd;{CEDAR};INV-2026-00001"
    )
    reconcile(ctx)
    line = _line(ctx, "INV-2026-00001")
    assert line.status == "auto" and line.match_kind == "short_fee"
    assert _invoice(ctx, inv) == (0, Status.PAID)
    if how == "undo the match":  # on the Bank page
        undo(ctx, line.id)
    else:  # on the Payments page: the bank sent it back
        [paid] = payments.list_payments(ctx, payments.PaymentQuery(client_id=cedar.id))
        payments.reverse_payment(ctx, paid.id, "returned")
    # 120.00 due again, not 120.00 − 1.50 = 118.50.
    assert _invoice(ctx, inv) == (12000, Status.ISSUED)


@pytest.mark.parametrize("statements", ["one statement", "a later statement"])
def test_a_returned_payment_reopens_the_invoice_exactly(
    ctx: Any, tmp_path: Path, statements: str
) -> None:
    cedar = client(ctx, "Cedar Design Ltd", email="ap@cedar.example")
    inv = _issued(ctx, cedar.id, "120.00", date(2026, 11, 2))
    paid_in = f"10.11.2026;118,50;Cedar Design Ltd;{CEDAR};INV-2026-00001"
    # Two weeks later the bank sends the 118.50 back (the payer recalled it).
    sent_back = f"24.11.2026;-118,50;Cedar Design Ltd;{CEDAR};RETURN"
    if statements == "one statement":
        _statement(ctx, tmp_path, "nov.csv", paid_in, sent_back)
        result = reconcile(ctx)
        assert (result.lines, result.auto_applied, result.suggested) == (2, 1, 1)
    else:
        _statement(ctx, tmp_path, "nov.csv", paid_in)
        reconcile(ctx)
        assert _invoice(ctx, inv) == (0, Status.PAID)  # 118.50 paid, 1.50 bank charges
        _statement(ctx, tmp_path, "late.csv", sent_back)
        result = reconcile(ctx)
        assert (result.lines, result.suggested, result.outgoing) == (1, 1, 0)
    back = _line(ctx, "RETURN")
    assert (back.status, back.match_kind) == ("suggested", "reversal")
    assert [s.invoice_ids for s in suggestions(ctx, back.id)] == [(inv,)]
    assert _invoice(ctx, inv) == (0, Status.PAID)  # nothing happens until a person accepts

    accept(ctx, back.id)
    # Exactly the former 120.00: the payment and the charges written off with it are undone.
    assert _invoice(ctx, inv) == (12000, Status.ISSUED)
    assert _line(ctx, "RETURN").status == "matched"
    [paid] = payments.list_payments(ctx, payments.PaymentQuery(client_id=cedar.id))
    assert paid.reversed and paid.unallocated_minor == 0
    assert payments.credit_balance(ctx, cedar.id).plain() == "0.00"


def test_money_out_that_mirrors_no_payment_stays_money_out(ctx: Any, tmp_path: Path) -> None:
    cedar = client(ctx, "Cedar Design Ltd", email="ap@cedar.example")
    _issued(ctx, cedar.id, "120.00", date(2026, 11, 2))
    _statement(
        ctx, tmp_path, "nov.csv", f"10.11.2026;120,00;Cedar Design Ltd;{CEDAR};INV-2026-00001"
    )
    reconcile(ctx)
    # The same payer, but 60.00 going out: not the 120.00 that came in.
    _statement(ctx, tmp_path, "late.csv", f"24.11.2026;-60,00;Cedar Design Ltd;{CEDAR};Refund")
    reconcile(ctx)
    assert _line(ctx, "Refund").status == "outgoing"


def test_filter_counts_come_from_one_grouped_query(ctx: Any, tmp_path: Path) -> None:
    cedar = client(ctx, "Cedar Design Ltd", email="ap@cedar.example")
    birch = client(ctx, "Birch Analytics GmbH", email="ap@birch.example")
    _issued(ctx, cedar.id, "250.00", date(2026, 11, 2))
    _issued(ctx, birch.id, "480.00", date(2026, 11, 3))
    _statement(
        ctx,
        tmp_path,
        "nov.csv",
        "20.11.2026;250,00;Cedar Design Ltd;;INV-2026-00001",
        "21.11.2026;480,00;J. Birchwood;;November services",
        "22.11.2026;77,00;Nobody Known;;thanks",
        "23.11.2026;-35,10;Office Supplies Co;;Order 5512",
    )
    reconcile(ctx)
    # One line each: paid by its reference, suggested by amount, no match, money out.
    assert bank_line_counts(ctx) == {
        "suggested": 1,
        "unmatched": 1,
        "auto": 1,
        "matched": 0,
        "outgoing": 1,
        "ignored": 0,
        "all": 4,
    }
    found = bank_line_counts(ctx, "cedar")
    assert (found["auto"], found["suggested"], found["all"]) == (1, 0, 1)


def test_an_alias_stays_while_another_confirmation_vouches_for_it(ctx: Any, tmp_path: Path) -> None:
    birch = client(ctx, "Birch Analytics GmbH", email="ap@birch.example")
    _issued(ctx, birch.id, "480.00", date(2026, 11, 3))
    _issued(ctx, birch.id, "75.00", date(2026, 11, 4))
    # 480.00 and 75.00 from an unknown payer: each suggested by its amount.
    _statement(
        ctx,
        tmp_path,
        "nov.csv",
        f"21.11.2026;480,00;J. Birchwood;{BIRCHWOOD};first",
        f"22.11.2026;75,00;J. Birchwood;{BIRCHWOOD};second",
    )
    reconcile(ctx)
    first, second = _line(ctx, "first"), _line(ctx, "second")
    accept(ctx, first.id)  # teaches the alias
    accept(ctx, second.id)  # the alias is known already: nothing new learnt
    undo(ctx, second.id)
    assert _aliases(ctx) == [("J. Birchwood", BIRCHWOOD)]  # not this confirmation's to forget
    accept(ctx, second.id)
    undo(ctx, first.id)
    # Taught by the first confirmation, but the second one still vouches for it …
    assert _aliases(ctx) == [("J. Birchwood", BIRCHWOOD)]
    undo(ctx, second.id)
    # … and with no confirmation left, it is forgotten.
    assert _aliases(ctx) == []
