"""`import schedules` and `import invoices`: real files in, all or nothing, clear errors."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from app.cli import run

CLIENTS = "Name,Email,Currency\nAcme Ltd,ap@acme.example,EUR\nMüller GmbH,rw@mueller.example,EUR\n"


def cli(home: Path, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, object, str]:
    capsys.readouterr()
    code = run(["--data-dir", str(home), "--as-of", "2026-03-15", "--json", *args])
    c = capsys.readouterr()
    return code, json.loads(c.out) if c.out.strip() else None, c.err


@pytest.fixture
def book(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    f = tmp_path / "clients.csv"
    f.write_text(CLIENTS, encoding="utf-8")
    home = tmp_path / "home"
    assert cli(home, capsys, "import", "clients", str(f))[0] == 0
    return home


def test_schedules_group_lines_and_bill(
    book: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    f = tmp_path / "s.csv"
    f.write_text(
        "Client;Agreement;Cadence;Billing day;Start;Description;Qty;Unit price;VAT %\n"
        "Acme Ltd;Support;monthly;1;01.01.2026;Support hours;10;85,00;23\n"
        "Acme Ltd;Support;monthly;1;01.01.2026;Hosting;1;49,00;23\n"
        "rw@mueller.example;Licence;yearly;;2026-02-01;Licence;1;1.200,00;19\n",
        encoding="utf-8",
    )
    code, data, err = cli(book, capsys, "import", "schedules", str(f), "--decimal-comma")
    assert code == 0, err
    assert data["imported"] == 2
    code, rows, _ = cli(book, capsys, "list", "schedules")
    # Support: 10 × 85.00 + 49.00 = 899.00 per month before tax.
    assert {(r["client"], r["name"], r["amount"]) for r in rows} == {
        ("Acme Ltd", "Support", "899.00"),
        ("Müller GmbH", "Licence", "1200.00"),
    }
    code, run_data, _ = cli(book, capsys, "bill-run", "--dry-run")
    # Jan, Feb, Mar for Acme (3) + the licence from Feb 1 (1).
    assert len(run_data["items"]) == 4


def test_bad_schedule_rows_reject_the_whole_file(
    book: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    f = tmp_path / "s.csv"
    f.write_text(
        "Client,Agreement,Cadence,Start,Unit price\n"
        "Acme Ltd,A,monthly,2026-01-01,100\n"
        "Nobody Inc,B,monthly,2026-01-01,100\n"
        "Acme Ltd,C,fortnightly-ish,2026-01-01,100\n"
        "Acme Ltd,D,monthly,31/02/2026,100\n",
        encoding="utf-8",
    )
    code, _data, err = cli(book, capsys, "import", "schedules", str(f))
    assert code == 2
    assert "line 3: no client 'Nobody Inc'" in err
    assert "line 4: unknown cadence 'fortnightly-ish'" in err
    assert "line 5: '31/02/2026' is not a real date" in err
    db = sqlite3.connect(book / "counterfoil.sqlite3")
    assert db.execute("SELECT count(*) FROM schedules").fetchone()[0] == 0


def test_open_invoices_keep_numbers_and_paid_amounts(
    book: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    f = tmp_path / "i.csv"
    f.write_text(
        "Invoice number,Client,Date,Due date,Currency,Total,Paid\n"
        "INV-2026-00007,Acme Ltd,2026-02-01,2026-03-03,EUR,1230.00,230.00\n"
        "OLD-17,Müller GmbH,2026-01-15,,EUR,500.00,\n",
        encoding="utf-8",
    )
    code, _data, err = cli(book, capsys, "import", "invoices", str(f))
    assert code == 0, err
    _, rows, _ = cli(book, capsys, "list", "invoices")
    got = {(r["number"], r["balance"], r["status"]) for r in rows}
    assert got == {("INV-2026-00007", "1000.00", "partly_paid"), ("OLD-17", "500.00", "issued")}
    # Our own series continues after the imported INV-2026-00007, never colliding with it.
    db = sqlite3.connect(book / "counterfoil.sqlite3")
    assert (
        db.execute("SELECT last_value FROM number_counters WHERE series='invoice'").fetchone()[0]
        == 7
    )
    code, _, err = cli(book, capsys, "import", "invoices", str(f))
    assert code == 2 and "already exists" in err
