"""The Schedules page: every recurring agreement, what it bills and when it bills next."""

from __future__ import annotations

import time
from decimal import Decimal
from typing import Any

from PySide6.QtCore import QItemSelectionModel, Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QTextBrowser,
    QVBoxLayout,
)

from app.core.schedules import Schedule, ScheduleRow
from app.services import schedules as svc
from app.services.settings import load_settings
from app.ui.dialogs.schedule_editor import ScheduleEditor
from app.ui.handle import AppHandle
from app.ui.models.lazy_table import LazyTableModel
from app.ui.pages.base import Page, page_header
from app.ui.widgets.figures import Figures
from app.ui.widgets.filter_chips import FilterChips
from app.ui.widgets.list_page import master_detail, search_as_you_type
from app.ui.widgets.prompts import DateDialog
from app.ui.widgets.schedule_change import ChangeRequest, RecordChangeDialog
from app.ui.widgets.schedule_detail import schedule_html
from app.ui.widgets.schedule_list import (
    STATUS_FILTERS,
    schedule_columns,
    schedule_detail,
    schedule_ids_for,
)
from app.ui.widgets.tables import EmptyHint, list_view


class SchedulesPage(Page):
    title = "Schedules"

    def __init__(self, handle: AppHandle) -> None:
        super().__init__(handle)
        self._generation = 0
        self._refreshed_at = 0.0
        self._selected_id: int | None = None
        self._current: Schedule | None = None
        self._default_tax = Decimal(0)
        self.figures = Figures()

        self.search = QLineEdit()
        self.search.setPlaceholderText("Search client or agreement…  (Ctrl+F)")
        self.search.setClearButtonEnabled(True)
        self.status_filter = FilterChips(STATUS_FILTERS)
        self.count_label = QLabel()
        self.count_label.setObjectName("muted")
        self.new_button = QPushButton("New agreement")
        self.new_button.setObjectName("primary")
        self.new_button.setToolTip("Ctrl+N")
        self.edit_button = QPushButton("Edit")
        self.edit_button.setToolTip("Enter or F2")
        self.pause_button = QPushButton("Pause…")
        self.change_button = QPushButton("Record change…")
        self.change_button.setToolTip("A new quantity or price from a date")
        self.end_button = QPushButton("End agreement")
        self.milestones_button = QPushButton("Milestones…")
        self.milestones_button.setToolTip("Bill the agreement in steps of a contract value")

        ctx = handle.ctx
        self.model: LazyTableModel[ScheduleRow] = LazyTableModel(
            schedule_columns(self.figures), lambda ids: svc.schedule_rows(ctx, ids), lambda r: r.id
        )
        self.table = list_view()
        self.table.setModel(self.model)
        header = self.table.horizontalHeader()
        self._sort = ("client", False)
        header.setSectionsClickable(True)
        header.setSortIndicatorShown(True)
        header.setSortIndicator(0, Qt.SortOrder.AscendingOrder)
        header.sectionClicked.connect(self._on_header_clicked)
        for col, width in ((1, 150), (2, 150), (3, 98), (4, 44), (5, 96), (6, 64)):
            header.resizeSection(col, width)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.table.doubleClicked.connect(lambda _i: self.edit_selected())
        self.empty = EmptyHint(self.table)

        self.detail = QTextBrowser()
        self.detail.setMinimumWidth(250)
        self.detail.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)

        top = QHBoxLayout()
        top.addWidget(self.search, 3)
        top.addStretch(1)
        top.addWidget(self.count_label)
        top.addWidget(self.new_button)
        actions = QHBoxLayout()
        actions.addWidget(self.status_filter)
        actions.addStretch(1)
        for b in (
            self.edit_button,
            self.pause_button,
            self.change_button,
            self.milestones_button,
            self.end_button,
        ):
            actions.addWidget(b)

        split = master_detail(self.table, self.detail, (780, 280))

        layout = QVBoxLayout(self)
        layout.addWidget(page_header("Schedules", "Recurring agreements and their next invoices"))
        layout.addLayout(top)
        layout.addLayout(actions)
        layout.addWidget(split, 1)

        search_as_you_type(self, self.search, self.refresh)
        self.status_filter.changed.connect(lambda _k: self.refresh())
        self.new_button.clicked.connect(self.add_schedule)
        self.edit_button.clicked.connect(self.edit_selected)
        self.pause_button.clicked.connect(self.pause_or_resume)
        self.change_button.clicked.connect(self.record_change)
        self.end_button.clicked.connect(self.end_or_reopen)
        self.milestones_button.clicked.connect(self.edit_milestones)
        self.table.selectionModel().currentRowChanged.connect(self._on_current_changed)

        QShortcut(QKeySequence("Ctrl+F"), self, activated=self._focus_search)
        QShortcut(QKeySequence("Ctrl+N"), self, activated=self.add_schedule)
        QShortcut(QKeySequence("F2"), self, activated=self.edit_selected)
        QShortcut(QKeySequence(Qt.Key.Key_Return), self.table, activated=self.edit_selected)
        QShortcut(QKeySequence(Qt.Key.Key_Enter), self.table, activated=self.edit_selected)
        QShortcut(QKeySequence(Qt.Key.Key_Down), self.search, activated=self._focus_table)

        handle.bus.changed.connect(self._on_changed)
        self._update_buttons()
        self._load_settings()
        self.refresh()

    # data -------------------------------------------------------------------------
    def _load_settings(self) -> None:
        def loaded(values: dict[str, Any]) -> None:
            self.figures.set_locale(str(values.get("company.locale") or "en_IE"))
            self._default_tax = Decimal(values.get("tax.default_rate") or 0)
            self.model.invalidate([])  # repaint in the new locale; rows stay cached

        self.handle.call(load_settings, on_done=loaded, on_error=lambda _e: None)

    def refresh(self) -> None:
        """Ask for the matching ids in the background; a newer request wins."""
        self._generation += 1
        self._refreshed_at = time.monotonic()
        generation = self._generation
        search, status = self.search.text(), self.status_filter.current()

        def done(ids: list[int]) -> None:
            if generation != self._generation:
                return
            self.model.invalidate()
            self.model.set_ids(ids)
            n = len(ids)
            self.count_label.setText(f"{n:,} agreement{'s' if n != 1 else ''}")
            self.empty.set_text(
                "No agreement matches your search."
                if search.strip()
                else "No agreements here yet.\nCreate one with New agreement (Ctrl+N)."
            )
            self.empty.update_for(n)
            self._restore_selection()

        self.handle.call(
            schedule_ids_for, search, status, *self._sort, on_done=done, on_error=self._error
        )

    def _on_header_clicked(self, section: int) -> None:
        key = self.model.sort_key(section)
        if key is None:
            return
        descending = self._sort == (key, False)
        self._sort = (key, descending)
        self.table.horizontalHeader().setSortIndicator(
            section, Qt.SortOrder.DescendingOrder if descending else Qt.SortOrder.AscendingOrder
        )
        self.refresh()

    def _on_changed(self, what: str) -> None:
        if what in ("schedules", "clients", "invoices", "usage", "all"):
            self.refresh()
        if what in ("settings", "all"):
            self._load_settings()

    def activated(self) -> None:
        if time.monotonic() - self._refreshed_at > 1.0:
            self.refresh()

    def _restore_selection(self) -> None:
        row = self.model.row_of_id(self._selected_id) if self._selected_id is not None else -1
        if row < 0 and self.model.rowCount():
            row = 0
        if row >= 0:
            index = self.model.index(row, 0)
            self.table.selectionModel().setCurrentIndex(
                index,
                QItemSelectionModel.SelectionFlag.ClearAndSelect
                | QItemSelectionModel.SelectionFlag.Rows,
            )
            self.table.scrollTo(index)
            if self.model.id_at(row) == self._selected_id:
                self._load_detail()
        else:
            self._selected_id = None
            self._current = None
            self.detail.setHtml("<p style='color:#6b7480'>No agreement selected.</p>")
        self._update_buttons()

    def _on_current_changed(self, current: Any, _previous: Any) -> None:
        self._selected_id = self.model.id_at(current.row()) if current.isValid() else None
        self._current = None
        self._update_buttons()
        self._load_detail()

    def _load_detail(self) -> None:
        if self._selected_id is None:
            return
        wanted = self._selected_id

        def shown(result: tuple[Schedule, list[svc.PreviewItem]]) -> None:
            if self._selected_id != wanted:
                return
            self._current = result[0]
            self.detail.setHtml(schedule_html(result[0], result[1], self.figures))
            self._update_buttons()

        self.handle.call(schedule_detail, wanted, on_done=shown, on_error=self._error)

    def _update_buttons(self) -> None:
        s = self._current
        has = self._selected_id is not None
        self.edit_button.setEnabled(has)
        self.milestones_button.setEnabled(has)
        live = s is not None and s.status != "ended"
        self.pause_button.setEnabled(live)
        self.change_button.setEnabled(live)
        self.end_button.setEnabled(s is not None)
        self.pause_button.setText("Resume…" if s is not None and s.status == "paused" else "Pause…")
        self.end_button.setText(
            "Reopen" if s is not None and s.status == "ended" else "End agreement"
        )

    # actions ----------------------------------------------------------------------
    def _focus_search(self) -> None:
        self.search.setFocus()
        self.search.selectAll()

    def _focus_table(self) -> None:
        self.table.setFocus()
        if self.model.rowCount() and not self.table.currentIndex().isValid():
            self.table.selectRow(0)

    def _saved(self, schedule: Schedule) -> None:
        self._selected_id = schedule.id
        self.handle.bus.status.emit(f"Saved “{schedule.data.name}” for {schedule.client_name}.")

    def add_schedule(self) -> ScheduleEditor:
        editor = ScheduleEditor(
            self,
            self.handle,
            self.figures,
            default_tax=self._default_tax,
            on_saved=self._saved,
        )
        editor.open()
        return editor

    def edit_selected(self) -> None:
        if self._selected_id is None:
            return

        def opened(s: Schedule) -> None:
            ScheduleEditor(self, self.handle, self.figures, schedule=s, on_saved=self._saved).open()

        self.handle.call(svc.get_schedule, self._selected_id, on_done=opened, on_error=self._error)

    def pause_or_resume(self) -> None:
        s = self._current
        if s is None or s.status == "ended":
            return
        today = self.handle.ctx.clock.today()
        if s.status == "paused":
            dialog = DateDialog(
                self,
                "Resume agreement",
                f"Resume “{s.data.name}” for {s.client_name}. Billing restarts from this date;"
                " the days before it are not billed.",
                "Resume",
                today,
            )
            dialog.ask(lambda day: self._call(svc.resume_schedule, s.id, day))
        else:
            dialog = DateDialog(
                self,
                "Pause agreement",
                f"Pause “{s.data.name}” for {s.client_name}. Nothing is billed from this date"
                " until you resume it; a period cut short is billed by day.",
                "Pause",
                today,
            )
            dialog.ask(lambda day: self._call(svc.pause_schedule, s.id, day))

    def record_change(self) -> None:
        s = self._current
        if s is None or s.status == "ended":
            return

        def chosen(req: ChangeRequest) -> None:
            self._call(
                svc.add_change,
                s.id,
                req.line_id,
                req.effective,
                req.quantity,
                req.unit_price,
                req.note,
            )

        RecordChangeDialog(self, s, self.handle.ctx.clock.today(), self.figures).ask(chosen)

    def end_or_reopen(self) -> None:
        s = self._current
        if s is None:
            return
        if s.status == "ended":
            self._call(svc.set_status, s.id, "active")
            return
        answer = QMessageBox.question(
            self,
            "End agreement",
            f"End “{s.data.name}” for {s.client_name}?\n\nNo further periods are billed. "
            "Invoices already created stay as they are, and you can reopen the agreement later.",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Cancel,
        )
        if answer == QMessageBox.StandardButton.Yes:
            self._call(svc.set_status, s.id, "ended")

    def edit_milestones(self) -> Any:
        if self._selected_id is None:
            return None
        from app.ui.dialogs.milestone_editor import open_milestone_editor

        return open_milestone_editor(self, self.handle, self._selected_id, self.figures)

    def _call(self, fn: Any, *args: Any) -> None:
        self.handle.call(fn, *args, changes="schedules", on_error=self._error)

    def _error(self, exc: BaseException) -> None:
        QMessageBox.warning(self, "Schedules", str(exc))
