"""The exception rules over a book of 100,000 invoices: evaluation time and a full scan.

    python bench/bench_exceptions.py [--invoices 100000]

The book, written with SQLAlchemy Core bulk inserts: 4,000 clients with one
monthly agreement each and two years of invoices (25 per agreement), almost
all paid by bank transfer; the newest month partly open, a few short
payments, drafts waiting for review, manual invoices with varying hours, and
a bank statement with a few unmatched lines.  Three figures are printed:
evaluation alone (read the book, run every rule), the first scan (also raises
the items) and a second scan (nothing new: the steady state).
"""

from __future__ import annotations

import argparse
import platform
import random
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

from dateutil.relativedelta import relativedelta
from sqlalchemy import insert

AS_OF = date(2026, 11, 25)
NOW = datetime(2026, 11, 25, 12, tzinfo=UTC)
MONTHS = 25


def seed(ctx, n_invoices: int) -> dict[str, int]:  # type: ignore[no-untyped-def]
    from app.db import models as m

    rng = random.Random(7)
    n_schedules = max(1, n_invoices // MONTHS)
    first = AS_OF.replace(day=1) - relativedelta(months=MONTHS - 1)
    clients, schedules, lines, invoices, inv_lines, payments, allocations = ([] for _ in range(7))
    for i in range(n_schedules):
        cid = i + 1
        clients.append(
            {
                "id": cid,
                "name": f"Client {i:05d}",
                "search_key": f"CLIENT {i:05d}",
                "email": f"c{i}@x.example",
                "currency": "EUR",
                "terms_kind": "net",
                "terms_days": 30,
                "address_line1": "1 Main St",
                "city": "Dublin",
                "created_at": NOW,
                "updated_at": NOW,
            }
        )
        price = rng.choice((4900, 8900, 45000, 90000, 150000))
        schedules.append(
            {
                "id": cid,
                "client_id": cid,
                "name": "Monthly retainer",
                "cadence": "monthly",
                "interval": 1,
                "start_date": first,
                "timing": "advance",
                "status": "active",
                "created_at": NOW,
                "updated_at": NOW,
            }
        )
        lines.append(
            {
                "id": cid,
                "schedule_id": cid,
                "position": 0,
                "description": "Monthly retainer",
                "quantity": Decimal(1),
                "unit_price_minor": price,
                "tax_rate": Decimal(0),
            }
        )
        for k in range(MONTHS):
            start = first + relativedelta(months=k)
            inv_id = len(invoices) + 1
            newest = k == MONTHS - 1
            status = "issued" if newest and rng.random() < 0.6 else "paid"
            total = price
            if newest and rng.random() < 0.03:
                status, total = "review", price * 3  # a draft held back, unusually large
            paid = total if status == "paid" else 0
            if status == "paid" and rng.random() < 0.01:
                paid = total - rng.choice((150, 250, 5000))  # a short payment
                status = "partly_paid"
            invoices.append(
                {
                    "id": inv_id,
                    "kind": "invoice",
                    "number": None if status == "review" else f"INV-{inv_id:07d}",
                    "client_id": cid,
                    "schedule_id": cid,
                    "period_start": start,
                    "period_end": start + relativedelta(months=1) - timedelta(days=1),
                    "issue_date": start,
                    "due_date": start + timedelta(days=30),
                    "currency": "EUR",
                    "status": status,
                    "subtotal_minor": total,
                    "tax_minor": 0,
                    "total_minor": total,
                    "paid_minor": paid,
                    "credited_minor": 0,
                    "balance_minor": total - paid,
                    "created_at": NOW,
                    "updated_at": NOW,
                }
            )
            inv_lines.append(
                {
                    "invoice_id": inv_id,
                    "position": 0,
                    "kind": "charge",
                    "description": "Monthly retainer",
                    "quantity": Decimal(3 if status == "review" else 1),
                    "unit_price_minor": price,
                    "tax_rate": Decimal(0),
                    "net_minor": total,
                    "tax_minor": 0,
                    "total_minor": total,
                    "period_start": start,
                    "schedule_line_id": cid,
                }
            )
            if paid:
                day = start + timedelta(days=30 + rng.randint(-5, 20))
                payments.append(
                    {
                        "id": len(payments) + 1,
                        "client_id": cid,
                        "kind": "payment",
                        "date": min(day, AS_OF),
                        "amount_minor": paid,
                        "currency": "EUR",
                        "unallocated_minor": 0,
                        "created_at": NOW,
                    }
                )
                allocations.append(
                    {
                        "invoice_id": inv_id,
                        "payment_id": len(payments),
                        "kind": "payment",
                        "date": min(day, AS_OF),
                        "amount_minor": paid,
                        "source": "bank",
                        "created_at": NOW,
                    }
                )
    with ctx.uow() as uow:
        s = uow.session
        for model, rows in (
            (m.Client, clients),
            (m.Schedule, schedules),
            (m.ScheduleLine, lines),
            (m.Invoice, invoices),
            (m.InvoiceLine, inv_lines),
            (m.Payment, payments),
            (m.Allocation, allocations),
        ):
            for start in range(0, len(rows), 20_000):
                s.execute(insert(model), rows[start : start + 20_000])
        s.execute(insert(m.BankAccount), [{"id": 1, "name": "Main account", "created_at": NOW}])
        s.execute(
            insert(m.BankImport),
            [
                {
                    "id": 1,
                    "account_id": 1,
                    "filename": "statement.csv",
                    "sha256": "0" * 64,
                    "format": "csv",
                    "imported_at": NOW,
                }
            ],
        )
        s.execute(
            insert(m.BankLine),
            [
                {
                    "account_id": 1,
                    "import_id": 1,
                    "line_no": n,
                    "booking_date": AS_OF - timedelta(days=n % 30),
                    "amount_minor": 10_000 + n,
                    "currency": "EUR",
                    "counterparty": f"PAYER {n}",
                    "description": f"Transfer {n}",
                    "fingerprint": f"fp{n}",
                    "status": "unmatched" if n % 20 == 0 else "auto",
                }
                for n in range(2_000)
            ],
        )
        uow.commit()
    return {"invoices": len(invoices), "payments": len(payments), "clients": len(clients)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--invoices", type=int, default=100_000)
    args = parser.parse_args(argv)

    from app.bootstrap import open_app
    from app.services import settings as settings_service
    from app.services.exception_evaluate import evaluate, money_text, scan_settings
    from app.services.exception_scan import run_scan

    with tempfile.TemporaryDirectory() as tmp:
        app = open_app(Path(tmp), as_of=AS_OF)
        try:
            t0 = time.perf_counter()
            sizes = seed(app.ctx, args.invoices)
            seeded = time.perf_counter() - t0
            with app.ctx.uow.read() as uow:
                cfg = scan_settings(settings_service.get_all(uow.session))
                t0 = time.perf_counter()
                ev = evaluate(uow.session, cfg, AS_OF, money_text(cfg.locale))
                evaluated = time.perf_counter() - t0
            first = run_scan(app.ctx)
            second = run_scan(app.ctx)
        finally:
            app.close()
    print(f"Python {platform.python_version()} on {platform.machine()} {sys.platform}")
    print(
        f"book: {sizes['invoices']:,} invoices, {sizes['payments']:,} payments, "
        f"{sizes['clients']:,} clients (written in {seeded:.1f} s)"
    )
    print(
        f"rule evaluation: {evaluated:.2f} s ({ev.invoices:,} invoices, {ev.watched:,} looked at "
        f"closely, {len(ev.findings):,} findings)  goal ≤ 5 s"
    )
    print(
        f"first scan: {first.seconds:.2f} s ({first.raised:,} raised, "
        f"{first.auto_resolved:,} settled by rule)"
    )
    print(f"second scan: {second.seconds:.2f} s ({second.raised} raised)")
    return 0 if evaluated <= 5.0 else 1


if __name__ == "__main__":
    sys.exit(main())
