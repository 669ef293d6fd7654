"""Exports an accountant can open safely: formulas neutralised, numbers kept numbers."""

from __future__ import annotations

import csv
import io
import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from app.core.money import Money
from app.core.reports import ReportColumn, ReportTable
from app.services import exports
from app.services.errors import ValidationError
from tests.services.report_fixtures import customer, invoice, pay

HOSTILE = ['=HYPERLINK("http://x")', "+1+1", "-2+3", "@SUM(A1)", "\tcmd", "\rcmd"]


def _table() -> ReportTable:
    cols = (
        ReportColumn("client", "Client"),
        ReportColumn("day", "Date", "date"),
        ReportColumn("amount", "Amount", "money"),
        ReportColumn("count", "Count", "int"),
    )
    rows = tuple(
        (name, date(2026, 11, 1), Money.of("-12.50", "EUR"), 3) for name in [*HOSTILE, "Plain Ltd"]
    )
    totals = (("Total", None, Money.of("-87.50", "EUR"), 21),)
    return ReportTable("t", "Test report", cols, rows, totals, notes=("=not a formula",))


def test_neutralise_prefixes_only_dangerous_text() -> None:
    assert [exports.neutralise(t) for t in HOSTILE] == ["'" + t for t in HOSTILE]
    assert exports.neutralise("Acme = best") == "Acme = best"
    assert exports.neutralise("") == ""


def test_csv_neutralises_text_but_keeps_negative_amounts(tmp_path: Path) -> None:
    path = exports.write_csv(_table(), tmp_path / "r.csv")
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # BOM, so spreadsheet programs read UTF-8
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows[0] == ["Client", "Date", "Amount", "Count"]
    assert [r[0] for r in rows[1:7]] == ["'" + t for t in HOSTILE]
    assert rows[1][1:] == ["2026-11-01", "-12.50", "3"]  # a negative amount stays -12.50
    assert rows[-1] == ["Total", "", "-87.50", "21"]


def test_xlsx_cells_are_typed_and_formulas_inert(tmp_path: Path) -> None:
    path = exports.write_xlsx(_table(), tmp_path / "r.xlsx")
    ws = load_workbook(path).worksheets[0]
    assert [c.value for c in ws[1]] == ["Client", "Date", "Amount", "Count"]
    for row, text in zip(ws.iter_rows(min_row=2, max_row=7), HOSTILE, strict=True):
        # XML stores a carriage return as a line feed; the apostrophe is what matters
        assert row[0].value == "'" + text.replace("\r", "\n")
        assert row[0].data_type == "s"  # text, never a formula
    first = ws[2]
    assert first[1].is_date and first[1].value.date() == date(2026, 11, 1)
    assert first[2].data_type == "n" and first[2].value == -12.5  # negative money is a number
    assert first[2].number_format == "#,##0.00;-#,##0.00"
    assert ws.freeze_panes == "A2"
    about = load_workbook(path)["About"]
    assert about["A1"].value == "Test report"
    assert about["A3"].value == "'=not a formula"


def test_json_keeps_exact_amounts(tmp_path: Path) -> None:
    path = exports.export_table(_table(), tmp_path / "r.json", "json")
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["rows"][0]["amount"] == "-12.50"
    assert data["totals"][0]["count"] == 21
    with pytest.raises(ValidationError):
        exports.export_table(_table(), tmp_path / "r.pdf", "pdf")


def test_yen_amounts_have_no_decimals_in_xlsx(tmp_path: Path) -> None:
    cols = (ReportColumn("amount", "Amount", "money"),)
    table = ReportTable("y", "Yen", cols, ((Money.of("1235", "JPY"),),))
    ws = load_workbook(exports.write_xlsx(table, tmp_path / "y.xlsx")).worksheets[0]
    assert ws["A2"].value == 1235
    assert ws["A2"].number_format == "#,##0;-#,##0"


def test_records_of_invoices_payments_and_clients(ctx: Any, tmp_path: Path) -> None:
    evil = customer(ctx, "=cmd|' /C calc'!A0")
    invoice(ctx, evil, date(2026, 10, 1), "100.00", tax="23")
    pay(ctx, evil, date(2026, 10, 15), "150.00", None)
    n = exports.export_records(ctx, "invoices", tmp_path / "i.xlsx", "xlsx")
    ws = load_workbook(tmp_path / "i.xlsx").worksheets[0]
    header = [c.value for c in ws[1]]
    row = {h: c.value for h, c in zip(header, ws[2], strict=True)}
    assert n == 1
    assert row["Client"] == "'=cmd|' /C calc'!A0"
    assert (row["Net"], row["Tax"], row["Total"], row["Paid"], row["Balance"]) == (
        100,
        23,
        123,
        123,
        0,
    )
    payments = exports.records_table(ctx, "payments")
    # 150.00 received: 123.00 applied, 27.00 left as credit
    assert [(r[6], r[7]) for r in payments.rows] == [
        (Money.of("150.00", "EUR"), Money.of("27.00", "EUR"))
    ]
    clients_csv = exports.csv_text(exports.records_table(ctx, "clients"))
    assert "'=cmd" in clients_csv
    with pytest.raises(ValidationError):
        exports.records_table(ctx, "secrets")
