"""The Reports page: pick a report on the left, set its filters, read the chart and the
sortable table, export it (CSV, Excel, or PDF for a statement of account).

Each report is computed in the background by the same ``run_report`` the
command line uses; the page only shows the result.  ``show_report`` lets the
dashboard open a report already filtered (a period, a currency, a day).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from PySide6.QtCore import QDate, Qt, QTimer
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from app.core.reports import PERIOD_CHOICES, Period, period_for
from app.services import exports
from app.services.report_catalog import (
    REPORTS,
    ReportOutput,
    ReportParams,
    default_period,
    run_report,
)
from app.services.settings import load_settings
from app.ui.handle import AppHandle
from app.ui.pages.base import Page, page_header
from app.ui.widgets.charts import (
    PALETTE,
    ChartCard,
    aging_chart,
    bar_chart,
    hbar_chart,
    line_chart,
    month_label,
)
from app.ui.widgets.client_picker import ClientPicker
from app.ui.widgets.figures import Figures
from app.ui.widgets.report_table import ReportTableModel
from app.ui.widgets.tables import EmptyHint, list_view

ORDER = ["aging", "collections", "register", "tax", "revenue", "mrr", "dso", "health", "statement"]
ALL = "All currencies"
NAME_COLUMNS = ("client", "name", "details", "description", "method")


def _qdate(d: date) -> QDate:
    return QDate(d.year, d.month, d.day)


def _pydate(q: QDate) -> date:
    return date(q.year(), q.month(), q.day())


def _date_edit(d: date) -> QDateEdit:
    edit = QDateEdit(_qdate(d))
    edit.setCalendarPopup(True)
    edit.setDisplayFormat("yyyy-MM-dd")
    return edit


class ReportsPage(Page):
    title = "Reports"

    def __init__(self, handle: AppHandle) -> None:
        super().__init__(handle)
        self.today = handle.ctx.clock.today
        self.figures = Figures()
        self.output: ReportOutput | None = None
        self._generation = 0
        self.loaded_count = 0
        self.key = "aging"

        self.choice = QComboBox()
        self.choice.setMinimumWidth(220)
        for key in ORDER:
            spec = REPORTS[key]
            self.choice.addItem(spec.title, key)
            self.choice.setItemData(
                self.choice.count() - 1, spec.description, Qt.ItemDataRole.ToolTipRole
            )
        self.description = QLabel("")
        self.description.setObjectName("pageSubtitle")
        self.description.setWordWrap(True)

        # filters
        self.as_of_label = QLabel("As of")
        self.as_of = _date_edit(self.today())
        self.preset_label = QLabel("Period")
        self.preset = QComboBox()
        self.preset.addItem("Custom", "")
        for key, label in PERIOD_CHOICES:
            self.preset.addItem(label, key)
        self.start_label = QLabel("From")
        self.start = _date_edit(self.today())
        self.end_label = QLabel("to")
        self.end = _date_edit(self.today())
        self.currency_label = QLabel("Currency")
        self.currency = QComboBox()
        self.currency.setMinimumWidth(130)
        self.currency.addItem(ALL, "")
        self.client_label = QLabel("Client")
        self.client = ClientPicker(handle, allow_all=True, include_archived=True, load=False)
        self.client.setMinimumWidth(200)
        self.group_label = QLabel("Group by")
        self.group = QComboBox()
        for value, label in (("month", "Month"), ("quarter", "Quarter"), ("day", "Day")):
            self.group.addItem(label, value)
        self.by_label = QLabel("By")
        self.by = QComboBox()
        self.by.addItem("Client", "client")
        self.by.addItem("Service", "service")

        self.csv_button = QPushButton("Export CSV…")
        self.xlsx_button = QPushButton("Export Excel…")
        self.pdf_button = QPushButton("Statement PDF…")
        self.pdf_button.setObjectName("primary")

        filters = QHBoxLayout()
        self._filter_widgets: dict[str, list[QWidget]] = {
            "as_of": [self.as_of_label, self.as_of],
            "period": [
                self.preset_label,
                self.preset,
                self.start_label,
                self.start,
                self.end_label,
                self.end,
            ],
            "currency": [self.currency_label, self.currency],
            "client": [self.client_label, self.client],
            "group": [self.group_label, self.group],
            "by": [self.by_label, self.by],
        }
        for widgets in self._filter_widgets.values():
            for w in widgets:
                filters.addWidget(w)
            filters.addSpacing(6)
        filters.addStretch(1)

        self.count_label = QLabel("")
        self.count_label.setObjectName("muted")

        chooser = QHBoxLayout()
        chooser.addWidget(QLabel("Report"))
        chooser.addWidget(self.choice)
        chooser.addSpacing(8)
        chooser.addWidget(self.description, 1)
        chooser.addWidget(self.csv_button)
        chooser.addWidget(self.xlsx_button)
        chooser.addWidget(self.pdf_button)

        self.chart_currency = QComboBox()
        self.chart_currency.setToolTip("Currency drawn in the chart (never converted)")
        self.chart_currency.setMinimumWidth(80)
        self.chart_card = ChartCard("")
        self.chart_card.header.addWidget(self.chart_currency)
        self.chart_card.view.setMinimumHeight(180)

        self.model = ReportTableModel(self.figures)
        self.table = list_view()
        self.table.setModel(self.model)
        self.table.setSortingEnabled(True)
        self.table.horizontalHeader().setSortIndicatorShown(True)
        self.table.horizontalHeader().setStretchLastSection(False)
        self.table.doubleClicked.connect(self._open_row)
        self.empty = EmptyHint(self.table)

        lower = QWidget()
        ll = QVBoxLayout(lower)
        ll.setContentsMargins(0, 0, 0, 0)
        ll.setSpacing(4)
        ll.addWidget(self.table, 1)
        ll.addWidget(self.count_label)
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.chart_card)
        split.addWidget(lower)
        split.setStretchFactor(0, 2)
        split.setStretchFactor(1, 3)
        split.setSizes([250, 400])
        split.setChildrenCollapsible(False)

        layout = QVBoxLayout(self)
        layout.addWidget(page_header("Reports", "For the owner, the bookkeeper and the tax return"))
        layout.addLayout(chooser)
        layout.addLayout(filters)
        layout.addWidget(split, 1)

        self._debounce = QTimer(self, singleShot=True, interval=150)
        self._debounce.timeout.connect(self.refresh)
        self.choice.currentIndexChanged.connect(self._on_report_chosen)
        self.preset.currentIndexChanged.connect(self._on_preset)
        for edit in (self.as_of, self.start, self.end):
            edit.dateChanged.connect(lambda _d: self._debounce.start())
        self.start.dateChanged.connect(lambda _d: self._custom())
        self.end.dateChanged.connect(lambda _d: self._custom())
        for combo in (self.currency, self.group, self.by):
            combo.currentIndexChanged.connect(lambda _i: self._debounce.start())
        self.client.client_changed.connect(lambda _c: self._debounce.start())
        self.chart_currency.currentIndexChanged.connect(lambda _i: self._draw_chart())
        self.csv_button.clicked.connect(lambda: self.export_dialog("csv"))
        self.xlsx_button.clicked.connect(lambda: self.export_dialog("xlsx"))
        self.pdf_button.clicked.connect(self.statement_pdf_dialog)
        handle.bus.changed.connect(self._on_changed)

        self._applying = False
        self._load_settings()
        self.client.reload()
        self._on_report_chosen(0)

    def _remember_currencies(self, output: ReportOutput) -> None:
        """Offer every currency the book has shown so far in the currency filter."""
        seen = set(output.chart.series) if output.chart else set()
        cols = [i for i, c in enumerate(output.table.columns) if c.key == "currency"]
        for i in cols:
            seen |= {str(r[i]) for r in output.table.rows if r[i]}
        for cur in sorted(c for c in seen if len(c) == 3 and c.isupper()):
            if self.currency.findData(cur) < 0:
                self.currency.addItem(cur, cur)

    # filters ------------------------------------------------------------------------
    def _on_report_chosen(self, row: int) -> None:
        if not 0 <= row < self.choice.count():
            return
        self.key = str(self.choice.itemData(row))
        spec = REPORTS[self.key]
        self._applying = True
        period = default_period(spec, self.today())
        self.preset.setCurrentIndex(0)
        self.start.setDate(_qdate(period.start))
        self.end.setDate(_qdate(period.end))
        self._applying = False
        self._show_filters()
        self.refresh()

    def _show_filters(self) -> None:
        spec = REPORTS[self.key]
        self.description.setText(spec.description)
        for name, widgets in self._filter_widgets.items():
            for w in widgets:
                w.setVisible(name in spec.filters)
        self.pdf_button.setVisible(self.key == "statement")

    def _on_preset(self, _index: int) -> None:
        key = str(self.preset.currentData() or "")
        if not key:
            return
        period = period_for(key, self.today())
        self._applying = True
        self.start.setDate(_qdate(period.start))
        self.end.setDate(_qdate(period.end))
        self._applying = False
        self._debounce.start()

    def _custom(self) -> None:
        if not self._applying and self.preset.currentIndex() != 0:
            self.preset.blockSignals(True)
            self.preset.setCurrentIndex(0)
            self.preset.blockSignals(False)

    def params(self) -> ReportParams:
        spec = REPORTS[self.key]
        has = spec.filters
        return ReportParams(
            as_of=_pydate(self.as_of.date()) if "as_of" in has else None,
            start=_pydate(self.start.date()) if "period" in has else None,
            end=_pydate(self.end.date()) if "period" in has else None,
            currency=str(self.currency.currentData() or "") if "currency" in has else "",
            client_id=self.client.client_id() if "client" in has else None,
            group=str(self.group.currentData() or "month"),
            by=str(self.by.currentData() or "client"),
        )

    def show_report(
        self,
        key: str,
        *,
        start: date | None = None,
        end: date | None = None,
        as_of: date | None = None,
        currency: str | None = None,
        client_id: int | None = None,
    ) -> None:
        """Open one report with filters set (used by the dashboard's click-through)."""
        if key not in REPORTS:
            raise KeyError(f"unknown report {key!r}")
        self.choice.blockSignals(True)
        self.choice.setCurrentIndex(ORDER.index(key))
        self.choice.blockSignals(False)
        self.key = key
        spec = REPORTS[key]
        self._applying = True
        period = default_period(spec, self.today())
        self.preset.setCurrentIndex(0)
        self.start.setDate(_qdate(start or period.start))
        self.end.setDate(_qdate(end or period.end))
        self.as_of.setDate(_qdate(as_of or self.today()))
        index = self.currency.findData(currency or "")
        if currency and index < 0:
            self.currency.addItem(currency, currency)
            index = self.currency.count() - 1
        self.currency.setCurrentIndex(max(index, 0))
        self.client.set_client_id(client_id)
        self._applying = False
        self._show_filters()
        self._debounce.stop()
        self.refresh()

    # loading ------------------------------------------------------------------------
    def refresh(self) -> None:
        self._debounce.stop()
        self._generation += 1
        generation = self._generation
        key = self.key
        spec = REPORTS[key]
        if key == "statement" and self.client.client_id() is None:
            self.output = None
            self.model.set_report(None)
            self.chart_card.hide()
            self.empty.set_text("Choose a client to see their statement of account.")
            self.empty.update_for(0)
            self.count_label.setText("")
            self._update_buttons()
            return
        self.count_label.setText("Calculating…")

        def done(output: ReportOutput) -> None:
            if generation != self._generation:
                return
            self.output = output
            self._remember_currencies(output)
            self.model.set_report(output.table)
            self._fit_columns()
            n = len(output.table.rows)
            self.count_label.setText(
                f"{n:,} row{'s' if n != 1 else ''}"
                + (f" · {output.table.subtitle}" if output.table.subtitle else "")
            )
            self.empty.set_text("Nothing to report for these filters.")
            self.empty.update_for(n)
            self._fill_chart_currencies()
            self._draw_chart()
            self._update_buttons()
            self.loaded_count += 1

        def failed(exc: BaseException) -> None:
            if generation != self._generation:
                return
            self.count_label.setText(f"Could not compute {spec.title.lower()}: {exc}")
            self._update_buttons()

        self.handle.call(run_report, key, self.params(), on_done=done, on_error=failed)

    def _update_buttons(self) -> None:
        has = self.output is not None
        self.csv_button.setEnabled(has)
        self.xlsx_button.setEnabled(has)
        self.pdf_button.setEnabled(self.key == "statement" and self.client.client_id() is not None)

    def _fit_columns(self) -> None:
        """Natural widths when they fit; otherwise the name column gives way first, then
        the figures are capped. A name or description column takes any room left."""
        header = self.table.horizontalHeader()
        header.setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        report = self.model.report
        if report is None:
            return
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.resizeColumnsToContents()
        widths = [header.sectionSize(i) + 8 for i in range(len(report.columns))]
        names = [i for i, c in enumerate(report.columns) if c.key in NAME_COLUMNS]
        room = self.table.viewport().width() or 1000
        if sum(widths) > room:
            for i in names:
                widths[i] = max(180, widths[i] - (sum(widths) - room))
        if sum(widths) > room:
            for i, col in enumerate(report.columns):
                if i not in names:
                    widths[i] = min(widths[i], 84 if col.key == "currency" else 100)
        for i, width in enumerate(widths):
            header.resizeSection(i, width)
        if names:
            header.setSectionResizeMode(names[0], QHeaderView.ResizeMode.Stretch)
        elif sum(widths) < room:
            # no name column: spread the spare room evenly so figures don't huddle left
            extra = (room - sum(widths)) // len(widths)
            for i, width in enumerate(widths):
                header.resizeSection(i, width + extra)

    def _load_settings(self) -> None:
        def loaded(values: dict[str, Any]) -> None:
            self.figures.set_locale(str(values.get("company.locale") or "en_IE"))
            home = str(values.get("company.currency") or "")
            if home and self.currency.findData(home) < 0:
                self.currency.addItem(home, home)
            self.model.layoutChanged.emit()

        self.handle.call(load_settings, on_done=loaded, on_error=lambda _e: None)

    def _on_changed(self, what: str) -> None:
        if what in ("invoices", "payments", "clients", "bank", "exceptions", "schedules", "all"):
            if what in ("clients", "all"):
                self.client.reload()
            if self.isVisible():
                self.refresh()
        elif what == "settings":
            self._load_settings()

    def activated(self) -> None:
        """Refresh shortly after the page is shown, unless ``show_report`` asks first."""
        if self.output is not None:
            self._debounce.start()

    # chart --------------------------------------------------------------------------
    def _fill_chart_currencies(self) -> None:
        chart = self.output.chart if self.output else None
        keep = self.chart_currency.currentText()
        self.chart_currency.blockSignals(True)
        self.chart_currency.clear()
        names = [c for c in (chart.series if chart else {}) if c]
        for cur in names:
            self.chart_currency.addItem(cur)
        if keep in names:
            self.chart_currency.setCurrentText(keep)
        self.chart_currency.setVisible(len(names) > 1)
        self.chart_currency.blockSignals(False)

    def _draw_chart(self) -> None:
        chart = self.output.chart if self.output else None
        if chart is None:
            self.chart_card.hide()
            return
        self.chart_card.show()
        self.chart_card.title.setText(chart.title)
        cur = self.chart_currency.currentText() or next(iter(chart.series), "")
        values = chart.series.get(cur, [])
        labels = [
            month_label(c, self.figures.locale) if c[:2] == "20" else c for c in chart.categories
        ]
        if not any(v for v in values if v is not None):
            self.chart_card.set_chart(None, "Nothing to draw for these filters.")
            return
        if chart.kind == "line":
            axis = chart.axis_title or cur
            self.chart_card.set_chart(line_chart(labels, [(cur or axis, values, PALETTE[0])], axis))
        elif chart.kind == "hbar":
            self.chart_card.set_chart(hbar_chart(chart.categories, values, cur, colour=PALETTE[0]))
        elif self.key == "aging":
            self.chart_card.set_chart(aging_chart(chart.categories, values, cur))
        else:
            self.chart_card.set_chart(bar_chart(labels, [(cur, values, PALETTE[0])], cur))
        self.chart_card.note.setText(
            f"In {cur}; other currencies are charted separately" if len(chart.series) > 1 else ""
        )

    # rows -----------------------------------------------------------------------------
    def _open_row(self, index: Any) -> None:
        """Double-click on an aging row: that client's open invoices."""
        if self.key != "aging" or self.output is None or not index.isValid():
            return
        if index.row() >= self.model.body_rows():
            return
        name = self.model.row_values(index.row())[0]
        main = self.window()
        if not hasattr(main, "show_page"):
            return
        page = main.show_page("invoices")
        search = getattr(page, "search", None)
        if search is not None:
            search.setText(str(name))
        if hasattr(page, "show_filter"):
            page.show_filter("open")

    # exports --------------------------------------------------------------------------
    def export_to(self, path: Path, fmt: str) -> None:
        """Write the report on screen to ``path`` (csv or xlsx) in the background."""
        if self.output is None:
            return
        table = self.output.table

        def done(_p: Any) -> None:
            self.handle.bus.status.emit(f"{table.title} exported to {path}")

        self.handle.call(
            lambda _ctx: exports.export_table(table, Path(path), fmt),
            on_done=done,
            on_error=self._error,
        )

    def export_dialog(self, fmt: str) -> None:
        if self.output is None:
            return
        name = exports.default_name(self.output.table.key, fmt, self.today())
        flt = "CSV files (*.csv)" if fmt == "csv" else "Excel workbooks (*.xlsx)"
        path, _ = QFileDialog.getSaveFileName(self, "Export report", name, flt)
        if path:
            self.export_to(Path(path), fmt)

    def statement_to(self, path: Path) -> None:
        from app.services.report_statement import statement_pdf

        p = self.params()
        if p.client_id is None or p.start is None or p.end is None:
            return
        period = Period(p.start, p.end)

        def write(ctx: Any) -> Path:
            Path(path).write_bytes(statement_pdf(ctx, p.client_id, period, p.currency))  # type: ignore[arg-type]
            return Path(path)

        self.handle.call(
            write,
            on_done=lambda _p: self.handle.bus.status.emit(f"Statement saved to {path}"),
            on_error=self._error,
        )

    def statement_pdf_dialog(self) -> None:
        if self.client.client_id() is None:
            return
        name = f"statement-{self.client.currentText().strip().replace(' ', '-')}.pdf"
        path, _ = QFileDialog.getSaveFileName(self, "Save statement", name, "PDF (*.pdf)")
        if path:
            self.statement_to(Path(path))

    def _error(self, exc: BaseException) -> None:
        QMessageBox.warning(self, "Reports", str(exc))
