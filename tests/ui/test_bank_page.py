"""Triage on the Bank page: reconcile, accept with Enter, reject with Delete, ignore, undo."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from app.core.invoice_math import LineInput
from app.core.invoices import InvoiceDraft, Status
from app.services import invoicing
from app.services.bank_import import import_statement
from tests.services.billing_fixtures import client
from tests.ui.conftest import Gui

STATEMENT = """Date;Amount;Counterparty;Description
20.11.2026;250,00;Cedar Design Ltd;Payment INV-2026-00001
21.11.2026;480,00;J. Birchwood;November services
22.11.2026;99,00;Oakley Trading;thanks
23.11.2026;-35,10;Office Supplies Co;Order 5512
"""


def _issued(ctx: Any, client_id: int, amount: str, day: date) -> int:
    draft = invoicing.create_draft(
        ctx, InvoiceDraft(client_id, day, (LineInput("Design work", D(1), D(amount)),))
    )
    invoicing.issue_invoices(ctx, [draft.row.id])
    return draft.row.id


def _invoice(ctx: Any, invoice_id: int) -> tuple[int, str]:
    row = invoicing.get_detail(ctx, invoice_id).row
    return row.balance_minor, row.status


@pytest.fixture
def book(gui: Gui, tmp_path: Path) -> dict[str, int]:
    """Three clients with one open invoice each (no tax) and a November statement.

    The first line names INV-2026-00001 and pays it exactly (sure: applied by itself);
    the next two only have the amount of an invoice and an unknown payer (suggested);
    the last is money going out.
    """
    ctx = gui.ctx
    cedar = client(ctx, "Cedar Design Ltd", email="ap@cedar.example")
    birch = client(ctx, "Birch Analytics GmbH", email="ap@birch.example")
    oak = client(ctx, "Oak & Ash Partners", email="ap@oak.example")
    ids = {
        "cedar": _issued(ctx, cedar.id, "250.00", date(2026, 11, 2)),
        "birch": _issued(ctx, birch.id, "480.00", date(2026, 11, 3)),
        "oak": _issued(ctx, oak.id, "99.00", date(2026, 11, 4)),
    }
    path = tmp_path / "november.csv"
    path.write_text(STATEMENT, encoding="utf-8")
    assert import_statement(ctx, path).imported == 4
    return ids


def _open(gui: Gui) -> Any:
    page = gui.window.show_page("bank")
    gui.idle()
    return page


def _reconcile(gui: Gui, page: Any) -> None:
    page.reconcile_bar.button.click()
    gui.qtbot.waitUntil(lambda: page.reconcile_bar.result is not None, timeout=10_000)
    gui.idle()


def _counterparties(page: Any) -> list[str]:
    return [page.model.data(page.model.index(r, 3)) for r in range(page.model.rowCount())]


def test_keyboard_triage_accepts_rejects_ignores_and_undoes(gui: Gui, book: dict[str, int]) -> None:
    page = _open(gui)
    assert page.empty.label.isVisible()  # nothing reconciled yet, nothing to review
    _reconcile(gui, page)
    assert page.feedback.text() == (
        "Reconciled 4 lines: 1 line paid automatically, 2 suggestions to review, "
        "0 lines without a match, 1 payment going out."
    )
    assert page.chips.buttons["suggested"].text() == "To review  2"
    assert page.chips.buttons["auto"].text() == "Paid automatically  1"
    # Newest first: the 22 November line, then the 21st.
    assert _counterparties(page) == ["Oakley Trading", "J. Birchwood"]
    page.focus_list()
    gui.idle()
    panel = page.panel
    assert panel.line.counterparty == "Oakley Trading"
    assert [c.numbers for c in panel.candidates] == [("INV-2026-00003",)]
    assert "only the amount matches" in panel.explanation.text()
    assert "amount 99.00 equals the balance of INV-2026-00003" in panel.reasons.toPlainText()

    # Delete: not this invoice. The line leaves "To review"; the next one is selected.
    gui.qtbot.keyClick(page.table, Qt.Key.Key_Delete)
    gui.idle()
    assert _counterparties(page) == ["J. Birchwood"]
    assert panel.line.counterparty == "J. Birchwood"
    assert _invoice(gui.ctx, book["oak"]) == (9900, Status.ISSUED)

    # I ignores the line; Ctrl+Z brings it back with its suggestion.
    gui.qtbot.keyClick(page.table, Qt.Key.Key_I)
    gui.idle()
    assert _counterparties(page) == []
    assert page.chips.buttons["ignored"].text() == "Ignored  1"
    gui.qtbot.keyClick(page.table, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    gui.idle()
    assert _counterparties(page) == ["J. Birchwood"]
    assert page.chips.buttons["ignored"].text() == "Ignored"

    # Enter: accept the first candidate, and the invoice is paid.
    gui.qtbot.keyClick(page.table, Qt.Key.Key_Return)
    gui.idle()
    assert _invoice(gui.ctx, book["birch"]) == (0, Status.PAID)
    assert _counterparties(page) == []
    assert page.chips.buttons["matched"].text() == "Confirmed  1"

    # Ctrl+Z takes the acceptance back: 480.00 is due again, the suggestion is back.
    gui.qtbot.keyClick(page.table, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    gui.idle()
    assert _invoice(gui.ctx, book["birch"]) == (48000, Status.ISSUED)
    assert _counterparties(page) == ["J. Birchwood"]


def test_undoing_an_automatic_match_reopens_the_invoice(gui: Gui, book: dict[str, int]) -> None:
    page = _open(gui)
    _reconcile(gui, page)
    assert _invoice(gui.ctx, book["cedar"]) == (0, Status.PAID)
    page.chips.set_current("auto")
    gui.idle()
    assert _counterparties(page) == ["Cedar Design Ltd"]
    assert "The memo names INV-2026-00001" in page.panel.explanation.text()
    assert page.panel.undo_button.isEnabled()
    assert not page.panel.accept_button.isEnabled()
    page.panel.undo_button.click()
    gui.idle()
    assert _invoice(gui.ctx, book["cedar"]) == (25000, Status.ISSUED)
    assert _counterparties(page) == []  # it is a suggestion again, under "To review"
    page.chips.set_current("suggested")
    gui.idle()
    assert "Cedar Design Ltd" in _counterparties(page)


def test_bulk_accept_asks_first_and_says_how_many(gui: Gui, book: dict[str, int]) -> None:
    page = _open(gui)
    _reconcile(gui, page)
    page.min_score.setValue(95)
    page.accept_all_button.click()
    gui.idle()
    assert page.feedback.text() == "No suggestion scores 95 % or more."
    page.min_score.setValue(50)  # both amount-only suggestions score 50 %
    page.accept_all_button.click()
    gui.idle()
    box = page.bulk_box
    assert box.isVisible()
    assert box.text().startswith("Accept 2 suggestions scoring 50 % or more?")
    box.button(QMessageBox.StandardButton.Yes).click()
    gui.idle()
    assert page.feedback.text() == "Accepted 2 suggestions."
    assert _invoice(gui.ctx, book["birch"]) == (0, Status.PAID)
    assert _invoice(gui.ctx, book["oak"]) == (0, Status.PAID)


def test_a_rejection_survives_the_next_reconcile_until_taken_back(
    gui: Gui, book: dict[str, int]
) -> None:
    page = _open(gui)
    _reconcile(gui, page)
    page.focus_list()
    gui.idle()
    assert page.panel.line.counterparty == "Oakley Trading"
    gui.qtbot.keyClick(page.table, Qt.Key.Key_Delete)
    gui.idle()
    assert _counterparties(page) == ["J. Birchwood"]

    # Reconciling again leaves the rejected invoice out: the line stays without a match.
    _reconcile(gui, page)
    assert page.feedback.text() == (
        "Reconciled 2 lines: 0 lines paid automatically, 1 suggestion to review, "
        "1 line without a match."
    )
    assert page.chips.buttons["suggested"].text() == "To review  1"
    assert page.chips.buttons["unmatched"].text() == "No match  1"
    page.chips.set_current("unmatched")
    gui.idle()
    assert _counterparties(page) == ["Oakley Trading"]
    assert page.panel.explanation.text().endswith("Rejected for this line: INV-2026-00003.")
    assert page.panel.candidates == []

    # Ctrl+Z takes the rejection back: the suggestion returns.
    page.focus_list()
    gui.qtbot.keyClick(page.table, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    gui.idle()
    assert page.chips.buttons["suggested"].text() == "To review  2"
    assert _invoice(gui.ctx, book["oak"]) == (9900, Status.ISSUED)
