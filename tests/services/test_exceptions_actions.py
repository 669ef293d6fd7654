"""Acting on queue items: one action each, who/when/why recorded, bulk approval, the CLI twin."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal as D
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from app.db import models as m
from app.services import invoicing
from app.services.bill_run import run_bill_run
from app.services.errors import InvariantError, ValidationError
from app.services.exception_actions import approve_invoices, bulk_resolve, resolve
from app.services.exception_scan import run_scan
from app.services.exceptions import get_exception, open_count
from app.services.payments import credit_balance, record_payment
from tests.conftest import AS_OF
from tests.services.billing_fixtures import client, schedule
from tests.services.exception_fixtures import (
    bank_line_status,
    invoice_row,
    issued,
    items,
    one,
    statement,
)


def _in_review(ctx: Any, name: str) -> int:
    """An invoice held for review: a new client without an e-mail address (two reasons)."""
    c = client(ctx, name, email="")
    schedule(ctx, c.id, "100.00", start=date(2026, 11, 1))
    [invoice_id] = run_bill_run(ctx).review_reasons
    return invoice_id


def test_approve_from_the_queue_closes_every_item_of_the_invoice(ctx: Any) -> None:
    invoice_id = _in_review(ctx, "Nomail Ltd")
    first = items(ctx, "open", "missing_email")[0]
    result = resolve(ctx, first.id, "approve", "phoned them, address follows")
    assert result.message == "Approved and issued as INV-2026-00001"
    assert invoice_row(ctx, invoice_id).status == "issued"
    assert {r.status for r in items(ctx, "all", "missing_email", "first_invoice")} == {"resolved"}
    detail = get_exception(ctx, first.id)
    assert detail.resolved_by == "user"
    assert detail.resolution == "approved by user: phoned them, address follows"
    with ctx.uow.read() as uow:
        approvals = [
            (e.actor, json.loads(e.data_json)["after"]["note"])
            for e in uow.session.execute(
                select(m.AuditEvent).where(
                    m.AuditEvent.action == "invoice.approve",
                    m.AuditEvent.entity_id == str(invoice_id),
                )
            ).scalars()
        ]
    assert approvals == [("user", "phoned them, address follows")]


def test_reject_needs_a_reason_and_skips_the_period(ctx: Any) -> None:
    invoice_id = _in_review(ctx, "Nomail Ltd")
    item = items(ctx, "open", "first_invoice")[0]
    with pytest.raises(ValidationError, match="Say why"):
        resolve(ctx, item.id, "reject", "")
    assert get_exception(ctx, item.id).row.status == "open"
    resolve(ctx, item.id, "reject", "client cancelled")
    with ctx.uow.read() as uow:
        assert uow.session.get(m.Invoice, invoice_id) is None
        skips = uow.session.execute(select(m.ScheduleSkip.reason)).scalars().all()
    assert skips == ["rejected: client cancelled"]
    assert open_count(ctx) == 0


def test_an_action_that_does_not_fit_is_refused(ctx: Any) -> None:
    acme = client(ctx)
    inv = issued(ctx, acme.id, "123.00", date(2026, 11, 1))
    record_payment(ctx, acme.id, D("100.00"), date(2026, 11, 20), allocations=[(inv, D("100.00"))])
    run_scan(ctx)
    item = one(ctx, "short_payment")
    with pytest.raises(InvariantError, match="does not apply"):
        resolve(ctx, item.id, "approve")
    result = resolve(ctx, item.id, "writeoff")
    assert result.message.startswith("Wrote off 23.00 EUR on INV-")
    assert invoice_row(ctx, inv).status == "paid"
    with pytest.raises(InvariantError, match="already resolved"):
        resolve(ctx, item.id, "dismiss")


def test_apply_credit_bank_lines_and_disputes_from_the_queue(ctx: Any, tmp_path: Path) -> None:
    acme = client(ctx)
    old = issued(ctx, acme.id, "40.00", date(2026, 10, 1), description="Support")
    record_payment(ctx, acme.id, D("25.00"), date(2026, 11, 5), allocations=[])
    disputed = issued(ctx, acme.id, "60.00", date(2026, 11, 2), description="Design")
    invoicing.mark_disputed(ctx, disputed, True, "wrong rate")
    statement(ctx, tmp_path, "s.csv", [(date(2026, 11, 12), "SOMEONE", "Transfer", "640.00")])
    run_scan(ctx)
    # the rule leaves the credit alone (the only open invoices are older or disputed) …
    credit = one(ctx, "credit_balance")
    assert credit.status == "open"
    # … a person may still apply it, oldest open invoice first
    resolve(ctx, credit.id, "apply-credit")
    assert invoice_row(ctx, old).balance_minor == 1500  # 40.00 - 25.00
    assert credit_balance(ctx, acme.id).is_zero
    resolve(ctx, one(ctx, "unmatched_bank_line").id, "ignore-line", "owner's transfer")
    assert bank_line_status(ctx) == [("Transfer", "ignored")]
    resolve(ctx, one(ctx, "dispute").id, "withdraw-dispute", "client agreed")
    assert invoice_row(ctx, disputed).disputed is False
    assert [(r.type, r.title) for r in items(ctx, "open")] == []


def test_bulk_approve_invoices_in_review(ctx: Any) -> None:
    ids = [_in_review(ctx, name) for name in ("Alpha Ltd", "Beta Ltd", "Gamma Ltd")]
    queue = items(ctx, "open")
    assert len(queue) == 6  # two reasons each
    result = approve_invoices(ctx, [r.id for r in queue])
    assert len(result.done) == 6 and result.skipped == []
    assert {invoice_row(ctx, i).status for i in ids} == {"issued"}
    # nothing about these invoices' review is left open (e-mail delivery raises its own items)
    assert not [
        r
        for r in items(ctx, "open")
        if r.type in ("first_invoice", "missing_email", "missing_address")
    ]
    again = bulk_resolve(ctx, [queue[0].id], "dismiss")
    assert again.done == [] and "already resolved" in again.skipped[0][1]


def _cli(home: Path, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, Any]:
    from app.cli import run

    capsys.readouterr()
    code = run(["--data-dir", str(home), "--as-of", AS_OF.isoformat(), "--json", *args])
    out = capsys.readouterr().out
    return code, json.loads(out) if out.strip() else None


def test_cli_list_resolve_and_scan(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from app.bootstrap import open_app

    app = open_app(home, as_of=AS_OF)
    try:
        _in_review(app.ctx, "Nomail Ltd")
    finally:
        app.close()
    code, rows = _cli(home, capsys, "list", "exceptions")
    assert code == 0
    assert sorted(r["type"] for r in rows) == ["first_invoice", "missing_email"]
    assert rows[0]["explanation"] and rows[0]["actions"][0] == "approve"
    code, done = _cli(home, capsys, "resolve", str(rows[0]["id"]), "dismiss", "--note", "seen")
    assert code == 0 and done["message"] == "Dismissed."
    code, left = _cli(home, capsys, "list", "exceptions", "--type", "missing_email")
    assert code == 0 and len(left) == len([r for r in rows if r["type"] == "missing_email"]) - (
        rows[0]["type"] == "missing_email"
    )
    code, scanned = _cli(home, capsys, "scan")
    assert code == 0 and scanned["invoices"] == 1
    code, refused = _cli(home, capsys, "resolve", str(rows[0]["id"]), "dismiss")
    assert code == 3 and "already dismissed" in refused["error"]
