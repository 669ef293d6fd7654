"""The main window: a sidebar of pages, a menu, and a status bar that shows background work.

The window paints before the database is opened; pages are built the first
time they are shown, so start-up costs only what the first page needs.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QSettings, QSize, Qt, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QProgressBar,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from app import __version__
from app.ui.handle import AppHandle
from app.ui.pages.base import ComingPage, Page


@dataclass(frozen=True)
class PageSpec:
    key: str
    title: str
    factory: Callable[[AppHandle], Page]


def _coming(title: str, what: str) -> Callable[[AppHandle], Page]:
    return lambda handle: ComingPage(handle, title, what)


def _lazy(module: str, name: str) -> Callable[[AppHandle], Page]:
    """A page factory that imports its module only when the page is first shown."""

    def make(handle: AppHandle) -> Page:
        page_class = getattr(importlib.import_module(module), name)
        return page_class(handle)  # type: ignore[no-any-return]

    return make


PAGES: list[PageSpec] = [
    PageSpec("dashboard", "Dashboard", _lazy("app.ui.pages.dashboard", "DashboardPage")),
    PageSpec("clients", "Clients", _lazy("app.ui.pages.clients", "ClientsPage")),
    PageSpec("schedules", "Schedules", _lazy("app.ui.pages.schedules", "SchedulesPage")),
    PageSpec("invoices", "Invoices", _lazy("app.ui.pages.invoices", "InvoicesPage")),
    PageSpec("usage", "Usage", _lazy("app.ui.pages.usage", "UsagePage")),
    PageSpec("payments", "Payments", _lazy("app.ui.pages.payments", "PaymentsPage")),
    PageSpec("bank", "Bank", _lazy("app.ui.pages.bank", "BankPage")),
    PageSpec("exceptions", "Exceptions", _lazy("app.ui.pages.exceptions", "ExceptionsPage")),
    PageSpec("outbox", "Outbox", _lazy("app.ui.pages.outbox", "OutboxPage")),
    PageSpec("reports", "Reports", _lazy("app.ui.pages.reports", "ReportsPage")),
    PageSpec("settings", "Settings", _lazy("app.ui.pages.settings", "SettingsPage")),
]


class MainWindow(QMainWindow):
    page_shown = Signal(str)

    def __init__(self) -> None:
        super().__init__()
        self.setWindowTitle("Counterfoil")
        self.setMinimumSize(QSize(960, 600))
        self.handle: AppHandle | None = None
        self._pages: dict[str, Page] = {}
        self._specs = {s.key: s for s in PAGES}

        self.sidebar = QListWidget()
        self.sidebar.setObjectName("sidebar")
        self.sidebar.setFixedWidth(190)
        self.sidebar.setFocusPolicy(Qt.FocusPolicy.TabFocus)
        self.sidebar.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        for i, spec in enumerate(PAGES, start=1):
            item = QListWidgetItem(spec.title)
            item.setData(Qt.ItemDataRole.UserRole, spec.key)
            item.setToolTip(f"{spec.title} (Ctrl+{i})" if i <= 9 else spec.title)
            item.setSizeHint(QSize(180, 38))
            self.sidebar.addItem(item)
        brand = QLabel("Counterfoil")
        brand.setObjectName("brand")
        side = QWidget()
        side.setObjectName("sidePanel")
        sl = QVBoxLayout(side)
        sl.setContentsMargins(0, 0, 0, 0)
        sl.setSpacing(0)
        sl.addWidget(brand)
        sl.addWidget(self.sidebar, 1)

        self.stack = QStackedWidget()
        self.loading = QLabel("Opening your books…")
        self.loading.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.loading.setObjectName("muted")
        self.stack.addWidget(self.loading)

        central = QWidget()
        layout = QHBoxLayout(central)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(side)
        content = QWidget()
        content.setObjectName("content")
        cl = QVBoxLayout(content)
        cl.setContentsMargins(18, 14, 18, 10)
        cl.addWidget(self.stack)
        layout.addWidget(content, 1)
        self.setCentralWidget(central)

        self.progress = QProgressBar()
        self.progress.setMaximumWidth(220)
        self.progress.setTextVisible(True)
        self.progress.hide()
        self.busy = QLabel()
        self.busy.setObjectName("muted")
        self.statusBar().addPermanentWidget(self.busy)
        self.statusBar().addPermanentWidget(self.progress)

        self._build_menus()
        self.sidebar.currentRowChanged.connect(self._on_sidebar)
        self._restore_geometry()

    # menus ------------------------------------------------------------------
    def _build_menus(self) -> None:
        file_menu = self.menuBar().addMenu("&File")
        self.file_menu = file_menu
        bill_run = QAction("&Bill run…", self)
        bill_run.setShortcut(QKeySequence("Ctrl+B"))
        bill_run.triggered.connect(self.open_bill_run)
        file_menu.addAction(bill_run)
        from app.ui.dialogs.mail_settings import menu_action as mail_settings_action
        from app.ui.widgets.payment_menu import money_in_actions

        file_menu.addActions(money_in_actions(self))
        file_menu.addAction(mail_settings_action(self))
        file_menu.addSeparator()
        quit_action = QAction("&Quit", self)
        quit_action.setShortcut(QKeySequence.StandardKey.Quit)
        quit_action.triggered.connect(self.close)
        file_menu.addAction(quit_action)
        go = self.menuBar().addMenu("&Go")
        for i, spec in enumerate(PAGES, start=1):
            action = QAction(spec.title, self)
            if i <= 9:
                action.setShortcut(QKeySequence(f"Ctrl+{i}"))
            action.triggered.connect(lambda _c=False, k=spec.key: self.show_page(k))
            go.addAction(action)
        help_menu = self.menuBar().addMenu("&Help")
        about = QAction("&About Counterfoil", self)
        about.triggered.connect(self._about)
        help_menu.addAction(about)

    def open_bill_run(self) -> None:
        if self.handle is None:
            return
        from app.ui.dialogs.bill_run_dialog import open_bill_run

        open_bill_run(self, self.handle)

    def _about(self) -> None:
        from PySide6.QtWidgets import QMessageBox

        QMessageBox.about(
            self,
            "About Counterfoil",
            f"<b>Counterfoil {__version__}</b><br>Billing operations for a small business:"
            " schedules, invoices, reminders and bank reconciliation — offline and exact.",
        )

    # pages ------------------------------------------------------------------
    def attach(self, handle: AppHandle, first_page: str = "clients") -> None:
        """Called once the database is open: pages can now be built."""
        self.handle = handle
        from app.ui import data_safety

        data_safety.install(self, handle)
        handle.ops.busy_changed.connect(self._on_busy)
        handle.bus.status.connect(lambda text: self.statusBar().showMessage(text, 8000))
        self.show_page(first_page)
        # after the first page, so its query is queued ahead of the badge's count
        from app.ui.widgets.sidebar_badge import SidebarBadge

        row = next(i for i, spec in enumerate(PAGES) if spec.key == "exceptions")
        self.exceptions_badge = SidebarBadge(handle, self.sidebar.item(row), "Exceptions")

    def page(self, key: str) -> Page:
        if key not in self._pages:
            assert self.handle is not None, "pages need an open database"
            page = self._specs[key].factory(self.handle)
            self._pages[key] = page
            self.stack.addWidget(page)
        return self._pages[key]

    def show_page(self, key: str) -> Page | None:
        if self.handle is None:
            return None
        page = self.page(key)
        self.stack.setCurrentWidget(page)
        row = next(i for i, s in enumerate(PAGES) if s.key == key)
        if self.sidebar.currentRow() != row:
            self.sidebar.blockSignals(True)
            self.sidebar.setCurrentRow(row)
            self.sidebar.blockSignals(False)
        page.activated()
        self.page_shown.emit(key)
        return page

    def _on_sidebar(self, row: int) -> None:
        if 0 <= row < len(PAGES):
            self.show_page(PAGES[row].key)

    def _on_busy(self, busy: bool) -> None:
        self.busy.setText("Working…" if busy else "")

    def show_progress(self, done: int, total: int, message: str = "") -> None:
        self.progress.setMaximum(max(total, 1))
        self.progress.setValue(done)
        self.progress.setFormat(f"{message} %p%" if message else "%p%")
        self.progress.setVisible(done < total)

    # window state -----------------------------------------------------------
    def _restore_geometry(self) -> None:
        geometry = QSettings().value("window/geometry")
        if geometry is not None:
            self.restoreGeometry(geometry)
        else:
            self.resize(1200, 760)

    def closeEvent(self, event: QCloseEvent) -> None:
        QSettings().setValue("window/geometry", self.saveGeometry())
        super().closeEvent(event)
