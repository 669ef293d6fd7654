"""The File menu's money-in entries: import a bank statement, record a payment.

Kept light on purpose: the menu is built before the database is open, so the
dialogs (and the services behind them) are imported only when chosen.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtGui import QAction, QKeySequence


def _import_statement(window: Any) -> None:
    if window.handle is None:
        return
    from app.ui.dialogs.bank_import_wizard import open_bank_import

    open_bank_import(window, window.handle, on_show_bank=lambda: window.show_page("bank"))


def _record_payment(window: Any) -> None:
    if window.handle is None:
        return
    from app.ui.dialogs.payment_dialog import open_payment_dialog

    open_payment_dialog(window, window.handle)


def money_in_actions(window: Any) -> list[QAction]:
    """'Import bank statement…' (Ctrl+I) and 'Record payment…' (Ctrl+P) for ``window``."""
    actions = []
    for text, keys, slot in (
        ("&Import bank statement…", "Ctrl+I", _import_statement),
        ("Record &payment…", "Ctrl+P", _record_payment),
    ):
        action = QAction(text, window)
        action.setShortcut(QKeySequence(keys))
        action.triggered.connect(lambda _c=False, run=slot: run(window))
        actions.append(action)
    return actions
