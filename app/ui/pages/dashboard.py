"""The Dashboard: what was invoiced, collected, overdue and at risk, at a glance.

Figures load in the background (one read transaction for everything, then
the next bill run separately, since planning it is the slowest part).  Money
is shown one currency at a time with the other currencies listed beneath;
nothing is converted.  Every card and every bar opens the list behind it.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import (
    QComboBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from app.core.reports import BUCKETS, PERIOD_CHOICES, Change, months_back
from app.services.report_dashboard import Dashboard, NextRun, dashboard, next_bill_run
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
from app.ui.widgets.figures import Figures
from app.ui.widgets.kpi import (
    BAD,
    NEUTRAL,
    KpiCard,
    change_text,
    days_text,
    percent_text,
    whole_money,
)

CARDS = [
    ("invoiced", "Invoiced", "Invoices issued in the period, tax included (void excluded)."),
    ("collected", "Collected", "Payments received in the period, less refunds and reversals."),
    ("outstanding", "Outstanding", "Open invoices at the end of the period."),
    ("overdue", "Overdue", "Open invoices past their due date at the end of the period."),
    ("dso", "DSO", "Days sales outstanding = AR at period end ÷ invoiced in period × days."),
    ("days_to_pay", "Average days to pay", "Days from issue to payment, over payments applied."),
    ("mrr", "MRR", "Monthly recurring revenue from active agreements, net of tax."),
    ("bank", "To reconcile", "Imported bank lines not yet matched or confirmed."),
    ("exceptions", "Open exceptions", "Items waiting for a decision."),
    ("next_run", "Next bill run", "What the next bill run will invoice."),
]
REFRESH_ON = {"invoices", "payments", "bank", "exceptions", "schedules", "clients", "all"}


class DashboardPage(Page):
    title = "Dashboard"

    def __init__(self, handle: AppHandle) -> None:
        super().__init__(handle)
        self.figures = Figures()
        self.board: Dashboard | None = None
        self.next_run: NextRun | None = None
        self._generation = 0
        self._stale = False
        self.loaded_count = 0

        self.period = QComboBox()
        for key, label in PERIOD_CHOICES:
            self.period.addItem(label, key)
        self.currency = QComboBox()
        self.currency.setMinimumWidth(80)
        self.currency.setToolTip("Amounts are shown per currency; nothing is converted.")
        self.refresh_button = QPushButton("Refresh")
        self.subtitle = QLabel("")
        self.subtitle.setObjectName("pageSubtitle")
        self.banner = QLabel("")
        self.banner.setObjectName("muted")
        self.banner.setWordWrap(True)
        self.banner.hide()

        top = QHBoxLayout()
        heading = QVBoxLayout()
        heading.setSpacing(0)
        heading.addWidget(page_header("Dashboard"))
        heading.addWidget(self.subtitle)
        top.addLayout(heading, 1)
        top.addWidget(QLabel("Period"))
        top.addWidget(self.period)
        top.addSpacing(8)
        top.addWidget(QLabel("Currency"))
        top.addWidget(self.currency)
        top.addWidget(self.refresh_button)

        self.cards: dict[str, KpiCard] = {}
        grid = QGridLayout()
        grid.setHorizontalSpacing(10)
        grid.setVerticalSpacing(8)
        for i, (key, title, tip) in enumerate(CARDS):
            card = KpiCard(title, key, tip)
            card.clicked.connect(lambda k=key: self.open_card(k))
            self.cards[key] = card
            grid.addWidget(card, i // 5, i % 5)

        self.chart_months = ChartCard("Invoiced and collected by month")
        self.chart_aging = ChartCard("Receivables by age")
        self.chart_dso = ChartCard("DSO by month")
        self.chart_overdue = ChartCard("Top overdue clients")
        charts = QGridLayout()
        charts.setHorizontalSpacing(10)
        charts.setVerticalSpacing(8)
        charts.addWidget(self.chart_months, 0, 0)
        charts.addWidget(self.chart_aging, 0, 1)
        charts.addWidget(self.chart_dso, 1, 0)
        charts.addWidget(self.chart_overdue, 1, 1)

        body = QWidget()
        body.setObjectName("content")
        inner = QVBoxLayout(body)
        inner.setContentsMargins(0, 0, 6, 0)
        inner.setSpacing(8)
        inner.addWidget(self.banner)
        inner.addLayout(grid)
        inner.addLayout(charts, 1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setWidget(body)

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(scroll, 1)

        self.period.currentIndexChanged.connect(lambda _i: self.refresh())
        self.currency.currentIndexChanged.connect(lambda _i: self._render())
        self.refresh_button.clicked.connect(self.refresh)
        handle.bus.changed.connect(self._on_changed)
        self._load_settings()
        self.refresh()

    # loading ------------------------------------------------------------------------
    def period_key(self) -> str:
        return str(self.period.currentData() or "month")

    def refresh(self) -> None:
        """Reload every figure in the background; a newer request wins."""
        self._generation += 1
        generation = self._generation
        self.refresh_button.setEnabled(False)

        def done(board: Dashboard) -> None:
            if generation != self._generation:
                return
            self.board = board
            self.refresh_button.setEnabled(True)
            self._fill_currencies(board)
            self._render()
            self.loaded_count += 1

        def failed(exc: BaseException) -> None:
            self.refresh_button.setEnabled(True)
            self.banner.setText(f"The figures could not be loaded: {exc}")
            self.banner.show()

        self.handle.call(dashboard, self.period_key(), on_done=done, on_error=failed)
        self.handle.call(next_bill_run, on_done=self._show_next_run, on_error=lambda _e: None)

    def _load_settings(self) -> None:
        def loaded(values: dict[str, Any]) -> None:
            self.figures.set_locale(str(values.get("company.locale") or "en_IE"))
            self._render()

        self.handle.call(load_settings, on_done=loaded, on_error=lambda _e: None)

    def _on_changed(self, what: str) -> None:
        if what in REFRESH_ON:
            if self.isVisible():
                self.refresh()
            else:
                self._stale = True  # reloaded when the page is shown again
        elif what == "settings":
            self._load_settings()

    def activated(self) -> None:
        if self.board is not None and (self._stale or self.isVisible()):
            self._stale = False
            self.refresh()

    def _fill_currencies(self, board: Dashboard) -> None:
        keep = self.currency.currentText()
        self.currency.blockSignals(True)
        self.currency.clear()
        for cur in board.currencies:
            self.currency.addItem(cur)
        if keep and keep in board.currencies:
            self.currency.setCurrentText(keep)
        self.currency.blockSignals(False)

    def selected_currency(self) -> str:
        return self.currency.currentText()

    # showing ------------------------------------------------------------------------
    @property
    def locale(self) -> str:
        return self.figures.locale

    def _others(self, values: dict[str, Change], cur: str) -> str:
        rest = [
            whole_money(int(c.current or 0), other, self.locale)
            for other, c in values.items()
            if other != cur and c.current
        ]
        return ("Also " + " · ".join(rest)) if rest else ""

    def _money_card(
        self, key: str, values: dict[str, Change], cur: str, good: bool | None, note: str = ""
    ) -> None:
        c = values.get(cur, Change(0, 0))
        text, colour = change_text(c, self.locale, higher_is_good=good)
        previous = whole_money(int(c.previous or 0), cur, self.locale)
        extra = " ".join(x for x in (note, self._others(values, cur)) if x)
        self.cards[key].show_figure(
            whole_money(int(c.current or 0), cur, self.locale),
            text,
            colour,
            extra,
            tip=f"Previous period: {previous}",
        )

    def _render(self) -> None:
        board = self.board
        if board is None:
            return
        cur = self.selected_currency()
        f = self.figures
        p, q = board.period, board.previous
        self.subtitle.setText(
            f"{f.date(p.start)} – {f.date(p.end)}, compared with {f.date(q.start)} – "
            f"{f.date(q.end)}"
        )
        if board.empty:
            self.banner.setText(
                "No invoices or payments yet. Once the first bill run has issued invoices, "
                "the figures and charts appear here."
            )
            self.banner.show()
            for key in ("invoiced", "collected", "outstanding", "overdue", "dso", "mrr"):
                self.cards[key].show_figure("—")
            self.cards["days_to_pay"].show_figure("—")
            self._show_backlog(board)
            self._show_next_run(self.next_run)
            for card in (self.chart_months, self.chart_aging, self.chart_dso, self.chart_overdue):
                card.note.setText("")
                card.set_chart(None, "Nothing to show yet.")
            return
        self.banner.hide()
        self._money_card("invoiced", board.invoiced, cur, True, self._count_note(board, cur))
        self._money_card("collected", board.collected, cur, True)
        self._money_card("outstanding", board.outstanding, cur, None)
        share = board.overdue_share.get(cur, Change(None, None)).current
        self._money_card(
            "overdue",
            board.overdue,
            cur,
            False,
            f"{percent_text(share, self.locale)} of outstanding." if share is not None else "",
        )
        d = board.dso.get(cur, Change(None, None))
        text, colour = change_text(d, self.locale, higher_is_good=False)
        self.cards["dso"].show_figure(
            days_text(d.current, self.locale),
            text,
            colour,
            f"in {cur}" if cur else "",
            tip=f"Previous period: {days_text(d.previous, self.locale)}",
        )
        t = board.days_to_pay
        text, colour = change_text(t, self.locale, higher_is_good=False)
        self.cards["days_to_pay"].show_figure(
            days_text(t.current, self.locale),
            text,
            colour,
            "from issue date to payment",
            tip=f"Previous period: {days_text(t.previous, self.locale)}",
        )
        self._money_card("mrr", board.mrr, cur, True, "per month, net of tax.")
        self._show_backlog(board)
        self._show_next_run(self.next_run)
        self._charts(board, cur)

    def _day_month(self, day: Any) -> str:
        """``26 Nov`` (the year only when it is not this year's)."""
        from babel.dates import format_date

        from app.formatting import parse_locale

        same_year = day.year == self.handle.ctx.clock.today().year
        return format_date(
            day, "d MMM" if same_year else "d MMM y", locale=parse_locale(self.locale)
        )

    def _count_note(self, board: Dashboard, cur: str) -> str:
        n = board.invoice_count.get(cur, Change(0, 0)).current or 0
        return f"{n:,} invoice{'s' if n != 1 else ''}."

    def _show_backlog(self, board: Dashboard) -> None:
        b = board.backlog
        if b is None:
            return
        amounts = " · ".join(
            whole_money(v, c, self.locale) for c, v in sorted(b.bank_amounts.items())
        )
        self.cards["bank"].show_figure(
            f"{b.bank_lines:,}",
            "to match or confirm" if b.bank_lines else "all reconciled",
            BAD if b.bank_lines else NEUTRAL,
            amounts,
        )
        auto = b.auto_share
        self.cards["exceptions"].show_figure(
            f"{b.open_exceptions:,}",
            "waiting for a decision" if b.open_exceptions else "nothing waiting",
            NEUTRAL,
            f"{percent_text(auto, self.locale)} of {b.resolved_in_period} resolved this period "
            "were resolved automatically"
            if auto is not None
            else "",
        )

    def _show_next_run(self, run: NextRun | None) -> None:
        self.next_run = run
        card = self.cards["next_run"]
        if run is None:
            card.show_figure("…", "", NEUTRAL, "")
            return
        if run.due_count:
            totals = " · ".join(whole_money(v, c, self.locale) for c, v in run.due_totals.items())
            card.show_figure(
                f"{run.due_count:,} due now", "Open the bill run to issue them", BAD, totals
            )
        elif run.next_date is not None:
            totals = " · ".join(whole_money(v, c, self.locale) for c, v in run.next_totals.items())
            card.show_figure(
                self._day_month(run.next_date),
                f"{run.next_count:,} invoice{'s' if run.next_count != 1 else ''} due",
                NEUTRAL,
                totals,
            )
        else:
            card.show_figure("Nothing due", "in the next five weeks", NEUTRAL, "")

    def _charts(self, board: Dashboard, cur: str) -> None:
        labels = [month_label(m, self.locale, short=True) for m in board.months]
        span = (
            f"{month_label(board.months[0], self.locale)} – {month_label(board.months[-1], self.locale)}"
            if board.months
            else ""
        )
        if cur and (
            any(board.invoiced_months.get(cur, [])) or any(board.collected_months.get(cur, []))
        ):
            self.chart_months.set_chart(
                bar_chart(
                    labels,
                    [
                        ("Invoiced", board.invoiced_months.get(cur, []), PALETTE[0]),
                        ("Collected", board.collected_months.get(cur, []), PALETTE[1]),
                    ],
                    cur,
                    self._month_clicked,
                )
            )
            self.chart_months.note.setText(f"{span}, {cur}, tax included")
        else:
            self.chart_months.set_chart(None, "No invoices in the last twelve months.")
        buckets = board.aging.get(cur, [])
        if any(buckets):
            self.chart_aging.set_chart(
                aging_chart(list(BUCKETS), buckets, cur, self._aging_clicked)
            )
            self.chart_aging.note.setText(f"Open invoices on {self.figures.date(board.period.end)}")
        else:
            self.chart_aging.set_chart(None, "Nothing is open: every invoice is paid.")
        trend = board.dso_months.get(cur, [])
        if any(v is not None for v in trend):
            self.chart_dso.set_chart(
                line_chart(labels, [("DSO", trend, PALETTE[0])], "days", self._dso_clicked)
            )
            self.chart_dso.note.setText(f"{span}: AR at month end ÷ invoiced in the month × days")
        else:
            self.chart_dso.set_chart(None, "DSO needs invoices issued in a month.")
        late = board.top_overdue.get(cur, [])
        if late:
            self.chart_overdue.set_chart(
                hbar_chart(
                    [c.name for c in late], [c.amount for c in late], cur, self._late_clicked
                )
            )
            self.chart_overdue.note.setText("Overdue amount; click a bar to see the invoices")
        else:
            self.chart_overdue.set_chart(None, "Nobody is overdue.")

    # click-through --------------------------------------------------------------------
    def _main(self) -> Any:
        window = self.window()
        return window if hasattr(window, "show_page") else None

    def open_invoices(self, name: str, client_id: int | None = None) -> Any:
        """The invoice list with one of its filters (and optionally one client)."""
        main = self._main()
        if main is None:
            return None
        page = main.show_page("invoices")
        picker = getattr(page, "client_filter", None)
        if picker is not None:
            picker.set_client_id(client_id)
        if hasattr(page, "show_filter"):
            page.show_filter(name)
        return page

    def open_report(self, key: str, **filters: Any) -> Any:
        main = self._main()
        if main is None:
            return None
        page = main.show_page("reports")
        if hasattr(page, "show_report"):
            page.show_report(key, **filters)
        return page

    def open_card(self, key: str) -> Any:
        board, cur = self.board, self.selected_currency() or None
        period = board.period if board else None
        span = {"start": period.start, "end": period.end} if period else {}
        main = self._main()
        if key == "invoiced":
            return self.open_report("register", currency=cur, **span)
        if key in ("collected", "days_to_pay"):
            return self.open_report("collections", currency=cur, **span)
        if key == "outstanding":
            return self.open_invoices("open")
        if key == "overdue":
            return self.open_invoices("overdue")
        if key == "dso":
            return self.open_report("dso", currency=cur)
        if key == "mrr":
            return self.open_report("mrr", currency=cur)
        if main is None:
            return None
        if key == "bank":
            return main.show_page("bank")
        if key == "exceptions":
            return main.show_page("exceptions")
        if key == "next_run" and hasattr(main, "open_bill_run"):
            return main.open_bill_run()
        return None

    def _month_clicked(self, series: int, index: int) -> None:
        board = self.board
        if board is None or not 0 <= index < len(board.months):
            return
        month = months_back(board.period.end, len(board.months))[index]
        report = "register" if series == 0 else "collections"
        self.open_report(
            report, start=month.start, end=month.end, currency=self.selected_currency() or None
        )

    def _aging_clicked(self, _series: int, _index: int) -> None:
        board = self.board
        self.open_report(
            "aging",
            as_of=board.period.end if board else None,
            currency=self.selected_currency() or None,
        )

    def _dso_clicked(self, _series: int, _index: int) -> None:
        self.open_report("dso", currency=self.selected_currency() or None)

    def _late_clicked(self, _series: int, index: int) -> None:
        late = self.board.top_overdue.get(self.selected_currency(), []) if self.board else []
        if 0 <= index < len(late):
            self.open_invoices("overdue", late[index].client_id)
