"""A monthly bill run over 10,000 agreements (no PDFs): time and peak memory.

    python bench/bench_bill_run.py [--schedules 10000]

The book: 2,000 clients with five monthly agreements each and one earlier
issued invoice (so the first-invoice review rule stays quiet, as in a normal
month).  The run creates, numbers and audits one invoice per agreement.
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import sys
import tempfile
import time
from datetime import UTC, date, datetime

from sqlalchemy import insert


def seed(ctx, n_schedules: int) -> None:  # type: ignore[no-untyped-def]
    from app.db import models as m

    now = datetime(2026, 10, 1, tzinfo=UTC)
    n_clients = max(1, n_schedules // 5)
    with ctx.uow() as uow:
        s = uow.session
        s.execute(
            insert(m.Client),
            [
                {
                    "id": i + 1,
                    "name": f"Client {i:05d}",
                    "search_key": f"CLIENT {i:05d}",
                    "email": f"c{i}@x.example",
                    "currency": "EUR",
                    "terms_kind": "net",
                    "terms_days": 30,
                    "address_line1": "1 Main St",
                    "city": "Dublin",
                    "created_at": now,
                    "updated_at": now,
                }
                for i in range(n_clients)
            ],
        )
        s.execute(
            insert(m.Invoice),
            [
                {
                    "client_id": i + 1,
                    "number": f"OLD-{i:05d}",
                    "issue_date": date(2026, 10, 1),
                    "due_date": date(2026, 10, 31),
                    "currency": "EUR",
                    "status": "paid",
                    "total_minor": 10000,
                    "created_at": now,
                    "updated_at": now,
                }
                for i in range(n_clients)
            ],
        )
        s.execute(
            insert(m.Schedule),
            [
                {
                    "id": j + 1,
                    "client_id": j % n_clients + 1,
                    "name": "Retainer",
                    "cadence": "monthly",
                    "start_date": date(2026, 11, 1),
                    "timing": "advance",
                    "status": "active",
                    "created_at": now,
                    "updated_at": now,
                }
                for j in range(n_schedules)
            ],
        )
        s.execute(
            insert(m.ScheduleLine),
            [
                {
                    "schedule_id": j + 1,
                    "position": 0,
                    "description": "Monthly retainer",
                    "quantity": 1,
                    "unit_price_minor": 10000 + (j % 50) * 100,
                    "tax_rate": 23,
                }
                for j in range(n_schedules)
            ],
        )
        uow.commit()


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--schedules", type=int, default=10_000)
    args = parser.parse_args()
    from app.bootstrap import open_app
    from app.services.bill_run import run_bill_run

    with tempfile.TemporaryDirectory() as tmp:
        app = open_app(tmp, as_of=date(2026, 11, 1))
        seed(app.ctx, args.schedules)
        rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        started = time.perf_counter()
        result = run_bill_run(app.ctx)
        elapsed = time.perf_counter() - started
        rss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        app.close()
    print(
        f"machine: {platform.machine()} {os.cpu_count()} cores, Python {platform.python_version()}, {date.today()}"
    )
    print(
        f"bill run over {args.schedules:,} schedules: {result.created:,} invoices created, "
        f"{result.issued:,} issued, {result.review:,} to review"
    )
    print(f"time: {elapsed:.2f} s ({result.created / elapsed:,.0f} invoices/s; goal <= 10 s)")
    print(
        f"peak RSS: {rss_after / 1024:.0f} MB (grew {max(0, rss_after - rss_before) / 1024:.0f} MB during the run)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
