"""The bill-run dialog and the 'since last run' screen, on a real book."""

from __future__ import annotations

import time
from datetime import date
from typing import Any

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from app.services import bill_run
from app.services import invoicing as svc
from app.ui.dialogs.bill_run_dialog import BillRunDialog
from app.ui.dialogs.since_last_run import SinceLastRunDialog, maybe_show_since_last_run
from app.ui.widgets.due_items import SKIP
from tests.services.billing_fixtures import client, schedule
from tests.ui.conftest import Gui


def _visible(kind: type) -> Any:
    return next(w for w in QApplication.topLevelWidgets() if isinstance(w, kind) and w.isVisible())


def test_run_from_the_dialog_then_see_the_invoices(gui: Gui, qtbot: Any) -> None:
    acme = client(gui.ctx, "Acme Ltd", "EUR")
    thames = client(gui.ctx, "Thames Print Ltd", "GBP")
    schedule(gui.ctx, acme.id, "100.00", start=date(2026, 11, 1))
    schedule(gui.ctx, thames.id, "80.00", start=date(2026, 11, 15), tax="20")
    qtbot.keyClick(gui.window, Qt.Key.Key_B, Qt.KeyboardModifier.ControlModifier)
    dialog = _visible(BillRunDialog)
    gui.idle()

    # Due by 25 Nov 2026: Acme's November (100.00 + 23 % = 123.00) and Thames's period
    # from 15 Nov (80.00 + 20 % = 96.00), each currency totalled on its own.
    assert dialog.model.rowCount() == 2
    assert [dialog.model.text(r, 1) for r in range(2)] == ["Acme Ltd", "Thames Print Ltd"]
    assert dialog.summary.text() == "2 invoices · EUR 123.00 · GBP 96.00"
    assert dialog.run_button.text() == "Run — create 2 invoices"

    dialog.run_button.click()
    gui.idle()
    assert dialog.result is not None and dialog.result.created == 2
    # Both are the clients' first invoices, which always wait for a person.
    assert dialog.summary.text() == "Done. 2 invoices created: 0 issued, 2 waiting for review."
    assert dialog.review_button.isVisible()
    dialog.review_button.click()
    gui.idle()
    page = gui.window.page("invoices")
    assert gui.window.stack.currentWidget() is page
    assert page.chips.current() == "review"
    assert sorted(page.model.row(r).client_name for r in range(2)) == [
        "Acme Ltd",
        "Thames Print Ltd",
    ]
    # Drafts in review are not owed yet: totals count, balances do not.
    assert page.footer.rows == [("EUR", 1, 12300, 0), ("GBP", 1, 9600, 0)]


def test_cancel_keeps_the_window_responsive_and_says_how_far_it_got(
    gui: Gui, qtbot: Any, monkeypatch: Any
) -> None:
    acme = client(gui.ctx)
    for i in range(300):
        schedule(gui.ctx, acme.id, "10.00", start=date(2026, 11, 1), name=f"Seat {i:03d}")
    monkeypatch.setattr(bill_run, "CHUNK", 5)
    real_chunk = bill_run._bill_chunk

    def slow_chunk(*args: Any, **kwargs: Any) -> Any:
        time.sleep(0.02)  # a slow disk: 60 chunks take well over a second
        return real_chunk(*args, **kwargs)

    monkeypatch.setattr(bill_run, "_bill_chunk", slow_chunk)
    gui.window.open_bill_run()
    dialog = _visible(BillRunDialog)
    gui.idle()
    assert dialog.model.rowCount() == 300

    ticks = {"n": 0}
    timer = QTimer()
    timer.setInterval(5)
    timer.timeout.connect(lambda: ticks.__setitem__("n", ticks["n"] + 1))
    timer.start()
    dialog.run_button.click()
    assert dialog.is_running()
    # Three chunks of five are done (at least 60 ms of work) before the user cancels.
    qtbot.waitUntil(lambda: dialog.progress_updates >= 3, timeout=10_000)
    ticks_when_cancelled = ticks["n"]
    dialog.cancel_button.click()
    assert dialog.cancel_button.text() == "Stopping…"
    qtbot.waitUntil(lambda: dialog.result is not None, timeout=20_000)
    timer.stop()
    gui.idle()

    result = dialog.result
    assert result.cancelled
    assert 15 <= result.created < 300
    # The event loop kept running timers and progress while the worker billed.
    assert ticks_when_cancelled >= 3
    assert dialog.summary.text().startswith(f"Stopped. {result.created} invoices were created")
    created = svc.list_invoices(gui.ctx, svc.InvoiceQuery())
    assert len(created) == result.created
    # Nothing was lost: the next run bills exactly the rest.
    assert len(bill_run.pending_items(gui.ctx)) == 300 - result.created


def test_since_last_run_issues_one_and_skips_another(
    gui: Gui, qtbot: Any, monkeypatch: Any
) -> None:
    acme = client(gui.ctx, "Acme Ltd")
    birch = client(gui.ctx, "Birch Ltd")
    a = schedule(gui.ctx, acme.id, "100.00", start=date(2026, 11, 1), name="Hosting")
    b = schedule(gui.ctx, birch.id, "50.00", start=date(2026, 11, 2), name="Support")
    maybe_show_since_last_run(gui.window, gui.handle)
    gui.idle()
    dialog = _visible(SinceLastRunDialog)
    assert dialog.model.rowCount() == 2
    assert [it.schedule_id for it in dialog.model.items] == [a.id, b.id]  # oldest first

    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    dialog.skip_all.click()
    assert dialog.model.choices == [SKIP, SKIP]
    dialog.issue_all.click()
    dialog.model.setData(dialog.model.index(1, 6), SKIP)
    assert dialog.model.data(dialog.model.index(1, 6)).startswith("Skip")
    dialog.apply_button.click()
    gui.idle()

    assert dialog.finished_applying
    assert dialog.result is not None and dialog.result.created == 1
    assert dialog.skipped == 1
    assert "1 invoice created" in dialog.outcome.text()
    assert "1 period skipped" in dialog.outcome.text()
    rows = svc.list_invoices(gui.ctx, svc.InvoiceQuery())
    assert [(r.client_name, r.period_start) for r in rows] == [("Acme Ltd", date(2026, 11, 1))]
    # The skipped period is never offered again.
    assert bill_run.pending_items(gui.ctx) == []
    dialog.later_button.click()
    assert not dialog.isVisible()


def test_since_last_run_stays_quiet_when_nothing_is_late(gui: Gui) -> None:
    acme = client(gui.ctx)
    schedule(gui.ctx, acme.id, start=date(2026, 11, 25))  # falls due today, not while closed
    maybe_show_since_last_run(gui.window, gui.handle)
    gui.idle()
    assert not any(
        isinstance(w, SinceLastRunDialog) and w.isVisible() for w in QApplication.topLevelWidgets()
    )
