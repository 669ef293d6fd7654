"""The Exceptions page: one queue for everything that needs a decision, triaged from the keyboard.

Items are grouped by type (the list on the left, with counts), filtered by
status and search, and acted on with one click or one key: Enter takes the
item's first suggested action, A approves, R rejects (asking why), D dismisses;
the arrows move on.  Several items can be approved (their invoices in review)
or dismissed at once.  ``SidebarBadge`` keeps the open count beside the page's
name in the sidebar.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QItemSelectionModel, Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from app.core.exception_types import GROUPS, TYPES, describe
from app.services import exception_actions as actions
from app.services import exceptions as svc
from app.services.exception_scan import run_scan
from app.ui.handle import AppHandle
from app.ui.models.lazy_table import Column, LazyTableModel
from app.ui.pages.base import Page, page_header
from app.ui.widgets.badges import MUTED
from app.ui.widgets.exception_detail import SEVERITY_COLOURS, ExceptionDetailPane
from app.ui.widgets.filter_chips import FilterChips
from app.ui.widgets.list_page import search_as_you_type
from app.ui.widgets.prompts import ReasonDialog
from app.ui.widgets.sidebar_badge import REFRESH_ON
from app.ui.widgets.tables import EmptyHint, list_view

STATUSES = [("open", "Open"), ("resolved", "Resolved"), ("dismissed", "Dismissed"), ("all", "All")]
CHANGES = "exceptions,invoices,payments,bank"
ASKS_WHY = {"reject": "Reject invoice", "credit-note": "Credit note"}

COLUMNS: list[Column[svc.ExceptionRow]] = [
    Column(
        "Severity",
        lambda r: r.severity.capitalize(),
        foreground=lambda r: SEVERITY_COLOURS.get(r.severity),
    ),
    Column("Type", lambda r: r.type_label),
    Column("What", lambda r: r.title, tooltip=lambda r: r.title),
    Column("Client", lambda r: r.client_name),
    Column("Raised", lambda r: f"{r.created_at:%Y-%m-%d}"),
    Column(
        "Status",
        lambda r: "Resolved by rule" if r.auto_resolved else r.status.capitalize(),
        foreground=lambda r: MUTED if r.status != "open" else None,
    ),
]


class ExceptionsPage(Page):
    title = "Exceptions"
    open_count_changed = Signal(int)
    open_invoice = Signal(int)  # "Open invoice": the window may show it on the Invoices page

    def __init__(self, handle: AppHandle) -> None:
        super().__init__(handle)
        self._generation = 0
        self._selected_id: int | None = None
        self._last_row = 0
        self._types: tuple[str, ...] = ()
        self._reason_dialog: ReasonDialog | None = None

        self.chips = FilterChips(STATUSES)
        self.search = QLineEdit()
        self.search.setPlaceholderText("Search title or client…  (Ctrl+F)")
        self.search.setClearButtonEnabled(True)
        self.share_label = QLabel()
        self.share_label.setObjectName("muted")
        self.scan_button = QPushButton("Check now")
        self.scan_button.setToolTip("Run every rule over the book (F5)")
        self.approve_button = QPushButton("Approve selected")
        self.approve_button.setToolTip("Approve and issue the invoices of the selected items")
        self.dismiss_button = QPushButton("Dismiss selected")

        self.groups = QListWidget()
        self.groups.setFixedWidth(200)
        self.model: LazyTableModel[svc.ExceptionRow] = LazyTableModel(
            COLUMNS, lambda ids: svc.exception_rows(handle.ctx, ids), lambda r: r.id
        )
        self.table = list_view(multi=True)
        self.table.setModel(self.model)
        header = self.table.horizontalHeader()
        for col, width in ((0, 80), (1, 150), (3, 150), (4, 90), (5, 130)):
            header.resizeSection(col, width)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.empty = EmptyHint(self.table, "Nothing needs attention.")
        self.pane = ExceptionDetailPane()

        top = QHBoxLayout()
        top.addWidget(self.chips, 2)
        top.addWidget(self.search, 2)
        top.addWidget(self.share_label)
        top.addWidget(self.scan_button)
        bulk = QHBoxLayout()
        bulk.addWidget(self.approve_button)
        bulk.addWidget(self.dismiss_button)
        bulk.addStretch(1)
        middle = QWidget()
        ml = QVBoxLayout(middle)
        ml.setContentsMargins(0, 0, 0, 0)
        ml.addWidget(self.table, 1)
        ml.addLayout(bulk)
        right = QSplitter(Qt.Orientation.Vertical)
        right.addWidget(middle)
        right.addWidget(self.pane)
        right.setSizes([360, 300])
        right.setChildrenCollapsible(False)
        split = QSplitter()
        split.addWidget(self.groups)
        split.addWidget(right)
        split.setStretchFactor(1, 1)

        layout = QVBoxLayout(self)
        layout.addWidget(page_header("Exceptions", "What needs a decision, and why"))
        layout.addLayout(top)
        layout.addWidget(split, 1)

        search_as_you_type(self, self.search, self.refresh)
        self.chips.changed.connect(lambda _k: self.refresh())
        self.groups.currentItemChanged.connect(self._on_group)
        self.scan_button.clicked.connect(self.scan)
        self.approve_button.clicked.connect(self.approve_selected)
        self.dismiss_button.clicked.connect(self.dismiss_selected)
        self.pane.action_clicked.connect(self.act)
        self.table.selectionModel().currentRowChanged.connect(self._on_current_changed)
        self.table.doubleClicked.connect(lambda _i: self.act_first())

        on_table = Qt.ShortcutContext.WidgetWithChildrenShortcut
        for keys, slot in (
            (Qt.Key.Key_Return, self.act_first),
            (Qt.Key.Key_Enter, self.act_first),
            (Qt.Key.Key_A, lambda: self.act("approve")),
            (Qt.Key.Key_R, lambda: self.act("reject")),
            (Qt.Key.Key_D, lambda: self.act("dismiss")),
        ):
            QShortcut(QKeySequence(keys), self.table, activated=slot, context=on_table)
        QShortcut(QKeySequence("Ctrl+F"), self, activated=self.search.setFocus)
        QShortcut(QKeySequence("F5"), self, activated=self.scan)
        handle.bus.changed.connect(self._on_changed)
        self.refresh()

    # data -------------------------------------------------------------------------
    def query(self) -> svc.ExceptionQuery:
        return svc.ExceptionQuery(self.chips.current(), self._types, self.search.text())

    def refresh(self) -> None:
        """Ids, group counts and the auto-resolved share, in the background; newest wins."""
        self._generation += 1
        generation = self._generation
        q = self.query()

        def listed(ids: list[int]) -> None:
            if generation != self._generation:
                return
            self.table.setColumnHidden(5, q.status == "open")
            self.model.invalidate()
            self.model.set_ids(ids)
            self.empty.set_text(
                "Nothing needs attention." if q.status == "open" else "No item matches."
            )
            self.empty.update_for(len(ids))
            self._restore_selection()

        self.handle.call(svc.exception_ids, q, on_done=listed, on_error=self._error)
        self.handle.call(svc.type_counts, q.status, on_done=self._show_groups)
        self.handle.call(svc.queue_stats, on_done=self._show_stats)

    def _show_groups(self, counts: dict[str, int]) -> None:
        self.groups.blockSignals(True)
        self.groups.clear()
        total = sum(counts.values())
        everything = QListWidgetItem(f"All types  ({total:,})")
        everything.setData(Qt.ItemDataRole.UserRole, "")
        self.groups.addItem(everything)
        selected = everything
        order = {g: n for n, g in enumerate(GROUPS)}
        for code in sorted(counts, key=lambda c: (order.get(describe(c).group, 99), c)):
            kind = describe(code)
            item = QListWidgetItem(f"{kind.label}  ({counts[code]:,})")
            item.setData(Qt.ItemDataRole.UserRole, code)
            item.setToolTip(f"{kind.group}: {kind.description}")
            self.groups.addItem(item)
            if self._types == (code,):
                selected = item
        self.groups.setCurrentItem(selected)
        self.groups.blockSignals(False)

    def _show_stats(self, stats: svc.QueueStats) -> None:
        share = stats.auto_share
        self.share_label.setText(
            f"{stats.open:,} open · "
            + (f"{share * 100:.0f}% of closed items resolved by rule" if share is not None else "")
        )
        self.open_count_changed.emit(stats.open)

    def _on_group(self, current: QListWidgetItem | None, _previous: Any) -> None:
        code = current.data(Qt.ItemDataRole.UserRole) if current is not None else ""
        self._types = (code,) if code else ()
        self.refresh()

    def show_type(self, code: str) -> None:
        """Open the queue on one type (the dashboard's links)."""
        if code and code not in TYPES:
            raise KeyError(f"unknown exception type {code!r}")
        self._types = (code,) if code else ()
        self.refresh()

    def _on_changed(self, what: str) -> None:
        if what in REFRESH_ON:
            self.refresh()

    def activated(self) -> None:
        self.refresh()

    def _restore_selection(self) -> None:
        row = self.model.row_of_id(self._selected_id) if self._selected_id is not None else -1
        if row < 0 and self.model.rowCount():
            row = min(self._last_row, self.model.rowCount() - 1)
        if row < 0:
            self._selected_id = None
            self.pane.show_nothing()
            return
        self._select_row(row)

    def _select_row(self, row: int) -> None:
        index = self.model.index(row, 0)
        self.table.selectionModel().setCurrentIndex(
            index,
            QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows,
        )
        self.table.scrollTo(index)

    def _on_current_changed(self, current: Any, _previous: Any) -> None:
        self._selected_id = self.model.id_at(current.row()) if current.isValid() else None
        if current.isValid():
            self._last_row = current.row()
        wanted = self._selected_id
        if wanted is None:
            self.pane.show_nothing()
            return

        def shown(detail: svc.ExceptionDetail) -> None:
            if self._selected_id == wanted:
                self.pane.show_detail(detail)

        self.handle.call(svc.get_exception, wanted, on_done=shown, on_error=self._error)

    def current_row(self) -> svc.ExceptionRow | None:
        if self._selected_id is None:
            return None
        return self.model.row(self.model.row_of_id(self._selected_id))

    def selected_ids(self) -> list[int]:
        rows = sorted(i.row() for i in self.table.selectionModel().selectedRows())
        return [i for i in (self.model.id_at(r) for r in rows) if i is not None]

    # actions ----------------------------------------------------------------------
    def act_first(self) -> None:
        row = self.current_row()
        if row is not None and row.actions:
            self.act(row.actions[0])

    def act(self, action: str, note: str = "") -> None:
        """Take ``action`` on the current item; the next item becomes current when it is done."""
        row = self.current_row()
        if row is None:
            return
        if action not in row.actions:
            self.handle.bus.status.emit(f"{row.type_label}: that action does not apply here.")
            return
        if action == "edit":
            self.open_invoice.emit(row.entity_id)
            return
        if action in ASKS_WHY and not note:
            self._ask_why(action, lambda why: self.act(action, why))
            return
        self._selected_id = None
        self.handle.call(
            actions.resolve,
            row.id,
            action,
            note,
            on_done=lambda r: self.handle.bus.status.emit(r.message),
            on_error=self._error,
            changes=CHANGES,
        )

    def _ask_why(self, action: str, then: Callable[[str], None]) -> None:
        self._reason_dialog = ReasonDialog(
            self, ASKS_WHY[action], "Why? The reason is kept in the audit trail.", ASKS_WHY[action]
        )
        self._reason_dialog.ask(then)

    def approve_selected(self) -> None:
        ids = self.selected_ids()
        if ids:
            self._selected_id = None
            self.handle.call(
                actions.approve_invoices,
                ids,
                on_done=self._bulk_done,
                on_error=self._error,
                changes=CHANGES,
            )

    def dismiss_selected(self) -> None:
        ids = self.selected_ids()
        if ids:
            self._selected_id = None
            self.handle.call(
                actions.bulk_resolve,
                ids,
                "dismiss",
                on_done=self._bulk_done,
                on_error=self._error,
                changes=CHANGES,
            )

    def _bulk_done(self, result: actions.BulkResult) -> None:
        text = f"{len(result.done)} done"
        if result.skipped:
            text += f", {len(result.skipped)} skipped ({result.skipped[0][1]})"
        self.handle.bus.status.emit(text + ".")

    def scan(self) -> None:
        self.scan_button.setEnabled(False)

        def done(result: Any) -> None:
            self.scan_button.setEnabled(True)
            self.handle.bus.status.emit(
                f"Checked {result.invoices:,} invoices: {result.raised} new item(s), "
                f"{result.auto_resolved} settled by rule, {result.cleared} cleared."
            )

        def failed(exc: BaseException) -> None:
            self.scan_button.setEnabled(True)
            self._error(exc)

        self.handle.call(run_scan, on_done=done, on_error=failed, changes=CHANGES)

    def _error(self, exc: BaseException) -> None:
        QMessageBox.warning(self, "Exceptions", str(exc))
