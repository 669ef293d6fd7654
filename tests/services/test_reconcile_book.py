"""The labelled reconciliation set end to end through the product: clients, open invoices
and the bank statement are imported from files, `reconcile` runs, and the scoring
script's rules judge what the database now holds."""

from __future__ import annotations

import csv
import importlib.util
import io
import json
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from app.bootstrap import open_app
from app.db import models as m
from app.services.bank_import import import_statement
from app.services.clients import import_clients
from app.services.reconcile import accept, reconcile, undo
from app.services.sheet_imports import import_invoices
from tests.conftest import samples_or_skip


def _score_module(folder: Path) -> Any:
    spec = importlib.util.spec_from_file_location("reconcile_score", folder / "score.py")
    assert spec and spec.loader
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


@pytest.fixture(scope="module")
def reconciled(tmp_path_factory: pytest.TempPathFactory) -> tuple[Any, Path, dict[str, Any]]:
    folder = samples_or_skip("reconcile")
    home = tmp_path_factory.mktemp("book")
    app = open_app(home, as_of=date(2027, 12, 31))
    ctx = app.ctx
    clients = list(
        csv.DictReader((folder / "clients.csv").read_text(encoding="utf-8").splitlines())
    )
    email_of = {c["client_id"]: c["email"] for c in clients}
    import_clients(ctx, (folder / "clients.csv").read_bytes())
    out = io.StringIO()
    w = csv.writer(out)
    w.writerow(["number", "client", "issue date", "due date", "currency", "total"])
    for r in csv.DictReader((folder / "invoices.csv").read_text(encoding="utf-8").splitlines()):
        w.writerow(
            [
                r["number"],
                email_of[r["client_id"]],
                r["issue_date"],
                r["due_date"],
                r["currency"],
                r["total"],
            ]
        )
    import_invoices(ctx, out.getvalue().encode())
    imported = import_statement(ctx, folder / "bank.csv")
    summary = reconcile(ctx).as_dict()
    summary["imported"] = imported.imported
    yield ctx, folder, summary
    app.close()


def _results(ctx: Any) -> list[dict[str, str]]:
    """What the product did with each line, in the scorer's results.csv shape."""
    rows = []
    with ctx.uow.read() as uow:
        s = uow.session
        numbers = dict(s.execute(select(m.Invoice.id, m.Invoice.number)).all())
        for line in s.execute(select(m.BankLine).order_by(m.BankLine.line_no)).scalars():
            bank_id = line.raw.split(",")[0]
            allocs = ""
            if line.status == "auto":
                paid = s.execute(
                    select(m.Allocation.invoice_id, m.Allocation.amount_minor)
                    .join(m.Payment, m.Payment.id == m.Allocation.payment_id)
                    .where(m.Payment.bank_line_id == line.id, m.Allocation.kind == "payment")
                ).all()
                allocs = ";".join(f"{numbers[i]}:{Decimal(a) / 100:.2f}" for i, a in paid)
                action = "auto"
            elif line.status == "suggested":
                plan = next(x for x in json.loads(line.suggestions_json) if "invoice_ids" in x)
                allocs = ";".join(f"{numbers[i]}:0.00" for i in plan["invoice_ids"])
                action = "suggest"
            else:
                action = "none"
            rows.append({"bank_line": bank_id, "action": action, "allocations": allocs})
    return rows


def test_every_bank_line_was_imported(reconciled: tuple[Any, Path, dict[str, Any]]) -> None:
    _ctx, folder, summary = reconciled
    expected = len((folder / "bank.csv").read_text(encoding="utf-8").splitlines()) - 1
    assert summary["imported"] == expected


def test_scores_on_the_labelled_set(
    reconciled: tuple[Any, Path, dict[str, Any]], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ctx, folder, _summary = reconciled
    results = tmp_path / "results.csv"
    with open(results, "w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, fieldnames=["bank_line", "action", "allocations"])
        w.writeheader()
        w.writerows(_results(ctx))
    code = _score_module(folder).main(str(folder / "expected.csv"), str(results))
    report = capsys.readouterr().out
    with capsys.disabled():
        print("\nreconciliation through the database:\n" + report)
    assert code == 0, report  # zero wrong automatic applications
    auto = float(report.split("auto-applied correctly: ")[1].split("(")[1].split("%")[0])
    assert auto >= 90.0, report
    first = report.split("right invoice first among suggestions: ")[1]
    done, total = (int(x) for x in first.split(" (")[0].split(" of "))
    assert total == 0 or done / total >= 0.98, report


def test_undo_and_confirm_a_suggestion_with_learning(
    reconciled: tuple[Any, Path, dict[str, Any]],
) -> None:
    ctx, _folder, _summary = reconciled
    with ctx.uow.read() as uow:
        line_id = uow.session.execute(
            select(m.BankLine.id)
            .where(m.BankLine.status == "auto")
            .order_by(m.BankLine.id)
            .limit(1)
        ).scalar_one()
        invoice_id = (
            uow.session.execute(
                select(m.Allocation.invoice_id)
                .join(m.Payment, m.Payment.id == m.Allocation.payment_id)
                .where(m.Payment.bank_line_id == line_id)
            )
            .scalars()
            .first()
        )
        before = uow.session.get(m.Invoice, invoice_id).balance_minor
    undo(ctx, line_id)
    with ctx.uow.read() as uow:
        reopened = uow.session.get(m.Invoice, invoice_id)
        assert reopened.balance_minor > before  # reopened at its former balance
    accept(ctx, line_id, [invoice_id])
    with ctx.uow.read() as uow:
        assert uow.session.get(m.Invoice, invoice_id).balance_minor == before
        assert uow.session.get(m.BankLine, line_id).status == "matched"
