"""1,000 invoice e-mails with their PDFs to a local SMTP server (STARTTLS + AUTH): throughput.

    python bench/bench_mail.py [--messages 1000]

The book: one client and one issued invoice per message, all issued in one
transaction (so the e-mails are queued in bulk by the issue hook).  Two ways
to send are timed on copies of the same book:

* archived: the PDFs are rendered first by the batch renderer (both cores), as
  after a bill run, then the sender attaches the stored files;
* on demand: the sender renders each missing PDF when it claims the message.

The server is aiosmtpd on 127.0.0.1 with a certificate made for the run; each
message is claimed, sent and recorded on its own (three transactions), one
SMTP connection is reused for the batch.
"""

from __future__ import annotations

import argparse
import platform
import shutil
import sys
import tempfile
import time
from collections import Counter
from datetime import date
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def memory_keyring() -> None:
    import keyring
    from keyring.backend import KeyringBackend

    store: dict[tuple[str, str], str] = {}

    class Memory(KeyringBackend):
        priority = 1  # type: ignore[assignment]

        def get_password(self, service: str, username: str) -> str | None:
            return store.get((service, username))

        def set_password(self, service: str, username: str, password: str) -> None:
            store[(service, username)] = password

        def delete_password(self, service: str, username: str) -> None:
            store.pop((service, username), None)

    keyring.set_keyring(Memory())


def build_book(home: Path, n: int, server: object) -> float:
    from app.bootstrap import open_app
    from app.core.invoice_math import LineInput
    from app.core.invoices import InvoiceDraft
    from app.services import invoicing
    from tests.services.mail_fixtures import PASSWORD, add_client, configure

    app = open_app(home, as_of=date(2026, 3, 2))
    ctx = app.ctx
    configure(ctx, server)  # type: ignore[arg-type]
    from app.services.secrets import set_secret

    set_secret("smtp.password", PASSWORD)
    drafts = []
    for i in range(n):
        client = add_client(ctx, f"Client {i:04d}", f"c{i:04d}@clients.example")
        draft = InvoiceDraft(
            client_id=client,
            issue_date=date(2026, 3, 2),
            due_date=date(2026, 4, 1),
            lines=(
                LineInput("Monthly retainer", Decimal(1), Decimal(900 + i), Decimal(23)),
                LineInput("Support hours", Decimal(3), Decimal("85.00"), Decimal(23)),
            ),
        )
        drafts.append(invoicing.create_draft(ctx, draft).row.id)
    started = time.perf_counter()
    invoicing.issue_invoices(ctx, drafts)
    issued = time.perf_counter() - started
    app.close()
    return issued


def forget_pdfs(home: Path) -> None:
    """Start without archived PDFs (single issues render inline; a bill run does not)."""
    import sqlite3

    db = sqlite3.connect(home / "counterfoil.sqlite3")
    db.execute("UPDATE invoices SET pdf_path = '', pdf_sha256 = ''")
    db.commit()
    db.close()
    shutil.rmtree(home / "pdf", ignore_errors=True)


def send_all(home: Path, render_first: bool) -> tuple[float, float, object]:
    from app.bootstrap import open_app
    from app.services.delivery import deliver
    from app.services.pdf_archive import render_pending

    app = open_app(home, as_of=date(2026, 3, 2))
    rendered = 0.0
    if render_first:
        started = time.perf_counter()
        render_pending(app.ctx)
        rendered = time.perf_counter() - started
    started = time.perf_counter()
    report = deliver(app.ctx)
    sending = time.perf_counter() - started
    app.close()
    return rendered, sending, report


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--messages", type=int, default=1000)
    args = parser.parse_args()
    n = args.messages
    from tests.services.mail_fixtures import make_certificate, start_server

    memory_keyring()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        server = start_server(make_certificate(root))
        try:
            issued = build_book(root / "book", n, server)
            forget_pdfs(root / "book")
            shutil.copytree(root / "book", root / "on-demand")
            results = {}
            for label, home, first in (
                ("archived", root / "book", True),
                ("on demand", root / "on-demand", False),
            ):
                before = len(server.handler.messages)
                rendered, sending, report = send_all(home, first)
                got = server.handler.messages[before:]
                assert report.sent == n and len(got) == n, (report, len(got))  # type: ignore[attr-defined]
                results[label] = (rendered, sending)
            ids = Counter(server.handler.message_ids())
            assert max(ids.values()) == 1 and len(ids) == 2 * n
            sizes = sorted(len(r.raw) for r in server.handler.messages)
        finally:
            server.controller.stop()
    print(f"Python {platform.python_version()} on {platform.machine()}, {n} invoice e-mails")
    print(f"issue {n} invoices one by one (PDF inline, e-mail queued): {issued:.2f} s")
    print(f"message size: median {sizes[len(sizes) // 2] / 1024:.1f} KiB (PDF attached)")
    for label, (rendered, sending) in results.items():
        line = f"{label:>9}: sending {sending:.2f} s = {n / sending:.0f} e-mails/s"
        if rendered:
            total = rendered + sending
            line += f" (PDF batch before it {rendered:.2f} s; together {n / total:.0f} e-mails/s)"
        print(line)
    print("duplicates at the server: 0")


if __name__ == "__main__":
    main()
