"""The Reports page: filters, a sortable table model, charts, exports and the statement PDF."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D
from pathlib import Path
from typing import Any

from openpyxl import load_workbook
from PySide6.QtCore import Qt

from app.core.money import Money
from app.core.reports import ReportColumn, ReportTable
from app.ui.widgets.report_table import ReportTableModel
from tests.services.report_fixtures import customer, invoice, pay
from tests.ui.conftest import Gui


def _table() -> ReportTable:
    cols = (
        ReportColumn("client", "Client"),
        ReportColumn("amount", "Amount", "money"),
        ReportColumn("share", "Share", "percent"),
    )
    rows = (
        ("beta", Money.of("20.00", "EUR"), D("10.0")),
        ("Alpha", Money.of("-5.00", "EUR"), None),
        ("gamma", Money.of("100.00", "EUR"), D("2.5")),
    )
    return ReportTable("t", "T", cols, rows, (("Total", Money.of("115.00", "EUR"), None),))


def test_report_model_sorts_by_value_and_keeps_totals_last(qtbot: Any) -> None:
    model = ReportTableModel()
    model.set_report(_table())
    assert model.rowCount() == 4 and model.columnCount() == 3
    model.sort(1, Qt.SortOrder.DescendingOrder)  # by amount, not by the text "100.00" < "20.00"
    assert [model.text(r, 0) for r in range(4)] == ["gamma", "beta", "Alpha", "Total"]
    model.sort(0, Qt.SortOrder.AscendingOrder)  # text, case-insensitive
    assert [model.text(r, 0) for r in range(3)] == ["Alpha", "beta", "gamma"]
    model.sort(2, Qt.SortOrder.DescendingOrder)  # blanks stay last
    assert [model.text(r, 0) for r in range(3)] == ["beta", "gamma", "Alpha"]
    bold = model.data(model.index(3, 0), Qt.ItemDataRole.FontRole)
    assert bold is not None and bold.bold()
    negative = model.data(model.index(2, 1), Qt.ItemDataRole.ForegroundRole)
    assert negative is not None  # a negative amount is drawn in red
    assert model.data(model.index(2, 1)) == "-5.00"


def _book(ctx: Any) -> int:
    ash = customer(ctx, "Ash Ltd")
    first = invoice(ctx, ash, date(2026, 6, 1), "100.00", tax="23")
    invoice(ctx, ash, date(2026, 9, 1), "300.00")
    pay(ctx, ash, date(2026, 7, 10), "123.00", first, method="card")
    return ash


def _reports(gui: Gui) -> Any:
    page = gui.window.show_page("reports")
    gui.idle()
    return page


def _loaded(gui: Gui, page: Any, before: int) -> None:
    gui.qtbot.waitUntil(lambda: page.loaded_count > before, timeout=10_000)
    gui.idle()


def test_aging_as_of_a_past_date_with_chart(gui: Gui) -> None:
    _book(gui.ctx)
    page = _reports(gui)
    before = page.loaded_count
    page.show_report("aging", as_of=date(2026, 6, 30))
    _loaded(gui, page, before)
    # 30 Jun: the June invoice (paid 10 Jul) is open and not yet due
    assert page.model.body_rows() == 1
    assert page.model.text(0, 0) == "Ash Ltd"
    assert page.model.text(0, 2) == "123.00"
    assert page.chart_card.chart is not None and page.chart_card.chart.series()
    before = page.loaded_count
    page.as_of.setDate(page.as_of.date().addMonths(5))  # 30 Nov: 300.00, 60 days late
    _loaded(gui, page, before)
    assert page.model.text(0, 4) == "300.00"


def test_collections_by_method_and_export_to_csv_and_excel(gui: Gui, tmp_path: Path) -> None:
    _book(gui.ctx)
    page = _reports(gui)
    before = page.loaded_count
    page.show_report("collections", start=date(2026, 7, 1), end=date(2026, 7, 31))
    _loaded(gui, page, before)
    assert page.model.body_rows() == 1
    assert page.model.text(0, 1) == "card"
    assert page.model.text(0, 0) == "Jul 2026"
    page.export_to(tmp_path / "c.csv", "csv")
    page.export_to(tmp_path / "c.xlsx", "xlsx")
    gui.idle()
    text = (tmp_path / "c.csv").read_text(encoding="utf-8-sig")
    assert "2026-07,card,EUR,1,123.00" in text
    ws = load_workbook(tmp_path / "c.xlsx").worksheets[0]
    assert ws["E2"].value == 123


def test_every_report_opens_from_the_chooser(gui: Gui) -> None:
    _book(gui.ctx)
    page = _reports(gui)
    assert page.choice.currentIndex() == 0  # the aging opens first
    for index in [*range(1, page.choice.count()), 0]:
        before = page.loaded_count
        page.choice.setCurrentIndex(index)
        if page.key == "statement":
            gui.idle()
            assert "Choose a client" in page.empty.label.text()
            continue
        _loaded(gui, page, before)
        assert page.model.columnCount() > 0, page.key


def test_statement_of_account_as_pdf(gui: Gui, tmp_path: Path) -> None:
    ash = _book(gui.ctx)
    page = _reports(gui)
    gui.qtbot.waitUntil(lambda: page.client.is_loaded, timeout=5_000)
    before = page.loaded_count
    page.show_report("statement", client_id=ash, start=date(2026, 1, 1), end=date(2026, 11, 25))
    _loaded(gui, page, before)
    # two invoices and one payment, then the closing balance: 123 − 123 + 300 = 300.00
    assert page.model.body_rows() == 4  # opening balance + 3 movements
    assert page.model.text(4, 5) == "300.00"
    assert page.pdf_button.isVisible() and page.pdf_button.isEnabled()
    page.statement_to(tmp_path / "s.pdf")
    gui.idle()
    assert (tmp_path / "s.pdf").read_bytes().startswith(b"%PDF")
