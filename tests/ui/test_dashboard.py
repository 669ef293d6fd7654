"""The dashboard renders its figures and charts offscreen, and every figure opens its list."""

from __future__ import annotations

from datetime import date
from typing import Any

from PySide6.QtCore import Qt

from tests.services.report_fixtures import customer, invoice, pay
from tests.ui.conftest import Gui


def _book(ctx: Any) -> dict[str, int]:
    """EUR: one invoice overdue (due 1 Oct), one current; GBP: one overdue."""
    ash = customer(ctx, "Ash Ltd")
    beech = customer(ctx, "Beech plc", "GBP")
    late = invoice(ctx, ash, date(2026, 9, 1), "400.00")  # due 1 Oct → overdue
    invoice(ctx, ash, date(2026, 11, 10), "250.00")  # due 10 Dec → current
    paid = invoice(ctx, ash, date(2026, 10, 5), "100.00")
    pay(ctx, ash, date(2026, 11, 3), "100.00", paid)
    invoice(ctx, beech, date(2026, 8, 1), "90.00")
    return {"ash": ash, "beech": beech, "late": late}


def _dashboard(gui: Gui) -> Any:
    page = gui.window.show_page("dashboard")
    gui.idle()
    gui.qtbot.waitUntil(lambda: page.loaded_count > 0 and page.next_run is not None, timeout=10_000)
    return page


def test_dashboard_renders_figures_and_charts_offscreen(gui: Gui) -> None:
    _book(gui.ctx)
    page = _dashboard(gui)
    assert page.selected_currency() == "EUR"
    # invoiced 1–25 Nov: 250.00; outstanding 400 + 250; overdue 400
    assert page.cards["invoiced"].value.text() == "€250"
    assert page.cards["outstanding"].value.text() == "€650"
    assert page.cards["overdue"].value.text() == "€400"
    assert "61.5 %" in page.cards["overdue"].note.text()  # 400 / 650
    assert "£90" in page.cards["outstanding"].note.text()  # the other currency, not converted
    assert page.cards["collected"].value.text() == "€100"
    for card in (page.chart_months, page.chart_aging, page.chart_dso, page.chart_overdue):
        assert card.chart is not None, card.title.text()
        assert card.chart.series(), card.title.text()
    image = page.grab().toImage()
    assert not image.isNull() and image.width() > 600
    # switching currency redraws in pounds, still without conversion
    page.currency.setCurrentText("GBP")
    assert page.cards["overdue"].value.text() == "£90"


def test_a_click_on_a_kpi_opens_the_filtered_list(gui: Gui) -> None:
    _book(gui.ctx)
    page = _dashboard(gui)
    gui.qtbot.mouseClick(page.cards["overdue"], Qt.MouseButton.LeftButton)
    gui.idle()
    invoices = gui.window.stack.currentWidget()
    assert invoices is gui.window.page("invoices")
    assert invoices.chips.current() == "overdue"
    gui.qtbot.waitUntil(lambda: invoices.model.rowCount() == 2, timeout=5_000)  # Ash and Beech

    gui.window.show_page("dashboard")
    gui.idle()
    gui.qtbot.mouseClick(page.cards["invoiced"], Qt.MouseButton.LeftButton)
    gui.idle()
    reports = gui.window.stack.currentWidget()
    assert reports is gui.window.page("reports")
    assert reports.key == "register"
    assert reports.params().start == date(2026, 11, 1)
    gui.qtbot.waitUntil(lambda: reports.model.body_rows() == 1, timeout=5_000)


def test_a_click_on_a_top_overdue_bar_opens_that_clients_overdue_invoices(gui: Gui) -> None:
    ids = _book(gui.ctx)
    page = _dashboard(gui)
    late = page.board.top_overdue["EUR"]
    assert [c.client_id for c in late] == [ids["ash"]]
    page._late_clicked(0, 0)
    gui.idle()
    invoices = gui.window.page("invoices")
    gui.qtbot.waitUntil(lambda: invoices.client_filter.client_id() == ids["ash"], timeout=5_000)
    gui.idle()
    assert invoices.chips.current() == "overdue"
    gui.qtbot.waitUntil(lambda: invoices.model.rowCount() == 1, timeout=5_000)
    assert invoices.model.id_at(0) == ids["late"]


def test_an_empty_book_explains_itself(gui: Gui) -> None:
    page = _dashboard(gui)
    assert page.banner.isVisibleTo(page)
    assert "No invoices" in page.banner.text()
    assert page.chart_months.chart is None
