"""The scan over a real book: each exception type built from data, each auto-resolution rule
with the near miss it must leave alone.  'Today' is 2026-11-25 (tests.conftest.AS_OF)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal as D
from pathlib import Path
from typing import Any

from sqlalchemy import select

from app.db import models as m
from app.services import invoicing, reconcile
from app.services.bill_run import run_bill_run
from app.services.exception_actions import resolve
from app.services.exception_scan import run_scan
from app.services.exceptions import get_exception, queue_stats
from app.services.payments import record_payment
from app.services.schedules import add_change, get_schedule, pause_schedule, update_schedule
from tests.services.billing_fixtures import client, schedule
from tests.services.exception_fixtures import (
    bank_line_status,
    draft,
    invoice_row,
    issued,
    items,
    one,
    setting,
    statement,
)


def _monthly(
    ctx: Any, client_id: int, price: str = "100.00", months: tuple[int, ...] = (8, 9, 10)
) -> Any:
    """A monthly agreement billed from August, one bill run per month, reviews approved."""
    sched = schedule(ctx, client_id, price, start=date(2026, months[0], 1), tax="0")
    for month in months:
        result = run_bill_run(ctx, as_of=date(2026, month, 1))
        if result.review_reasons:
            invoicing.approve(ctx, list(result.review_reasons))
    return sched


# --- review reasons raised by the bill run ------------------------------------------------


def test_the_bill_runs_review_reasons_are_in_the_queue(ctx: Any) -> None:
    nomail = client(ctx, "Nomail Ltd", email="")
    schedule(ctx, nomail.id, "12000.00", start=date(2026, 9, 1))  # Sep, Oct, Nov: 3 periods
    run_bill_run(ctx)
    kinds = sorted({r.type for r in items(ctx, "open")})
    assert kinds == ["catch_up_bill_run", "first_invoice", "high_value", "missing_email"]
    assert len(items(ctx, "open")) == 12  # 3 invoices × 4 reasons
    with ctx.uow.read() as uow:
        texts = {e.explanation for e in uow.session.execute(select(m.ExceptionItem)).scalars()}
    # 12,000.00 + 23% tax = 14,760.00 above the approval amount 10,000
    assert "14760.00 EUR is above the approval amount 10000." in texts
    assert "Catch-up: 3 periods of this schedule fell due at once (more than 2)." in texts
    assert "The client has no e-mail address." in texts
    assert "This is the client's first invoice." in texts
    first = items(ctx, "open", "missing_email")[0]
    assert first.actions == ("approve", "edit", "reject", "dismiss")  # as the bill run stores them


def test_a_missing_email_item_clears_when_the_client_gets_one(ctx: Any) -> None:
    from app.services.clients import get_client, update_client

    c = client(ctx, "Nomail Ltd", email="")
    schedule(ctx, c.id, "100.00", start=date(2026, 11, 1))
    run_bill_run(ctx)
    assert {r.type for r in items(ctx, "open")} == {"first_invoice", "missing_email"}
    update_client(ctx, c.id, replace(get_client(ctx, c.id).data, email="ap@nomail.example"))
    run_scan(ctx)
    cleared = one(ctx, "missing_email")
    assert cleared.status == "resolved" and cleared.auto_resolved
    assert one(ctx, "first_invoice").status == "open"  # still needs a human
    assert invoice_row(ctx, cleared.entity_id).status == "review"


# --- short payment and the fee write-off --------------------------------------------------


def test_short_payment_within_tolerance_is_written_off_and_a_cent_more_is_not(ctx: Any) -> None:
    acme = client(ctx)
    within = issued(ctx, acme.id, "123.00", date(2026, 11, 1), description="Design")
    beyond = issued(ctx, acme.id, "123.00", date(2026, 11, 2), description="Hosting")
    record_payment(
        ctx, acme.id, D("121.00"), date(2026, 11, 20), allocations=[(within, D("121.00"))]
    )
    record_payment(
        ctx, acme.id, D("120.99"), date(2026, 11, 20), allocations=[(beyond, D("120.99"))]
    )
    result = run_scan(ctx)
    assert result.by_rule == {"fee_writeoff": 1}
    settled = invoice_row(ctx, within)
    assert (settled.status, settled.balance_minor) == ("paid", 0)
    [closed, left] = sorted(items(ctx, "all", "short_payment"), key=lambda r: r.entity_id)
    assert closed.status == "resolved" and closed.auto_resolved and closed.entity_id == within
    assert left.status == "open" and left.entity_id == beyond
    assert invoice_row(ctx, beyond).status == "partly_paid"
    assert get_exception(ctx, closed.id).resolution == (
        "Written off by rule: €2.00 as bank charges, a short payment within the bank-fee "
        "tolerance of €2.00."
    )
    # 2.01 / 123.00 = 1.6%
    assert get_exception(ctx, left.id).explanation.endswith(
        "short by €2.01 (1.6%); more than the bank-fee tolerance of €2.00."
    )


def test_with_the_fee_rule_off_a_short_payment_waits_for_a_person(ctx: Any) -> None:
    setting(ctx, "exceptions.auto_fee_writeoff", False)
    acme = client(ctx)
    inv = issued(ctx, acme.id, "123.00", date(2026, 11, 1))
    record_payment(ctx, acme.id, D("122.00"), date(2026, 11, 20), allocations=[(inv, D("122.00"))])
    run_scan(ctx)
    assert one(ctx, "short_payment").status == "open"
    assert invoice_row(ctx, inv).balance_minor == 100


# --- variance ------------------------------------------------------------------------------


def test_variance_from_a_prorated_period_is_cleared_and_the_invoice_approved_by_rule(
    ctx: Any,
) -> None:
    c = client(ctx)
    sched = _monthly(ctx, c.id)
    pause_schedule(ctx, sched.id, date(2026, 11, 16))
    nov = run_bill_run(ctx, as_of=date(2026, 11, 1))
    [invoice_id] = nov.review_reasons
    # 15 of 30 days: 50.00 against 100.00 is -50.0%
    assert nov.review_reasons[invoice_id][0].startswith("50.00 differs from the previous")
    result = run_scan(ctx)
    item = one(ctx, "variance")
    assert item.status == "resolved" and item.auto_resolved
    assert result.approved_by_rule == 1
    row = invoice_row(ctx, invoice_id)
    assert row.status == "issued" and row.number


def test_variance_of_an_agreed_change_is_cleared_an_edited_price_is_not(ctx: Any) -> None:
    agreed, edited = client(ctx, "Agreed Ltd"), client(ctx, "Edited Ltd")
    a = _monthly(ctx, agreed.id)
    e = _monthly(ctx, edited.id)
    add_change(ctx, a.id, a.data.lines[0].id, date(2026, 11, 1), unit_price=D("150.00"))
    data = get_schedule(ctx, e.id).data
    update_schedule(
        ctx, e.id, replace(data, lines=(replace(data.lines[0], unit_price=D("150.00")),))
    )
    run_bill_run(ctx, as_of=date(2026, 11, 1))
    run_scan(ctx)
    by_client = {r.client_name: r for r in items(ctx, "all", "variance")}
    assert by_client["Agreed Ltd"].status == "resolved" and by_client["Agreed Ltd"].auto_resolved
    assert by_client["Edited Ltd"].status == "open"
    cleared = get_exception(ctx, by_client["Agreed Ltd"].id)
    assert cleared.resolution == (
        "Cleared by rule: the variance is explained by the agreed change of terms effective "
        "2026-11-01."
    )
    # 150.00 against 100.00 is +50.0% (the bill run raised it; the scan keeps it open)
    assert get_exception(ctx, by_client["Edited Ltd"].id).explanation == (
        "150.00 differs from the previous invoice's 100.00 by +50.0% (threshold 10%)."
    )


# --- bank lines ----------------------------------------------------------------------------


def test_a_line_imported_twice_is_ignored_but_twins_in_one_file_are_kept(
    ctx: Any, tmp_path: Path
) -> None:
    statement(ctx, tmp_path, "a.csv", [(date(2026, 11, 10), "ACME LTD", "Invoice 7", "640.00")])
    statement(
        ctx, tmp_path, "b.csv", [(date(2026, 11, 10), "ACME LTD", "Invoice 7 / REF 1", "640.00")]
    )
    day = date(2026, 11, 12)
    statement(
        ctx, tmp_path, "c.csv", [(day, "BETA", "Fees", "15.00"), (day, "BETA", "Fees", "15.00")]
    )
    result = run_scan(ctx)
    assert result.by_rule == {"ignore_duplicate_line": 1}
    assert bank_line_status(ctx) == [
        ("Invoice 7", "unmatched"),
        ("Invoice 7 / REF 1", "ignored"),
        ("Fees", "unmatched"),
        ("Fees", "unmatched"),
    ]
    assert one(ctx, "duplicate_bank_line").auto_resolved
    # the kept lines are older than 5 days and nobody matched them
    assert len(items(ctx, "open", "unmatched_bank_line")) == 3


def test_an_unmatched_line_item_closes_when_the_line_is_matched(ctx: Any, tmp_path: Path) -> None:
    acme = client(ctx)
    inv = issued(ctx, acme.id, "640.00", date(2026, 11, 1))
    statement(ctx, tmp_path, "s.csv", [(date(2026, 11, 12), "SOMEONE", "Transfer", "640.00")])
    run_scan(ctx)
    item = one(ctx, "unmatched_bank_line")
    assert item.status == "open"
    # booked 12 November, today 25 November: 13 days
    assert "has been unmatched for 13 days (threshold 5 days)" in (
        get_exception(ctx, item.id).explanation
    )
    reconcile.accept(ctx, item.entity_id, [inv])
    run_scan(ctx)
    closed = one(ctx, "unmatched_bank_line")
    assert closed.status == "resolved" and closed.auto_resolved


def test_with_the_matched_line_rule_off_the_item_stays(ctx: Any, tmp_path: Path) -> None:
    setting(ctx, "exceptions.auto_close_matched_lines", False)
    acme = client(ctx)
    inv = issued(ctx, acme.id, "640.00", date(2026, 11, 1))
    statement(ctx, tmp_path, "s.csv", [(date(2026, 11, 12), "SOMEONE", "Transfer", "640.00")])
    run_scan(ctx)
    reconcile.accept(ctx, one(ctx, "unmatched_bank_line").entity_id, [inv])
    run_scan(ctx)
    assert one(ctx, "unmatched_bank_line").status == "open"


# --- credit --------------------------------------------------------------------------------


def test_credit_goes_to_the_next_invoice_of_the_same_client_only(ctx: Any) -> None:
    acme, beta, cedar = client(ctx, "Acme Ltd"), client(ctx, "Beta Ltd"), client(ctx, "Cedar Ltd")
    older = issued(ctx, acme.id, "40.00", date(2026, 10, 1), description="Support")
    paid = issued(ctx, acme.id, "100.00", date(2026, 11, 1), description="Design")
    record_payment(ctx, acme.id, D("150.00"), date(2026, 11, 3), allocations=[(paid, D("100.00"))])
    later = issued(ctx, acme.id, "80.00", date(2026, 11, 10), description="Hosting")
    record_payment(ctx, beta.id, D("30.00"), date(2026, 11, 5))  # Beta has nothing open
    other = issued(ctx, cedar.id, "30.00", date(2026, 11, 10))
    result = run_scan(ctx)
    assert result.by_rule == {"apply_credit": 1}
    assert invoice_row(ctx, later).balance_minor == 3000  # 80.00 - 50.00
    assert invoice_row(ctx, older).balance_minor == 4000  # issued before the credit: untouched
    assert invoice_row(ctx, other).balance_minor == 3000  # another client's: never
    over = one(ctx, "over_payment")
    assert over.status == "resolved" and over.auto_resolved
    waiting = one(ctx, "credit_balance")
    assert waiting.status == "open" and waiting.client_name == "Beta Ltd"


def test_credit_is_not_applied_to_a_disputed_invoice(ctx: Any) -> None:
    acme = client(ctx)
    record_payment(ctx, acme.id, D("30.00"), date(2026, 11, 5))
    inv = issued(ctx, acme.id, "80.00", date(2026, 11, 10))
    invoicing.mark_disputed(ctx, inv, True, "wrong hours")
    run_scan(ctx)
    assert invoice_row(ctx, inv).balance_minor == 8000
    assert one(ctx, "credit_balance").status == "open"
    assert one(ctx, "dispute").status == "open"


# --- the other types from data -----------------------------------------------------------


def test_duplicate_invoice_contract_anomaly_usage_and_missed_invoice(ctx: Any) -> None:
    dup = client(ctx, "Twice Ltd")
    draft(ctx, dup.id, "500.00", date(2026, 11, 20))
    second = draft(ctx, dup.id, "500.00", date(2026, 11, 22))

    contract = client(ctx, "Contract Ltd")
    sched = schedule(ctx, contract.id, "100.00", start=date(2026, 11, 1), tax="0")
    run_bill_run(ctx, as_of=date(2026, 11, 1))
    add_change(ctx, sched.id, sched.data.lines[0].id, date(2026, 11, 1), unit_price=D("120.00"))

    big = client(ctx, "Steady Ltd")
    for month, price in zip(
        range(5, 11), ("1000", "1010", "990", "1005", "995", "1000"), strict=True
    ):
        issued(ctx, big.id, price, date(2026, month, 3))
    draft(ctx, big.id, "4000.00", date(2026, 11, 24))

    hours = client(ctx, "Hours Ltd")
    for month, qty in ((8, "10"), (9, "12"), (10, "9")):
        issued(ctx, hours.id, "90.00", date(2026, month, 28), qty=qty, description="Support hours")
    draft(ctx, hours.id, "90.00", date(2026, 11, 24), qty="40", description="Support hours")

    missed = client(ctx, "Monthly Ltd")
    for month in range(5, 10):
        issued(ctx, missed.id, "250.00", date(2026, month, 1), description=f"Retainer {month}")

    run_scan(ctx)
    d = one(ctx, "duplicate_invoice")
    assert d.entity_id == second
    assert (
        "are 2 days apart, differ by €0.00 (0.0%, within 1%)"
        in get_exception(ctx, d.id).explanation
    )
    c = get_exception(ctx, one(ctx, "contract_discrepancy").id)
    assert c.explanation == (
        "Line 'Retainer' bills quantity 1 at €100.00, but the agreement 'Retainer' says quantity "
        "1 at €120.00 on 2026-11-01."
    )
    anomalies = {r.client_name: r for r in items(ctx, "open", "anomaly")}
    # median of 990 995 1000 1000 1005 1010 is 1000; 4000 / 1000 = 4.0×; MAD of the logs is
    # (0.004988 + 0.005013) / 2 = 0.0050, so z = 0.6745 × ln 4 / 0.0050 ≈ 187 (> 3.5)
    assert get_exception(ctx, anomalies["Steady Ltd"].id).explanation.startswith(
        "€4,000.00 is 4.0× this client's usual €1,000.00 (median of the last 6); its modified "
        "z-score on log amounts is +187.0"
    )
    u = get_exception(ctx, one(ctx, "usage").id)
    # median of 9, 10, 12 is 10: 40 is 4.0× with fewer than 6 past invoices
    assert "'Support hours': quantity 40 is 4.0× this item's usual quantity 10" in u.explanation
    gone = get_exception(ctx, one(ctx, "missed_recurring").id)
    # 1 May … 1 Sep: gaps 31 30 31 31 → median 31; expected 2 Oct; grace round(31 / 4) = 8
    assert gone.row.client_name == "Monthly Ltd"
    assert "expected around 2026-10-02 and none has come by 2026-11-25 (grace 8 days)" in (
        gone.explanation
    )


def test_promise_and_dispute_items_come_and_go(ctx: Any) -> None:
    acme = client(ctx)
    inv = issued(ctx, acme.id, "300.00", date(2026, 10, 1))
    invoicing.set_promise(ctx, inv, date(2026, 11, 20))
    invoicing.mark_disputed(ctx, inv, True, "hours not agreed")
    run_scan(ctx)
    assert one(ctx, "promise_broken").status == "open"
    assert one(ctx, "dispute").status == "open"
    invoicing.mark_disputed(ctx, inv, False)
    record_payment(ctx, acme.id, D("300.00"), date(2026, 11, 24), allocations=[(inv, D("300.00"))])
    result = run_scan(ctx)
    assert result.cleared == 2
    assert {r.status for r in items(ctx, "all", "promise_broken", "dispute")} == {"resolved"}


def test_a_dismissed_item_stays_dismissed(ctx: Any, tmp_path: Path) -> None:
    statement(ctx, tmp_path, "s.csv", [(date(2026, 11, 12), "SOMEONE", "Transfer", "640.00")])
    run_scan(ctx)
    item = one(ctx, "unmatched_bank_line")
    resolve(ctx, item.id, "dismiss", "known: owner's own transfer")
    again = run_scan(ctx)
    assert again.raised == 0
    assert one(ctx, "unmatched_bank_line").status == "dismissed"
    stats = queue_stats(ctx)
    assert (stats.open, stats.dismissed, stats.auto_resolved) == (0, 1, 0)
