"""Driving the Schedules page and the agreement editor as a user would."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import QApplication, QMessageBox

from app.services import schedules as svc
from app.ui.dialogs.schedule_editor import ScheduleEditor
from app.ui.widgets.prompts import DateDialog
from app.ui.widgets.schedule_change import RecordChangeDialog
from tests.services.billing_fixtures import client, schedule
from tests.ui.conftest import Gui


def _visible(kind: type) -> Any:
    return next(w for w in QApplication.topLevelWidgets() if isinstance(w, kind) and w.isVisible())


def _names(page: Any) -> list[str]:
    return [page.model.row(r).name for r in range(page.model.rowCount())]


def _settle_preview(gui: Gui, qtbot: Any, editor: ScheduleEditor) -> None:
    qtbot.waitUntil(lambda: not editor.preview.pending(), timeout=3000)
    gui.idle()


def test_new_agreement_with_live_preview_then_in_the_list(gui: Gui, qtbot: Any) -> None:
    acme = client(gui.ctx, "Acme Ltd")
    page = gui.window.show_page("schedules")
    gui.idle()
    assert page.model.rowCount() == 0

    qtbot.keyClick(page, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    editor = _visible(ScheduleEditor)
    gui.idle()  # the client list arrives
    qtbot.keyClicks(editor.client.lineEdit(), "Acme Ltd")
    qtbot.keyClick(editor.client.lineEdit(), Qt.Key.Key_Tab)
    assert editor.client.client_id() == acme.id
    qtbot.keyClicks(editor.name, "Support retainer")
    editor.billing.start.setDate(QDate(2026, 12, 1))
    line = editor.lines.rows[0]
    qtbot.keyClicks(line.description, "Support, up to 10 hours")
    qtbot.keyClicks(line.unit_price, "450.00")
    line.tax_rate.clear()
    qtbot.keyClicks(line.tax_rate, "23")
    _settle_preview(gui, qtbot, editor)

    # Monthly in advance from 1 Dec 2026: twelve bill dates, the 1st of each month,
    # each 450.00 + 23 % VAT = 450.00 + 103.50 = 553.50.
    preview = editor.preview
    assert preview.dates() == [date(2026, 12, 1)] + [date(2027, m, 1) for m in range(1, 12)]
    assert {it.total.amount for it in preview.items} == {Decimal("553.50")}
    assert preview.model.rowCount() == 12
    assert preview.model.text(0, 2) == "553.50"

    # A second line of 2 × 25.00 (no tax) adds 50.00: 553.50 + 50.00 = 603.50 per invoice.
    qtbot.mouseClick(editor.lines.add_button, Qt.MouseButton.LeftButton)
    second = editor.lines.rows[1]
    qtbot.keyClicks(second.description, "Backup seats")
    second.quantity.clear()
    qtbot.keyClicks(second.quantity, "2")
    qtbot.keyClicks(second.unit_price, "25")
    _settle_preview(gui, qtbot, editor)
    assert {it.total.amount for it in preview.items} == {Decimal("603.50")}

    # Starting mid-month on the 1st-of-month billing day gives a short first period:
    # 15 Dec – 31 Dec is 17 of 31 days, and the preview says so.
    editor.billing.start.setDate(QDate(2026, 12, 15))
    editor.billing.anchor.setCurrentIndex(editor.billing.anchor.findData(1))
    _settle_preview(gui, qtbot, editor)
    assert preview.items[0].period_start == date(2026, 12, 15)
    assert "partial period" in preview.items[0].notes
    assert preview.items[1].bill_date == date(2027, 1, 1)

    # Unreadable input replaces the preview with the reason, and saving is refused.
    second.unit_price.clear()
    qtbot.keyClicks(second.unit_price, "25,5,0")
    _settle_preview(gui, qtbot, editor)
    assert preview.items == []
    assert any("Line 2" in m and "not a number" in m for m in preview.messages)
    editor.save_button.click()
    assert editor.isVisible()
    assert second.unit_price.problem()

    second.unit_price.clear()
    qtbot.keyClicks(second.unit_price, "25")
    editor.save_button.click()
    qtbot.waitUntil(lambda: not editor.isVisible(), timeout=5000)
    gui.idle()

    assert _names(page) == ["Support retainer"]
    row = page.model.row(0)
    # One period's charges before tax: 450.00 + 2 × 25.00 = 500.00; first bill 15 Dec.
    assert (row.client_name, row.amount_minor, row.currency) == ("Acme Ltd", 50000, "EUR")
    assert row.next_bill_date == date(2026, 12, 15)
    assert page.table.currentIndex().row() == 0
    detail = page.detail.toPlainText()
    assert "Support retainer" in detail and "Backup seats" in detail
    assert "15 Dec 2026" in detail
    saved = svc.get_schedule(gui.ctx, row.id)
    assert [ln.description for ln in saved.data.lines] == [
        "Support, up to 10 hours",
        "Backup seats",
    ]
    assert saved.data.anchor_day == 1


def test_service_validation_shows_instead_of_a_preview(gui: Gui, qtbot: Any) -> None:
    client(gui.ctx, "Acme Ltd")
    page = gui.window.show_page("schedules")
    gui.idle()
    editor = page.add_schedule()
    gui.idle()
    editor.client.setCurrentIndex(0)
    line = editor.lines.rows[0]
    qtbot.keyClicks(line.description, "Retainer")
    qtbot.keyClicks(line.unit_price, "100")
    _settle_preview(gui, qtbot, editor)
    # The name is empty: the service's own rule is shown, no dates.
    assert editor.preview.items == []
    assert any("name" in m for m in editor.preview.messages)

    editor.billing.end.setDate(QDate(2026, 1, 1))
    editor.billing.has_end.setChecked(True)
    qtbot.keyClicks(editor.name, "Retainer")
    editor.save_button.click()
    gui.idle()
    # The end date before the start is refused next to its field; nothing saved.
    assert editor.isVisible()
    assert "before the start date" in editor.errors.text("end_date")
    assert svc.schedule_ids(gui.ctx, svc.ScheduleQuery()) == []
    editor.reject()


def test_only_the_newest_preview_is_shown(gui: Gui, qtbot: Any, monkeypatch: Any) -> None:
    import app.ui.widgets.schedule_preview as module

    client(gui.ctx, "Acme Ltd")
    page = gui.window.show_page("schedules")
    gui.idle()
    editor = page.add_schedule()
    gui.idle()
    editor.client.setCurrentIndex(0)
    qtbot.keyClicks(editor.name, "Retainer")
    line = editor.lines.rows[0]
    qtbot.keyClicks(line.description, "Retainer")
    qtbot.keyClicks(line.unit_price, "100")
    _settle_preview(gui, qtbot, editor)
    before = editor.preview.answers

    calls: list[int] = []
    real = module.preview

    def counting(ctx: Any, data: Any, *args: Any) -> Any:
        calls.append(1)
        return real(ctx, data, *args)

    monkeypatch.setattr(module, "preview", counting)
    editor.preview.refresh()
    line.unit_price.clear()
    qtbot.keyClicks(line.unit_price, "200")
    editor.preview.refresh()
    gui.idle()
    # Two requests went out; only the second answer reached the screen.
    assert len(calls) == 2
    assert editor.preview.answers == before + 1
    assert {it.net.amount for it in editor.preview.items} == {Decimal("200.00")}
    editor.reject()


def test_pause_resume_change_and_end(gui: Gui, qtbot: Any, monkeypatch: Any) -> None:
    acme = client(gui.ctx, "Acme Ltd")
    s = schedule(gui.ctx, acme.id, "100.00", start=date(2026, 12, 1), tax="0")
    page = gui.window.show_page("schedules")
    gui.idle()
    assert page.pause_button.text() == "Pause…"

    page.pause_button.click()
    dialog = _visible(DateDialog)
    dialog.date.setDate(QDate(2027, 2, 1))
    dialog.ok_button.click()
    gui.idle()
    assert page.model.row(0).status == "paused"
    assert "still paused" in page.detail.toPlainText()
    assert page.pause_button.text() == "Resume…"
    # The paused list keeps it; the ended list does not.
    page.status_filter.set_current("paused")
    gui.idle()
    assert _names(page) == ["Retainer"]

    page.pause_button.click()
    dialog = _visible(DateDialog)
    dialog.date.setDate(QDate(2027, 4, 1))
    dialog.ok_button.click()
    gui.idle()
    page.status_filter.set_current("live")
    gui.idle()
    assert page.model.row(0).status == "active"
    detail = page.detail.toPlainText()
    assert "From 1 Feb 2027 until 1 Apr 2027" in detail
    # Dec and Jan are billed, Feb and Mar are paused, billing restarts on 1 Apr 2027.
    upcoming = detail.split("Next invoices", 1)[1]
    assert "1 Jan 2027" in upcoming and "1 Apr 2027" in upcoming
    assert "1 Feb 2027" not in upcoming and "1 Mar 2027" not in upcoming

    page.change_button.click()
    change = _visible(RecordChangeDialog)
    change.ok_button.click()
    assert "new quantity, a new price" in change.error.text()
    change.effective.setDate(QDate(2027, 5, 1))
    qtbot.keyClicks(change.quantity, "3")
    change.ok_button.click()
    gui.idle()
    saved = svc.get_schedule(gui.ctx, s.id)
    assert saved.changes == ((s.data.lines[0].id, date(2027, 5, 1), Decimal(3), None, ""),)
    assert "1 May 2027: Retainer → quantity 3" in page.detail.toPlainText()

    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Cancel)
    page.end_button.click()
    gui.idle()
    assert svc.get_schedule(gui.ctx, s.id).status == "active"
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    page.end_button.click()
    gui.idle()
    assert svc.get_schedule(gui.ctx, s.id).status == "ended"
    assert _names(page) == []
    page.status_filter.set_current("all")
    gui.idle()
    assert _names(page) == ["Retainer"]
    assert page.end_button.text() == "Reopen"


def test_search_and_editing_keeps_line_ids(gui: Gui, qtbot: Any) -> None:
    acme = client(gui.ctx, "Acme Ltd")
    zeta = client(gui.ctx, "Zeta Studio")
    schedule(gui.ctx, acme.id, name="Hosting")
    s = schedule(gui.ctx, zeta.id, name="Retainer")
    page = gui.window.show_page("schedules")
    gui.idle()
    assert _names(page) == ["Hosting", "Retainer"]
    qtbot.keyClicks(page.search, "zeta")
    qtbot.wait(200)
    gui.idle()
    assert _names(page) == ["Retainer"]
    assert page.count_label.text() == "1 agreement"

    page.table.setFocus()
    qtbot.keyClick(page.table, Qt.Key.Key_Return)
    gui.idle()
    editor = _visible(ScheduleEditor)
    gui.idle()
    assert editor.client.client_id() == zeta.id
    assert editor.name.text() == "Retainer"
    editor.name.clear()
    qtbot.keyClicks(editor.name, "Retainer 2027")
    editor.save_button.click()
    qtbot.waitUntil(lambda: not editor.isVisible(), timeout=5000)
    gui.idle()
    saved = svc.get_schedule(gui.ctx, s.id)
    assert saved.data.name == "Retainer 2027"
    assert saved.data.lines[0].id == s.data.lines[0].id
