"""Driving the Clients page as a user would."""

from __future__ import annotations

import sqlite3
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMessageBox

from app.core.clients import ClientData
from app.services.clients import create_client
from app.ui.dialogs.client_dialog import ClientDialog
from tests.ui.conftest import Gui


def _names(page: Any) -> list[str]:
    return [page.model.row(r).name for r in range(page.model.rowCount())]


def _dialog() -> ClientDialog:
    return next(
        w for w in QApplication.topLevelWidgets() if isinstance(w, ClientDialog) and w.isVisible()
    )


def test_search_add_and_find_after_restart(gui: Gui, qtbot: Any) -> None:
    for name in ("Harbor Media Ltd", "Cedar Design Inc.", "Müller Bau GmbH"):
        create_client(gui.ctx, ClientData(name=name, email="ap@x.example"))
    page = gui.window.show_page("clients")
    gui.handle.bus.changed.emit("clients")
    gui.idle()
    assert _names(page) == ["Cedar Design Inc.", "Harbor Media Ltd", "Müller Bau GmbH"]

    qtbot.keyClicks(page.search, "mull")
    qtbot.wait(200)
    gui.idle()
    assert _names(page) == ["Müller Bau GmbH"]
    assert page.count_label.text() == "1 client"
    page.search.clear()
    qtbot.wait(200)
    gui.idle()

    # Ctrl+N opens the dialog; an invalid e-mail is shown next to its field, nothing saved.
    qtbot.keyClick(page, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    dialog = _dialog()
    qtbot.keyClicks(dialog.name, "Nordlicht Studio GmbH")
    qtbot.keyClicks(dialog.email, "accounts at nordlicht")
    dialog.save_button.click()
    assert dialog.isVisible()
    assert "not a valid e-mail address" in dialog._errors["email"].text()

    dialog.email.clear()
    qtbot.keyClicks(dialog.email, "accounts@nordlicht.example")
    dialog.currency.setCurrentText("CHF")
    dialog.save_button.click()
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=5000)
    gui.idle()
    assert "Nordlicht Studio GmbH" in _names(page)
    current = page.model.row(page.table.currentIndex().row())
    assert current.name == "Nordlicht Studio GmbH" and current.currency == "CHF"
    assert "accounts@nordlicht.example" in page.detail.toPlainText()

    gui.close()
    db = sqlite3.connect(gui.home / "counterfoil.sqlite3")
    assert db.execute(
        "SELECT email, currency FROM clients WHERE name = 'Nordlicht Studio GmbH'"
    ).fetchone() == (
        "accounts@nordlicht.example",
        "CHF",
    )
    reopened = Gui(qtbot, gui.home)
    page = reopened.window.show_page("clients")
    reopened.idle()
    assert "Nordlicht Studio GmbH" in _names(page)
    reopened.close()
    gui.close = lambda: None  # type: ignore[method-assign]


def test_archive_asks_first_and_can_be_restored(gui: Gui, qtbot: Any, monkeypatch: Any) -> None:
    create_client(gui.ctx, ClientData(name="Keep Me Ltd"))
    page = gui.window.show_page("clients")
    gui.handle.bus.changed.emit("clients")
    gui.idle()
    page.table.setFocus()
    page.table.selectRow(0)
    gui.idle()

    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Cancel)
    qtbot.keyClick(page.table, Qt.Key.Key_Delete)
    gui.idle()
    assert _names(page) == ["Keep Me Ltd"]

    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    qtbot.keyClick(page.table, Qt.Key.Key_Delete)
    gui.idle()
    assert _names(page) == []
    page.show_archived.setChecked(True)
    gui.idle()
    assert page.model.row(0).archived is True


def test_ten_thousand_clients_load_lazily(gui: Gui) -> None:
    from app.db.models import Client

    with gui.ctx.uow() as uow:
        now = gui.ctx.clock.now_utc()
        uow.session.add_all(
            Client(
                name=f"Client {i:05d}",
                search_key=f"CLIENT {i:05d}",
                currency="EUR",
                created_at=now,
                updated_at=now,
            )
            for i in range(10_000)
        )
        uow.commit()
    page = gui.window.show_page("clients")
    gui.handle.bus.changed.emit("clients")
    gui.idle()
    assert page.model.rowCount() == 10_000
    # Only the rows the view painted were fetched, in a handful of batches.
    assert page.model.fetch_count <= 3
    assert len(page.model._cache) <= 400
