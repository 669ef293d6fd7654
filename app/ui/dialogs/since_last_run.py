"""The "since last run" screen: what fell due while Counterfoil was closed, and what to do.

Each due period can be issued now, postponed (left for a later run) or skipped
(never billed, recorded and audited).  Nothing happens until Apply: skips are
written first, then one bill run limited to the periods chosen for issue.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.services.bill_run import BillRunResult, DueItem, pending_items, run_bill_run, skip_periods
from app.ui.handle import AppHandle
from app.ui.qt_ops import CancelToken
from app.ui.widgets.due_items import (
    DUE_COLUMNS,
    DUE_WIDTHS,
    ISSUE,
    POSTPONE,
    SKIP,
    ChoiceDelegate,
    DueChoicesModel,
    per_currency,
)
from app.ui.widgets.figures import Figures
from app.ui.widgets.tables import list_view


class SinceLastRunDialog(QDialog):
    """Decide per due period; ``result`` and ``skipped`` say what Apply did."""

    def __init__(
        self, parent: QWidget | None, handle: AppHandle, items: list[DueItem], figures: Figures
    ) -> None:
        super().__init__(parent)
        self.handle = handle
        self.figures = figures
        self.result: BillRunResult | None = None
        self.skipped = 0
        self.finished_applying = False
        self.token: CancelToken | None = None
        self.setWindowTitle("Since last run")
        self.resize(940, 560)
        earliest = min(it.bill_date for it in items)
        intro = QLabel(
            f"<b>{len(items)} invoice{'s' if len(items) != 1 else ''} fell due</b> while "
            f"Counterfoil was closed, the earliest on {figures.date(earliest)}. Choose what to do "
            "with each: <b>Issue</b> bills it now, <b>Postpone</b> leaves it for a later run, "
            "<b>Skip</b> never bills that period."
        )
        intro.setWordWrap(True)
        self.model = DueChoicesModel(items, figures)
        self.table = list_view(multi=True, row_height=28)
        self.table.setModel(self.model)
        self.table.setItemDelegateForColumn(len(DUE_COLUMNS), ChoiceDelegate(self.table))
        self.table.setEditTriggers(
            QAbstractItemView.EditTrigger.SelectedClicked
            | QAbstractItemView.EditTrigger.DoubleClicked
        )
        header = self.table.horizontalHeader()
        for col, width in enumerate((*DUE_WIDTHS, 100)):
            header.resizeSection(col, width)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.summary = QLabel(per_currency(items, figures))
        self.summary.setObjectName("muted")
        self.progress = QProgressBar()
        self.progress.hide()
        self.outcome = QLabel()
        self.outcome.setWordWrap(True)
        self.outcome.setStyleSheet("font-weight: 600; color: #1c2b3a;")

        self.issue_all = QPushButton("Issue all")
        self.postpone_all = QPushButton("Postpone all")
        self.skip_all = QPushButton("Skip all…")
        self.later_button = QPushButton("Decide later")
        self.apply_button = QPushButton("Apply")
        self.apply_button.setObjectName("primary")
        row = QHBoxLayout()
        for b in (self.issue_all, self.postpone_all, self.skip_all):
            row.addWidget(b)
        row.addStretch(1)
        row.addWidget(self.later_button)
        row.addWidget(self.apply_button)

        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.summary)
        layout.addWidget(self.progress)
        layout.addWidget(self.outcome)
        layout.addLayout(row)

        self.issue_all.clicked.connect(lambda: self.model.set_all(ISSUE))
        self.postpone_all.clicked.connect(lambda: self.model.set_all(POSTPONE))
        self.skip_all.clicked.connect(self._skip_all)
        self.later_button.clicked.connect(self.reject)
        self.apply_button.clicked.connect(self.apply)
        for key, choice in (("I", ISSUE), ("P", POSTPONE), ("S", SKIP)):
            QShortcut(
                QKeySequence(key), self.table, activated=lambda c=choice: self._set_selected(c)
            )

    def _set_selected(self, choice: str) -> None:
        for index in self.table.selectionModel().selectedRows():
            self.model.set_choice(index.row(), choice)

    def _skip_all(self) -> None:
        answer = QMessageBox.question(
            self,
            "Skip all",
            f"Skip all {len(self.model.items)} periods?\n\nThey are never billed. The skips are"
            " recorded in the audit trail.",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Cancel,
        )
        if answer == QMessageBox.StandardButton.Yes:
            self.model.set_all(SKIP)

    # applying -------------------------------------------------------------------------
    def apply(self) -> None:
        if self.token is not None or self.finished_applying:
            return
        skips = [(it.schedule_id, it.period_start) for it in self.model.chosen(SKIP)]
        issues = {(it.schedule_id, it.period_start) for it in self.model.chosen(ISSUE)}
        for w in (
            self.apply_button,
            self.issue_all,
            self.postpone_all,
            self.skip_all,
            self.later_button,
        ):
            w.setEnabled(False)
        self.table.setEnabled(False)

        def then_issue(skipped: int = 0) -> None:
            self.skipped = skipped
            if not issues:
                self._finish()
                return
            ctx = self.handle.ctx

            def job(
                progress: Callable[[int, int, str], None], cancel: CancelToken
            ) -> BillRunResult:
                return run_bill_run(ctx, progress=progress, cancel=cancel, periods=issues)

            self.progress.setRange(0, 0)
            self.progress.show()
            self.token = self.handle.long_ops.run_long(
                job, self._progress, self._issued, self._failed
            )

        if skips:
            self.handle.call(skip_periods, skips, on_done=then_issue, on_error=self._failed)
        else:
            then_issue()

    def _progress(self, done: int, total: int, _message: str) -> None:
        self.progress.setRange(0, max(total, 1))
        self.progress.setValue(done)

    def _issued(self, result: BillRunResult) -> None:
        self.result = result
        self._finish()

    def _finish(self) -> None:
        self.finished_applying = True
        self.progress.hide()
        parts = []
        if self.result is not None:
            r = self.result
            parts.append(
                f"{r.created} invoice{'s' if r.created != 1 else ''} created "
                f"({r.issued} issued, {r.review} waiting for review)"
            )
        if self.skipped:
            parts.append(f"{self.skipped} period{'s' if self.skipped != 1 else ''} skipped")
        postponed = len(self.model.chosen(POSTPONE))
        if postponed:
            parts.append(f"{postponed} postponed to a later run")
        self.outcome.setText(("Done: " + "; ".join(parts) + ".") if parts else "Nothing to do.")
        self.later_button.setText("Close")
        self.later_button.setEnabled(True)
        for what in ("invoices", "schedules"):
            self.handle.bus.changed.emit(what)

    def _failed(self, exc: BaseException) -> None:
        self.token = None
        self.progress.hide()
        self.outcome.setText(f"<span style='color:#b3261e'>{exc}</span>")
        self.later_button.setEnabled(True)
        self.handle.bus.changed.emit("invoices")

    def reject(self) -> None:
        if self.token is not None and not self.finished_applying:
            return  # the run finishes its current batch first; it is short
        super().reject()


def maybe_show_since_last_run(window: QWidget, handle: AppHandle) -> None:
    """Show the dialog only if something fell due before today while the app was closed."""
    today: date = handle.ctx.clock.today()
    figures = Figures()

    def settings_loaded(values: dict[str, Any]) -> None:
        figures.set_locale(str(values.get("company.locale") or ""))

    def decide(items: list[DueItem]) -> None:
        if not items or min(it.bill_date for it in items) >= today:
            return
        SinceLastRunDialog(window, handle, items, figures).open()

    from app.services.settings import load_settings

    handle.call(load_settings, on_done=settings_loaded, on_error=lambda _e: None)
    handle.call(pending_items, on_done=decide, on_error=lambda _e: None)
