"""The last step of the bank import: the import itself, its outcome, and "Reconcile now".

The import runs on the long-job worker with progress and Cancel; the service
writes the file whole or not at all, so a cancelled or refused import leaves
the book as it was, and the page says so.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from typing import Any

from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
    QWizardPage,
)

from app.core.bankfile import StatementCancelled
from app.services.bank_import import BankImportResult, UnreadableLines, import_statement
from app.ui.handle import AppHandle
from app.ui.qt_ops import CancelToken
from app.ui.widgets.bank_lines import counted
from app.ui.widgets.bank_reading import ImportDraft
from app.ui.widgets.bank_reconcile_bar import ReconcileBar


def import_summary(r: BankImportResult) -> str:
    """What the import did, in the words a bookkeeper would use."""
    parts = [f"Imported {counted(r.imported, 'transaction', 'transactions')} into “{r.account}”."]
    if r.duplicates:
        were = "was" if r.duplicates == 1 else "were"
        parts.append(
            f"{counted(r.duplicates, 'line', 'lines')} {were} already imported and skipped."
        )
    if r.pending_skipped:
        parts.append(
            f"{counted(r.pending_skipped, 'pending line was', 'pending lines were')} left for the next statement."
        )
    if r.problems:
        parts.append(
            f"{counted(len(r.problems), 'unreadable line was', 'unreadable lines were')} left out."
        )
    return " ".join(parts)


class ImportPage(QWizardPage):
    def __init__(self, handle: AppHandle, draft: ImportDraft) -> None:
        super().__init__()
        self.handle = handle
        self.draft = draft
        self.token: CancelToken | None = None
        self.result: BankImportResult | None = None
        self.failure = ""
        self.on_show_bank: Callable[[], Any] | None = None
        self.setTitle("Importing")
        self.setSubTitle("The file is stored in one go; Cancel stops it and nothing is written.")
        self.progress = QProgressBar()
        self.status = QLabel()
        self.status.setObjectName("muted")
        self.cancel_button = QPushButton("Cancel import")
        self.retry_button = QPushButton()
        self.retry_button.hide()
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.summary.setStyleSheet("font-weight: 600; color: #1c2b3a;")
        self.reconcile = ReconcileBar(handle)
        self.reconcile.button.setObjectName("primary")
        self.reconciled = QLabel()
        self.reconciled.setWordWrap(True)
        self.bank_button = QPushButton("Open the Bank page")
        self.offer = QWidget()
        offer = QHBoxLayout(self.offer)
        offer.setContentsMargins(0, 8, 0, 0)
        offer.addWidget(QLabel("Match the new lines with open invoices now?"))
        offer.addWidget(self.reconcile.button)
        offer.addWidget(self.bank_button)
        offer.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.progress)
        layout.addWidget(self.status)
        layout.addWidget(self.cancel_button)
        layout.addWidget(self.summary)
        layout.addWidget(self.retry_button)
        layout.addWidget(self.offer)
        layout.addWidget(self.reconcile)
        layout.addWidget(self.reconciled)
        layout.addStretch(1)
        self.cancel_button.clicked.connect(self.cancel)
        self.reconcile.finished.connect(self.reconciled.setText)
        self.bank_button.clicked.connect(self._show_bank)
        self.retry_button.clicked.connect(self._import_readable)

    def initializePage(self) -> None:
        self.start()

    def start(self) -> None:
        """Run the import on the long-job worker (again, after the user chose to leave lines out)."""
        draft, ctx = self.draft, self.handle.ctx
        path = draft.path
        assert path is not None

        def job(progress: Callable[[int, int, str], None], cancel: CancelToken) -> BankImportResult:
            return import_statement(
                ctx,
                path,
                account=draft.account or None,
                profile=draft.profile,
                save_profile=draft.save_profile,
                accept_problems=draft.accept_problems,
                progress=progress,
                cancel=cancel,
            )

        self.result, self.failure = None, ""
        self.retry_button.hide()
        self.setTitle("Importing")
        self.setSubTitle("The file is stored in one go; Cancel stops it and nothing is written.")
        self.offer.hide()
        self.summary.setText("")
        self.progress.setRange(0, 0)
        self.progress.show()
        self.cancel_button.setEnabled(True)
        self.cancel_button.show()
        self.status.setText(f"Reading and storing {path.name}…")
        self.token = self.handle.long_ops.run_long(job, self._progress, self._done, self._failed)

    def running(self) -> bool:
        return self.token is not None

    def cancel(self) -> None:
        if self.token is not None:
            self.token.cancel()
            self.cancel_button.setEnabled(False)
            self.status.setText("Stopping; nothing will be imported.")

    def _progress(self, done: int, total: int, _message: str) -> None:
        self.progress.setRange(0, max(total, 1))
        self.progress.setValue(done)
        self.status.setText(f"Read {done:,} of {total:,}…")

    def _finish(self) -> None:
        self.token = None
        self.progress.hide()
        self.cancel_button.hide()
        self.status.setText("")
        self.completeChanged.emit()

    def _done(self, result: BankImportResult) -> None:
        self.result = result
        self._finish()
        self.setTitle("Imported")
        self.setSubTitle("The lines are on the Bank page, each with its raw text from the file.")
        self.summary.setText(import_summary(result))
        self.offer.setVisible(result.imported > 0)
        self.bank_button.setVisible(self.on_show_bank is not None)
        self.handle.bus.changed.emit("bank")
        self.handle.bus.status.emit(import_summary(result))
        if result.imported:
            self.reconcile.button.setFocus()

    def _failed(self, exc: BaseException) -> None:
        self._finish()
        self.setTitle("Nothing was imported")
        self.setSubTitle("Your book is unchanged.")
        self.failure = (
            "Import cancelled; nothing was imported."
            if isinstance(exc, StatementCancelled)
            else f"Nothing was imported: {exc}"
        )
        self.summary.setText(f"<span style='color:#b3261e'>{html.escape(self.failure)}</span>")
        if isinstance(exc, UnreadableLines) and not self.draft.accept_problems:
            # Lines past the preview's head are only read now; the choice the confirm
            # step offers for the lines it saw is offered here for these.
            n = len(exc.problems)
            self.retry_button.setText(
                f"Import the readable lines and leave the {n:,} unreadable "
                f"line{'s' if n != 1 else ''} out"
            )
            self.retry_button.show()
            self.retry_button.setFocus()

    def _import_readable(self) -> None:
        self.draft.accept_problems = True
        self.start()

    def _show_bank(self) -> None:
        wizard = self.wizard()
        if wizard is not None:
            wizard.accept()
        if self.on_show_bank is not None:
            self.on_show_bank()

    def isComplete(self) -> bool:
        return self.token is None and (self.result is not None or bool(self.failure))
