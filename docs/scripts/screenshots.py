"""Refresh the README screenshots: start the real window offscreen on demo data and grab pages.

    python docs/scripts/screenshots.py [--out docs/images]

Uses a throw-away data folder, so your own data is never touched.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from datetime import date
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parents[2]

AS_OF = date(2026, 11, 25)
SHOTS = [
    ("dashboard", "dashboard.png"),
    ("clients", "clients.png"),
    ("schedules", "schedules.png"),
    ("invoices", "invoices.png"),
    ("usage", "usage.png"),
    ("bank", "bank.png"),
    ("settings", "settings.png"),
    # "page:report" opens a report on the Reports page before the grab.
    ("reports:aging", "report-aging.png"),
    ("reports:collections", "report-collections.png"),
]


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", default=str(ROOT / "docs" / "images"))
    parser.add_argument("--pages", nargs="*", help="only these page keys")
    args = parser.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)

    from PySide6.QtCore import QCoreApplication
    from PySide6.QtWidgets import QApplication

    from app.bootstrap import open_app
    from app.services.demo import load_demo
    from app.ui.handle import AppHandle, ChangeBus
    from app.ui.main_window import PAGES, MainWindow
    from app.ui.qt_ops import OpRunner
    from app.ui.theme import apply_theme

    QCoreApplication.setOrganizationName("Counterfoil-screenshots")
    qapp = QApplication.instance() or QApplication([])
    apply_theme(qapp)
    with tempfile.TemporaryDirectory() as home:
        app = open_app(home, as_of=AS_OF)
        load_demo(app.ctx)
        window = MainWindow()
        window.resize(1280, 800)
        ops, long_ops = OpRunner(), OpRunner()
        handle = AppHandle(app=app, ops=ops, bus=ChangeBus(), long_ops=long_ops)
        window.attach(handle)
        window.show()
        wanted = set(args.pages or [k for k, _ in SHOTS] + [s.key for s in PAGES])
        for key, filename in SHOTS + [
            (s.key, f"{s.key}.png") for s in PAGES if s.key not in dict(SHOTS)
        ]:
            page_key, _, report = key.partition(":")
            if key not in wanted and page_key not in wanted:
                continue
            page = window.show_page(page_key)
            if report and hasattr(page, "show_report"):
                _settle(qapp, ops)
                page.show_report(report)
            _settle(qapp, ops)
            window.grab().save(str(out / filename))
            print(out / filename)
        ops.shutdown()
        long_ops.shutdown()
        app.close()
    return 0


def _settle(qapp, ops) -> None:  # type: ignore[no-untyped-def]
    """Let background loads finish and the window repaint."""
    from PySide6.QtCore import QEventLoop, QTimer

    for _ in range(200):
        qapp.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 50)
        if ops.pending() == 0:
            break
        loop = QEventLoop()
        QTimer.singleShot(20, loop.quit)
        loop.exec()
    for _ in range(5):
        loop = QEventLoop()
        QTimer.singleShot(30, loop.quit)
        loop.exec()


if __name__ == "__main__":
    sys.exit(main())
