"""Undo, write-offs and refunds as the reports see them, on the day they happened."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D
from typing import Any

from app.core.money import Money
from app.core.reports import Period
from app.services import invoicing, payments, reports
from app.services import report_activity as activity
from app.services.report_statement import statement
from tests.services.report_fixtures import at, customer, invoice, pay


def _alloc_id(ctx: Any, invoice_id: int) -> int:
    return invoicing.get_detail(ctx, invoice_id).allocations[0].id


def test_an_undone_payment_reopens_the_invoice_from_the_day_of_the_undo(ctx: Any) -> None:
    dove = customer(ctx, "Dove GmbH")
    d1 = invoice(ctx, dove, date(2026, 3, 1), "300.00")  # due 31 Mar
    pay(ctx, dove, date(2026, 4, 10), "300.00", d1)
    payments.undo_allocation(at(ctx, date(2026, 5, 20)), _alloc_id(ctx, d1), "wrong client")

    def seen(day: date) -> tuple[list[int], int]:
        t = reports.aging(ctx, day).totals().get("EUR")
        return (t.buckets, t.credit) if t else ([0] * 5, 0)

    # 1 May: paid on 10 Apr, the undo (20 May) has not happened yet → nothing open, no credit.
    assert seen(date(2026, 5, 1)) == ([0] * 5, 0)
    # 31 May: the undo of 20 May cancels the allocation → 300.00 open, 61 days late
    # (31 Mar → 31 May), and the 300.00 received is unapplied credit again.
    assert seen(date(2026, 5, 31)) == ([0, 0, 0, 30_000, 0], 30_000)
    # Today (25 Nov): 239 days late → 90+; the credit is still there.
    assert seen(date(2026, 11, 25)) == ([0, 0, 0, 0, 30_000], 30_000)


def test_write_off_and_refund_on_the_statement_and_in_collections(ctx: Any) -> None:
    elm = customer(ctx, "Elm Ltd")
    e1 = invoice(ctx, elm, date(2026, 2, 1), "100.00")
    # 95.00 paid, 5.00 written off as bank charges
    pay(ctx, elm, date(2026, 2, 20), "95.00", e1)
    payments.write_off(at(ctx, date(2026, 2, 21)), e1, D("5.00"), "bank charges")
    # an overpayment of 40.00 on a later invoice, then refunded
    invoice(ctx, elm, date(2026, 3, 1), "60.00")
    pay(ctx, elm, date(2026, 3, 10), "100.00")
    payments.refund(at(ctx, date(2026, 3, 15)), elm, D("40.00"), date(2026, 3, 15))
    doc = statement(ctx, elm, Period(date(2026, 1, 1), date(2026, 3, 31))).document
    assert [(e.kind, e.debit, e.credit) for e in doc.entries] == [
        ("Invoice", Money.of("100.00", "EUR"), None),
        ("Payment", None, Money.of("95.00", "EUR")),
        ("Write-off", None, Money.of("5.00", "EUR")),
        ("Invoice", Money.of("60.00", "EUR"), None),
        ("Payment", None, Money.of("100.00", "EUR")),
        ("Refund", Money.of("40.00", "EUR"), None),
    ]
    # 100 − 95 − 5 + 60 − 100 + 40 = 0
    assert doc.closing_balance == Money.of("0.00", "EUR")
    result = activity.collections(ctx, Period(date(2026, 2, 1), date(2026, 3, 31)))
    amounts = {(r[0], r[1]): r[4] for r in result.table().rows}
    assert amounts == {
        ("2026-02", "bank transfer"): Money.of("95.00", "EUR"),
        ("2026-03", "bank transfer"): Money.of("100.00", "EUR"),
        ("2026-03", "Refund"): Money.of("-40.00", "EUR"),
    }
    # net cash received over the two months: 95 + 100 − 40 = 155.00
    assert result.table().totals[0][4] == Money.of("155.00", "EUR")
    # nothing open and no credit left: the client is absent from the aging
    assert reports.aging(ctx).lines == []


def test_a_reversed_payment_is_not_cash_collected(ctx: Any) -> None:
    fir = customer(ctx, "Fir BV")
    f1 = invoice(ctx, fir, date(2026, 6, 1), "250.00")
    result = pay(ctx, fir, date(2026, 6, 20), "250.00", f1)
    payments.reverse_payment(at(ctx, date(2026, 7, 2)), result.payment_id, "returned by the bank")
    july = activity.collections(ctx, Period(date(2026, 6, 1), date(2026, 7, 31)))
    assert july.table().rows == ()
    # 30 Jun: paid (the return came on 2 Jul); 31 Jul: open again, 30 days late (1 Jul due)
    assert reports.aging(ctx, date(2026, 6, 30)).totals() == {}
    jul = reports.aging(ctx, date(2026, 7, 31)).totals()["EUR"]
    assert (jul.buckets, jul.credit) == ([0, 25_000, 0, 0, 0], 0)
    doc = statement(ctx, fir, Period(date(2026, 6, 1), date(2026, 7, 31))).document
    assert [(e.kind, e.debit is not None) for e in doc.entries] == [
        ("Invoice", True),
        ("Payment", False),
        ("Payment", True),  # the reversal, on the day it came back
    ]
    assert doc.closing_balance == Money.of("250.00", "EUR")
