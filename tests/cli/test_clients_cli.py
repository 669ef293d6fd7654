"""`counterfoil import|list clients` with real-world and broken files."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from app.cli import run

GOOD = "Company;E-mail;Currency;VAT;City\nMüller GmbH;ap@mueller.example;eur;DE123;Köln\n"


def cli(home: Path, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, object, str]:
    capsys.readouterr()
    code = run(["--data-dir", str(home), "--as-of", "2026-11-25", "--json", *args])
    captured = capsys.readouterr()
    return code, json.loads(captured.out) if captured.out.strip() else None, captured.err


def db_fingerprint(home: Path) -> tuple[int, int]:
    db = sqlite3.connect(home / "counterfoil.sqlite3")
    try:
        return (
            db.execute("SELECT count(*) FROM clients").fetchone()[0],
            db.execute("SELECT count(*) FROM audit_events").fetchone()[0],
        )
    finally:
        db.close()


@pytest.mark.parametrize(
    ("encoding", "content"),
    [
        ("cp1252", GOOD),
        ("utf-8-sig", GOOD),
        ("utf-8", GOOD.replace(";", "\t")),
        ("utf-8", GOOD.replace(";", ",")),
    ],
)
def test_real_world_files_keep_their_accents(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], encoding: str, content: str
) -> None:
    f = tmp_path / "clients.csv"
    f.write_bytes(content.encode(encoding))
    code, data, _ = cli(tmp_path / "home", capsys, "import", "clients", str(f))
    assert code == 0, data
    code, rows, _ = cli(tmp_path / "home", capsys, "list", "clients")
    assert [(r["name"], r["email"], r["currency"], r["city"]) for r in rows] == [
        ("Müller GmbH", "ap@mueller.example", "EUR", "Köln")
    ]


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"Email,Currency\nx@y.example,EUR\n", "line 1: no client name column"),
        (
            b"Name,Email\nA,a@b.example\nB,not-an-email\n",
            "line 3: 'not-an-email' is not a valid e-mail",
        ),
        (b"Name,Currency\nA,EUR\nB,ABC\n", "line 3: 'ABC' is not a currency code"),
        (
            b"Name,Email\nA,a@b.example\nB,b@b.example,extra,fields\n",
            "line 3: 4 fields but the header has 2",
        ),
        (b"", "the file is empty"),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n", "this is a PDF document"),
        (bytes(range(256)) * 20, "binary file"),
    ],
)
def test_bad_files_exit_2_name_the_line_and_change_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: bytes, expected: str
) -> None:
    home = tmp_path / "home"
    run(["--data-dir", str(home), "init"])
    before = db_fingerprint(home)
    f = tmp_path / "clients.csv"
    f.write_bytes(content)
    code, _data, err = cli(home, capsys, "import", "clients", str(f))
    assert code == 2
    assert expected in err, err
    assert str(f) in err
    assert db_fingerprint(home) == before


def test_skip_invalid_imports_the_good_rows_and_reports_the_rest(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    f = tmp_path / "c.csv"
    f.write_text("Name,Email\nGood,g@x.example\nBad,nope\n", encoding="utf-8")
    code, data, _ = cli(tmp_path / "home", capsys, "import", "clients", str(f), "--skip-invalid")
    assert code == 1
    assert data["imported"] == 1
    assert data["rejected"] == [
        {"line": 3, "reason": "'nope' is not a valid e-mail address (like name@example.com)."}
    ]


def test_demo_init_lists_clients_and_verifies(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    home = tmp_path / "demo-data"
    code, data, _ = cli(home, capsys, "init", "--demo")
    assert code == 0 and data["demo"]["clients"] == 50
    code, rows, _ = cli(home, capsys, "list", "clients")
    assert len(rows) == 50
    assert {r["currency"] for r in rows} == {"EUR", "GBP", "USD"}
    code, report, _ = cli(home, capsys, "verify")
    assert code == 0 and report["ok"] is True
    # Loading the demo twice adds nothing.
    code, data, _ = cli(home, capsys, "init", "--demo")
    assert data["demo"]["added"] == 0
