"""``counterfoil --self-test``: is this installation whole? For support calls and packaging tests.

In a throw-away data folder it migrates a database, writes and reads it back,
issues an invoice and renders its PDF, and opens every page of the window
offscreen.  It prints one line per check and exits 0 only if all passed.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
import traceback
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from app.commands.output import Output


def _database(home: Path) -> Any:
    from app.bootstrap import open_app
    from app.core.clients import ClientData
    from app.services.clients import create_client, get_client

    app = open_app(home, as_of=date(2026, 1, 15), actor="self-test")
    c = create_client(
        app.ctx,
        ClientData(
            name="Self-test Ltd",
            email="test@example.com",
            city="Dublin",
            address_line1="1 Test Street",
        ),
    )
    assert get_client(app.ctx, c.id).name == "Self-test Ltd", "the client did not read back"
    return app


def _pdf(app: Any) -> None:
    from app.core.invoice_math import LineInput
    from app.core.invoices import InvoiceDraft
    from app.services import invoicing
    from app.services.pdf_archive import pdf_path
    from app.services.verify import verify

    d = invoicing.create_draft(
        app.ctx,
        InvoiceDraft(1, date(2026, 1, 15), (LineInput("Check", Decimal(1), Decimal("9.99")),)),
    )
    invoicing.issue_invoices(app.ctx, [d.row.id])
    data = pdf_path(app.ctx, d.row.id).read_bytes()
    assert data.startswith(b"%PDF") and len(data) > 1000, "the PDF is not valid"
    report = verify(app.ctx)
    assert report.ok, f"verify failed: {report.as_dict()}"


def _pages(app: Any) -> None:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication

    from app.ui.handle import AppHandle, ChangeBus
    from app.ui.main_window import PAGES, MainWindow
    from app.ui.qt_ops import OpRunner

    qapp = QApplication.instance() or QApplication([])
    window = MainWindow()
    ops, long_ops = OpRunner(), OpRunner("long")
    try:
        window.attach(AppHandle(app=app, ops=ops, bus=ChangeBus(), long_ops=long_ops))
        window.show()
        for spec in PAGES:
            window.show_page(spec.key)
            for _ in range(200):
                qapp.processEvents()
                if ops.pending() == 0:
                    break
                time.sleep(0.01)
    finally:
        ops.shutdown()
        long_ops.shutdown()
        window.close()


def _pdf_preview() -> None:
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QSize
    from PySide6.QtPdf import QPdfDocument

    from app.core import settings as decl
    from app.ui.widgets.branding_preview import render_sample

    values = {key: spec.default for key, spec in decl.SPECS.items()}
    buffer = QBuffer()
    buffer.setData(QByteArray(render_sample(values)))
    buffer.open(QIODevice.OpenModeFlag.ReadOnly)
    document = QPdfDocument()
    document.load(buffer)
    image = document.render(0, QSize(200, 280))
    assert not image.isNull(), "Qt could not draw the PDF"


def run_self_test(args: argparse.Namespace, out: Output) -> int:
    results: list[tuple[str, str]] = []
    with tempfile.TemporaryDirectory(prefix="counterfoil-selftest-") as tmp:
        app = None

        def check(name: str, fn: Callable[[], Any]) -> Any:
            try:
                value = fn()
            except Exception as exc:  # every failure is reported by name, never hidden
                results.append((name, f"FAILED: {exc}"))
                traceback.print_exc()
                return None
            results.append((name, "ok"))
            return value

        app = check("database: migrate, write, read back", lambda: _database(Path(tmp)))
        if app is not None:
            check("invoice: issue, render and archive its PDF, verify", lambda: _pdf(app))
            check("window: open every page offscreen", lambda: _pages(app))
            app.close()
        check("layout preview: draw a PDF page with Qt", _pdf_preview)
    failed = [n for n, r in results if r != "ok"]
    out.result(
        {"ok": not failed, "checks": dict(results)},
        "\n".join(f"{r:>6}  {n}" if r == "ok" else f"{n}: {r}" for n, r in results)
        + ("\nSelf-test passed." if not failed else f"\nSelf-test FAILED: {', '.join(failed)}"),
    )
    return 0 if not failed else 1
