"""Starting the GUI: paint the window first, then open the database in the background."""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any

from PySide6.QtCore import QEvent, QLockFile, QObject, QTimer, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QApplication, QMessageBox

from app.ui.handle import AppHandle, ChangeBus
from app.ui.main_window import MainWindow
from app.ui.qt_ops import OpRunner
from app.ui.theme import apply_theme

PROBE_ENV = "COUNTERFOIL_STARTUP_PROBE"


def parse_gui_args(argv: Sequence[str]) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="counterfoil", add_help=False)
    p.add_argument("--data-dir")
    p.add_argument("--db-url")
    p.add_argument("--as-of", type=date.fromisoformat)
    return p.parse_args(list(argv))


class _Probe(QObject):
    """Start-up timing for the benchmark: prints marks to stderr and quits when usable."""

    def __init__(self, window: MainWindow, started: float) -> None:
        super().__init__(window)
        self._started = started
        self._painted = False
        window.installEventFilter(self)

    def mark(self, name: str) -> None:
        sys.stderr.write(f"STARTUP {name} {(time.perf_counter() - self._started) * 1000:.1f}\n")
        sys.stderr.flush()

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        if not self._painted and event.type() == QEvent.Type.Paint:
            self._painted = True
            QTimer.singleShot(0, lambda: self.mark("first_paint"))
        return False


class Launcher(QObject):
    def __init__(self, window: MainWindow, args: argparse.Namespace, probe: _Probe | None) -> None:
        super().__init__(window)
        self.window = window
        self.args = args
        self.probe = probe
        self.ops = OpRunner("counterfoil-db", self)
        self.long_ops = OpRunner("counterfoil-long", self)
        self.bus = ChangeBus(self)

    def start(self) -> None:
        from app.bootstrap import open_app

        args = self.args
        self.ops.run(
            lambda: open_app(args.data_dir, args.db_url, args.as_of, actor="user"),
            self._opened,
            self._failed,
        )

    def _opened(self, app: Any) -> None:
        if self.probe is not None:
            self.probe.mark("database_open")
        handle = AppHandle(app=app, ops=self.ops, bus=self.bus, long_ops=self.long_ops)
        self.window.attach(handle, first_page="clients" if self.probe is not None else "dashboard")
        page = self.window.page("clients")
        if self.probe is not None:
            self.probe.mark("clients_page_built")
            page.model.modelReset.connect(self._clients_ready)  # type: ignore[attr-defined]
        from app.ui.first_run import maybe_offer_first_run
        from app.ui.scheduler import BackgroundScheduler

        if self.probe is None:
            maybe_offer_first_run(self.window, handle)
            self.scheduler = BackgroundScheduler(handle, self)
            self.scheduler.progress.connect(self.window.show_progress)
            self.scheduler.started.connect(lambda text: self.window.statusBar().showMessage(text))
            self.scheduler.missed.connect(self._offer_since_last_run)
            self.scheduler.start()

    def _offer_since_last_run(self) -> None:
        from app.ui.dialogs.since_last_run import maybe_show_since_last_run

        assert self.window.handle is not None
        maybe_show_since_last_run(self.window, self.window.handle)

    def _clients_ready(self) -> None:
        assert self.probe is not None
        self.window.repaint()
        self.probe.mark("clients_ready")
        QTimer.singleShot(0, QApplication.instance().quit)  # type: ignore[union-attr]

    def _failed(self, exc: BaseException) -> None:
        QMessageBox.critical(
            self.window,
            "Counterfoil cannot open its data",
            f"{exc}\n\nNothing was changed. If this keeps happening, restore a backup.",
        )
        self.window.close()

    def shutdown(self) -> None:
        self.ops.shutdown()
        self.long_ops.shutdown()
        if self.window.handle is not None:
            self.window.handle.app.close()


def _single_instance(home: Path) -> QLockFile | None:
    """Hold the data folder's lock, or say who holds it (None means refused)."""
    home.mkdir(parents=True, exist_ok=True)
    lock = QLockFile(str(home / "counterfoil.lock"))
    lock.setStaleLockTime(0)  # a lock left by a crashed process is detected by its dead PID
    if lock.tryLock(200):
        return lock
    info = lock.getLockInfo()  # (pid, hostname, application name)
    pid, host = (info[0], info[1]) if len(info) >= 3 else ("?", "")
    QMessageBox.critical(
        None,
        "Counterfoil is already open",
        f"Counterfoil is already running on this data folder\n{home}\n"
        f"(process {pid} on {host or 'this computer'}).\n\n"
        "Switch to that window, or close it first. Two windows on the same data are not allowed, "
        "so that nothing is billed or sent twice.",
    )
    return None


def launch_gui(argv: Sequence[str]) -> int:
    started = time.perf_counter()
    args = parse_gui_args(argv)
    qapp = QApplication.instance() or QApplication(sys.argv[:1])
    qapp.setOrganizationName("Counterfoil")
    qapp.setApplicationName("Counterfoil")
    from app.bootstrap import resolve_home_path

    home = resolve_home_path(args.data_dir)
    lock = _single_instance(home)
    if lock is None:
        return 2
    _install_crash_reports(home)
    apply_theme(qapp)  # type: ignore[arg-type]
    window = MainWindow()
    probe = _Probe(window, started) if os.environ.get(PROBE_ENV) else None
    launcher = Launcher(window, args, probe)
    launcher.start()  # the database opens in its worker while the window paints
    window.show()
    code = qapp.exec()
    launcher.shutdown()
    lock.unlock()
    return int(code)


def _install_crash_reports(home: Path) -> None:
    from app import crash

    folder = home / "crash-reports"

    def offer(path: Path) -> None:
        box = QMessageBox(
            QMessageBox.Icon.Critical,
            "Counterfoil hit a problem",
            "Something went wrong and was written to a crash report (it contains no "
            f"passwords or client data beyond the error itself):\n{path}",
        )
        open_folder = box.addButton("Open its folder", QMessageBox.ButtonRole.ActionRole)
        box.addButton(QMessageBox.StandardButton.Close)
        box.exec()
        if box.clickedButton() is open_folder:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder)))

    crash.install(folder, offer)
