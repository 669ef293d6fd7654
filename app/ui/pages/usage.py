"""The Usage page: metered usage and time records per client and agreement.

The list is lazy (ids from one query, rows fetched as they are painted), so a
million records open without a pause.  Filters narrow it to a client, an
agreement, an item and a period; the footer totals each item for exactly what
is filtered.  A record can be corrected until it is on an invoice; after that
it is read-only and says why.
"""

from __future__ import annotations

import time
from datetime import date
from decimal import Decimal
from typing import Any

from PySide6.QtCore import QDate, Qt, QTimer
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
)

from app.core.schedules import ScheduleRow
from app.services import schedules as schedules_svc
from app.services import usage as svc
from app.services.settings import load_settings
from app.ui.handle import AppHandle
from app.ui.models.lazy_table import LazyTableModel
from app.ui.pages.base import Page, page_header
from app.ui.widgets.client_picker import ClientPicker
from app.ui.widgets.figures import Figures
from app.ui.widgets.prompts import pydate, qdate
from app.ui.widgets.tables import EmptyHint, list_view
from app.ui.widgets.usage_correction import CorrectionDialog
from app.ui.widgets.usage_list import (
    BILLED_REASON,
    CUSTOM,
    PERIODS,
    UsageTotals,
    period_range,
    usage_columns,
)

ALL_AGREEMENTS = "All agreements"
ALL_ITEMS = "All items"
REFRESH_ON = ("usage", "invoices", "clients", "schedules", "all")


def _date_edit(value: date) -> QDateEdit:
    edit = QDateEdit(qdate(value))
    edit.setCalendarPopup(True)
    edit.setDisplayFormat("d MMM yyyy")
    return edit


def client_agreements(ctx: Any, client_id: int) -> list[ScheduleRow]:
    q = schedules_svc.ScheduleQuery(status="all", client_id=client_id, sort="name")
    return schedules_svc.schedule_rows(ctx, schedules_svc.schedule_ids(ctx, q))


class UsagePage(Page):
    title = "Usage"

    def __init__(self, handle: AppHandle) -> None:
        super().__init__(handle)
        self.figures = Figures()
        self.today = handle.ctx.clock.today
        self._generation = 0
        self._refreshed_at = 0.0
        self._selected: svc.UsageRow | None = None

        self.client = ClientPicker(handle, allow_all=True, include_archived=True, load=False)
        self.client.setMinimumWidth(200)
        self.agreement = QComboBox()
        self.agreement.setMinimumWidth(180)
        self.agreement.addItem(ALL_AGREEMENTS, 0)
        self.item = QComboBox()
        self.item.setMinimumWidth(120)
        self.item.addItem(ALL_ITEMS, "")
        self.period = QComboBox()
        for key, label in PERIODS:
            self.period.addItem(label, key)
        self.start = _date_edit(self.today().replace(day=1))
        self.end = _date_edit(self.today())
        self.count_label = QLabel()
        self.count_label.setObjectName("muted")
        self.correct_button = QPushButton("Correct quantity…")
        self.import_button = QPushButton("Import usage…")
        self.import_button.setObjectName("primary")

        ctx = handle.ctx
        self.model: LazyTableModel[svc.UsageRow] = LazyTableModel(
            usage_columns(self.figures), lambda ids: svc.usage_rows(ctx, ids), lambda r: r.id
        )
        self.table = list_view()
        self.table.setModel(self.model)
        header = self.table.horizontalHeader()
        for col, width in ((0, 100), (1, 190), (2, 110), (3, 100), (4, 120)):
            header.resizeSection(col, width)
        header.setSectionResizeMode(5, QHeaderView.ResizeMode.Stretch)
        header.resizeSection(6, 70)
        self.table.doubleClicked.connect(lambda _i: self.correct_selected())
        self.empty = EmptyHint(self.table)
        self.totals = UsageTotals(self.figures)

        filters = QHBoxLayout()
        for label, widget in (
            ("Client", self.client),
            ("Agreement", self.agreement),
            ("Item", self.item),
        ):
            filters.addWidget(QLabel(label))
            filters.addWidget(widget, 1)
            filters.addSpacing(8)
        filters.addStretch(1)
        filters.addWidget(self.import_button)
        actions = QHBoxLayout()
        actions.addWidget(QLabel("Period"))
        actions.addWidget(self.period)
        actions.addWidget(self.start)
        actions.addWidget(QLabel("to"))
        actions.addWidget(self.end)
        actions.addSpacing(12)
        actions.addWidget(self.count_label)
        actions.addStretch(1)
        actions.addWidget(self.correct_button)

        layout = QVBoxLayout(self)
        layout.addWidget(page_header("Usage", "Metered usage and hours, per client and agreement"))
        layout.addLayout(filters)
        layout.addLayout(actions)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.totals)

        self._debounce = QTimer(self, singleShot=True, interval=120)
        self._debounce.timeout.connect(self.refresh)
        self.client.client_changed.connect(self._client_changed)
        self.agreement.activated.connect(lambda _i: self.refresh())
        self.item.activated.connect(lambda _i: self.refresh())
        self.period.activated.connect(lambda _i: self._period_changed())
        self.start.dateChanged.connect(lambda _d: self._dates_edited())
        self.end.dateChanged.connect(lambda _d: self._dates_edited())
        self.correct_button.clicked.connect(self.correct_selected)
        self.import_button.clicked.connect(self.import_usage)
        self.table.selectionModel().currentRowChanged.connect(self._on_current_changed)
        handle.bus.changed.connect(self._on_changed)

        for key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            QShortcut(QKeySequence(key), self.table, activated=self.correct_selected)

        self.agreement.setEnabled(False)
        self._set_dates_enabled(False)
        self._update_buttons()
        handle.call(load_settings, on_done=self._settings, on_error=lambda _e: None)
        self.client.reload()
        self.refresh()

    # filters ------------------------------------------------------------------------
    def _settings(self, values: dict[str, Any]) -> None:
        self.figures.set_locale(str(values.get("company.locale") or "en_IE"))
        self.model.invalidate([])

    def query(self) -> svc.UsageQuery:
        key = str(self.period.currentData())
        if key == CUSTOM:
            start, end = pydate(self.start.date()), pydate(self.end.date())
        else:
            start, end = period_range(key, self.today())
        return svc.UsageQuery(
            client_id=self.client.client_id(),
            schedule_id=int(self.agreement.currentData() or 0) or None,
            item=str(self.item.currentData() or ""),
            start=start,
            end=end,
        )

    def _client_changed(self, client_id: int | None) -> None:
        self.agreement.clear()
        self.agreement.addItem(ALL_AGREEMENTS, 0)
        self.agreement.setEnabled(client_id is not None)
        if client_id is not None:

            def listed(rows: list[ScheduleRow]) -> None:
                if self.client.client_id() != client_id:
                    return
                for r in rows:
                    self.agreement.addItem(r.name, r.id)

            self.handle.call(client_agreements, client_id, on_done=listed, on_error=self._error)
        self.refresh()

    def _period_changed(self) -> None:
        key = str(self.period.currentData())
        start, end = period_range(key, self.today())
        for edit, value in ((self.start, start), (self.end, end)):
            if value is not None:
                edit.blockSignals(True)
                edit.setDate(qdate(value))
                edit.blockSignals(False)
        self._set_dates_enabled(key == CUSTOM)
        self.refresh()

    def _dates_edited(self) -> None:
        self.period.setCurrentIndex(self.period.findData(CUSTOM))
        self._set_dates_enabled(True)
        self._debounce.start()

    def _set_dates_enabled(self, on: bool) -> None:
        self.start.setEnabled(on)
        self.end.setEnabled(on)

    def set_period(self, key: str) -> None:
        """Choose a period from code, as the user would from the list."""
        self.period.setCurrentIndex(self.period.findData(key))
        self._period_changed()

    def set_range(self, start: date, end: date) -> None:
        self.period.setCurrentIndex(self.period.findData(CUSTOM))
        self._set_dates_enabled(True)
        for edit, value in ((self.start, start), (self.end, end)):
            edit.blockSignals(True)
            edit.setDate(QDate(value.year, value.month, value.day))
            edit.blockSignals(False)
        self.refresh()

    # data ---------------------------------------------------------------------------
    def refresh(self) -> None:
        """Ask for the matching ids and the per-item totals; a newer request wins."""
        self._debounce.stop()
        self._generation += 1
        self._refreshed_at = time.monotonic()
        generation = self._generation
        q = self.query()
        selected = self._selected.id if self._selected else None

        def listed(ids: list[int]) -> None:
            if generation != self._generation:
                return
            self.model.invalidate()
            self.model.set_ids(ids)
            n = len(ids)
            self.count_label.setText(f"{n:,} record{'s' if n != 1 else ''}")
            self.empty.set_text(
                "No usage matches these filters."
                if q.client_id or q.item or q.start or q.schedule_id
                else "No usage yet.\nImport a file from your metering system or time sheets."
            )
            self.empty.update_for(n)
            row = self.model.row_of_id(selected) if selected is not None else -1
            if row >= 0:
                self.table.selectRow(row)
            else:
                self._selected = None
            self._update_buttons()

        def totalled(rows: list[tuple[str, Decimal, int]]) -> None:
            if generation != self._generation:
                return
            self._fill_items([item for item, _t, _n in rows])
            self.totals.show_totals(rows, lambda item: not q.item or item == q.item)

        self.handle.call(svc.usage_ids, q, on_done=listed, on_error=self._error)
        self.handle.call(svc.usage_totals, q, on_done=totalled, on_error=self._error)

    def _fill_items(self, items: list[str]) -> None:
        current = str(self.item.currentData() or "")
        wanted = sorted(set(items) | ({current} if current else set()), key=str.casefold)
        if [self.item.itemData(i) for i in range(1, self.item.count())] == wanted:
            return
        self.item.clear()
        self.item.addItem(ALL_ITEMS, "")
        for item in wanted:
            self.item.addItem(item, item)
        self.item.setCurrentIndex(max(0, self.item.findData(current)))

    def _on_changed(self, what: str) -> None:
        if what in REFRESH_ON:
            if what == "clients":
                self.client.reload()
            self.refresh()

    def activated(self) -> None:
        if time.monotonic() - self._refreshed_at > 1.0:
            self.refresh()

    def _on_current_changed(self, current: Any, _previous: Any) -> None:
        self._selected = self.model.row(current.row()) if current.isValid() else None
        self._update_buttons()

    def _update_buttons(self) -> None:
        r = self._selected
        self.correct_button.setEnabled(r is not None and not r.billed)
        self.correct_button.setToolTip(
            BILLED_REASON
            if r is not None and r.billed
            else "Change the quantity of the selected record (Enter or double-click)"
        )

    # actions ------------------------------------------------------------------------
    def correct_selected(self) -> CorrectionDialog | None:
        r = self._selected
        if r is None:
            return None
        if r.billed:
            self.handle.bus.status.emit(BILLED_REASON)
            return None

        def chosen(answer: tuple[Decimal, str]) -> None:
            quantity, note = answer
            self.handle.call(
                svc.correct_record,
                r.id,
                quantity,
                note,
                changes="usage",
                on_done=lambda _r: self.handle.bus.status.emit(
                    f"Corrected the {r.item} record of {self.figures.date(r.occurred_on)} "
                    f"to {self.figures.quantity(quantity)}."
                ),
                on_error=self._error,
            )

        dialog = CorrectionDialog(self, r, self.figures)
        dialog.ask(chosen)
        return dialog

    def import_usage(self) -> Any:
        from app.ui.dialogs.usage_import import open_usage_import

        return open_usage_import(self, self.handle)

    def _error(self, exc: BaseException) -> None:
        QMessageBox.warning(self, "Usage", str(exc))
