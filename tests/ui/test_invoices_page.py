"""Driving the Invoices page: filters, search, totals per currency, approvals, voids, credits."""

from __future__ import annotations

import time
from datetime import UTC, date, datetime
from decimal import Decimal as D
from pathlib import Path
from typing import Any

from PySide6.QtCore import QItemSelectionModel, Qt
from PySide6.QtWidgets import QApplication, QMessageBox

from app.core.invoice_math import LineInput
from app.core.invoices import InvoiceDraft
from app.services import invoicing as svc
from app.services.bill_run import run_bill_run
from app.ui.dialogs.invoice_editor import InvoiceEditor
from app.ui.widgets.figures import Figures
from app.ui.widgets.invoice_list import invoice_model
from app.ui.widgets.prompts import CreditNoteDialog, ReasonDialog
from tests.conftest import AS_OF
from tests.services.billing_fixtures import client, schedule
from tests.ui.conftest import Gui


def _visible(kind: type) -> Any:
    return next(w for w in QApplication.topLevelWidgets() if isinstance(w, kind) and w.isVisible())


def _activate(gui: Gui) -> None:
    """Give the main window focus back, as the desktop does when a dialog closes."""
    gui.window.activateWindow()
    gui.qtbot.waitUntil(gui.window.isActiveWindow, timeout=3000)


def _draft(ctx: Any, client_id: int, price: str, tax: str = "23", day: date = AS_OF) -> int:
    lines = (LineInput("Consulting", D(1), D(price), D(tax)),)
    return svc.create_draft(ctx, InvoiceDraft(client_id, day, lines)).row.id


def _issued(ctx: Any, client_id: int, price: str, tax: str = "23", day: date = AS_OF) -> int:
    invoice_id = _draft(ctx, client_id, price, tax, day)
    svc.issue_invoices(ctx, [invoice_id])
    return invoice_id


def _open(gui: Gui) -> Any:
    page = gui.window.show_page("invoices")
    gui.idle()
    return page


def _numbers(page: Any) -> list[str]:
    return [page.model.data(page.model.index(r, 0)) for r in range(page.model.rowCount())]


def _select(gui: Gui, page: Any, invoice_id: int) -> None:
    """Make one invoice the current and only selected row (as a click would)."""
    index = page.model.index(page.model.row_of_id(invoice_id), 0)
    flags = (
        QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows
    )
    page.table.selectionModel().setCurrentIndex(index, flags)
    gui.idle()
    gui.qtbot.waitUntil(lambda: page._current() is not None, timeout=3000)


def test_totals_per_currency_filters_and_search(gui: Gui, qtbot: Any) -> None:
    acme = client(gui.ctx, "Acme Ltd", "EUR")
    brit = client(gui.ctx, "Thames Print Ltd", "GBP")
    a1 = _issued(gui.ctx, acme.id, "200.00", day=date(2026, 9, 1))  # 200 + 46 = 246.00, overdue
    _issued(gui.ctx, acme.id, "100.00")  # 100 + 23 = 123.00, due in 30 days
    _issued(gui.ctx, brit.id, "80.00", tax="20")  # 80 + 16 = 96.00
    _draft(gui.ctx, acme.id, "10.00")  # 12.30, a draft
    page = _open(gui)

    assert page.model.rowCount() == 4
    # EUR: 246.00 + 123.00 + 12.30 = 381.30 over 3 documents; GBP on its own line, never added.
    # Only open, issued invoices are owed: 246.00 + 123.00 = 369.00 (the draft owes nothing yet).
    assert page.footer.rows == [("EUR", 3, 38130, 36900), ("GBP", 1, 9600, 9600)]
    assert "GBP 1 invoice · Total 96.00 · Balance 96.00" in page.footer.text()
    assert page.count_label.text() == "4 documents"
    assert "Draft #" in _numbers(page)[0]  # newest first: the draft is dated today

    page.chips.buttons["open"].click()
    gui.idle()
    assert page.model.rowCount() == 3
    # 246.00 + 123.00 = 369.00 in EUR.
    assert page.footer.rows == [("EUR", 2, 36900, 36900), ("GBP", 1, 9600, 9600)]

    page.show_filter("overdue")
    gui.idle()
    assert page.chips.current() == "overdue"
    assert [page.model.row(r).id for r in range(page.model.rowCount())] == [a1]
    status = page.model.data(page.model.index(0, 8))
    assert status == "Overdue"
    assert page.model.data(page.model.index(0, 8), Qt.ItemDataRole.ToolTipRole) == (
        "55 days past its due date"  # due 1 Oct 2026, today 25 Nov 2026: 30 + 25 days
    )
    assert page.chips.buttons["overdue"].text() == "Overdue  1"

    page.chips.buttons["drafts"].click()
    gui.idle()
    assert page.model.rowCount() == 1 and page.model.row(0).number is None
    assert page.footer.text() == "EUR 1 invoice · Total 12.30"  # a draft owes nothing yet

    page.chips.buttons["all"].click()
    qtbot.keyClicks(page.search, "thames")
    qtbot.wait(200)
    gui.idle()
    assert [page.model.row(r).client_name for r in range(page.model.rowCount())] == [
        "Thames Print Ltd"
    ]
    assert page.footer.rows == [("GBP", 1, 9600, 9600)]
    page.search.clear()
    qtbot.keyClicks(page.search, "INV-2026-00001")
    qtbot.wait(200)
    gui.idle()
    assert _numbers(page) == ["INV-2026-00001"]

    page.search.clear()
    qtbot.wait(200)
    gui.idle()
    page.client_filter.set_client_id(brit.id)
    gui.idle()
    assert page.model.rowCount() == 1

    # Sorting by total, largest first, then smallest first.
    page.client_filter.set_client_id(None)
    gui.idle()
    total_section = 5
    page.table.horizontalHeader().sectionClicked.emit(total_section)
    gui.idle()
    assert [page.model.row(r).total_minor for r in range(4)] == [24600, 12300, 9600, 1230]
    page.table.horizontalHeader().sectionClicked.emit(total_section)
    gui.idle()
    assert [page.model.row(r).total_minor for r in range(4)] == [1230, 9600, 12300, 24600]


def test_bulk_approve_from_review(gui: Gui, qtbot: Any, monkeypatch: Any) -> None:
    for name in ("Acme Ltd", "Birch Ltd", "Cedar Ltd"):
        schedule(gui.ctx, client(gui.ctx, name).id, start=date(2026, 11, 1))
    result = run_bill_run(gui.ctx)
    assert result.review == 3  # each client's first invoice waits for a person
    page = _open(gui)
    assert page.chips.buttons["review"].text() == "Review  3"
    page.show_filter("review")
    gui.idle()
    assert page.model.rowCount() == 3
    page.table.setFocus()
    page.table.selectAll()
    gui.idle()
    assert page.pane.approve_button.isVisible()
    assert page.pane.approve_button.text() == "Approve && issue (3)"

    asked: list[str] = []

    def answer(_parent: Any, _title: str, text: str, *a: Any) -> Any:
        asked.append(text)
        return QMessageBox.StandardButton.Yes

    monkeypatch.setattr(QMessageBox, "question", answer)
    qtbot.keyClick(page.table, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    gui.idle()
    assert "these 3 invoices" in asked[0]
    assert page.model.rowCount() == 0
    assert page.chips.buttons["review"].text() == "Review"
    numbers = sorted(r.number for r in svc.list_invoices(gui.ctx, svc.InvoiceQuery()))
    assert numbers == ["INV-2026-00001", "INV-2026-00002", "INV-2026-00003"]


def test_a_refused_action_is_explained_not_a_crash(gui: Gui, qtbot: Any, monkeypatch: Any) -> None:
    schedule(gui.ctx, client(gui.ctx).id, start=date(2026, 11, 1))
    invoice_id = run_bill_run(gui.ctx).invoice_ids[0]
    page = _open(gui)
    page.show_filter("review")
    gui.idle()
    _select(gui, page, invoice_id)
    svc.approve(gui.ctx, [invoice_id])  # approved elsewhere meanwhile (the CLI, a colleague)
    warnings: list[str] = []
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    monkeypatch.setattr(QMessageBox, "warning", lambda _p, _t, text, *a: warnings.append(text))
    page.approve_selected()
    gui.idle()
    assert warnings and "only drafts can be approved" in warnings[0]


def test_void_and_credit_note_from_the_detail_pane(gui: Gui, qtbot: Any) -> None:
    acme = client(gui.ctx)
    first = _issued(gui.ctx, acme.id, "200.00")  # 246.00
    second = _issued(gui.ctx, acme.id, "100.00")  # 123.00
    page = _open(gui)

    _select(gui, page, first)
    pane = page.pane
    assert pane.void_button.isVisible() and pane.credit_button.isVisible()
    assert not pane.edit_button.isVisible()  # an issued invoice is not editable
    # Open PDF hands the archived file to the system viewer.
    from PySide6.QtGui import QDesktopServices

    opened: list[Any] = []
    monkeypatch_open = QDesktopServices.openUrl
    QDesktopServices.openUrl = lambda url: opened.append(url) or True  # type: ignore[method-assign]
    try:
        pane.pdf_button.click()
        gui.idle()
    finally:
        QDesktopServices.openUrl = monkeypatch_open  # type: ignore[method-assign]
    assert opened and opened[0].toLocalFile().endswith(".pdf")
    assert Path(opened[0].toLocalFile()).read_bytes().startswith(b"%PDF")
    pane.void_button.click()
    dialog = _visible(ReasonDialog)
    dialog.ok_button.click()
    assert dialog.isVisible() and "reason" in dialog.error.text()
    qtbot.keyClicks(dialog.reason, "Sent to the wrong client")
    dialog.ok_button.click()
    gui.idle()
    assert svc.get_detail(gui.ctx, first).row.status == "void"
    text = pane.browser.toPlainText()
    assert "Void: Sent to the wrong client" in text
    assert "Voided — Sent to the wrong client" in text  # the audit history
    assert not pane.void_button.isVisible() and not pane.credit_button.isVisible()

    _select(gui, page, second)
    pane.credit_button.click()
    credit = _visible(CreditNoteDialog)
    credit.full.setChecked(False)
    qtbot.keyClicks(credit.amount, "23.00")
    qtbot.keyClicks(credit.reason, "Discount agreed on the phone")
    credit.ok_button.click()
    gui.idle()
    detail = svc.get_detail(gui.ctx, second)
    # 123.00 − 23.00 credited = 100.00 still owed.
    assert (detail.credited_minor, detail.row.balance_minor) == (2300, 10000)
    assert detail.credit_notes == ("CN-2026-00001",)
    text = pane.browser.toPlainText()
    assert "Credited" in text and "CN-2026-00001" in text
    assert "Balance EUR" in text and "100.00" in text
    page.show_filter("credit notes")
    gui.idle()
    assert _numbers(page) == ["CN-2026-00001"]
    assert page.model.data(page.model.index(0, 8)) == "Credit note"


def test_manual_invoice_edit_and_delete_draft(gui: Gui, qtbot: Any, monkeypatch: Any) -> None:
    acme = client(gui.ctx)
    page = _open(gui)
    qtbot.keyClick(page, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    editor = _visible(InvoiceEditor)
    gui.idle()
    editor.client.set_client_id(acme.id)
    row = editor.lines.rows[0]
    qtbot.keyClicks(row.description, "Workshop, half day")
    row.quantity.clear()
    qtbot.keyClicks(row.quantity, "2")
    qtbot.keyClicks(row.unit_price, "650.00")
    row.tax_rate.clear()
    qtbot.keyClicks(row.tax_rate, "23")
    # 2 × 650.00 = 1,300.00; VAT 23 % = 299.00; total 1,599.00 — shown while typing.
    assert editor.totals is not None and editor.totals.total.amount == D("1599.00")
    assert row.amount.text() == "1,300.00"
    assert "1,599.00" in editor.totals_label.text()
    editor.save_button.click()
    qtbot.waitUntil(lambda: not editor.isVisible(), timeout=5000)
    gui.idle()

    assert page.model.rowCount() == 1
    draft = page.model.row(0)
    assert draft.number is None and draft.total_minor == 159900
    assert page.pane.edit_button.isVisible() and page.pane.issue_button.isVisible()

    _activate(gui)
    page.table.setFocus()
    qtbot.keyClick(page.table, Qt.Key.Key_Return)
    gui.idle()
    editor = _visible(InvoiceEditor)
    assert not editor.client.isEnabled()
    editor.lines.rows[0].quantity.clear()
    qtbot.keyClicks(editor.lines.rows[0].quantity, "1")
    editor.save_button.click()
    qtbot.waitUntil(lambda: not editor.isVisible(), timeout=5000)
    gui.idle()
    # 650.00 + 149.50 VAT = 799.50.
    assert page.model.row(0).total_minor == 79950

    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    _activate(gui)
    page.table.setFocus()
    qtbot.keyClick(page.table, Qt.Key.Key_Delete)
    gui.idle()
    assert page.model.rowCount() == 0
    assert svc.list_invoices(gui.ctx, svc.InvoiceQuery()) == []


def test_a_hundred_thousand_invoices_open_lazily(ctx: Any, qapp: Any) -> None:
    """The list model alone, no window: opening fetches one batch, scrolling one more."""
    from sqlalchemy import insert

    from app.db import models as m

    acme = client(ctx)
    now = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
    rows = [
        {
            "kind": "invoice",
            "number": f"INV-{i:06d}",
            "client_id": acme.id,
            "issue_date": date(2020 + i % 7, 1 + i % 12, 1 + i % 28),
            "due_date": date(2027, 1, 1),
            "currency": "EUR",
            "status": "issued",
            "total_minor": 10_000 + i,
            "balance_minor": 10_000 + i,
            "created_at": now,
            "updated_at": now,
        }
        for i in range(100_000)
    ]
    with ctx.uow() as uow:
        uow.session.execute(insert(m.Invoice), rows)
        uow.commit()

    started = time.perf_counter()
    ids = svc.invoice_ids(ctx, svc.InvoiceQuery())
    elapsed = time.perf_counter() - started
    model = invoice_model(ctx, Figures(), lambda: AS_OF)
    model.set_ids(ids)
    assert model.rowCount() == 100_000
    # What a view paints on opening: about thirty rows, every column.
    for r in range(30):
        for c in range(model.columnCount()):
            model.data(model.index(r, c))
    assert model.fetch_count == 1
    assert model.row(0).issue_date == date(2026, 12, 28)  # the newest first
    for r in range(50_000, 50_030):
        model.data(model.index(r, 0))
    assert model.fetch_count == 2
    assert len(model._cache) <= 2 * model.BATCH
    print(f"\n100,000 invoice ids in display order: {elapsed * 1000:.0f} ms")
