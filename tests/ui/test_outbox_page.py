"""The Outbox page, the reminder timeline and the e-mail settings dialog, driven offscreen."""

from __future__ import annotations

import subprocess
from datetime import date, timedelta
from typing import Any

from PySide6.QtCore import QItemSelectionModel

from app.core.clients import ClientData
from app.services import outbox
from app.services.clients import get_client, update_client
from app.services.mail_content import compose
from tests.conftest import AS_OF
from tests.services import mail_fixtures
from tests.services.mail_fixtures import add_client, issue_invoice
from tests.ui.conftest import Gui

certificate = mail_fixtures.certificate  # a shared fixture, found by name


def _open(gui: Gui) -> Any:
    page = gui.window.show_page("outbox")
    gui.idle()
    return page


def _select_first(gui: Gui, page: Any) -> None:
    page.table.selectionModel().setCurrentIndex(
        page.model.index(0, 0),
        QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows,
    )
    gui.idle()
    gui.qtbot.waitUntil(lambda: page.view is not None, timeout=3000)


def _in_flight_when_the_program_died(ctx: Any) -> int:
    """Claim a message as a process that then died: on the next start it is 'unknown'."""
    dead = subprocess.Popen(["true"])
    dead.wait()
    import socket

    claim = outbox.claim_next(ctx, f"{socket.gethostname()}:{dead.pid}/x", compose, "example.test")
    assert claim is not None
    assert outbox.recover(ctx) == 1
    return claim.id


def test_an_unknown_message_is_explained_and_can_be_marked_sent(gui: Gui) -> None:
    acme = add_client(gui.ctx, "Acme Ltd", "ap@acme.example")
    issue_invoice(gui.ctx, acme, AS_OF, AS_OF + timedelta(days=30))
    issue_invoice(gui.ctx, acme, AS_OF, AS_OF + timedelta(days=30))
    unknown_id = _in_flight_when_the_program_died(gui.ctx)
    page = _open(gui)
    assert page.model.rowCount() == 1  # one still queued
    assert page.chips.buttons["unknown"].text() == "Check  1"

    page.chips.set_current("unknown")
    gui.idle()
    _select_first(gui, page)
    assert page.view.row.id == unknown_id
    assert not page.explain.isHidden() and "may have gone out" in page.explain.text()
    assert not page.mark_sent_button.isHidden() and not page.send_again_button.isHidden()
    assert page.retry_button.isHidden()
    page.mark_sent_button.click()
    gui.idle()
    assert page.model.rowCount() == 0
    assert page.chips.buttons["sent"].text() == "Sent  1"


def test_a_failed_message_shows_why_and_is_retried_after_the_address_is_added(gui: Gui) -> None:
    silent = add_client(gui.ctx, "Silent Ltd", "")
    issue_invoice(gui.ctx, silent, AS_OF, AS_OF + timedelta(days=30))
    page = _open(gui)
    page.chips.set_current("failed")
    gui.idle()
    _select_first(gui, page)
    assert "Silent Ltd has no e-mail address" in page.message.toPlainText()
    assert not page.retry_button.isHidden() and not page.cancel_button.isHidden()

    data = get_client(gui.ctx, silent).data
    update_client(gui.ctx, silent, ClientData(**{**data.__dict__, "email": "ap@silent.example"}))
    page.retry_button.click()
    gui.idle()
    assert page.model.rowCount() == 0
    page.chips.set_current("queued")
    gui.idle()
    _select_first(gui, page)
    assert "ap@silent.example" in page.message.toPlainText()


def test_the_reminder_timeline_shows_what_was_sent_and_what_comes_next(gui: Gui) -> None:
    from app.ui.widgets.reminder_timeline import ReminderTimeline

    acme = add_client(gui.ctx, "Acme Ltd", "ap@acme.example")
    # Due in ten days (5 December 2026): nothing is due yet; the heads-up comes first.
    invoice_id = issue_invoice(gui.ctx, acme, AS_OF, date(2026, 12, 5))
    widget = ReminderTimeline(gui.handle)
    gui.qtbot.addWidget(widget)
    widget.show_invoice(invoice_id)
    gui.idle()
    entries = [(e.title, e.status) for e in widget.entries()]
    assert entries[0] == ("Invoice e-mail", "queued")
    assert ("Payment due soon", "next") in entries
    assert entries[-1] == ("Final notice", "planned")
    assert "Waiting" in widget.summary.text()


def test_the_settings_dialog_previews_the_schedule_and_refuses_unknown_placeholders(
    gui: Gui,
) -> None:
    from app.ui.dialogs.mail_settings import open_mail_settings

    assert any(
        spec.key == "outbox" for spec in __import__("app.ui.main_window").ui.main_window.PAGES
    )
    assert "&E-mail settings…" in [a.text() for a in gui.window.file_menu.actions()]
    dialog = open_mail_settings(gui.window, gui.handle)
    assert dialog is not None
    gui.idle()
    assert dialog.dunning.preview.rowCount() == 5
    dialog.dunning.stages.setText("first +7, second +1")
    dialog.dunning.update_preview()
    gui.idle()
    assert "in order" in dialog.dunning.problem.text()

    editor = dialog.templates
    editor.text.setPlainText("Dear {{contact_name}}, you owe {{amout}}.")
    editor.save()
    gui.idle()
    assert "unknown placeholder {{amout}}" in editor.state.text()
    dialog.close()


def test_the_test_button_saves_the_settings_and_reports_the_servers_answer(
    gui: Gui, certificate: Any
) -> None:
    from app.ui.dialogs.mail_settings import open_mail_settings
    from tests.services.mail_fixtures import start_server

    server = start_server(certificate, tls=False, auth=False)
    try:
        dialog = open_mail_settings(gui.window, gui.handle)
        assert dialog is not None
        gui.idle()
        form = dialog.server
        form.host.setText("127.0.0.1")
        form.port.setValue(server.port)
        form.security.setCurrentIndex(form.security.findData("none"))
        form.sender_address.setText("accounts@northwind.example")
        form.test_address.setText("me@northwind.example")
        form.test_button.click()
        gui.qtbot.waitUntil(lambda: "Sent to" in form.test_result.text(), timeout=10_000)
        assert "250" in form.test_result.text()
        [received] = server.handler.messages
        assert received.rcpt_tos == ["me@northwind.example"]
        dialog.close()
    finally:
        server.controller.stop()
