"""E-mail through a real SMTP server (aiosmtpd, STARTTLS with a certificate made here, AUTH)."""

from __future__ import annotations

import io
import socket
import threading
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

from app.core.clock import Clock
from app.core.mail_templates import MailTemplate
from app.services.delivery import MailDeliveryError, send_due, send_test
from app.services.errors import ValidationError
from app.services.mail_templates import default_template, kind_of, save_template, template_names
from app.services.secrets import set_secret
from tests.services import mail_fixtures
from tests.services.mail_fixtures import (
    PASSWORD,
    SmtpServer,
    add_client,
    configure,
    issue_invoice,
    outbox,
    start_server,
)

# Fixtures shared with the other mail tests (pytest finds them by name in this module).
certificate = mail_fixtures.certificate
smtp_server = mail_fixtures.smtp_server

NOW = datetime(2026, 11, 25, 10, 0, tzinfo=UTC)  # a Wednesday, inside the sending window


@pytest.fixture
def book(ctx: Any, home: Path, smtp_server: SmtpServer, memory_keyring: Any) -> Any:
    """A configured book (password in the keyring) with a pinned clock."""
    configure(ctx, smtp_server, **{"smtp.bcc_self": True})
    set_secret("smtp.password", PASSWORD)
    return replace(ctx, clock=Clock("Europe/Dublin", fixed_instant=NOW))


def _open_items(home: Path, kind: str) -> list[tuple[str, str]]:
    import sqlite3

    db = sqlite3.connect(home / "counterfoil.sqlite3")
    try:
        return db.execute(
            "SELECT title, explanation FROM exceptions WHERE type = ? AND status = 'open'", (kind,)
        ).fetchall()
    finally:
        db.close()


def test_an_issued_invoice_arrives_with_headers_both_bodies_and_its_pdf(
    book: Any, home: Path, smtp_server: SmtpServer
) -> None:
    client = add_client(book, "Acme Ltd", "ap@acme.example")
    issue_invoice(book, client, date(2026, 11, 20), date(2026, 12, 20), "1234.50")
    report = send_due(book)
    assert (report.sent, report.failed, report.problem) == (1, 0, "")

    [received] = smtp_server.handler.messages
    # BCC to self: the sender is an envelope recipient but never a header.
    assert received.mail_from == "accounts@northwind.example"
    assert received.rcpt_tos == ["ap@acme.example", "accounts@northwind.example"]
    msg = received.message
    [row] = outbox(home)
    assert msg["From"] == "Northwind Accounts <accounts@northwind.example>"
    assert msg["To"] == "ap@acme.example"
    assert msg["Reply-To"] == "office@northwind.example"
    assert msg["Bcc"] is None
    assert msg["Subject"] == "Invoice INV-2026-00001 from Northwind Consulting"
    assert msg["Message-ID"] == row["message_id"] and row["message_id"].endswith(
        "@northwind.example>"
    )
    assert msg["Date"] is not None
    text = msg.get_body(("plain",)).get_content()
    html = msg.get_body(("html",)).get_content()
    for body in (text, html):
        assert "INV-2026-00001" in body
        assert "€1,234.50" in body  # the total, written the company's way (en_IE)
    [pdf] = [
        part for part in msg.iter_attachments() if part.get_content_type() == "application/pdf"
    ]
    assert pdf.get_filename().endswith(".pdf")
    pages = PdfReader(io.BytesIO(pdf.get_content())).pages
    assert "INV-2026-00001" in pages[0].extract_text()

    assert (row["status"], row["attempts"], row["last_error"]) == ("sent", 1, "")
    import sqlite3

    db = sqlite3.connect(home / "counterfoil.sqlite3")
    status, sent_at = db.execute("SELECT status, sent_at FROM invoices").fetchone()
    db.close()
    assert status == "sent" and sent_at is not None


def test_a_wrong_password_stops_sending_and_keeps_everything_queued(
    book: Any, home: Path, smtp_server: SmtpServer
) -> None:
    set_secret("smtp.password", "wrong")
    issue_invoice(
        book,
        add_client(book, "Acme Ltd", "ap@acme.example"),
        date(2026, 11, 20),
        date(2026, 12, 20),
    )
    report = send_due(book)
    assert report.sent == 0
    assert "refused the user name or password for billing@example.test" in report.problem
    assert "535" in report.problem
    [row] = outbox(home)
    assert (row["status"], row["attempts"]) == ("queued", 0)  # the message was not at fault
    assert smtp_server.handler.messages == []
    [(title, _)] = _open_items(home, "mail_setup")
    assert title == "E-mails cannot be sent"

    set_secret("smtp.password", PASSWORD)
    assert send_due(book).sent == 1
    assert _open_items(home, "mail_setup") == []  # fixed: the item closes itself


def test_a_server_that_is_down_means_try_again_later(book: Any, home: Path) -> None:
    from app.services.settings import save_settings

    with socket.socket() as sock:  # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    save_settings(book, {"smtp.port": port})
    issue_invoice(
        book,
        add_client(book, "Acme Ltd", "ap@acme.example"),
        date(2026, 11, 20),
        date(2026, 12, 20),
    )
    report = send_due(book)
    assert f"Nothing answers at 127.0.0.1:{port}" in report.problem
    [row] = outbox(home)
    assert (row["status"], row["attempts"]) == ("queued", 1)
    # First retry one minute later; before that nothing is tried again.
    assert row["not_before"].startswith("2026-11-25 10:01:00")
    assert send_due(book).retry_later == 0


def test_a_temporary_refusal_is_retried_after_a_pause_and_then_delivered(
    book: Any, home: Path, smtp_server: SmtpServer
) -> None:
    smtp_server.handler.data_replies.append("451 4.3.0 Mailbox busy, try again later")
    issue_invoice(
        book,
        add_client(book, "Acme Ltd", "ap@acme.example"),
        date(2026, 11, 20),
        date(2026, 12, 20),
    )
    first = send_due(book)
    assert (first.sent, first.retry_later) == (0, 1)
    [row] = outbox(home)
    assert row["status"] == "queued" and "451 4.3.0 Mailbox busy" in row["last_error"]

    assert send_due(book).sent == 0  # still inside the one-minute pause
    later = replace(book, clock=Clock("Europe/Dublin", fixed_instant=NOW + timedelta(minutes=2)))
    assert send_due(later).sent == 1
    [row] = outbox(home)
    assert (row["status"], row["attempts"]) == ("sent", 2)
    assert len(smtp_server.handler.messages) == 1


def test_a_refused_recipient_fails_that_message_only(
    book: Any, home: Path, smtp_server: SmtpServer
) -> None:
    smtp_server.handler.refuse.add("gone@bad.example")
    issue_invoice(
        book,
        add_client(book, "Gone Ltd", "gone@bad.example"),
        date(2026, 11, 20),
        date(2026, 12, 20),
    )
    issue_invoice(
        book,
        add_client(book, "Acme Ltd", "ap@acme.example"),
        date(2026, 11, 20),
        date(2026, 12, 20),
    )
    report = send_due(book)
    assert (report.sent, report.failed) == (1, 1)
    failed, sent = outbox(home)
    assert failed["status"] == "failed" and sent["status"] == "sent"
    assert "refused the recipient gone@bad.example: 550 5.1.1" in failed["last_error"]
    [(title, explanation)] = _open_items(home, "mail_failed")
    assert "gone@bad.example" in title and "550" in explanation
    # A failure is final until a human acts: the next pass leaves it alone.
    assert send_due(book).failed == 0


def test_a_server_without_starttls_is_refused_before_the_password_is_sent(
    book: Any, certificate: Any
) -> None:
    plain = start_server(certificate, tls=False, auth=False)
    try:
        from app.services.settings import save_settings

        save_settings(book, {"smtp.port": plain.port})
        with pytest.raises(MailDeliveryError, match="does not offer STARTTLS"):
            send_test(book, "me@northwind.example")
    finally:
        plain.controller.stop()


def test_an_untrusted_certificate_is_named(book: Any) -> None:
    from app.services.settings import save_settings

    save_settings(book, {"smtp.ca_file": ""})
    with pytest.raises(MailDeliveryError, match=r"certificate of 127\.0\.0\.1 is not valid"):
        send_test(book, "me@northwind.example")


def test_a_host_that_does_not_exist_is_named(book: Any) -> None:
    from app.services.settings import save_settings

    save_settings(book, {"smtp.host": "no-such-host.invalid"})
    with pytest.raises(MailDeliveryError, match=r"no-such-host\.invalid was not found"):
        send_test(book, "me@northwind.example")


def test_a_server_that_never_answers_times_out(book: Any) -> None:
    from app.services.settings import save_settings

    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(1)
    accepted: list[socket.socket] = []
    threading.Thread(target=lambda: accepted.append(silent.accept()[0]), daemon=True).start()
    try:
        save_settings(book, {"smtp.port": silent.getsockname()[1], "smtp.timeout_seconds": 1})
        with pytest.raises(MailDeliveryError, match="did not answer within 1 seconds"):
            send_test(book, "me@northwind.example")
    finally:
        for conn in accepted:
            conn.close()
        silent.close()


def test_the_test_email_arrives(book: Any, smtp_server: SmtpServer) -> None:
    reply = send_test(book, "me@northwind.example")
    assert reply.startswith("250")
    [received] = smtp_server.handler.messages
    assert received.rcpt_tos == ["me@northwind.example"]
    assert received.message["Subject"] == "Test e-mail from Northwind Consulting"


def test_without_a_keyring_the_user_is_told_how_to_fix_it(
    ctx: Any, smtp_server: SmtpServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    import keyring
    from keyring.backends import fail

    configure(ctx, smtp_server)
    previous = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    try:
        with pytest.raises(MailDeliveryError, match="No system keyring is available"):
            send_test(ctx, "me@northwind.example")
    finally:
        keyring.set_keyring(previous)


def test_unencrypted_sending_is_only_allowed_to_this_computer(ctx: Any) -> None:
    from app.services.mailer import SmtpSettings
    from app.services.settings import load_settings

    values = load_settings(ctx) | {
        "smtp.host": "mail.example.com",
        "smtp.security": "none",
        "smtp.sender_address": "a@example.com",
    }
    assert "only allowed to a server on this computer" in SmtpSettings.from_values(values).problem()
    assert SmtpSettings.from_values(values | {"smtp.host": "localhost"}).problem() == ""


def test_a_client_without_an_address_becomes_an_exception_not_a_crash(
    book: Any, home: Path, smtp_server: SmtpServer
) -> None:
    issue_invoice(book, add_client(book, "Silent Ltd", ""), date(2026, 11, 20), date(2026, 12, 20))
    report = send_due(book)
    assert (report.sent, report.failed) == (0, 0)
    [row] = outbox(home)
    assert row["status"] == "failed" and "Silent Ltd has no e-mail address" in row["last_error"]
    [(title, _)] = _open_items(home, "mail_failed")
    assert "no e-mail address" in title


def test_a_template_with_an_unknown_placeholder_is_refused_when_saved(ctx: Any) -> None:
    bad = MailTemplate("Invoice {{invoice_number}}", "You owe {{amout}}.", "<p>{{balance}}</p>")
    with pytest.raises(ValidationError, match=r"unknown placeholder \{\{amout\}\}"):
        save_template(ctx, "invoice", bad)


def test_every_shipped_template_is_valid_for_its_kind() -> None:
    from app.core.mail_templates import check

    for name in template_names():
        template = default_template(name)
        assert template is not None, name
        check(template, kind_of(name))
        assert template.html.strip(), name
