"""'Reconcile now': matching every open line in the background, with progress and Cancel.

Used by the Bank page and by the last step of the import wizard.  The match
runs on the long-job worker, so the window keeps painting; a cancelled run
writes nothing (the service commits only a finished run).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QProgressBar, QPushButton, QWidget

from app.services.reconcile import ReconcileResult, reconcile
from app.ui.handle import AppHandle
from app.ui.qt_ops import CancelToken
from app.ui.widgets.bank_lines import counted


def reconcile_text(result: ReconcileResult) -> str:
    """The outcome as a bookkeeper would report it."""
    if result.cancelled:
        return "Reconciliation stopped; nothing was changed."
    if result.lines == 0:
        return "Nothing to reconcile: every line is matched, ignored or money going out."
    parts = [
        f"{counted(result.auto_applied, 'line', 'lines')} paid automatically",
        f"{counted(result.suggested, 'suggestion', 'suggestions')} to review",
        f"{counted(result.unmatched, 'line', 'lines')} without a match",
    ]
    if result.outgoing:
        parts.append(f"{counted(result.outgoing, 'payment', 'payments')} going out")
    return f"Reconciled {counted(result.lines, 'line', 'lines')}: " + ", ".join(parts) + "."


class ReconcileBar(QWidget):
    """A progress row (hidden when idle) plus the button that starts the run."""

    finished = Signal(str)

    def __init__(self, handle: AppHandle, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.handle = handle
        self.token: CancelToken | None = None
        self.result: ReconcileResult | None = None
        self.button = QPushButton("Reconcile now")
        self.button.setToolTip("Match every open line against the open invoices")
        self.progress = QProgressBar()
        self.progress.setTextVisible(False)
        self.progress.setMaximumHeight(10)
        self.status = QLabel()
        self.status.setObjectName("muted")
        self.cancel_button = QPushButton("Cancel")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.status)
        layout.addWidget(self.progress, 1)
        layout.addWidget(self.cancel_button)
        self.hide()
        self.button.clicked.connect(self.start)
        self.cancel_button.clicked.connect(self.cancel)

    def running(self) -> bool:
        return self.token is not None

    def start(self) -> None:
        if self.token is not None:
            return
        ctx = self.handle.ctx

        def job(progress: Callable[[int, int, str], None], cancel: CancelToken) -> ReconcileResult:
            return reconcile(ctx, progress, cancel)

        self.result = None
        self.button.setEnabled(False)
        self.cancel_button.setEnabled(True)
        self.progress.setRange(0, 0)
        self.status.setText("Matching lines against open invoices…")
        self.show()
        self.token = self.handle.long_ops.run_long(job, self._progress, self._done, self._failed)

    def cancel(self) -> None:
        if self.token is not None:
            self.token.cancel()
            self.cancel_button.setEnabled(False)
            self.status.setText("Stopping…")

    def _progress(self, done: int, total: int, _message: str) -> None:
        self.progress.setRange(0, max(total, 1))
        self.progress.setValue(done)
        self.status.setText(f"Matched {done:,} of {total:,} lines…")

    def _done(self, result: ReconcileResult) -> None:
        self.token = None
        self.result = result
        self.hide()
        self.button.setEnabled(True)
        for what in ("bank", "invoices", "payments"):
            self.handle.bus.changed.emit(what)
        self.finished.emit(reconcile_text(result))

    def _failed(self, exc: BaseException) -> None:
        self.token = None
        self.hide()
        self.button.setEnabled(True)
        self.finished.emit(f"Reconciliation failed: {exc}")

    def detach(self) -> Any:
        """Stop a run before the owner closes (the service then writes nothing)."""
        self.cancel()
