"""The Bank page: statement lines and their matches, triaged from the keyboard.

A bookkeeper works down "To review": Enter accepts the highlighted candidate,
Delete rejects the suggestion, I ignores the line, arrows move, Ctrl+Z takes
the last decision back.  Every decision is one background call; the list then
refreshes and the next line is selected, so the hands never leave the keys.
A statement file dropped on the page opens the import wizard.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QItemSelectionModel, Qt
from PySide6.QtGui import QDragEnterEvent, QDropEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QSplitter,
    QVBoxLayout,
)

from app.services import reconcile as svc
from app.services.settings import load_settings
from app.ui.handle import AppHandle
from app.ui.pages.base import Page, page_header
from app.ui.widgets.bank_candidates import CandidatePanel
from app.ui.widgets.bank_lines import (
    BANK_STRETCH,
    BANK_WIDTHS,
    EMPTY,
    FILTERS,
    STATUSES_OF,
    bank_model,
    status_counts,
)
from app.ui.widgets.bank_reconcile_bar import ReconcileBar
from app.ui.widgets.bank_triage import BankTriage
from app.ui.widgets.figures import Figures
from app.ui.widgets.filter_chips import FilterChips
from app.ui.widgets.list_page import search_as_you_type
from app.ui.widgets.tables import EmptyHint, list_view

WIDGET_KEYS = Qt.ShortcutContext.WidgetWithChildrenShortcut


class BankPage(BankTriage, Page):
    title = "Bank"

    def __init__(self, handle: AppHandle) -> None:
        super().__init__(handle)
        self._generation = 0
        self._selected_id: int | None = None
        self._select_next: int | None = None
        self._select_row = 0
        self.done_actions: list[tuple[str, int]] = []
        self.figures = Figures()
        self.setAcceptDrops(True)

        self.search = QLineEdit()
        self.search.setPlaceholderText("Search counterparty or description…  (Ctrl+F)")
        self.search.setClearButtonEnabled(True)
        self.count_label = QLabel()
        self.count_label.setObjectName("muted")
        self.import_button = QPushButton("Import statement…")
        self.import_button.setObjectName("primary")
        self.import_button.setToolTip("Ctrl+I — or drop the bank's file on this page")
        self.reconcile_bar = ReconcileBar(handle)
        self.min_score = QSpinBox()
        self.min_score.setRange(50, 100)
        self.min_score.setValue(90)
        self.min_score.setSuffix(" %")
        self.min_score.setToolTip("Suggestions scoring at least this much")
        self.accept_all_button = QPushButton("Accept all ≥")
        self.accept_all_button.setToolTip("Accept every suggestion scoring at least this much")
        self.chips = FilterChips([(key, label) for key, label, _s in FILTERS])

        self.model = bank_model(handle.ctx, self.figures)
        self.table = list_view()
        self.table.setModel(self.model)
        header = self.table.horizontalHeader()
        for col, width in BANK_WIDTHS:
            header.resizeSection(col, width)
        for col in BANK_STRETCH:
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.Stretch)
        self.empty = EmptyHint(self.table)
        self.panel = CandidatePanel(self.figures)
        self.feedback = QLabel()
        self.feedback.setObjectName("muted")

        top = QHBoxLayout()
        top.addWidget(self.search, 3)
        top.addStretch(1)
        top.addWidget(self.count_label)
        top.addWidget(self.accept_all_button)
        top.addWidget(self.min_score)
        top.addWidget(self.reconcile_bar.button)
        top.addWidget(self.import_button)
        self.triage = QSplitter()
        self.triage.addWidget(self.table)
        self.triage.addWidget(self.panel)
        self.triage.setStretchFactor(0, 3)
        self.triage.setStretchFactor(1, 2)
        self.triage.setSizes([660, 400])
        self.triage.setChildrenCollapsible(False)
        hint = QLabel("Enter accepts · Delete rejects · I ignores · ↑↓ move · Ctrl+Z undoes")
        hint.setObjectName("muted")
        bottom = QHBoxLayout()
        bottom.addWidget(self.feedback, 1)
        bottom.addWidget(hint)

        layout = QVBoxLayout(self)
        layout.addWidget(
            page_header("Bank", "Statement lines and the invoices they pay — drop a file to import")
        )
        layout.addLayout(top)
        layout.addWidget(self.chips)
        layout.addWidget(self.reconcile_bar)
        layout.addWidget(self.triage, 1)
        layout.addLayout(bottom)

        search_as_you_type(self, self.search, self.refresh)
        self.chips.changed.connect(lambda _k: self.refresh())
        self.import_button.clicked.connect(lambda: self.import_statement())
        self.accept_all_button.clicked.connect(self.accept_above)
        self.reconcile_bar.finished.connect(self._say)
        p = self.panel
        p.accept_button.clicked.connect(self.accept_current)
        p.reject_button.clicked.connect(self.reject_current)
        p.ignore_button.clicked.connect(self.ignore_current)
        p.undo_button.clicked.connect(self.undo_current_match)
        self.table.selectionModel().currentRowChanged.connect(self._on_current_changed)

        for keys, slot in (
            ((Qt.Key.Key_Return, Qt.Key.Key_Enter), self.accept_current),
            ((Qt.Key.Key_Delete,), self.reject_current),
            ((Qt.Key.Key_I,), self.ignore_current),
        ):
            for key in keys:
                QShortcut(QKeySequence(key), self.triage, activated=slot, context=WIDGET_KEYS)
        QShortcut(
            QKeySequence.StandardKey.Undo,
            self.triage,
            activated=self.undo_last,
            context=WIDGET_KEYS,
        )
        QShortcut(QKeySequence("Ctrl+F"), self, activated=self._focus_search)
        QShortcut(QKeySequence(Qt.Key.Key_Down), self.search, activated=self.focus_list)

        handle.bus.changed.connect(self._on_changed)
        handle.call(
            load_settings,
            on_done=lambda values: self._set_locale(str(values.get("company.locale") or "")),
            on_error=lambda _exc: None,
        )
        self.refresh()

    # data ---------------------------------------------------------------------------
    def _set_locale(self, locale: str) -> None:
        self.figures.set_locale(locale)
        self.model.invalidate()

    def query(self) -> svc.BankLineQuery:
        return svc.BankLineQuery(STATUSES_OF[self.chips.current()], self.search.text())

    def refresh(self) -> None:
        """Fetch the ids for the chip and search in the background; a newer request wins."""
        self._generation += 1
        generation = self._generation
        q = self.query()

        def done(ids: list[int]) -> None:
            if generation != self._generation:
                return
            self.model.invalidate()
            self.model.set_ids(ids)
            self.count_label.setText(f"{len(ids):,} line{'s' if len(ids) != 1 else ''}")
            self.empty.set_text(EMPTY[self.chips.current()])
            self.empty.update_for(len(ids))
            self._restore_selection()

        self.handle.call(svc.bank_line_ids, q, on_done=done, on_error=self._error)
        self.handle.call(status_counts, q.search, on_done=self._show_counts, on_error=self._error)

    def _show_counts(self, counts: dict[str, int]) -> None:
        for key, _label, _statuses in FILTERS:
            self.chips.set_count(key, counts.get(key))

    def _on_changed(self, what: str) -> None:
        if what in ("bank", "payments", "invoices", "all"):
            self.refresh()

    def _restore_selection(self) -> None:
        wanted = self._select_next if self._select_next is not None else self._selected_id
        self._select_next = None
        row = self.model.row_of_id(wanted) if wanted is not None else -1
        if row < 0 and self.model.rowCount():
            row = min(self._select_row, self.model.rowCount() - 1)
        if row < 0:
            self._selected_id = None
            self.panel.show_line(None)
            return
        index = self.model.index(row, 0)
        self.table.selectionModel().setCurrentIndex(
            index,
            QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows,
        )
        self.table.scrollTo(index)

    def _on_current_changed(self, current: Any, _previous: Any) -> None:
        row = current.row() if current.isValid() else -1
        self._selected_id = self.model.id_at(row)
        self._select_row = max(row, 0)
        line = self.model.row(row)
        self.panel.show_line(line)
        if line is None:
            return
        line_id = line.id

        def shown(candidates: list[svc.Suggestion]) -> None:
            if self._selected_id == line_id:
                self.panel.show_candidates(candidates)

        self.handle.call(svc.suggestions, line_id, on_done=shown, on_error=self._error)

    # import -------------------------------------------------------------------------
    def import_statement(self, path: Path | None = None) -> Any:
        from app.ui.dialogs.bank_import_wizard import open_bank_import

        return open_bank_import(self, self.handle, path, on_show_bank=self._show_to_review)

    def _show_to_review(self) -> None:
        self.chips.set_current("suggested")

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if any(url.isLocalFile() for url in event.mimeData().urls()):
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        files = [Path(u.toLocalFile()) for u in event.mimeData().urls() if u.isLocalFile()]
        if files:
            event.acceptProposedAction()
            self.import_statement(files[0])

    # small things -------------------------------------------------------------------
    def focus_list(self) -> None:
        self.table.setFocus()
        if self.model.rowCount() and not self.table.currentIndex().isValid():
            self.table.selectRow(0)

    def _focus_search(self) -> None:
        self.search.setFocus()
        self.search.selectAll()

    def _say(self, text: str) -> None:
        self.feedback.setText(text)
        self.handle.bus.status.emit(text)

    def _error(self, exc: BaseException) -> None:
        self.feedback.setText(f"<span style='color:#b3261e'>{exc}</span>")
