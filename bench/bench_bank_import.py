"""Importing a 100,000-line bank CSV end to end, beside hledger reading the same file.

    python bench/bench_bank_import.py [--lines 100000]

Ours: detect, parse, de-duplicate and store into a real SQLite book (one
transaction), timed from the file on disk to the commit.  hledger (Debian's
package) reads the same file with a CSV rules file and prints its register to
/dev/null, in the same run.  Prints lines/s for both and the ratio.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_bank_parse import make_csv

RULES = """skip 4
separator ;
fields date, value_date, payee, iban, description, amount, balance, currency
date-format %d.%m.%Y
decimal-mark ,
account1 assets:bank
account2 income:unknown
"""


def ours(path: Path, home: Path) -> tuple[float, int]:
    from app.bootstrap import open_app
    from app.services.bank_import import import_statement

    app = open_app(home, as_of=date(2026, 11, 25))
    try:
        started = time.perf_counter()
        result = import_statement(app.ctx, path)
        elapsed = time.perf_counter() - started
    finally:
        app.close()
    return elapsed, result.imported


def hledger(path: Path, rules: Path) -> float | None:
    if not shutil.which("hledger"):
        return None
    started = time.perf_counter()
    subprocess.run(
        ["hledger", "-f", str(path), "--rules-file", str(rules), "register"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        check=True,
    )
    return time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--lines", type=int, default=100_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "statement.csv"
        path.write_bytes(make_csv(args.lines))
        rules = Path(tmp) / "statement.rules"
        rules.write_text(RULES, encoding="utf-8")
        seconds, imported = ours(path, Path(tmp) / "home")
        again, duplicates = ours(path, Path(tmp) / "home")  # everything is a duplicate now
        theirs = hledger(path, rules)
    print(
        f"machine: {platform.machine()} {os.cpu_count()} cores, Python {platform.python_version()}, {date.today()}"
    )
    print(
        f"Counterfoil import of {args.lines:,} lines (detect, parse, de-duplicate, store): "
        f"{seconds:.2f} s = {imported / seconds:,.0f} lines/s (goal >= 100,000)"
    )
    print(
        f"re-import of the same file: {again:.2f} s, {duplicates} new lines (all skipped as duplicates)"
    )
    if theirs is None:
        print("hledger not installed: no comparison")
    else:
        print(
            f"hledger 'register' with a rules file: {theirs:.2f} s = {args.lines / theirs:,.0f} lines/s"
        )
        print(f"ratio: Counterfoil is {theirs / seconds:.1f}x faster (goal >= 10x)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
