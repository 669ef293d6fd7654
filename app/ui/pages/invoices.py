"""The Invoices page: every invoice and credit note, filtered, sorted and acted on in bulk.

The list is lazy (ids in display order from one indexed query, rows fetched as
they are painted), so 100,000 invoices open without a pause.  The footer sums
the filtered list per currency; amounts in different currencies are never added.
"""

from __future__ import annotations

import time
from typing import Any

from PySide6.QtCore import QItemSelectionModel, Qt, QTimer
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.core.invoices import InvoiceDetail, InvoiceRow
from app.services import invoicing as svc
from app.services.settings import load_settings
from app.ui.handle import AppHandle
from app.ui.pages.base import Page, page_header
from app.ui.widgets.client_picker import ClientPicker
from app.ui.widgets.figures import Figures
from app.ui.widgets.filter_chips import FilterChips
from app.ui.widgets.invoice_actions import InvoiceActions
from app.ui.widgets.invoice_list import (
    EMPTY,
    FILTERS,
    TEXT_SORTS,
    badge_counts,
    invoice_model,
    invoice_query,
    list_with_totals,
)
from app.ui.widgets.invoice_pane import InvoiceDetailPane
from app.ui.widgets.list_page import master_detail, search_as_you_type
from app.ui.widgets.tables import EmptyHint, list_view
from app.ui.widgets.totals_footer import TotalsFooter

MAX_BULK = 1_000


class InvoicesPage(InvoiceActions, Page):
    title = "Invoices"

    def __init__(self, handle: AppHandle) -> None:
        super().__init__(handle)
        self._generation = 0
        self._refreshed_at = 0.0
        self._selected_id: int | None = None
        self._sort = ("issue_date", True)
        self._settings: dict[str, Any] = {}
        self.figures = Figures()
        self.today = handle.ctx.clock.today

        self.search = QLineEdit()
        self.search.setPlaceholderText("Search number or client…  (Ctrl+F)")
        self.search.setClearButtonEnabled(True)
        self.client_filter = ClientPicker(handle, allow_all=True, include_archived=True, load=False)
        self.client_filter.setMinimumWidth(220)
        self.chips = FilterChips(FILTERS)
        self.count_label = QLabel()
        self.count_label.setObjectName("muted")
        self.new_button = QPushButton("New invoice")
        self.new_button.setObjectName("primary")
        self.new_button.setToolTip("Ctrl+N")

        self.model = invoice_model(handle.ctx, self.figures, self.today)
        self.table = list_view(multi=True)
        self.table.setModel(self.model)
        header = self.table.horizontalHeader()
        header.setSectionsClickable(True)
        header.setSortIndicatorShown(True)
        header.setSortIndicator(1, Qt.SortOrder.DescendingOrder)
        widths = ((0, 132), (1, 100), (2, 100), (4, 168), (5, 110), (6, 110), (7, 50), (8, 100))
        for col, width in widths:
            header.resizeSection(col, width)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        header.setMinimumSectionSize(40)
        header.sectionClicked.connect(self._on_header_clicked)
        self.table.doubleClicked.connect(lambda _i: self.edit_selected())
        self.empty = EmptyHint(self.table)
        self.footer = TotalsFooter(self.figures)
        from app.ui.widgets.reminder_timeline import ReminderTimeline

        self.timeline = ReminderTimeline(handle)
        self.pane = InvoiceDetailPane(self.timeline)

        top = QHBoxLayout()
        top.addWidget(self.search, 3)
        top.addWidget(self.client_filter, 2)
        top.addStretch(1)
        top.addWidget(self.count_label)
        top.addWidget(self.new_button)
        upper = QWidget()
        ul = QVBoxLayout(upper)
        ul.setContentsMargins(0, 0, 0, 0)
        ul.addWidget(self.table, 1)
        ul.addWidget(self.footer)
        split = master_detail(upper, self.pane, (380, 300), vertical=True, collapsible=False)

        layout = QVBoxLayout(self)
        layout.addWidget(page_header("Invoices", "Every invoice and credit note, with its status"))
        layout.addLayout(top)
        layout.addWidget(self.chips)
        layout.addWidget(split, 1)

        search_as_you_type(self, self.search, self.refresh)
        self._detail_timer = QTimer(self, singleShot=True, interval=60)
        self._detail_timer.timeout.connect(self._load_detail)
        self.client_filter.client_changed.connect(lambda _c: self.refresh())
        self.chips.changed.connect(lambda _k: self.refresh())
        self.new_button.clicked.connect(self.new_invoice)
        self.table.selectionModel().currentRowChanged.connect(self._on_current_changed)
        self.table.selectionModel().selectionChanged.connect(lambda *_a: self._update_actions())
        p = self.pane
        p.approve_button.clicked.connect(self.approve_selected)
        p.issue_button.clicked.connect(self.issue_selected)
        p.edit_button.clicked.connect(self.edit_selected)
        p.delete_button.clicked.connect(self.delete_selected)
        p.reject_button.clicked.connect(self.reject_current)
        p.void_button.clicked.connect(self.void_current)
        p.credit_button.clicked.connect(self.credit_current)
        p.duplicate_button.clicked.connect(self.duplicate_current)
        p.pdf_button.clicked.connect(self.open_pdf_current)
        p.email_button.clicked.connect(self.email_current)
        p.dispute_button.clicked.connect(self.dispute_current)
        p.promise_button.clicked.connect(self.promise_current)

        QShortcut(QKeySequence("Ctrl+F"), self, activated=self._focus_search)
        QShortcut(QKeySequence("Ctrl+N"), self, activated=self.new_invoice)
        QShortcut(QKeySequence("Ctrl+Return"), self, activated=self.approve_selected)
        QShortcut(QKeySequence("Ctrl+Enter"), self, activated=self.approve_selected)
        QShortcut(QKeySequence(Qt.Key.Key_Return), self.table, activated=self.edit_selected)
        QShortcut(QKeySequence(Qt.Key.Key_Enter), self.table, activated=self.edit_selected)
        QShortcut(QKeySequence(Qt.Key.Key_Delete), self.table, activated=self.delete_selected)
        QShortcut(QKeySequence(Qt.Key.Key_Down), self.search, activated=self._focus_table)

        handle.bus.changed.connect(self._on_changed)
        self.refresh(badges=True)  # the list first; the rest can follow
        self._load_settings()
        self.client_filter.reload()

    # filters ----------------------------------------------------------------------
    def show_filter(self, name: str) -> None:
        """Open the list on one filter ('review', 'overdue', 'drafts', 'open', …)."""
        key = name.strip().lower().replace(" ", "_").replace("-", "_")
        key = {"credit_note": "credit_notes", "draft": "drafts"}.get(key, key)
        if key not in dict(FILTERS):
            raise KeyError(f"unknown invoice filter {name!r}")
        if self.chips.current() == key:
            self.refresh()
        else:
            self.chips.set_current(key)

    def query(self) -> svc.InvoiceQuery:
        return invoice_query(
            self.chips.current(),
            self.search.text(),
            self.client_filter.client_id(),
            self._sort,
            self.today(),
        )

    # data -------------------------------------------------------------------------
    def _load_settings(self) -> None:
        def loaded(values: dict[str, Any]) -> None:
            self._settings = values
            self.figures.set_locale(str(values.get("company.locale") or "en_IE"))
            self.model.invalidate([])  # repaint in the new locale; rows stay cached
            self.footer.show_totals(self.footer.rows)

        self.handle.call(load_settings, on_done=loaded, on_error=lambda _e: None)

    def refresh(self, badges: bool = False) -> None:
        """Ask for ids and per-currency totals in the background; a newer request wins.

        ``badges`` also recounts the Review and Overdue chips (they ignore the search).
        """
        self._generation += 1
        self._refreshed_at = time.monotonic()
        generation = self._generation
        q = self.query()
        chip = self.chips.current()

        def done(result: tuple[list[int], list[tuple[str, int, int, int]]]) -> None:
            if generation != self._generation:
                return
            ids, totals = result
            self.model.invalidate()
            self.model.set_ids(ids)
            self.footer.show_totals(totals, with_balance=chip not in ("review", "drafts"))
            self.count_label.setText(f"{len(ids):,} document{'s' if len(ids) != 1 else ''}")
            searching = bool(q.search.strip() or q.client_id)
            self.empty.set_text("No invoice matches your search." if searching else EMPTY[chip])
            self.empty.update_for(len(ids))
            self._restore_selection()

        self.handle.call(list_with_totals, q, on_done=done, on_error=self._error)
        if badges:
            self.handle.call(badge_counts, self.today(), on_done=self._show_badges)

    def _show_badges(self, counts: dict[str, int]) -> None:
        for name, n in counts.items():
            self.chips.set_count(name, n)

    def _on_changed(self, what: str) -> None:
        if what in ("invoices", "payments", "clients", "all"):
            self.refresh(badges=True)
        if what in ("clients", "all"):
            self.client_filter.reload()
        if what in ("settings", "all"):
            self._load_settings()

    def activated(self) -> None:
        if time.monotonic() - self._refreshed_at > 1.0:
            self.refresh(badges=True)

    def _restore_selection(self) -> None:
        row = self.model.row_of_id(self._selected_id) if self._selected_id is not None else -1
        if row < 0 and self.model.rowCount():
            row = 0
        if row < 0:
            self._selected_id = None
            self.pane.show_nothing()
            return
        index = self.model.index(row, 0)
        self.table.selectionModel().setCurrentIndex(
            index,
            QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows,
        )
        self.table.scrollTo(index)
        self._selected_id = self.model.id_at(row)
        self._load_detail()

    def _on_header_clicked(self, section: int) -> None:
        key = self.model.sort_key(section)
        if key is None:
            header = self.table.horizontalHeader()
            current = next(
                (
                    i
                    for i in range(self.model.columnCount())
                    if self.model.sort_key(i) == self._sort[0]
                ),
                1,
            )
            header.setSortIndicator(
                current,
                Qt.SortOrder.DescendingOrder if self._sort[1] else Qt.SortOrder.AscendingOrder,
            )
            return
        if key == self._sort[0]:
            descending = not self._sort[1]
        else:
            descending = key not in TEXT_SORTS
        self._sort = (key, descending)
        self.table.horizontalHeader().setSortIndicator(
            section, Qt.SortOrder.DescendingOrder if descending else Qt.SortOrder.AscendingOrder
        )
        self.refresh()

    def _on_current_changed(self, current: Any, _previous: Any) -> None:
        self._selected_id = self.model.id_at(current.row()) if current.isValid() else None
        self._update_actions()
        self._detail_timer.start()

    def _load_detail(self) -> None:
        self._detail_timer.stop()
        wanted = self._selected_id
        if wanted is None:
            return

        def shown(detail: InvoiceDetail) -> None:
            if self._selected_id != wanted:
                return
            clock = self.handle.ctx.clock
            self.pane.show_detail(detail, self.figures, self.today(), clock.tz)
            if detail.row.number and detail.row.kind == "invoice":
                self.timeline.show_invoice(detail.row.id)
            else:
                self.timeline.clear("Drafts and credit notes have no reminders.")
            self._update_actions()

        def missing(_exc: BaseException) -> None:
            if self._selected_id == wanted:
                self.pane.show_nothing("This invoice no longer exists.")

        self.handle.call(svc.get_detail, wanted, on_done=shown, on_error=missing)

    def selection_size(self) -> int:
        return sum(r.height() for r in self.table.selectionModel().selection())

    def selected_rows(self) -> list[InvoiceRow]:
        """The selected rows, read from the row cache; none if the selection is too big.

        Ctrl+A on 100,000 invoices must not fetch them all on the GUI thread; bulk
        actions work on up to MAX_BULK documents at a time.
        """
        if self.selection_size() > MAX_BULK:
            return []
        rows = sorted(i.row() for i in self.table.selectionModel().selectedRows())
        found = [self.model.row(r) for r in rows]
        return [r for r in found if r is not None]

    def _update_actions(self) -> None:
        too_many = self.selection_size() > MAX_BULK
        self.pane.update_actions(self.selected_rows(), too_many=too_many)
        if too_many:
            self.handle.bus.status.emit(
                f"Select at most {MAX_BULK:,} documents to act on them together."
            )

    # actions ----------------------------------------------------------------------
    def _focus_search(self) -> None:
        self.search.setFocus()
        self.search.selectAll()

    def _focus_table(self) -> None:
        self.table.setFocus()
        if self.model.rowCount() and not self.table.currentIndex().isValid():
            self.table.selectRow(0)
