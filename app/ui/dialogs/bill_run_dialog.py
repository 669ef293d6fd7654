"""The bill run: first what it would create, then the run itself with progress and Cancel.

The run goes to the long-job worker (``handle.long_ops``); progress arrives as
queued signals, so the window keeps painting and accepting clicks while
thousands of invoices are written.  Cancel is safe: the service stops between
chunks, each chunk one transaction, and the dialog says how far it got.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.services.bill_run import BillRunResult, DueItem, pending_items, run_bill_run
from app.services.settings import load_settings
from app.ui.handle import AppHandle
from app.ui.qt_ops import CancelToken
from app.ui.widgets.due_items import (
    DUE_COLUMNS,
    DUE_WIDTHS,
    due_cells,
    in_date_order,
    per_currency,
)
from app.ui.widgets.figures import Figures
from app.ui.widgets.rows_model import RowsModel
from app.ui.widgets.tables import EmptyHint, list_view


def result_text(result: BillRunResult) -> str:
    """What the run did, in a sentence a bookkeeper would write."""
    n = result.created
    made = f"{n} invoice{'s' if n != 1 else ''}"
    split = f"{result.issued} issued, {result.review} waiting for review"
    if result.cancelled:
        return (
            f"Stopped. {made} {'was' if n == 1 else 'were'} created before stopping ({split}). "
            "The rest is billed by the next run."
        )
    if n == 0:
        return "Nothing was due: every agreement is billed up to today."
    drafts = n - result.issued - result.review
    extra = f", {drafts} kept as draft{'s' if drafts != 1 else ''}" if drafts > 0 else ""
    return f"Done. {made} created: {split}{extra}."


class BillRunDialog(QDialog):
    """Preview, run, report. ``result`` holds the BillRunResult once the run ends."""

    def __init__(
        self,
        parent: QWidget | None,
        handle: AppHandle,
        *,
        figures: Figures | None = None,
        on_show_review: Callable[[], Any] | None = None,
    ) -> None:
        super().__init__(parent)
        self.handle = handle
        if figures is None:
            figures = Figures()
            handle.call(
                load_settings,
                on_done=lambda values: figures.set_locale(str(values.get("company.locale") or "")),
                on_error=lambda _e: None,
            )
        self.figures = figures
        self.on_show_review = on_show_review
        self.items: list[DueItem] = []
        self.result: BillRunResult | None = None
        self.token: CancelToken | None = None
        self.progress_updates = 0
        today = handle.ctx.clock.today()
        self.setWindowTitle("Bill run")
        self.resize(860, 560)

        self.intro = QLabel(
            f"Every period due up to <b>{self.figures.date(today)}</b> becomes one invoice. "
            "Clean invoices are issued; anything unusual waits for your review. "
            "Nothing is written until you press Run."
        )
        self.intro.setWordWrap(True)
        self.model = RowsModel(DUE_COLUMNS)
        self.table = list_view(row_height=26)
        self.table.setModel(self.model)
        header = self.table.horizontalHeader()
        for col, width in enumerate(DUE_WIDTHS):
            header.resizeSection(col, width)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.empty = EmptyHint(self.table, "Working out what is due…")
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.summary.setStyleSheet("font-weight: 600; color: #1c2b3a;")
        self.progress = QProgressBar()
        self.progress.setTextVisible(True)
        self.progress.hide()
        self.status = QLabel()
        self.status.setObjectName("muted")
        self.status.setWordWrap(True)

        self.run_button = QPushButton("Run")
        self.run_button.setObjectName("primary")
        self.run_button.setEnabled(False)
        self.cancel_button = QPushButton("Cancel run")
        self.cancel_button.hide()
        self.review_button = QPushButton("Show invoices in review")
        self.review_button.hide()
        self.close_button = QPushButton("Close")
        buttons = QHBoxLayout()
        buttons.addWidget(self.review_button)
        buttons.addStretch(1)
        buttons.addWidget(self.cancel_button)
        buttons.addWidget(self.close_button)
        buttons.addWidget(self.run_button)

        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.summary)
        layout.addWidget(self.progress)
        layout.addWidget(self.status)
        layout.addLayout(buttons)

        self.run_button.clicked.connect(self.run)
        self.cancel_button.clicked.connect(self.cancel)
        self.close_button.clicked.connect(self.reject)
        self.review_button.clicked.connect(self._show_review)
        self.load_preview()

    # preview ------------------------------------------------------------------------
    def load_preview(self) -> None:
        self.handle.call(pending_items, on_done=self._show_items, on_error=self._failed)

    def _show_items(self, items: list[DueItem]) -> None:
        self.items = in_date_order(items)
        items = self.items
        self.model.set_rows([due_cells(it, self.figures) for it in items])
        self.empty.set_text("Nothing is due. Every agreement is billed up to today.")
        self.empty.update_for(len(items))
        self.summary.setText(per_currency(items, self.figures) if items else "")
        self.run_button.setEnabled(bool(items))
        if items:
            self.run_button.setText(
                f"Run — create {len(items):,} invoice{'s' if len(items) != 1 else ''}"
            )
            self.run_button.setFocus()

    # running --------------------------------------------------------------------------
    def run(self) -> None:
        if self.token is not None or not self.items:
            return
        ctx = self.handle.ctx

        def job(progress: Callable[[int, int, str], None], cancel: CancelToken) -> BillRunResult:
            return run_bill_run(ctx, progress=progress, cancel=cancel)

        self.run_button.setEnabled(False)
        self.close_button.setEnabled(False)
        self.cancel_button.setEnabled(True)
        self.cancel_button.setText("Cancel run")
        self.cancel_button.show()
        self.progress.setRange(0, 0)
        self.progress.show()
        self.status.setText("Starting…")
        self.token = self.handle.long_ops.run_long(job, self._progress, self._done, self._failed)

    def _progress(self, done: int, total: int, message: str) -> None:
        self.progress_updates += 1
        self.progress.setRange(0, max(total, 1))
        self.progress.setValue(done)
        self.status.setText(f"Billed {done:,} of {total:,} agreements · {message} so far")

    def cancel(self) -> None:
        if self.token is None:
            return
        self.token.cancel()
        self.cancel_button.setEnabled(False)
        self.cancel_button.setText("Stopping…")
        self.status.setText("Stopping after the current batch; nothing is left half-written.")

    def is_running(self) -> bool:
        return self.token is not None and self.result is None

    def _done(self, result: BillRunResult) -> None:
        self.result = result
        self.progress.setRange(0, 1)
        self.progress.setValue(1)
        self.progress.setVisible(not result.cancelled)
        self.cancel_button.hide()
        self.run_button.hide()
        self.close_button.setEnabled(True)
        self.close_button.setFocus()
        self.status.setText("")
        self.summary.setText(result_text(result))
        self.review_button.setVisible(result.review > 0 and self.on_show_review is not None)
        for what in ("invoices", "schedules"):
            self.handle.bus.changed.emit(what)
        self.handle.bus.status.emit(result_text(result))

    def _failed(self, exc: BaseException) -> None:
        self.token = None
        self.cancel_button.hide()
        self.close_button.setEnabled(True)
        self.progress.hide()
        self.run_button.setEnabled(bool(self.items))
        self.status.setText("")
        self.summary.setText(f"<span style='color:#b3261e'>{exc}</span>")
        self.handle.bus.changed.emit("invoices")

    def _show_review(self) -> None:
        self.accept()
        if self.on_show_review is not None:
            self.on_show_review()

    def reject(self) -> None:
        """Closing while the run works asks it to stop; the dialog closes when it has."""
        if self.is_running():
            self.cancel()
            return
        super().reject()


def open_bill_run(window: Any, handle: AppHandle) -> BillRunDialog:
    """Open the dialog over the main window; 'Show invoices in review' opens that list."""

    def show_review() -> None:
        page = window.show_page("invoices")
        if page is not None and hasattr(page, "show_filter"):
            page.show_filter("review")

    dialog = BillRunDialog(window, handle, on_show_review=show_review)
    dialog.open()
    return dialog
