"""Triage the exceptions queue from the keyboard, approve in bulk, keep the sidebar badge current."""

from __future__ import annotations

from datetime import date
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from app.services import invoicing
from app.services.bill_run import run_bill_run
from app.services.errors import NotFoundError
from app.services.exceptions import get_exception, open_count
from app.ui.widgets.prompts import ReasonDialog
from app.ui.widgets.sidebar_badge import SidebarBadge
from tests.services.billing_fixtures import client, schedule
from tests.ui.conftest import Gui


def _in_review(ctx: Any, name: str) -> int:
    """A new client's large first invoice waits with two reasons (high value, first invoice)."""
    c = client(ctx, name)
    schedule(ctx, c.id, "12000.00", start=date(2026, 11, 1))
    [invoice_id] = run_bill_run(ctx).review_reasons
    return invoice_id


def _status(ctx: Any, invoice_id: int) -> str:
    try:
        return invoicing.get_detail(ctx, invoice_id).row.status
    except NotFoundError:
        return "deleted"


def _open(gui: Gui) -> Any:
    page = gui.window.show_page("exceptions")
    gui.idle()
    gui.window.activateWindow()
    gui.qtbot.waitUntil(gui.window.isActiveWindow, timeout=3000)
    page.table.setFocus()
    return page


def _press(gui: Gui, page: Any, key: Qt.Key) -> None:
    gui.qtbot.keyClick(page.table, key)
    gui.idle()


def test_triage_with_the_keyboard(gui: Gui, qtbot: Any) -> None:
    invoices = [_in_review(gui.ctx, n) for n in ("Alpha Ltd", "Beta Ltd", "Gamma Ltd")]
    page = _open(gui)
    assert page.model.rowCount() == 6  # two reasons per invoice
    assert page.groups.item(0).text() == "All types  (6)"
    qtbot.waitUntil(lambda: page.current_row() is not None, timeout=3000)
    qtbot.waitUntil(lambda: "approve" in page.pane.buttons, timeout=3000)

    # Enter takes the first suggested action: approve (and issue) the invoice
    first = page.current_row()
    _press(gui, page, Qt.Key.Key_Return)
    assert _status(gui.ctx, first.entity_id) == "issued"
    assert page.model.rowCount() == 4  # both of its items were closed

    # D dismisses the current item, and the next one becomes current
    qtbot.waitUntil(lambda: page.current_row() is not None, timeout=3000)
    dismissed = page.current_row()
    _press(gui, page, Qt.Key.Key_D)
    assert get_exception(gui.ctx, dismissed.id).row.status == "dismissed"
    assert page.model.rowCount() == 3

    # the arrows move through the queue
    qtbot.waitUntil(lambda: page.current_row() is not None, timeout=3000)
    before = page.current_row().id
    _press(gui, page, Qt.Key.Key_Up if page.table.currentIndex().row() else Qt.Key.Key_Down)
    assert page.current_row().id != before

    # R asks why, then rejects the draft (deleted; its period will not be billed)
    target = page.current_row()
    gui.qtbot.keyClick(page.table, Qt.Key.Key_R)
    dialog = next(
        w for w in QApplication.topLevelWidgets() if isinstance(w, ReasonDialog) and w.isVisible()
    )
    qtbot.keyClicks(dialog.reason, "Client cancelled the agreement")
    dialog.ok_button.click()
    gui.idle()
    assert _status(gui.ctx, target.entity_id) == "deleted"
    remaining = {page.model.row(r).entity_id for r in range(page.model.rowCount())}
    assert target.entity_id not in remaining
    assert set(invoices) >= remaining


def test_bulk_approve_and_the_sidebar_badge(gui: Gui, qtbot: Any) -> None:
    invoices = [_in_review(gui.ctx, n) for n in ("Alpha Ltd", "Beta Ltd", "Gamma Ltd")]
    row = next(
        i
        for i in range(gui.window.sidebar.count())
        if "Exceptions" in gui.window.sidebar.item(i).text()
    )
    badge = SidebarBadge(gui.handle, gui.window.sidebar.item(row), "Exceptions")
    gui.idle()
    assert gui.window.sidebar.item(row).text() == "Exceptions  6"

    page = _open(gui)
    counts: list[int] = []
    page.open_count_changed.connect(counts.append)
    page.table.selectAll()
    page.approve_button.click()
    gui.idle()
    assert {_status(gui.ctx, i) for i in invoices} == {"issued"}
    assert page.model.rowCount() == 0
    assert open_count(gui.ctx) == 0
    assert counts and counts[-1] == 0
    assert gui.window.sidebar.item(row).text() == "Exceptions"
    assert badge.count == 0
    assert page.empty.label.isVisible()
