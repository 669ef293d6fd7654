"""The other messages (receipts, statements, credit notes), late-payment charges, and the CLI."""

from __future__ import annotations

import io
import json
import sqlite3
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

from app.cli import run
from app.core.clock import Clock
from app.services import invoicing, payments
from app.services.delivery import send_due
from app.services.mail_queue import queue_statement
from app.services.settings import save_settings
from tests.services import mail_fixtures
from tests.services.mail_fixtures import SmtpServer, add_client, issue_invoice, outbox, start_server

certificate = mail_fixtures.certificate  # a shared fixture, found by name
NOW = datetime(2026, 11, 25, 10, 0, tzinfo=UTC)  # Wednesday 25 November 2026


@pytest.fixture
def server(certificate: Any) -> Iterator[SmtpServer]:
    running = start_server(certificate, tls=False, auth=False)
    yield running
    running.controller.stop()


@pytest.fixture
def book(ctx: Any, server: SmtpServer) -> Any:
    save_settings(
        ctx, server.settings(**{"smtp.security": "none", "smtp.user": "", "smtp.ca_file": ""})
    )
    return replace(ctx, clock=Clock("Europe/Dublin", fixed_instant=NOW))


def _pdf_text(message: Any) -> str:
    [pdf] = [p for p in message.iter_attachments() if p.get_content_type() == "application/pdf"]
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.get_content())).pages)


def _text(message: Any) -> str:
    return str(message.get_body(("plain",)).get_content())


def test_a_payment_receipt_and_a_statement_state_the_books(book: Any, server: SmtpServer) -> None:
    save_settings(book, {"mail.send_receipts": True, "mail.send_invoices": False})
    client = add_client(book, "Acme Ltd", "ap@acme.example")
    issue_invoice(book, client, date(2026, 11, 2), date(2026, 11, 20), "100.00")
    # 130.00 received: 100.00 settles the invoice, 30.00 stays as the client's credit.
    payments.record_payment(book, client, Decimal("130.00"), date(2026, 11, 24))
    assert send_due(book).sent == 1
    receipt = server.handler.messages[0].message
    assert receipt["Subject"] == "Thank you for your payment to Northwind Consulting"
    body = _text(receipt)
    assert "we received €130.00 on 24 Nov 2026" in body
    assert "INV-2026-00001: €100.00" in body
    assert "We keep €30.00 as a credit" in body
    assert send_due(book).sent == 0  # one receipt per payment, however often we look

    queue_statement(book, client, date(2026, 11, 1), date(2026, 11, 30))
    assert send_due(book).sent == 1
    statement = server.handler.messages[1].message
    # Invoice 100.00 minus payment 130.00: the client is 30.00 in credit.
    assert "The balance on 30 Nov 2026 is -€30.00." in " ".join(_text(statement).split())
    pdf = _pdf_text(statement)
    assert "INV-2026-00001" in pdf and "30.00" in pdf


def test_a_credit_note_is_emailed_and_a_fully_credited_invoice_is_not(
    book: Any, home: Path, server: SmtpServer
) -> None:
    client = add_client(book, "Acme Ltd", "ap@acme.example")
    invoice_id = issue_invoice(book, client, date(2026, 11, 20), date(2026, 12, 20))
    invoicing.credit_note(book, invoice_id, reason="ordered by mistake")
    report = send_due(book)
    assert (report.sent, report.failed) == (1, 0)
    [message] = [r.message for r in server.handler.messages]
    assert message["Subject"] == "Credit note CN-2026-00001 from Northwind Consulting"
    assert "which corrects invoice INV-2026-00001" in " ".join(_text(message).split())
    assert "CN-2026-00001" in _pdf_text(message)
    invoice_mail = next(r for r in outbox(home) if r["kind"] == "invoice")
    assert invoice_mail["status"] == "cancelled"
    assert "settled before its e-mail went out" in invoice_mail["last_error"]


def _late(book: Any, mode: str) -> int:
    save_settings(
        book,
        {
            "mail.send_invoices": False,
            "late_fees.enabled": True,
            "late_fees.rate_table": "2026-01-01 2.15",
            "late_fees.from_stage": "first",
            "late_fees.mode": mode,
        },
    )
    client = add_client(book, "Acme Ltd", "ap@acme.example")
    return issue_invoice(book, client, date(2026, 9, 26), date(2026, 10, 26), "1000.00")


def test_a_late_b2b_invoice_claims_statutory_interest_on_the_reminder(
    book: Any, home: Path, server: SmtpServer
) -> None:
    _late(book, "reminder")
    # Due Monday 26 October; on 25 November the +30 final notice is the latest due stage.
    # Interest: 27–31 October (5 days) + 1–25 November (25 days) = 30 days at 2.15 + 8 =
    # 10.15 %: 1000 × 0.1015 × 30 / 365 = 8.342… → €8.34; plus €40; now due €1,048.34.
    assert send_due(book).sent == 1
    message = server.handler.messages[0].message
    assert message["Subject"] == "Final notice: invoice INV-2026-00001"
    body = " ".join(_text(message).split())
    assert "Statutory interest, 30 days (EU Directive 2011/7/EU): €8.34" in body
    assert "Fixed compensation for recovery costs (EU Directive 2011/7/EU): €40.00" in body
    assert "Total now due: €1,048.34" in body
    assert "1,048.34" in _pdf_text(message)
    stages = {r["stage"]: r["status"] for r in outbox(home)}
    assert stages == {
        "heads_up": "skipped",
        "first": "skipped",
        "second": "skipped",
        "third": "skipped",
        "final": "sent",
    }


def test_in_invoice_mode_the_charges_become_their_own_invoice_once(book: Any, home: Path) -> None:
    invoice_id = _late(book, "invoice")
    send_due(book)
    send_due(
        replace(
            book, clock=Clock("Europe/Dublin", fixed_instant=datetime(2026, 12, 2, 10, tzinfo=UTC))
        )
    )
    db = sqlite3.connect(home / "counterfoil.sqlite3")
    rows = db.execute(
        "SELECT number, status, total_minor, reference FROM invoices WHERE related_invoice_id = ?",
        (invoice_id,),
    ).fetchall()
    lines = db.execute(
        "SELECT l.description, l.total_minor FROM invoice_lines l JOIN invoices i ON i.id = l.invoice_id "
        "WHERE i.related_invoice_id = ? ORDER BY l.position",
        (invoice_id,),
    ).fetchall()
    db.close()
    assert rows == [("INV-2026-00002", "issued", 4834, "Late payment: INV-2026-00001")]
    assert [total for _, total in lines] == [834, 4000]
    assert lines[0][0].startswith("Statutory interest, 30 days")


def cli(home: Path, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, Any]:
    capsys.readouterr()
    code = run(["--data-dir", str(home), "--as-of", "2026-11-25", "--json", *args])
    out = capsys.readouterr().out
    return code, json.loads(out) if out.strip() else None


def test_the_cli_lists_what_would_go_out_and_why(
    ctx: Any, home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    client = add_client(ctx, "Acme Ltd", "ap@acme.example")
    invoice_id = issue_invoice(ctx, client, date(2026, 10, 1), date(2026, 10, 31))
    code, data = cli(home, capsys, "send", "--dry-run")
    assert code == 0
    assert data["problem"].startswith("E-mail is not set up yet")
    assert [(i["status"], i["kind"], i["about"]) for i in data["items"]] == [
        ("would_send", "invoice", "INV-2026-00001")
    ]
    assert outbox(home)[0]["status"] == "queued"  # a dry run changes nothing

    code, data = cli(home, capsys, "invoice", "dispute", "INV-2026-00001", "--note", "wrong rate")
    assert (code, data["disputed"]) == (0, True)
    code, data = cli(home, capsys, "reminders", "show", "INV-2026-00001")
    assert (data["action"], data["summary"]) == ("hold", "The invoice is disputed.")

    code, data = cli(home, capsys, "list", "outbox", "--status", "queued")
    assert [(r["kind"], r["invoice_number"]) for r in data] == [("invoice", "INV-2026-00001")]
    code, data = cli(home, capsys, "outbox", "mark-sent", str(data[0]["id"]))
    assert code == 3  # only an 'unknown' message can be marked sent
    assert invoice_id == 1


def test_a_clients_own_policy_is_checked_when_it_is_saved(
    ctx: Any, home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    client = add_client(ctx, "Acme Ltd", "ap@acme.example")
    code, data = cli(
        home, capsys, "reminders", "policy", str(client), "--stages", "first +5, final +20!"
    )
    assert (code, data["policy"]) == (0, {"stages": "first +5, final +20!"})
    code, _ = cli(home, capsys, "reminders", "policy", str(client), "--days", "someday")
    assert code == 2
    code, data = cli(home, capsys, "reminders", "policy", str(client), "--clear")
    assert data["policy"] == {}


def test_a_bill_run_queues_its_emails_in_the_same_transaction(ctx: Any, home: Path) -> None:
    from app.services.bill_run import run_bill_run
    from tests.services.billing_fixtures import client, schedule

    clients = [client(ctx, f"Client {i}", email=f"c{i}@clients.example") for i in range(3)]
    for c in clients:
        schedule(ctx, c.id)

    def on(day: date) -> Any:
        return replace(ctx, clock=Clock("Europe/Dublin", as_of=day))

    # Each client's first invoice waits for review; once approved, February's run issues
    # three invoices at once and the issue hook queues their e-mails in one go.
    invoicing.approve(ctx, run_bill_run(on(date(2026, 1, 1))).invoice_ids)
    result = run_bill_run(on(date(2026, 2, 1)))
    assert result.issued == 3
    february = [r for r in outbox(home) if r["created_at"].startswith("2026-02-01")]
    assert sorted((r["to_address"], r["status"]) for r in february) == [
        ("c0@clients.example", "queued"),
        ("c1@clients.example", "queued"),
        ("c2@clients.example", "queued"),
    ]
