"""Bill runs on a real SQLite file: exactly once, catch-up, review gate, gap-free numbers."""

from __future__ import annotations

import threading
from dataclasses import replace
from datetime import date
from decimal import Decimal as D
from typing import Any

import pytest
from sqlalchemy import func, select

from app.core.invoice_math import LineInput
from app.core.invoices import InvoiceDraft, Status
from app.db import models as m
from app.services import invoicing
from app.services.bill_run import pending_items, run_bill_run, skip_periods
from app.services.errors import BusyError, InvariantError, ValidationError
from app.services.locks import acquire, release
from app.services.schedules import add_change, pause_schedule, resume_schedule
from tests.services.billing_fixtures import client, schedule


def at(ctx: Any, day: date) -> Any:
    ctx.clock.as_of = day
    return ctx


def invoices(ctx: Any) -> list[Any]:
    return sorted(
        invoicing.list_invoices(ctx, invoicing.InvoiceQuery()), key=lambda r: (r.issue_date, r.id)
    )


def test_a_rerun_creates_nothing_and_periods_are_dated_for_themselves(ctx: Any) -> None:
    c = client(ctx)
    schedule(ctx, c.id, start=date(2026, 1, 31))
    at(ctx, date(2026, 4, 30))
    first = run_bill_run(ctx)
    # Jan 31, Feb 28, Mar 31, Apr 30 → 4 periods, catch-up > 2 → all to review.
    assert (first.created, first.review, first.issued) == (4, 4, 0)
    assert [r.issue_date for r in invoices(ctx)] == [
        date(2026, 1, 31),
        date(2026, 2, 28),
        date(2026, 3, 31),
        date(2026, 4, 30),
    ]
    again = run_bill_run(ctx)
    assert again.created == 0
    assert len(invoices(ctx)) == 4


def test_clean_drafts_are_issued_with_gap_free_numbers(ctx: Any) -> None:
    c = client(ctx)
    schedule(ctx, c.id)
    at(ctx, date(2026, 1, 1))
    first = run_bill_run(ctx)  # the client's first invoice goes to review
    assert first.review == 1
    invoicing.approve(ctx, first.invoice_ids)
    for month in (2, 3, 4):
        result = run_bill_run(at(ctx, date(2026, month, 1)))
        assert (result.created, result.issued) == (1, 1)
    rows = invoices(ctx)
    assert [r.number for r in rows] == [f"INV-2026-0000{i}" for i in (1, 2, 3, 4)]
    # 100.00 + 23 % = 123.00 each; due 30 days after issue (the client's terms).
    assert {r.total_minor for r in rows} == {12300}
    assert rows[1].due_date == date(2026, 3, 3)


def test_mid_period_upgrade_appears_as_proration_on_the_next_invoice(ctx: Any) -> None:
    c = client(ctx)
    s = schedule(ctx, c.id, tax="0")
    at(ctx, date(2026, 6, 1))
    invoicing.approve(ctx, run_bill_run(ctx).invoice_ids)
    add_change(ctx, s.id, s.data.lines[0].id, date(2026, 6, 17), quantity=D(2))
    result = run_bill_run(at(ctx, date(2026, 7, 1)))
    detail = invoicing.get_detail(ctx, result.invoice_ids[0])
    # base 200.00, credit −46.67 (100 × 14/30), charge 93.33 (200 × 14/30) → 246.66; the agreed
    # change explains the variance, so it is issued without review.
    assert [ln.total_minor for ln in detail.lines] == [20000, -4667, 9333]
    assert detail.row.total_minor == 24666
    assert detail.row.status == Status.ISSUED


def test_variance_without_an_agreed_change_goes_to_review(ctx: Any) -> None:
    c = client(ctx)
    s = schedule(ctx, c.id, tax="0")
    at(ctx, date(2026, 1, 1))
    invoicing.approve(ctx, run_bill_run(ctx).invoice_ids)
    # The agreement is edited directly (not via a dated change): 100 → 150 is +50 %.
    from app.services.schedules import update_schedule

    data = replace(s.data, lines=(replace(s.data.lines[0], unit_price=D("150.00")),))
    update_schedule(ctx, s.id, data)
    result = run_bill_run(at(ctx, date(2026, 2, 1)))
    assert result.review == 1
    assert "+50.0%" in result.review_reasons[result.invoice_ids[0]][0]
    with ctx.uow.read() as uow:
        item = uow.session.execute(
            select(m.ExceptionItem).where(m.ExceptionItem.type == "variance")
        ).scalar_one()
        assert item.entity_id == result.invoice_ids[0] and item.status == "open"


def test_pause_resume_and_skip(ctx: Any) -> None:
    c = client(ctx)
    s = schedule(ctx, c.id, tax="0")
    at(ctx, date(2026, 1, 1))
    invoicing.approve(ctx, run_bill_run(ctx).invoice_ids)
    pause_schedule(ctx, s.id, date(2026, 2, 1))
    assert run_bill_run(at(ctx, date(2026, 3, 1))).created == 0  # Feb and Mar are paused
    resume_schedule(ctx, s.id, date(2026, 3, 16))
    # March: Mar 16–31 = 16 of 31 days → 100 × 16/31 = 51.612… → 51.61.
    items = pending_items(ctx)
    assert [(i.period_start, i.total_minor) for i in items] == [(date(2026, 3, 1), 5161)]
    skip_periods(ctx, [(s.id, date(2026, 3, 1))])
    assert pending_items(ctx) == []


def test_issued_invoices_are_immutable(ctx: Any) -> None:
    c = client(ctx)
    draft = invoicing.create_draft(
        ctx,
        InvoiceDraft(
            client_id=c.id,
            issue_date=date(2026, 1, 5),
            lines=(LineInput("Workshop", D(1), D("500.00"), D(23)),),
        ),
    )
    assert draft.row.number is None  # drafts burn no number
    invoicing.issue_invoices(ctx, [draft.row.id])
    with pytest.raises(InvariantError, match="cannot be edited"):
        invoicing.update_draft(ctx, draft.row.id, invoicing.draft_of(draft))
    with pytest.raises(InvariantError):
        invoicing.delete_draft(ctx, draft.row.id)


def test_deleting_a_draft_burns_no_number(ctx: Any) -> None:
    c = client(ctx)
    line = (LineInput("x", D(1), D("10.00")),)
    a = invoicing.create_draft(ctx, InvoiceDraft(c.id, date(2026, 1, 5), line))
    b = invoicing.create_draft(ctx, InvoiceDraft(c.id, date(2026, 1, 5), line))
    invoicing.delete_draft(ctx, a.row.id)
    assert invoicing.issue_invoices(ctx, [b.row.id]) == ["INV-2026-00001"]


def test_partial_credit_reduces_the_balance_exactly_and_never_marks_paid(ctx: Any) -> None:
    c = client(ctx)
    d = invoicing.create_draft(
        ctx, InvoiceDraft(c.id, date(2026, 1, 5), (LineInput("x", D(1), D("100.00"), D(23)),))
    )
    invoicing.issue_invoices(ctx, [d.row.id])
    at(ctx, date(2026, 1, 10))
    note = invoicing.credit_note(ctx, d.row.id, D("23.00"), "discount agreed")
    # Credit of 23.00 gross at 23 %: net 23/1.23 = 18.699… → 18.70, tax 4.30.
    assert (note.subtotal_minor, note.tax_minor, note.row.total_minor) == (1870, 430, 2300)
    after = invoicing.get_detail(ctx, d.row.id)
    assert after.row.balance_minor == 12300 - 2300
    assert after.row.status == Status.ISSUED
    with pytest.raises(ValidationError, match="more than"):
        invoicing.credit_note(ctx, d.row.id, D("100.01"))
    invoicing.credit_note(ctx, d.row.id)  # the rest: 100.00
    final = invoicing.get_detail(ctx, d.row.id)
    assert (final.row.balance_minor, final.row.status) == (0, Status.CREDITED)


def test_void_keeps_the_number_and_needs_a_reason(ctx: Any) -> None:
    c = client(ctx)
    d = invoicing.create_draft(
        ctx, InvoiceDraft(c.id, date(2026, 1, 5), (LineInput("x", D(1), D("10.00")),))
    )
    invoicing.issue_invoices(ctx, [d.row.id])
    with pytest.raises(ValidationError):
        invoicing.void(ctx, d.row.id, " ")
    v = invoicing.void(ctx, d.row.id, "sent to the wrong client")
    assert (v.row.number, v.row.status, v.row.balance_minor) == ("INV-2026-00001", "void", 0)


def test_two_threads_issuing_at_once_get_distinct_consecutive_numbers(ctx: Any) -> None:
    c = client(ctx)
    line = (LineInput("x", D(1), D("1.00")),)
    ids = [
        invoicing.create_draft(ctx, InvoiceDraft(c.id, date(2026, 2, 1), line)).row.id
        for _ in range(60)
    ]
    numbers: list[str] = []
    errors: list[BaseException] = []

    def worker(part: list[int]) -> None:
        try:
            for i in part:
                numbers.extend(invoicing.issue_invoices(ctx, [i]))
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=(ids[k::2],)) for k in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert sorted(numbers) == [f"INV-2026-{i:05d}" for i in range(1, 61)]


def test_a_second_run_is_refused_while_one_holds_the_lock(ctx: Any) -> None:
    from app.services import locks

    with ctx.uow() as uow:
        now = ctx.clock.wall_utc()
        from datetime import timedelta

        uow.session.add(
            m.AppLock(
                name="bill_run",
                holder="other-machine:1",
                acquired_at=now,
                expires_at=now + timedelta(minutes=5),
            )
        )
        uow.commit()
    with pytest.raises(BusyError, match="already running"):
        run_bill_run(ctx)
    assert acquire(ctx, "other") and locks.acquire(ctx, "other")  # re-entrant for its holder
    release(ctx, "other")


def test_one_invoice_per_schedule_period_is_enforced_by_the_database(ctx: Any) -> None:
    from sqlalchemy.exc import IntegrityError

    c = client(ctx)
    s = schedule(ctx, c.id)
    run_bill_run(at(ctx, date(2026, 1, 1)))
    with ctx.uow() as uow, pytest.raises(IntegrityError):
        now = ctx.clock.now_utc()
        uow.session.add(
            m.Invoice(
                client_id=c.id,
                schedule_id=s.id,
                period_start=date(2026, 1, 1),
                issue_date=date(2026, 1, 1),
                due_date=date(2026, 1, 31),
                currency="EUR",
                created_at=now,
                updated_at=now,
            )
        )
        uow.session.flush()
    with ctx.uow.read() as uow:
        assert uow.session.scalar(select(func.count()).select_from(m.Invoice)) == 1
