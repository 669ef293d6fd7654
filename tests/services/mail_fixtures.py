"""A real SMTP server for tests: aiosmtpd on localhost with STARTTLS (own certificate) and AUTH.

It records every message it accepts and can be told to refuse a recipient
(550), to answer the next messages with a temporary error (451), or to
accept only one password — so the sender meets the answers of a real server.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import socket
import ssl
import threading
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

USER = "billing@example.test"
PASSWORD = "correct horse battery staple"


def make_certificate(folder: Path) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1 / localhost, made for this test run."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=2))
        .add_extension(
            x509.SubjectAlternativeName(
                [x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]
            ),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_file, key_file = folder / "server.pem", folder / "server.key"
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_file, key_file


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Received:
    mail_from: str
    rcpt_tos: list[str]
    raw: bytes

    @property
    def message(self) -> EmailMessage:
        return message_from_bytes(self.raw, policy=policy.default)  # type: ignore[return-value]


@dataclass
class Handler:
    messages: list[Received] = field(default_factory=list)
    refuse: set[str] = field(default_factory=set)
    data_replies: deque[str] = field(default_factory=deque)
    delay: float = 0.0
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # type: ignore[no-untyped-def]
        if address in self.refuse:
            return f"550 5.1.1 <{address}>: Recipient address rejected: User unknown"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # type: ignore[no-untyped-def]
        if self.delay:
            import asyncio

            await asyncio.sleep(self.delay)
        with self.lock:
            if self.data_replies:
                return self.data_replies.popleft()
            self.messages.append(
                Received(envelope.mail_from, list(envelope.rcpt_tos), envelope.content)
            )
        return "250 2.0.0 Ok: queued"

    def message_ids(self) -> list[str]:
        with self.lock:
            return [r.message["Message-ID"] for r in self.messages]


def _authenticator(server, session, envelope, mechanism, auth_data):  # type: ignore[no-untyped-def]
    ok = (
        isinstance(auth_data, LoginPassword)
        and auth_data.login.decode() == USER
        and auth_data.password.decode() == PASSWORD
    )
    return AuthResult(success=ok, handled=False)


@dataclass
class SmtpServer:
    port: int
    handler: Handler
    cert_file: Path
    controller: Controller

    def settings(self, **extra: object) -> dict[str, object]:
        """Business settings that point Counterfoil at this server."""
        values: dict[str, object] = {
            "company.name": "Northwind Consulting",
            "company.email": "accounts@northwind.example",
            "smtp.host": "127.0.0.1",
            "smtp.port": self.port,
            "smtp.security": "starttls",
            "smtp.user": USER,
            "smtp.sender_name": "Northwind Accounts",
            "smtp.sender_address": "accounts@northwind.example",
            "smtp.reply_to": "office@northwind.example",
            "smtp.ca_file": str(self.cert_file),
            "smtp.timeout_seconds": 10,
        }
        values.update(extra)
        return values


def start_server(cert: tuple[Path, Path], *, tls: bool = True, auth: bool = True) -> SmtpServer:
    cert_file, key_file = cert
    handler = Handler()
    port = free_port()
    kwargs: dict[str, object] = {}
    if tls:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(cert_file, key_file)
        kwargs |= {"tls_context": context, "require_starttls": True}
    if auth:
        kwargs |= {"authenticator": _authenticator, "auth_required": True}
    controller = Controller(handler, hostname="127.0.0.1", port=port, **kwargs)
    controller.start()
    return SmtpServer(port, handler, cert_file, controller)


@pytest.fixture(scope="session")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    return make_certificate(tmp_path_factory.mktemp("tls"))


@pytest.fixture
def smtp_server(certificate: tuple[Path, Path]) -> Iterator[SmtpServer]:
    server = start_server(certificate)
    yield server
    server.controller.stop()


# --- a small book -------------------------------------------------------------------


def configure(ctx: object, server: SmtpServer, **extra: object) -> None:
    from app.services.settings import save_settings

    save_settings(ctx, server.settings(**extra))  # type: ignore[arg-type]


def add_client(ctx: object, name: str, email: str, **extra: object) -> int:
    from app.core.clients import ClientData
    from app.services.clients import create_client

    data = ClientData(name=name, email=email, currency="EUR", city="Dublin", country="IE", **extra)  # type: ignore[arg-type]
    return int(create_client(ctx, data).id)  # type: ignore[arg-type]


def issue_invoice(
    ctx: object, client_id: int, issued: dt.date, due: dt.date, amount: str = "100.00"
) -> int:
    """One issued invoice with a single untaxed line (so its total is ``amount``)."""
    from decimal import Decimal

    from app.core.invoice_math import LineInput
    from app.core.invoices import InvoiceDraft
    from app.services import invoicing

    draft = InvoiceDraft(
        client_id=client_id,
        issue_date=issued,
        due_date=due,
        lines=(LineInput("Consulting", Decimal(1), Decimal(amount)),),
    )
    invoice_id = invoicing.create_draft(ctx, draft).row.id  # type: ignore[arg-type]
    invoicing.issue_invoices(ctx, [invoice_id])  # type: ignore[arg-type]
    return int(invoice_id)


def outbox(home: Path) -> list[dict[str, object]]:
    """The outbox table as plain rows (read with sqlite3, as an auditor would)."""
    import sqlite3

    db = sqlite3.connect(home / "counterfoil.sqlite3")
    db.row_factory = sqlite3.Row
    try:
        return [dict(r) for r in db.execute("SELECT * FROM outbox ORDER BY id")]
    finally:
        db.close()
