"""The sender killed with SIGKILL at random moments while delivering 200 e-mails.

After the restarts every message is either delivered exactly once or shown as
``unknown`` (at most one per kill: the one in flight), the server counts no
duplicate, and nothing queued is lost.
"""

from __future__ import annotations

import random
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from app.bootstrap import open_app
from app.core.invoice_math import LineInput
from app.core.invoices import InvoiceDraft
from app.services import invoicing
from app.services.pdf_archive import render_pending
from tests.services import mail_fixtures
from tests.services.mail_fixtures import (
    SmtpServer,
    add_client,
    configure,
    outbox,
    start_server,
)

# Fixtures shared with the other mail tests (pytest finds them by name in this module).
certificate = mail_fixtures.certificate

MAIN = Path(__file__).resolve().parents[2] / "main.py"
MESSAGES = 200
KILLS = 20


@pytest.fixture
def slow_server(certificate: Any) -> Iterator[SmtpServer]:
    """A local server that takes 20 ms per message, so kills land mid-delivery."""
    server = start_server(certificate, tls=False, auth=False)
    server.handler.delay = 0.02
    yield server
    server.controller.stop()


def _book(home: Path, server: SmtpServer) -> None:
    """200 clients, one issued invoice each (issued together: queued in bulk), PDFs archived."""
    app = open_app(home, as_of=date(2026, 3, 2))
    ctx = app.ctx
    configure(ctx, server, **{"smtp.security": "none", "smtp.user": "", "smtp.ca_file": ""})
    drafts = []
    for i in range(MESSAGES):
        client = add_client(ctx, f"Client {i:03d}", f"c{i:03d}@clients.example")
        draft = InvoiceDraft(
            client_id=client,
            issue_date=date(2026, 3, 2),
            due_date=date(2026, 4, 1),
            lines=(LineInput("Retainer", Decimal(1), Decimal(100 + i)),),
        )
        drafts.append(invoicing.create_draft(ctx, draft).row.id)
    invoicing.issue_invoices(ctx, drafts)
    render_pending(ctx)
    app.close()


def _send(home: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, str(MAIN), "--data-dir", str(home), "--as-of", "2026-03-02", "send"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


@pytest.mark.slow
def test_twenty_kills_never_send_twice_and_lose_nothing(
    tmp_path: Path, slow_server: SmtpServer
) -> None:
    home = tmp_path / "home"
    _book(home, slow_server)
    assert Counter(r["status"] for r in outbox(home)) == {"queued": MESSAGES}

    started = time.perf_counter()
    subprocess.run(
        [sys.executable, str(MAIN), "--data-dir", str(home), "list", "outbox", "--status", "sent"],
        stdout=subprocess.DEVNULL,
        check=True,
    )
    startup = time.perf_counter() - started
    rng = random.Random(11)
    kills = mid_delivery = 0
    for _ in range(KILLS):
        before = len(slow_server.handler.messages)
        proc = _send(home)
        time.sleep(rng.uniform(0.9 * startup, startup + 0.5))
        if proc.poll() is None:
            proc.send_signal(signal.SIGKILL)
            kills += 1
        proc.wait(timeout=30)
        after = len(slow_server.handler.messages)
        mid_delivery += before < after < MESSAGES
    assert _send(home).wait(timeout=120) == 0

    rows = outbox(home)
    statuses = Counter(r["status"] for r in rows)
    assert len(rows) == MESSAGES and set(statuses) <= {"sent", "unknown"}, statuses
    assert statuses["unknown"] <= kills
    received = slow_server.handler.message_ids()
    duplicates = [mid for mid, n in Counter(received).items() if n > 1]
    assert duplicates == []
    sent = {r["message_id"] for r in rows if r["status"] == "sent"}
    maybe = {r["message_id"] for r in rows if r["status"] == "unknown"}
    assert sent <= set(received)  # 'sent' is only written after the server said 250
    assert set(received) <= sent | maybe
    # The random delays must really have cut deliveries short, or the test proves nothing.
    assert kills >= KILLS // 2 and mid_delivery >= KILLS // 2, (kills, mid_delivery)
