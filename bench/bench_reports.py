"""Reports on a large book: aging, the dashboard, and an XLSX export of the invoice register.

    python bench/bench_reports.py [--invoices 100000] [--clients 5000] [--keep DIR]

The book is generated with SQLAlchemy Core bulk inserts into a migrated SQLite
file: 5,000 clients in three currencies, one monthly agreement each (started in
the last four weeks, so the next bill run has about a month of work), 100,000
invoices over three years (most paid by a payment and its allocation, some
partly paid, some open and overdue, a few voided or corrected by a credit
note), their lines, a backlog of bank lines and some exceptions.  ``--keep``
reuses (or creates) the book in DIR so repeated runs skip generation.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import func, insert, select

AS_OF = date(2026, 11, 25)
FIRST_DAY = date(2024, 1, 1)
CURRENCIES = ["EUR"] * 3 + ["GBP", "USD"]
TAX = {"EUR": 2300, "GBP": 2000, "USD": 0}  # percent × 100 (ScaledDecimal(4) stores ×10^4)
METHODS = ["bank transfer"] * 6 + ["card", "direct debit", "cash"]
NOW = datetime(2026, 11, 25, 9, tzinfo=UTC)


def _chunks(rows: list[dict[str, Any]], size: int = 5_000) -> list[list[dict[str, Any]]]:
    return [rows[i : i + size] for i in range(0, len(rows), size)]


def build_book(ctx: Any, n_invoices: int, n_clients: int, seed: int = 7) -> None:
    """Fill an empty, migrated book with a deterministic large history."""
    from app.db import models as m

    rng = random.Random(seed)
    clients = []
    for i in range(n_clients):
        currency = CURRENCIES[i % len(CURRENCIES)]
        clients.append(
            {
                "id": i + 1,
                "name": f"Client {i:05d} Ltd",
                "search_key": f"CLIENT {i:05d} LTD",
                "email": f"ap{i}@client.example",
                "currency": currency,
                "terms_kind": "net",
                "terms_days": 30,
                "created_at": NOW,
                "updated_at": NOW,
            }
        )
    schedules, sched_lines = [], []
    for c in clients:
        # agreements billed up to last month, so a run today has a month's work, not years'
        start = AS_OF - timedelta(days=rng.randint(0, 27))
        ended = rng.random() < 0.1
        schedules.append(
            {
                "id": c["id"],
                "client_id": c["id"],
                "name": "Monthly retainer",
                "cadence": "monthly",
                "interval": 1,
                "start_date": start,
                "end_date": start + timedelta(days=rng.randint(10, 400)) if ended else None,
                "timing": "advance",
                "status": "active",
                "created_at": NOW,
                "updated_at": NOW,
            }
        )
        sched_lines.append(
            {
                "id": c["id"],
                "schedule_id": c["id"],
                "position": 0,
                "description": "Monthly retainer",
                "quantity": 1_000_000,
                "unit": "",
                "unit_price_minor": rng.choice([4900, 15000, 45000, 90000, 150000]),
                "tax_rate": TAX[c["currency"]],
                "tax_category": "standard",
            }
        )
    span = (AS_OF - FIRST_DAY).days
    invoices, lines, payments, allocations = [], [], [], []
    for n in range(1, n_invoices + 1):
        c = clients[rng.randrange(n_clients)]
        cur = c["currency"]
        issue = FIRST_DAY + timedelta(days=int(span * (n / n_invoices)))
        due = issue + timedelta(days=30)
        net = rng.randint(20, 5_000) * 100
        tax = net * TAX[cur] // 1_000_000
        total = net + tax
        kind = "credit_note" if rng.random() < 0.01 else "invoice"
        age = (AS_OF - issue).days
        roll = rng.random()
        status, paid, credited = "issued", 0, 0
        pay_on = due + timedelta(days=rng.choice([-10, -3, 0, 2, 5, 12, 25, 45]))
        if kind == "credit_note":
            status = "issued"
        elif roll < 0.01:
            status = "void"
        elif pay_on <= AS_OF and roll < 0.93:
            status, paid = "paid", total
        elif pay_on <= AS_OF and roll < 0.96:
            status, paid = "partly_paid", total // 2
        elif age > 40 and roll < 0.97:
            status, credited = "credited", total
        balance = 0 if kind == "credit_note" or status == "void" else total - paid - credited
        invoices.append(
            {
                "id": n,
                "kind": kind,
                "number": f"{'CN' if kind == 'credit_note' else 'INV'}-{n:07d}",
                "client_id": c["id"],
                "schedule_id": None,
                "issue_date": issue,
                "due_date": due,
                "currency": cur,
                "status": status,
                "subtotal_minor": net,
                "tax_minor": tax,
                "total_minor": total,
                "paid_minor": paid,
                "credited_minor": credited,
                "balance_minor": balance,
                "created_at": NOW,
                "updated_at": NOW,
            }
        )
        lines.append(
            {
                "invoice_id": n,
                "position": 0,
                "kind": "credit" if kind == "credit_note" else "charge",
                "description": rng.choice(["Monthly retainer", "Hosting", "Support", "Licence"]),
                "quantity": 1_000_000,
                "unit_price_minor": net,
                "tax_rate": TAX[cur],
                "net_minor": net,
                "tax_minor": tax,
                "total_minor": total,
            }
        )
        if paid:
            pid = len(payments) + 1
            payments.append(
                {
                    "id": pid,
                    "client_id": c["id"],
                    "kind": "payment",
                    "date": pay_on,
                    "amount_minor": paid,
                    "currency": cur,
                    "method": rng.choice(METHODS),
                    "reference": f"INV-{n:07d}",
                    "unallocated_minor": 0,
                    "created_at": NOW,
                }
            )
            allocations.append(
                {
                    "invoice_id": n,
                    "payment_id": pid,
                    "kind": "payment",
                    "date": pay_on,
                    "amount_minor": paid,
                    "source": "bank",
                    "created_at": NOW,
                }
            )
        if credited:
            allocations.append(
                {
                    "invoice_id": n,
                    "payment_id": None,
                    "kind": "credit",
                    "date": issue + timedelta(days=20),
                    "amount_minor": credited,
                    "source": "credit_note",
                    "created_at": NOW,
                }
            )
    with ctx.uow() as uow:
        s = uow.session
        for model, rows in (
            (m.Client, clients),
            (m.Schedule, schedules),
            (m.ScheduleLine, sched_lines),
            (m.Invoice, invoices),
            (m.InvoiceLine, lines),
            (m.Payment, payments),
            (m.Allocation, allocations),
        ):
            for chunk in _chunks(rows):
                s.execute(insert(model.__table__), chunk)
        s.execute(
            insert(m.BankAccount.__table__),
            [{"id": 1, "name": "Main", "currency": "EUR", "created_at": NOW}],
        )
        s.execute(
            insert(m.BankImport.__table__),
            [
                {
                    "id": 1,
                    "account_id": 1,
                    "filename": "x.csv",
                    "sha256": "0" * 64,
                    "format": "csv",
                    "imported_at": NOW,
                }
            ],
        )
        s.execute(
            insert(m.BankLine.__table__),
            [
                {
                    "account_id": 1,
                    "import_id": 1,
                    "line_no": i,
                    "booking_date": AS_OF - timedelta(days=i % 40),
                    "amount_minor": 1000 + i,
                    "currency": "EUR",
                    "fingerprint": f"fp{i}",
                    "status": ("unmatched", "suggested", "matched", "auto")[i % 4],
                }
                for i in range(2_000)
            ],
        )
        s.execute(
            insert(m.ExceptionItem.__table__),
            [
                {
                    "type": ("variance", "missing_email", "duplicate")[i % 3],
                    "entity_type": "invoice",
                    "entity_id": i + 1,
                    "dedupe_key": f"x:{i}",
                    "title": "t",
                    "explanation": "e",
                    "status": "open" if i % 5 == 0 else "resolved",
                    "auto_resolved": i % 3 == 0,
                    "created_at": NOW - timedelta(days=i % 400),
                }
                for i in range(1_500)
            ],
        )
        uow.commit()


BEST: dict[str, float] = {}


def _timed(fn: Callable[[], Any], repeat: int = 7) -> tuple[float, Any]:
    """Median wall time in milliseconds (the first call warms the caches and is dropped);
    the best run is kept in ``BEST["last"]``, since other work on the machine only ever
    makes a run slower."""
    result = fn()
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        result = fn()
        times.append((time.perf_counter() - t0) * 1000)
    BEST["last"] = min(times)
    return statistics.median(times), result


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--invoices", type=int, default=100_000)
    parser.add_argument("--clients", type=int, default=5_000)
    parser.add_argument("--keep", help="folder for the generated book (reused when present)")
    args = parser.parse_args()
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    os.environ.setdefault("COUNTERFOIL_DISABLE_SCHEDULER", "1")

    from app.bootstrap import open_app
    from app.db import models as m

    home = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="cf-bench-reports-"))
    app = open_app(home, as_of=AS_OF)
    ctx = app.ctx
    with ctx.uow.read() as uow:
        existing = uow.session.scalar(select(func.count()).select_from(m.Invoice)) or 0
    if not existing:
        t0 = time.perf_counter()
        build_book(ctx, args.invoices, args.clients)
        print(
            f"generated {args.invoices:,} invoices / {args.clients:,} clients "
            f"in {time.perf_counter() - t0:.1f} s"
        )
    with ctx.uow.read() as uow:
        s = uow.session
        n_inv = s.scalar(select(func.count()).select_from(m.Invoice))
        n_open = s.scalar(
            select(func.count()).select_from(m.Invoice).where(m.Invoice.balance_minor != 0)
        )
        n_alloc = s.scalar(select(func.count()).select_from(m.Allocation))
    print(
        f"book: {n_inv:,} invoices ({n_open:,} open), {n_alloc:,} allocations — "
        f"Python {platform.python_version()}, {platform.machine()}, "
        f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores"
    )

    from app.core.reports import period_for
    from app.services import exports, reports
    from app.services import report_dashboard as dashboard
    from app.services.report_catalog import ReportParams, run_report

    ms, aging = _timed(lambda: reports.aging(ctx, AS_OF), repeat=15)
    print(
        f"aging by client today ({len(aging.lines):,} clients with open invoices): "
        f"median {ms:.1f} ms, best {BEST['last']:.1f} ms   (target ≤ 25 ms)"
    )
    ms, _ = _timed(lambda: reports.aging(ctx, AS_OF, with_credit=False), repeat=15)
    print(f"aging without the client-credit column: median {ms:.1f} ms, best {BEST['last']:.1f} ms")
    ms, _ = _timed(lambda: reports.aging(ctx, date(2026, 6, 30)), repeat=3)
    print(f"aging as of 2026-06-30 (invoices paid later reopened, credit rebuilt): {ms:.0f} ms")
    ms, board = _timed(lambda: dashboard.dashboard(ctx, "month"), repeat=9)
    print(
        f"dashboard ready (every figure and chart but the next bill run): median {ms:.0f} ms,"
        f" best {BEST['last']:.0f} ms   (target ≤ 500 ms)"
    )
    ms, _ = _timed(lambda: dashboard.dashboard(ctx, "year"), repeat=3)
    print(f"dashboard, year to date: {ms:.0f} ms")
    t0 = time.perf_counter()
    upcoming = dashboard.next_bill_run(ctx)
    took = (time.perf_counter() - t0) * 1000
    print(
        f"next bill run card (plans every agreement; loads after the figures): {took:.0f} ms "
        f"({upcoming.due_count:,} periods due)"
    )
    year = period_for("last_12_months", AS_OF)
    params = ReportParams(start=year.start, end=year.end)
    for key in ("collections", "tax", "revenue", "dso", "mrr", "health"):
        ms, out = _timed(lambda k=key: run_report(ctx, k, params), repeat=1)
        print(f"report {key}, last 12 months ({len(out.table.rows):,} rows): {ms:.0f} ms")
    t0 = time.perf_counter()
    register = run_report(ctx, "register", params).table
    took = time.perf_counter() - t0
    print(f"invoice register, last 12 months ({len(register.rows):,} rows): {took * 1000:.0f} ms")
    out = home / "register.xlsx"
    t0 = time.perf_counter()
    exports.write_xlsx(register, out)
    took = time.perf_counter() - t0
    print(f"XLSX export of that register: {took:.2f} s, {out.stat().st_size / 1e6:.1f} MB")
    path = home / "invoices.xlsx"
    t0 = time.perf_counter()
    count = exports.export_records(ctx, "invoices", path, "xlsx")
    took = time.perf_counter() - t0
    print(
        f"XLSX export of every invoice ({count:,} rows): {took:.2f} s, "
        f"{path.stat().st_size / 1e6:.1f} MB"
    )
    del board
    app.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
