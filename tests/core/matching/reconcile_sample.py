"""Loading the labelled reconciliation set into the matcher's records."""

from __future__ import annotations

import csv
from datetime import date
from decimal import Decimal
from pathlib import Path

from app.core.matching import BankLine, ClientProfile, MatchResult, OpenInvoice


def _client_id(text: str) -> int:
    return int(text.lstrip("C"))


def _read(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def load_clients(folder: Path) -> list[ClientProfile]:
    return [
        ClientProfile(_client_id(r["client_id"]), r["name"], (), (r["iban"],) if r["iban"] else ())
        for r in _read(folder / "clients.csv")
    ]


def load_invoices(folder: Path) -> list[OpenInvoice]:
    invoices = []
    for at, r in enumerate(_read(folder / "invoices.csv"), start=1):
        total = Decimal(r["total"])
        invoices.append(
            OpenInvoice(
                id=at,
                number=r["number"],
                client_id=_client_id(r["client_id"]),
                issue_date=date.fromisoformat(r["issue_date"]),
                due_date=date.fromisoformat(r["due_date"]),
                currency=r["currency"],
                total=total,
                balance=total,
                creditor_reference="",
            )
        )
    return invoices


def load_lines(folder: Path) -> list[BankLine]:
    return [
        BankLine(
            id=r["id"],
            date=date.fromisoformat(r["date"]),
            amount=Decimal(r["amount"]),
            currency=r["currency"],
            counterparty=r["counterparty"],
            counterparty_iban=r["counterparty_iban"],
            memo=r["memo"],
            reference=r.get("reference", "") or "",
        )
        for r in _read(folder / "bank.csv")
    ]


def write_results(path: Path, lines: list[BankLine], results: list[MatchResult]) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["bank_line", "action", "allocations"])
        for line, result in zip(lines, results):
            allocations = ";".join(f"{a.number}:{a.amount}" for a in result.allocations)
            shown = allocations if result.action != "none" else ""
            writer.writerow([line.id, result.action, shown])
