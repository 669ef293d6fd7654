"""The Invoices list over 100,000 invoices: time to first paint from the database, and per keystroke.

    python bench/bench_invoice_list.py [--invoices 100000]

Measures, with a real QTableView (offscreen) over the app's lazy model: the ids query
in display order, the first batch of rows, and the paint; then a search refresh as a
keystroke triggers it. Compared in the same run with a bare QTableView over an
in-memory 100,000-row model.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from sqlalchemy import insert


def seed(ctx, n: int) -> None:  # type: ignore[no-untyped-def]
    from app.db import models as m

    now = datetime(2026, 1, 1, tzinfo=UTC)
    clients = 5000
    with ctx.uow() as uow:
        s = uow.session
        s.execute(
            insert(m.Client),
            [
                {
                    "id": i + 1,
                    "name": f"Client {i:05d}",
                    "search_key": f"CLIENT {i:05d}",
                    "currency": "EUR",
                    "created_at": now,
                    "updated_at": now,
                }
                for i in range(clients)
            ],
        )
        s.execute(
            insert(m.Invoice),
            [
                {
                    "client_id": i % clients + 1,
                    "number": f"INV-{2020 + i // 20000}-{i:06d}",
                    "issue_date": date(2020, 1, 1) + timedelta(days=i // 55),
                    "due_date": date(2020, 2, 1) + timedelta(days=i // 55),
                    "currency": "EUR",
                    "status": "paid" if i % 7 else "issued",
                    "total_minor": 10000 + i % 5000,
                    "balance_minor": 0 if i % 7 else 10000,
                    "created_at": now,
                    "updated_at": now,
                }
                for i in range(n)
            ],
        )
        uow.commit()


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--invoices", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt
    from PySide6.QtWidgets import QApplication, QTableView

    from app.bootstrap import open_app
    from app.services import invoicing as svc
    from app.ui.models.lazy_table import LazyTableModel
    from app.ui.widgets.figures import Figures
    from app.ui.widgets.invoice_list import invoice_columns

    qapp = QApplication.instance() or QApplication([])

    class Bare(QAbstractTableModel):
        def rowCount(self, parent=QModelIndex()):  # noqa: B008
            return args.invoices

        def columnCount(self, parent=QModelIndex()):  # noqa: B008
            return 8

        def data(self, index, role=Qt.ItemDataRole.DisplayRole):  # type: ignore[no-untyped-def]
            return (
                f"{index.row()}:{index.column()}" if role == Qt.ItemDataRole.DisplayRole else None
            )

    def paint(model) -> float:  # type: ignore[no-untyped-def]
        view = QTableView()
        view.resize(1100, 700)
        started = time.perf_counter()
        view.setModel(model)
        view.show()
        view.grab()
        qapp.processEvents()
        return (time.perf_counter() - started) * 1000

    with tempfile.TemporaryDirectory() as tmp:
        app = open_app(tmp, as_of=date(2026, 11, 25))
        seed(app.ctx, args.invoices)
        ctx = app.ctx
        bare, first, keys = [], [], []
        for _ in range(args.runs):
            bare.append(paint(Bare()))
            started = time.perf_counter()
            ids = svc.invoice_ids(ctx, svc.InvoiceQuery())
            columns = invoice_columns(Figures("en_IE"), lambda: date(2026, 11, 25))
            model = LazyTableModel(columns, lambda i: svc.invoice_rows(ctx, i), lambda r: r.id)
            model.set_ids(ids)
            first.append((time.perf_counter() - started) * 1000 + paint(model))
            started = time.perf_counter()
            found = svc.invoice_ids(ctx, svc.InvoiceQuery(search="client 0042"))
            model.set_ids(found)
            qapp.processEvents()
            keys.append((time.perf_counter() - started) * 1000)
        app.close()
    print(
        f"machine: {platform.machine()} {os.cpu_count()} cores, Python {platform.python_version()}, {date.today()}"
    )
    print(
        f"bare QTableView over {args.invoices:,} in-memory rows, first paint: {statistics.median(bare):.0f} ms"
    )
    print(
        f"Invoices list from the database, first paint: {statistics.median(first):.0f} ms (goal <= 150 ms)"
    )
    print(
        f"one search keystroke (ids + repaint): {statistics.median(keys):.0f} ms (goal <= 100 ms)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
