"""The decisions taken on the Bank page, and how each is taken back.

A mixin for the page (as the invoice actions are for the Invoices page): each
decision is one background service call; afterwards the list refreshes and the
next line is selected, and Ctrl+Z pops the last decision off a stack and runs
its opposite.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtWidgets import QMessageBox, QSpinBox

from app.services import reconcile as svc
from app.services.reconcile import BankLineRow
from app.ui.handle import AppHandle
from app.ui.models.lazy_table import LazyTableModel
from app.ui.widgets.bank_candidates import CandidatePanel
from app.ui.widgets.bank_lines import suggested_at_least

CHANGES = "bank,invoices,payments"


def _unignore(ctx: Any, line_id: int) -> None:
    """Bring an ignored line back and let the matcher look at it again."""
    svc.ignore(ctx, line_id, False)
    svc.reconcile(ctx, line_ids=[line_id])


# What takes each decision back (Ctrl+Z), by the decision's name.
UNDO_OF: dict[str, tuple[Callable[..., Any], str]] = {
    "accept": (svc.undo, "Match taken back; the invoice is open again."),
    "reject": (svc.take_back_rejection, "Rejection taken back; the suggestion is back."),
    "ignore": (_unignore, "The line is back in the list."),
    "restore": (lambda ctx, i: svc.ignore(ctx, i, True), "The line is ignored again."),
    "undo": (lambda ctx, i: svc.accept(ctx, i), "Match applied again."),
}


class BankTriage:
    """Accept, reject, ignore, undo and bulk accept for a page showing bank lines."""

    handle: AppHandle
    model: LazyTableModel[BankLineRow]
    panel: CandidatePanel
    min_score: QSpinBox
    done_actions: list[tuple[str, int]]
    _select_next: int | None
    _select_row: int

    def current_line(self) -> BankLineRow | None:
        return self.panel.line

    def _say(self, text: str) -> None:
        raise NotImplementedError

    def _error(self, exc: BaseException) -> None:
        raise NotImplementedError

    def _decide(self, name: str, fn: Callable[..., Any], *args: Any, message: str) -> None:
        line = self.current_line()
        if line is None:
            return
        ids = self.model.ids()
        row = self.model.row_of_id(line.id)
        following = ids[row + 1] if 0 <= row < len(ids) - 1 else None
        self._select_next = line.id if name == "undo" else following
        self._select_row = max(row, 0)

        def done(_result: Any) -> None:
            self.done_actions.append((name, line.id))
            self._say(message)

        self.handle.call(fn, line.id, *args, on_done=done, on_error=self._error, changes=CHANGES)

    def accept_current(self) -> None:
        line, chosen = self.current_line(), self.panel.current_candidate()
        if line is None or line.status not in ("suggested", "unmatched") or chosen is None:
            return
        best = self.panel.candidates[0]
        invoices = None if chosen is best else list(chosen.invoice_ids)
        self._decide(
            "accept", svc.accept, invoices, message=f"Accepted: {', '.join(chosen.numbers)}."
        )

    def reject_current(self) -> None:
        line = self.current_line()
        if line is not None and line.status == "suggested":
            self._decide(
                "reject", svc.reject, message="Suggestion rejected; the line stays unmatched."
            )

    def ignore_current(self) -> None:
        line = self.current_line()
        if line is None or line.status in ("auto", "matched"):
            return
        if line.status == "ignored":
            self._decide("restore", _unignore, message="The line is back.")
        else:
            self._decide(
                "ignore", svc.ignore, True, message="Ignored; it is kept but never matched."
            )

    def undo_current_match(self) -> None:
        line = self.current_line()
        if line is not None and line.status in ("auto", "matched"):
            self._decide("undo", svc.undo, message="Match undone; the invoices are open again.")

    def undo_last(self) -> None:
        """Take back the last decision made on this page (Ctrl+Z)."""
        if not self.done_actions:
            self._say("Nothing to undo.")
            return
        name, line_id = self.done_actions.pop()
        fn, message = UNDO_OF[name]
        self._select_next = line_id
        self.handle.call(
            fn,
            line_id,
            on_done=lambda _r: self._say(message),
            on_error=self._error,
            changes=CHANGES,
        )

    def accept_above(self) -> None:
        score = self.min_score.value()
        self.handle.call(
            suggested_at_least,
            score,
            on_done=lambda n: self._confirm_bulk(n, score),
            on_error=self._error,
        )

    def _confirm_bulk(self, count: int, score: int) -> None:
        if count == 0:
            self._say(f"No suggestion scores {score} % or more.")
            return
        box = QMessageBox(
            QMessageBox.Icon.Question,
            "Accept suggestions",
            f"Accept {count:,} suggestion{'s' if count != 1 else ''} scoring {score} % or more?\n\n"
            "Each becomes a payment on its invoice. You can undo them one by one on this page.",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
            self,
        )
        box.button(QMessageBox.StandardButton.Yes).setText(f"Accept {count:,}")
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        self.bulk_box = box

        def answered(button: int) -> None:
            if button == QMessageBox.StandardButton.Yes:
                self.handle.call(
                    svc.accept_above,
                    score,
                    on_done=lambda n: self._say(
                        f"Accepted {n:,} suggestion{'s' if n != 1 else ''}."
                    ),
                    on_error=self._error,
                    changes=CHANGES,
                )

        box.finished.connect(answered)
        box.open()
