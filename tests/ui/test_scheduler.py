"""The background scheduler runs a due bill run off the GUI thread, once."""

from __future__ import annotations

from datetime import date
from typing import Any

from PySide6.QtCore import QTimer

from app.services import invoicing
from app.ui.scheduler import BackgroundScheduler
from tests.services.billing_fixtures import client, schedule
from tests.ui.conftest import Gui


def test_due_periods_are_billed_in_the_background_and_only_once(
    gui: Gui, qtbot: Any, monkeypatch: Any
) -> None:
    monkeypatch.delenv("COUNTERFOIL_DISABLE_SCHEDULER", raising=False)
    for i in range(40):
        c = client(gui.ctx, name=f"Client {i}", email=f"c{i}@x.example")
        schedule(gui.ctx, c.id, start=date(2026, 11, 25))
    scheduler = BackgroundScheduler(gui.handle)
    finished: list[str] = []
    scheduler.finished.connect(finished.append)
    ticks = []
    timer = QTimer()
    timer.timeout.connect(lambda: ticks.append(1))
    timer.start(5)

    scheduler.start()
    scheduler.check_now()  # a second request while the first is pending must not start a second run
    qtbot.waitUntil(lambda: bool(finished), timeout=30_000)
    gui.idle()
    timer.stop()
    scheduler.stop()
    # One period each, due today (2026-11-25), for 40 schedules: 40 invoices, none twice.
    rows = invoicing.list_invoices(gui.ctx, invoicing.InvoiceQuery())
    assert len(rows) == 40
    assert len({(r.client_id, r.period_start) for r in rows}) == 40
    assert len(finished) == 1 and "40 invoice(s) created" in finished[0]
    assert ticks, "the event loop must keep running while the bill run works"


def test_turned_off_in_settings_it_does_nothing(gui: Gui, qtbot: Any, monkeypatch: Any) -> None:
    from app.services.settings import save_settings

    monkeypatch.delenv("COUNTERFOIL_DISABLE_SCHEDULER", raising=False)
    c = client(gui.ctx)
    schedule(gui.ctx, c.id, start=date(2026, 11, 1))
    save_settings(gui.ctx, {"scheduler.enabled": False})
    scheduler = BackgroundScheduler(gui.handle)
    scheduler.start()
    gui.idle()
    qtbot.wait(100)
    gui.idle()
    scheduler.stop()
    assert invoicing.list_invoices(gui.ctx, invoicing.InvoiceQuery()) == []


def test_periods_missed_while_closed_are_offered_not_billed(
    gui: Gui, qtbot: Any, monkeypatch: Any
) -> None:
    monkeypatch.delenv("COUNTERFOIL_DISABLE_SCHEDULER", raising=False)
    c = client(gui.ctx)
    schedule(gui.ctx, c.id, start=date(2026, 9, 1))  # Sep, Oct, Nov fell due before today
    scheduler = BackgroundScheduler(gui.handle)
    offered: list[bool] = []
    scheduler.missed.connect(lambda: offered.append(True))
    scheduler.start()
    qtbot.waitUntil(lambda: bool(offered), timeout=10_000)
    gui.idle()
    scheduler.stop()
    assert invoicing.list_invoices(gui.ctx, invoicing.InvoiceQuery()) == []
