"""Throughput of bank statement parsing on a generated 100,000-line CSV.

Run: ``python bench/bench_bank_parse.py [lines]``.  Prints the lines per second
of ``parse_statement`` (encoding decision, layout detection on a sample, and
reading every row) and of the row reading alone with a known profile.
"""

from __future__ import annotations

import random
import sys
import time
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from app.core.bankfile import detect_csv_profile, parse_statement

COUNTERPARTIES = [
    "Müller GmbH",
    "Bäckerei Schön",
    "Stadtwerke Köln",
    "ACME Ltd",
    "Café Zürich",
    "Deutsche Telekom",
    "Hausverwaltung Süd",
    "Finanzamt Nord",
    "Ökostrom eG",
    "Jürgen Weiß",
]


def make_csv(lines: int, seed: int = 7, quoted: bool = False) -> bytes:
    """A German-style export: preamble, header, signed decimal-comma amounts, balance."""
    rng = random.Random(seed)
    out = [
        "Umsatzanzeige;Girokonto",
        "IBAN;DE89370400440532013000",
        "",
        ("Buchungstag;Valuta;Auftraggeber/Empfänger;IBAN;Verwendungszweck;Betrag;Saldo;Währung"),
    ]
    balance = Decimal("10000.00")
    day = date(2024, 1, 1)
    for i in range(lines):
        if i % 50 == 0:
            day += timedelta(days=1)
        cents = rng.randint(-250000, 180000)
        amount = Decimal(cents).scaleb(-2)
        balance += amount
        who = COUNTERPARTIES[i % len(COUNTERPARTIES)]
        text = f"Rechnung RE-{2024000 + i} Kunde {i % 977} Danke"
        out.append(
            f"{day:%d.%m.%Y};{day:%d.%m.%Y};{who};DE{10 + i % 89}370400440532{i % 1000000:06d};"
            f"{text};{_de(amount)};{_de(balance)};EUR"
        )
    if quoted:
        out = out[:3] + ['"' + row.replace(";", '";"') + '"' for row in out[3:]]
    return ("\n".join(out) + "\n").encode("utf-8")


def _de(value: Decimal) -> str:
    sign = "-" if value < 0 else ""
    whole, _, frac = f"{abs(value):.2f}".partition(".")
    groups = []
    while whole:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    return f"{sign}{'.'.join(groups)},{frac}"


def measure(count: int, quoted: bool) -> None:
    data = make_csv(count, quoted=quoted)
    profile, _ = detect_csv_profile(data, "bench.csv")
    best_total = best_rows = float("inf")
    for _ in range(5):
        start = time.process_time()
        statement = parse_statement(data, "bench.csv")
        best_total = min(best_total, time.process_time() - start)
        assert len(statement.lines) == count, (len(statement.lines), statement.problems[:3])
        del statement  # freeing the previous result is not part of the next measurement
        start = time.process_time()
        statement = parse_statement(data, "bench.csv", profile=profile)
        best_rows = min(best_rows, time.process_time() - start)
        del statement
    kind = "every field quoted" if quoted else "unquoted"
    print(f"{kind}: {len(data) / 1e6:.1f} MB, {count} transaction lines (CPU time, best of 5)")
    print(
        f"  parse_statement (detect + read): {best_total:.3f} s = {count / best_total:,.0f} lines/s"
    )
    print(
        f"  parse_statement with a profile:  {best_rows:.3f} s = {count / best_rows:,.0f} lines/s"
    )


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    measure(count, quoted=False)
    measure(count, quoted=True)


if __name__ == "__main__":
    main()
