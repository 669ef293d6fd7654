"""`counterfoil bank-line accept|reject|undo|ignore`: the Bank page's decisions, scripted."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from app.bootstrap import open_app
from app.services import invoicing
from app.services.bill_run import run_bill_run
from tests.cli.test_clients_cli import cli
from tests.services.billing_fixtures import client, schedule


@pytest.fixture
def book(tmp_path: Path) -> tuple[Path, str]:
    """One issued invoice of 123.00 (100.00 + 23 % VAT) for Acme Ltd, dated 1 November."""
    home = tmp_path / "home"
    app = open_app(home, as_of=date(2026, 11, 1))
    acme = client(app.ctx)
    schedule(app.ctx, acme.id, start=date(2026, 11, 1))
    result = run_bill_run(app.ctx)
    numbers = invoicing.approve(app.ctx, result.invoice_ids)  # a new client's first invoice
    app.close()
    return home, numbers[0]


def _balance(home: Path, capsys: Any, number: str) -> str:
    code, rows, _ = cli(home, capsys, "list", "invoices", "--search", number)
    assert code == 0
    return rows[0]["balance"]  # type: ignore[index]


def test_a_suggestion_is_rejected_accepted_by_number_and_undone(
    book: tuple[Path, str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    home, number = book
    statement = tmp_path / "statement.csv"
    # A parent company pays the exact amount without a reference: only a suggestion.
    statement.write_text(
        "Date;Counterparty;Description;Amount\n20.11.2026;ACME HOLDINGS;Transfer;123,00\n"
    )
    assert cli(home, capsys, "import", "bank", str(statement))[0] == 0
    assert cli(home, capsys, "reconcile")[0] == 0
    code, lines, _ = cli(home, capsys, "list", "bank-lines", "--status", "suggested")
    assert code == 0 and len(lines) == 1  # type: ignore[arg-type]
    line = str(lines[0]["id"])  # type: ignore[index]

    code, data, _ = cli(home, capsys, "bank-line", "reject", line)
    assert (code, data["status"], data["match"]) == (0, "unmatched", "none")  # type: ignore[index]
    assert _balance(home, capsys, number) == "123.00"

    # The person knows better: this transfer is for that invoice.
    code, data, _ = cli(home, capsys, "bank-line", "accept", line, number)
    assert (code, data["status"]) == (0, "matched")  # type: ignore[index]
    assert _balance(home, capsys, number) == "0.00"

    code, data, _ = cli(home, capsys, "bank-line", "undo", line)
    assert code == 0 and data["status"] != "matched"  # type: ignore[index]
    assert _balance(home, capsys, number) == "123.00"  # the invoice reopens

    code, data, _ = cli(home, capsys, "bank-line", "ignore", line)
    assert (code, data["status"]) == (0, "ignored")  # type: ignore[index]


def test_a_wrong_line_or_a_refused_decision_says_why(
    book: tuple[Path, str], capsys: pytest.CaptureFixture[str]
) -> None:
    home, _number = book
    code, _data, err = cli(home, capsys, "bank-line", "accept", "999")
    assert code == 2 and "no bank line 999" in err
