"""Recording payments in the dialog and working with them on the Payments page."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal as D
from typing import Any

from PySide6.QtWidgets import QApplication

from app.core.invoice_math import LineInput
from app.core.invoices import InvoiceDraft, Status
from app.services import invoicing, payments
from app.ui.dialogs.payment_dialog import PaymentDialog
from tests.conftest import AS_OF
from tests.services.billing_fixtures import client
from tests.ui.conftest import Gui


def _issued(ctx: Any, client_id: int, amount: str, day: date) -> int:
    draft = invoicing.create_draft(
        ctx, InvoiceDraft(client_id, day, (LineInput("Retainer", D(1), D(amount)),))
    )
    invoicing.issue_invoices(ctx, [draft.row.id])
    return draft.row.id


def _invoice(ctx: Any, invoice_id: int) -> tuple[int, str]:
    row = invoicing.get_detail(ctx, invoice_id).row
    return row.balance_minor, row.status


def _open(gui: Gui) -> Any:
    page = gui.window.show_page("payments")
    gui.idle()
    return page


def _dialog(gui: Gui, page: Any, client_id: int) -> Any:
    dialog = page.record_payment(client_id)
    gui.idle()
    gui.qtbot.waitUntil(lambda: dialog.model.rowCount() > 0, timeout=5000)
    return dialog


def test_an_overpayment_pays_oldest_first_and_the_rest_becomes_credit(gui: Gui) -> None:
    acme = client(gui.ctx, "Acme Ltd")
    older = _issued(gui.ctx, acme.id, "100.00", date(2026, 10, 5))
    newer = _issued(gui.ctx, acme.id, "250.00", date(2026, 10, 20))
    page = _open(gui)
    dialog = _dialog(gui, page, acme.id)
    assert dialog.currency.text() == "EUR"

    gui.qtbot.keyClicks(dialog.amount, "400.00")
    # Oldest first: 100.00 on the October 5 invoice, 250.00 on the October 20 one,
    # and 400.00 − 350.00 = 50.00 is left over.
    assert [dialog.model.data(dialog.model.index(r, 4)) for r in range(2)] == ["100.00", "250.00"]
    assert "€350.00 to invoices" in dialog.remainder.text()
    assert "€50.00 becomes client credit" in dialog.remainder.text()
    dialog.reference.setText("Transfer 7781")
    dialog.save_button.click()
    gui.idle()

    assert dialog.result is not None and dialog.result.credit_minor == 5000
    assert not dialog.isVisible()
    assert _invoice(gui.ctx, older) == (0, Status.PAID)
    assert _invoice(gui.ctx, newer) == (0, Status.PAID)
    assert payments.credit_balance(gui.ctx, acme.id).plain() == "50.00"

    # The page lists it, with the invoices it paid and the credit it left.
    assert page.model.rowCount() == 1
    gui.qtbot.waitUntil(lambda: len(page.pane.items) == 2, timeout=5000)
    assert [(a.number, a.amount_minor) for a in page.pane.items] == [
        ("INV-2026-00001", 10000),
        ("INV-2026-00002", 25000),
    ]
    assert len(page.pane.undo_buttons) == 2
    assert "€50.00" in page.pane.credit.text()
    assert page.pane.refund_button.isEnabled()


def test_problems_are_named_beside_their_fields(gui: Gui) -> None:
    acme = client(gui.ctx, "Acme Ltd")
    _issued(gui.ctx, acme.id, "120.00", date(2026, 11, 1))
    page = _open(gui)
    dialog = _dialog(gui, page, acme.id)

    dialog.save_button.click()
    assert dialog.errors["amount"].text() == "Enter the amount received."
    gui.qtbot.keyClicks(dialog.amount, "12,50x")
    dialog.save_button.click()
    assert "is not a number" in dialog.errors["amount"].text()

    dialog.amount.clear()
    gui.qtbot.keyClicks(dialog.amount, "100.00")
    dialog.model.set_pay_text(0, "130.00")  # more than the 120.00 due
    dialog.save_button.click()
    assert (
        dialog.errors["allocations"].text() == "More than the 120.00 still due on INV-2026-00001."
    )
    dialog.model.set_pay_text(0, "110.00")  # due, but more than the 100.00 received
    dialog.save_button.click()
    assert (
        dialog.errors["allocations"].text()
        == "The invoices add up to €10.00 more than the payment."
    )
    assert "more than the payment" in dialog.remainder.text()

    dialog.model.set_pay_text(0, "100.00")
    dialog.date.setDate(dialog.date.date().addDays(3))
    dialog.save_button.click()
    assert dialog.errors["date"].text() == "A payment cannot be dated in the future."
    assert dialog.result is None
    assert payments.list_payments(gui.ctx, payments.PaymentQuery()) == []
    dialog.reject()


def test_undo_an_allocation_then_refund_the_credit(gui: Gui) -> None:
    acme = client(gui.ctx, "Acme Ltd")
    inv = _issued(gui.ctx, acme.id, "123.45", AS_OF - timedelta(days=20))
    payments.record_payment(gui.ctx, acme.id, D("123.45"), AS_OF - timedelta(days=2))
    page = _open(gui)
    gui.qtbot.waitUntil(lambda: len(page.pane.undo_buttons) == 1, timeout=5000)

    page.pane.undo_buttons[0].click()
    reason = page.reason_dialog
    reason.reason.setPlainText("paid by the wrong client")
    reason.ok_button.click()
    gui.idle()
    # The invoice is back at exactly 123.45; the money waits as credit.
    assert _invoice(gui.ctx, inv) == (12345, Status.ISSUED)
    gui.qtbot.waitUntil(lambda: "€123.45" in page.pane.credit.text(), timeout=5000)
    assert [a.reversed for a in page.pane.items] == [True]
    assert page.pane.undo_buttons == []

    refund = page.refund()
    assert refund.amount.text() == "123.45"  # the whole credit, offered
    refund.amount.setText("200.00")
    refund.ok_button.click()
    assert refund.error.text() == "Only 123.45 EUR of credit can be refunded."
    refund.amount.setText("23.45")
    refund.ok_button.click()
    gui.idle()
    assert page.feedback.text() == "Refund of €23.45 recorded."
    # 123.45 − 23.45 = 100.00 of credit left.
    assert payments.credit_balance(gui.ctx, acme.id).plain() == "100.00"
    kinds = sorted(r.kind for r in payments.list_payments(gui.ctx, payments.PaymentQuery()))
    assert kinds == ["payment", "refund"]

    # Applying the credit settles 100.00 of the reopened invoice.
    page.chips.set_current("payment")
    gui.idle()
    gui.qtbot.waitUntil(lambda: page.pane.apply_credit_button.isEnabled(), timeout=5000)
    page.pane.apply_credit_button.click()
    gui.idle()
    assert page.feedback.text() == "€100.00 of credit applied to INV-2026-00001."
    assert _invoice(gui.ctx, inv) == (2345, Status.PARTLY_PAID)


def test_record_payment_from_the_file_menu(gui: Gui) -> None:
    acme = client(gui.ctx, "Acme Ltd")
    _issued(gui.ctx, acme.id, "80.00", date(2026, 11, 2))
    action = next(a for a in gui.window.file_menu.actions() if a.text() == "Record &payment…")
    assert action.shortcut().toString() == "Ctrl+P"
    action.trigger()
    gui.idle()
    dialog = next(
        w for w in QApplication.topLevelWidgets() if isinstance(w, PaymentDialog) and w.isVisible()
    )
    dialog.client.set_client_id(acme.id)
    gui.idle()
    gui.qtbot.keyClicks(dialog.amount, "80")
    dialog.save_button.click()
    gui.idle()
    assert dialog.result is not None and dialog.result.credit_minor == 0
    assert dialog.result.allocations == [("INV-2026-00001", 8000)]
