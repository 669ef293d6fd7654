"""`counterfoil report …` and `counterfoil export …` drive the same report services."""

from __future__ import annotations

import csv
import io
import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from app.cli import run
from tests.services.report_fixtures import customer, invoice, pay


def _book(home: Path) -> None:
    from app.bootstrap import open_app

    app = open_app(home, as_of=date(2026, 11, 25))
    try:
        ctx = app.ctx
        ash = customer(ctx, "Ash Ltd")
        first = invoice(ctx, ash, date(2026, 6, 1), "100.00")  # due 1 Jul
        invoice(ctx, ash, date(2026, 11, 1), "50.00")  # due 1 Dec
        pay(ctx, ash, date(2026, 7, 20), "100.00", first)
    finally:
        app.close()


def cli(home: Path, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    capsys.readouterr()
    code = run(["--data-dir", str(home), *args])
    out = capsys.readouterr()
    return code, out.out, out.err


def test_report_aging_as_table_json_and_csv(home: Path, capsys: Any) -> None:
    _book(home)
    code, out, _ = cli(home, capsys, "--as-of", "2026-11-25", "report", "aging")
    assert code == 0
    assert "Ash Ltd" in out and "50.00" in out
    # on 30 Jun the first invoice (paid 20 Jul) was open and not yet due
    code, out, _ = cli(home, capsys, "report", "aging", "--as-of", "2026-06-30", "--format", "json")
    data = json.loads(out)
    assert code == 0
    assert data["rows"] == [
        {
            "client": "Ash Ltd",
            "currency": "EUR",
            "b0": "100.00",
            "b1": "0.00",
            "b2": "0.00",
            "b3": "0.00",
            "b4": "0.00",
            "total": "100.00",
            "credit": "0.00",
            "overdue_share": "0.0",
        }
    ]
    code, out, _ = cli(home, capsys, "--as-of", "2026-11-25", "report", "aging", "--format", "csv")
    rows = list(csv.reader(io.StringIO(out)))
    assert rows[0][:3] == ["Client", "Currency", "Current"]
    assert rows[1][:3] == ["Ash Ltd", "EUR", "50.00"]


def test_report_summary_and_period_reports(home: Path, capsys: Any) -> None:
    _book(home)
    code, out, _ = cli(home, capsys, "--as-of", "2026-11-25", "--json", "report", "summary")
    data = json.loads(out)
    assert code == 0
    assert data["invoiced"]["EUR"]["current"] == "50.00"
    assert data["outstanding"]["EUR"]["current"] == "50.00"
    assert "next_bill_run" in data
    code, out, _ = cli(
        home,
        capsys,
        "--as-of",
        "2026-11-25",
        "report",
        "collections",
        "--from",
        "2026-07-01",
        "--to",
        "2026-07-31",
        "--format",
        "json",
    )
    assert json.loads(out)["totals"][0]["amount"] == "100.00"
    code, _, err = cli(home, capsys, "report", "statement", "--format", "json")
    assert code == 2 and "client" in err
    code, _, err = cli(
        home, capsys, "report", "collections", "--from", "2026-07-01", "--to", "2026-06-01"
    )
    assert code == 2


def test_export_invoices_payments_clients(home: Path, capsys: Any, tmp_path: Path) -> None:
    _book(home)
    target = tmp_path / "invoices.xlsx"
    code, _, err = cli(home, capsys, "export", "invoices", "--format", "xlsx", "--out", str(target))
    assert code == 0 and "2 invoices" in err
    ws = load_workbook(target).worksheets[0]
    assert ws.max_row == 3
    code, out, _ = cli(home, capsys, "export", "payments", "--format", "json")
    assert json.loads(out)["rows"][0]["amount"] == "100.00"
    code, out, _ = cli(home, capsys, "export", "clients")
    assert out.splitlines()[1].startswith("Ash Ltd,")
    code, _, err = cli(home, capsys, "export", "clients", "--format", "xlsx")
    assert code == 2 and "--out" in err
    # --json alone asks for machine-readable output: JSON, not the CSV default
    code, out, _ = cli(home, capsys, "--json", "export", "clients")
    assert code == 0 and json.loads(out)["rows"][0]["name"] == "Ash Ltd"


def test_statement_pdf_from_the_command_line(home: Path, capsys: Any, tmp_path: Path) -> None:
    _book(home)
    target = tmp_path / "statement.pdf"
    code, _, err = cli(
        home,
        capsys,
        "--as-of",
        "2026-11-25",
        "report",
        "statement",
        "--client",
        "1",
        "--format",
        "pdf",
        "--out",
        str(target),
    )
    assert code == 0, err
    assert target.read_bytes().startswith(b"%PDF")
    code, _, err = cli(home, capsys, "report", "aging", "--format", "pdf", "--out", str(target))
    assert code == 2 and "statement" in err
