"""Usage billing at volume: import 1,000,000 usage records, then rate a month for 1,000 agreements.

    python bench/bench_usage.py [--records 1000000] [--schedules 1000]

The import reads a generated CSV (client, item, date, quantity) with the same
code as `counterfoil import usage`; the rating is the bill run over 1,000
metered agreements (tiered pricing with an allowance) for January.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import sys
import tempfile
import time
from datetime import UTC, date, datetime
from decimal import Decimal

from sqlalchemy import insert


def seed(ctx, n_schedules: int) -> None:  # type: ignore[no-untyped-def]
    import json

    from app.core.usage import Pricing, PricingModel, Tier, pricing_to_dict
    from app.db import models as m

    now = datetime(2026, 1, 1, tzinfo=UTC)
    pricing = json.dumps(
        pricing_to_dict(
            Pricing(
                PricingModel.TIERED,
                tiers=(Tier(Decimal(1000), Decimal("0.10")), Tier(None, Decimal("0.05"))),
                allowance=Decimal(200),
                unit="calls",
            )
        )
    )
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
                for i in range(n_schedules)
            ],
        )
        s.execute(
            insert(m.Invoice),
            [
                {
                    "client_id": i + 1,
                    "number": f"OLD-{i:05d}",
                    "issue_date": date(2025, 12, 1),
                    "due_date": date(2025, 12, 31),
                    "currency": "EUR",
                    "status": "paid",
                    "total_minor": 100,
                    "created_at": now,
                    "updated_at": now,
                }
                for i in range(n_schedules)
            ],
        )
        s.execute(
            insert(m.Schedule),
            [
                {
                    "id": i + 1,
                    "client_id": i + 1,
                    "name": "API",
                    "cadence": "monthly",
                    "start_date": date(2026, 1, 1),
                    "timing": "arrears",
                    "status": "active",
                    "created_at": now,
                    "updated_at": now,
                }
                for i in range(n_schedules)
            ],
        )
        s.execute(
            insert(m.ScheduleLine),
            [
                {
                    "schedule_id": i + 1,
                    "position": 0,
                    "description": "API calls",
                    "quantity": 1,
                    "unit_price_minor": 0,
                    "tax_rate": 23,
                    "metered": True,
                    "meter_item": "api",
                    "pricing_json": pricing,
                }
                for i in range(n_schedules)
            ],
        )
        uow.commit()


def usage_file(records: int, clients: int) -> bytes:
    rng = random.Random(3)
    lines = ["client,item,date,quantity"]
    for _ in range(records):
        lines.append(
            f"{rng.randint(1, clients)},api,2026-01-{rng.randint(1, 31):02d},{rng.randint(1, 40)}"
        )
    return ("\n".join(lines) + "\n").encode()


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--schedules", type=int, default=1000)
    args = parser.parse_args()
    from app.bootstrap import open_app
    from app.services.bill_run import run_bill_run
    from app.services.usage import import_usage

    with tempfile.TemporaryDirectory() as tmp:
        app = open_app(tmp, as_of=date(2026, 2, 10))
        seed(app.ctx, args.schedules)
        data = usage_file(args.records, args.schedules)
        started = time.perf_counter()
        report = import_usage(app.ctx, data)
        imported = time.perf_counter() - started
        started = time.perf_counter()
        again = import_usage(app.ctx, data)
        reimport = time.perf_counter() - started
        started = time.perf_counter()
        result = run_bill_run(app.ctx)
        rating = time.perf_counter() - started
        app.close()
    print(
        f"machine: {platform.machine()} {os.cpu_count()} cores, Python {platform.python_version()}, {date.today()}"
    )
    print(
        f"import {args.records:,} usage records: {imported:.1f} s = {report.imported / imported:,.0f} records/s "
        "(goal >= 100,000)"
    )
    print(f"re-import of the same file: {reimport:.1f} s, {again.imported} new")
    print(
        f"rate January for {args.schedules:,} metered agreements (bill run): {rating:.2f} s, "
        f"{result.created} invoices (goal <= 5 s)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
