"""The first start on an empty book: demo data, or set up my company."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QMessageBox, QPushButton

from app.ui.handle import AppHandle


def is_new_book(ctx: Any) -> bool:
    from app.services.clients import ClientQuery, client_ids
    from app.services.settings import load_settings

    return not load_settings(ctx)["ui.onboarded"] and not client_ids(
        ctx, ClientQuery(include_archived=True)
    )


def maybe_offer_first_run(window: Any, handle: AppHandle) -> None:
    def decide(new: bool) -> None:
        if new:
            offer_first_run(window, handle)

    handle.call(is_new_book, on_done=decide)


def offer_first_run(window: Any, handle: AppHandle) -> None:
    box = QMessageBox(window)
    box.setWindowTitle("Welcome to Counterfoil")
    box.setText("<b>Welcome to Counterfoil.</b>")
    box.setInformativeText(
        "Would you like to explore with demo data (50 clients and their invoices), "
        "or set up your own company?"
    )
    demo = box.addButton("Start with demo data", QMessageBox.ButtonRole.AcceptRole)
    setup = box.addButton("Set up my company", QMessageBox.ButtonRole.ActionRole)
    box.addButton("Later", QMessageBox.ButtonRole.RejectRole)

    def chosen(button: QPushButton) -> None:
        if button is demo:
            from app.services.demo import load_demo

            handle.bus.status.emit("Loading demo data…")
            handle.call(load_demo, changes="all,clients,settings")
        elif button is setup:
            window.show_page("settings")

    box.buttonClicked.connect(chosen)
    box.open()
