"""Reminders walked day by day with a pinned clock, against a real SMTP server.

Calendar (2026): every invoice is issued on Monday 2 March.  Due Wednesday
18 March, the default stages fall on Sun 15 (-3 → sent Monday 16), Thu 19 (+1),
Wed 25 (+7), Wed 1 April (+14) and Fri 17 April (+30).  Due Thursday 19 March,
they fall on Mon 16, Fri 20, Thu 26, Thu 2 April and Sat 18 April (→ Monday 20).
Each day the app runs once at 10:00 UTC (10:00 or 11:00 in Dublin).
"""

from __future__ import annotations

import io
import threading
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

from app.core.clock import Clock
from app.services import invoicing, payments
from app.services.delivery import send_due
from app.services.settings import save_settings
from tests.services import mail_fixtures
from tests.services.mail_fixtures import (
    SmtpServer,
    add_client,
    issue_invoice,
    outbox,
    start_server,
)

# Fixtures shared with the other mail tests (pytest finds them by name in this module).
certificate = mail_fixtures.certificate

START = date(2026, 3, 2)


@pytest.fixture
def plain_server(certificate: Any) -> Iterator[SmtpServer]:
    """The same server without TLS or login, for speed (sending itself is tested elsewhere)."""
    server = start_server(certificate, tls=False, auth=False)
    yield server
    server.controller.stop()


def on(ctx: Any, day: date) -> Any:
    ten = datetime(day.year, day.month, day.day, 10, tzinfo=UTC)
    return replace(ctx, clock=Clock("Europe/Dublin", fixed_instant=ten))


def setup_mail(ctx: Any, server: SmtpServer, **extra: object) -> None:
    save_settings(
        ctx,
        server.settings(**{"smtp.security": "none", "smtp.user": "", "smtp.ca_file": ""}) | extra,
    )


class Recorder:
    """Which message (invoice, kind, stage) reached the server on which day."""

    def __init__(self, home: Path, server: SmtpServer) -> None:
        self.home, self.server = home, server
        self.seen = 0
        self.log: dict[str, list[tuple[str, date]]] = {}
        self.bodies: dict[tuple[str, str], Any] = {}

    def collect(self, day: date) -> list[str]:
        rows = {r["message_id"]: r for r in outbox(self.home)}
        numbers = invoice_numbers(self.home)
        new = self.server.handler.messages[self.seen :]
        self.seen += len(new)
        got = []
        for received in new:
            row = rows[received.message["Message-ID"]]
            number = numbers[row["invoice_id"]]
            what = row["stage"] or row["kind"]
            self.log.setdefault(number, []).append((what, day))
            self.bodies[(number, what)] = received.message
            got.append(f"{number}:{what}")
        return got


def invoice_numbers(home: Path) -> dict[int, str]:
    import sqlite3

    db = sqlite3.connect(home / "counterfoil.sqlite3")
    try:
        return dict(db.execute("SELECT id, number FROM invoices"))
    finally:
        db.close()


def d(month: int, day: int) -> date:
    return date(2026, month, day)


@pytest.mark.slow
def test_sixty_days_of_reminders_across_paid_disputed_promised_and_part_paid_invoices(
    ctx: Any, home: Path, plain_server: SmtpServer
) -> None:
    setup_mail(ctx, plain_server)
    day0 = on(ctx, START)
    due, due_thu = d(3, 18), d(3, 19)
    clients = {
        key: add_client(day0, f"Client {key}", f"{key.lower()}@clients.example", **extra)
        for key, extra in (
            ("F", {}),
            ("G", {}),
            ("A", {}),
            ("B", {}),
            ("C", {}),
            ("D", {"no_auto_reminders": True}),
            ("E", {}),
        )
    }
    ids = {
        key: issue_invoice(day0, clients[key], START, due_thu if key == "G" else due)
        for key in clients
    }
    number = {key: invoice_numbers(home)[ids[key]] for key in ids}
    events = {
        d(3, 20): lambda c: invoicing.set_promise(c, ids["C"], d(3, 28)),
        d(3, 21): lambda c: payments.record_payment(c, clients["E"], Decimal("40.00"), d(3, 21)),
        d(3, 23): lambda c: payments.record_payment(c, clients["A"], Decimal("100.00"), d(3, 23)),
        d(3, 26): lambda c: invoicing.mark_disputed(c, ids["B"], True, "hours disputed"),
    }
    recorder = Recorder(home, plain_server)
    for offset in range(60):  # 2 March … 30 April
        day = START + timedelta(days=offset)
        today = on(ctx, day)
        if day in events:
            events[day](today)
        report = send_due(today)
        assert report.problem == "" and report.failed == 0
        got = recorder.collect(day)
        assert day.weekday() < 5 or not [g for g in got if not g.endswith(":invoice")], (day, got)

    invoice = ("invoice", START)
    expected = {
        "F": [
            invoice,
            ("heads_up", d(3, 16)),
            ("first", d(3, 19)),
            ("second", d(3, 25)),
            ("third", d(4, 1)),
            ("final", d(4, 17)),
        ],
        "G": [
            invoice,
            ("heads_up", d(3, 16)),
            ("first", d(3, 20)),
            ("second", d(3, 26)),
            ("third", d(4, 2)),
            ("final", d(4, 20)),
        ],  # 18 April is a Saturday
        "A": [invoice, ("heads_up", d(3, 16)), ("first", d(3, 19))],  # paid on 23 March
        "B": [invoice, ("heads_up", d(3, 16)), ("first", d(3, 19)), ("second", d(3, 25))],
        # Promised on 20 March to pay by 28 March: held until 30 March (two days' grace).
        # On 31 March the +7 stage is the latest due; +14 then waits three days after it.
        "C": [
            invoice,
            ("heads_up", d(3, 16)),
            ("first", d(3, 19)),
            ("second", d(3, 31)),
            ("third", d(4, 3)),
            ("final", d(4, 17)),
        ],
        "D": [invoice],  # the client asked for no automatic reminders
        "E": [
            invoice,
            ("heads_up", d(3, 16)),
            ("first", d(3, 19)),
            ("second", d(3, 25)),
            ("third", d(4, 1)),
            ("final", d(4, 17)),
        ],
    }
    assert {key: recorder.log[number[key]] for key in expected} == expected

    # E paid 40.00 of 100.00 on 21 March: the +1 reminder stated 100.00, the +7 one 60.00,
    # in the text and on the attached letter.
    first = recorder.bodies[(number["E"], "first")].get_body(("plain",)).get_content()
    second_mail = recorder.bodies[(number["E"], "second")]
    second = second_mail.get_body(("plain",)).get_content()
    assert "€100.00" in first and "€60.00" in second and "€100.00" not in second
    [letter] = [
        p for p in second_mail.iter_attachments() if p.get_content_type() == "application/pdf"
    ]
    assert "60.00" in PdfReader(io.BytesIO(letter.get_content())).pages[0].extract_text()

    # Every final notice also put its invoice in front of a human.
    import sqlite3

    db = sqlite3.connect(home / "counterfoil.sqlite3")
    escalated = {
        n
        for (n,) in db.execute(
            "SELECT i.number FROM exceptions e JOIN invoices i ON i.id = e.entity_id "
            "WHERE e.type = 'dunning_escalation'"
        )
    }
    db.close()
    assert escalated == {number[k] for k in ("F", "G", "C", "E")}


def test_after_the_laptop_was_closed_only_the_latest_stage_goes_out(
    ctx: Any, home: Path, plain_server: SmtpServer
) -> None:
    setup_mail(
        ctx,
        plain_server,
        **{"dunning.stages": "first +1, second +3, third +7, fourth +14, final +30!"},
    )
    invoice_id = issue_invoice(
        on(ctx, START), add_client(on(ctx, START), "Acme", "ap@acme.example"), START, d(3, 18)
    )
    recorder = Recorder(home, plain_server)
    for offset in range(18):  # open every day up to Thursday 19 March (+1)
        day = START + timedelta(days=offset)
        send_due(on(ctx, day))
        recorder.collect(day)
    # Closed from +2 (20 March) to +15 (2 April); opened again on Friday 3 April (+16).
    send_due(on(ctx, d(4, 3)))
    assert recorder.collect(d(4, 3)) == [f"{invoice_numbers(home)[invoice_id]}:fourth"]
    stages = {r["stage"]: r["status"] for r in outbox(home) if r["kind"] == "reminder"}
    assert stages == {"first": "sent", "second": "skipped", "third": "skipped", "fourth": "sent"}
    send_due(on(ctx, d(4, 6)))
    assert recorder.collect(d(4, 6)) == []


def test_two_app_instances_racing_for_the_same_stage_make_one_claim(
    home: Path, plain_server: SmtpServer
) -> None:
    from app.bootstrap import open_app

    first, second = open_app(home), open_app(home)
    try:
        setup_mail(first.ctx, plain_server)
        invoice_id = issue_invoice(
            on(first.ctx, START),
            add_client(on(first.ctx, START), "Acme", "ap@acme.example"),
            START,
            d(3, 18),
        )
        send_due(on(first.ctx, START))  # the invoice e-mail
        barrier = threading.Barrier(2)
        reports: list[Any] = []

        def run(app: Any) -> None:
            ctx = on(app.ctx, d(3, 16))  # the heads-up is due in both windows at once
            barrier.wait()
            reports.append(send_due(ctx))

        threads = [threading.Thread(target=run, args=(a,)) for a in (first, second)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(30)
    finally:
        first.close()
        second.close()
    reminders = [r for r in outbox(home) if r["kind"] == "reminder"]
    assert [(r["stage"], r["status"], r["invoice_id"]) for r in reminders] == [
        ("heads_up", "sent", invoice_id)
    ]
    assert sorted(r.sent for r in reports) == [0, 1]
    assert len(plain_server.handler.messages) == 2  # the invoice e-mail and one heads-up


def test_a_habitual_late_payer_gets_the_firmer_wording(
    ctx: Any, home: Path, plain_server: SmtpServer
) -> None:
    setup_mail(ctx, plain_server)
    day0 = on(ctx, START)
    steady = add_client(day0, "Steady Ltd", "ap@steady.example")
    late = add_client(day0, "Latecomer Ltd", "ap@late.example")
    # Latecomer has two earlier invoices still open and overdue (due 10 and 20 February).
    for due in (d(2, 10), d(2, 20)):
        issue_invoice(day0, late, d(1, 20), due)
    ids = {c: issue_invoice(day0, c, START, d(3, 18)) for c in (steady, late)}
    recorder = Recorder(home, plain_server)
    send_due(day0)
    send_due(on(ctx, d(3, 19)))  # the +1 stage for both (and the older ones' stages)
    recorder.collect(d(3, 19))
    numbers = invoice_numbers(home)
    gentle = recorder.bodies[(numbers[ids[steady]], "first")].get_body(("plain",)).get_content()
    firm = recorder.bodies[(numbers[ids[late]], "first")].get_body(("plain",)).get_content()
    assert "probably just slipped through" in gentle
    assert "not the first late payment" in firm
