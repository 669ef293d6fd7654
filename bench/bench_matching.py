"""Benchmark: matching a statement of N lines against N open invoices.

    python bench/bench_matching.py            # 10k, 20k and 50k, each in its own process
    python bench/bench_matching.py --one 20000

The data is generated from a fixed seed (clients with accounts, invoices with
amounts drawn from a price list, lines that pay them with exact, retyped,
missing and misspelt references, several invoices at once, partial payments,
strangers and bank fees), so every run matches the same statement.  For each
size it prints wall-clock and CPU seconds (CPU time is what to compare on a
busy machine), lines per second, the peak resident memory of the process and
the peak of Python allocations during matching (tracemalloc, in a second,
traced run).
"""

from __future__ import annotations

import json
import random
import resource
import subprocess
import sys
import time
import tracemalloc
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from app.core.matching import (
    BankLine,
    ClientProfile,
    MatchSettings,
    OpenInvoice,
    match_statement,
)

SIZES = (10_000, 20_000, 50_000)
PRICES = [Decimal(p) for p in ("49.00", "99.00", "149.00", "250.00", "480.00", "1200.00")]
WORDS = [
    "Harbor",
    "Cedar",
    "Summit",
    "Atlas",
    "Falcon",
    "Granite",
    "Meridian",
    "Juniper",
    "Beacon",
    "Cobalt",
    "Pioneer",
    "Keystone",
    "Oakridge",
    "Ironwood",
    "Northwind",
]
TRADES = ["Media", "Design", "Bakery", "Logistics", "Dental", "Studio", "Print", "Labs"]
FORMS = ["Ltd", "GmbH", "SARL", "B.V.", "AB", "Inc.", ""]


def _iban(rng: random.Random) -> str:
    return "DE" + "".join(rng.choice("0123456789") for _ in range(20))


def generate(
    size: int, seed: int = 7
) -> tuple[list[BankLine], list[OpenInvoice], list[ClientProfile]]:
    """Clients, open invoices and a statement of ``size`` lines, the same for a seed."""
    rng = random.Random(seed)
    clients = []
    for client_id in range(1, size // 10 + 1):
        name = f"{rng.choice(WORDS)} {rng.choice(TRADES)} {client_id} {rng.choice(FORMS)}"
        clients.append(ClientProfile(client_id, name.strip(), (), (_iban(rng),)))
    start = date(2026, 1, 1)
    invoices = []
    for invoice_id in range(1, size + 1):
        client = rng.choice(clients)
        issued = start + timedelta(days=rng.randrange(300))
        total = (
            rng.choice(PRICES)
            if rng.random() < 0.5
            else Decimal(rng.randrange(1000, 900_000)) / 100
        )
        invoices.append(
            OpenInvoice(
                invoice_id,
                f"INV-2026-{invoice_id:05d}",
                client.id,
                issued,
                issued + timedelta(days=30),
                "EUR",
                total,
                total,
                "",
            )
        )
    lines = []
    by_id = {c.id: c for c in clients}
    for line_id in range(1, size + 1):
        invoice = rng.choice(invoices)
        client = by_id[invoice.client_id]
        when = invoice.issue_date + timedelta(days=rng.randrange(40))
        amount, memo = invoice.total, f"Payment {invoice.number}"
        iban = client.ibans[0] if rng.random() < 0.9 else _iban(rng)
        name = client.name.upper()
        roll = rng.random()
        if roll < 0.15:
            memo = f"inv 2026 {invoice.id}"
        elif roll < 0.25:
            memo = f"Zahlung INV-2O26-{invoice.id:05d}"
        elif roll < 0.45:
            memo = rng.choice(["Thanks", "Monthly payment", ""])
        elif roll < 0.5:
            other = rng.choice(invoices)
            memo = f"Invoices {invoice.number}, {other.number}"
            amount = invoice.total + other.total
        elif roll < 0.55:
            amount = (invoice.total / 2).quantize(Decimal("0.01"))
        elif roll < 0.6:
            name, iban, memo = "STRANGER TRADING", _iban(rng), "Payment"
        elif roll < 0.63:
            name, iban, memo, amount = "BANK", "", "Account fee", Decimal("-12.50")
        lines.append(BankLine(f"L{line_id:06d}", when, amount, "EUR", name, iban, memo, ""))
    return lines, invoices, clients


def run_one(size: int) -> dict[str, float]:
    lines, invoices, clients = generate(size)
    started, cpu_started = time.perf_counter(), time.process_time()
    results = match_statement(lines, invoices, clients, MatchSettings())
    seconds = time.perf_counter() - started
    cpu_seconds = time.process_time() - cpu_started
    peak_rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    tracemalloc.start()
    match_statement(lines, invoices, clients, MatchSettings())
    _, traced_peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    auto = sum(r.action == "auto" for r in results)
    return {
        "size": size,
        "seconds": round(seconds, 2),
        "cpu_seconds": round(cpu_seconds, 2),
        "lines_per_second": round(size / seconds),
        "peak_rss_mb": round(peak_rss_mb),
        "matching_peak_mb": round(traced_peak / 2**20),
        "auto_share": round(auto / size, 3),
    }


def main(argv: list[str]) -> int:
    if len(argv) == 2 and argv[0] == "--one":
        print(json.dumps(run_one(int(argv[1]))))
        return 0
    print(
        f"{'lines':>8} {'seconds':>8} {'cpu s':>6} {'lines/s':>9} {'peak RSS MB':>12} "
        f"{'matching MB':>12} {'auto':>6}"
    )
    for size in SIZES:
        child = subprocess.run(
            [sys.executable, __file__, "--one", str(size)],
            capture_output=True,
            text=True,
            check=True,
        )
        row = json.loads(child.stdout.strip().splitlines()[-1])
        print(
            f"{row['size']:>8} {row['seconds']:>8} {row['cpu_seconds']:>6} "
            f"{row['lines_per_second']:>9} "
            f"{row['peak_rss_mb']:>12} {row['matching_peak_mb']:>12} {row['auto_share']:>6}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
