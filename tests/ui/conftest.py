"""A real main window over a real SQLite book, driven offscreen."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import AS_OF


class Gui:
    def __init__(self, qtbot: Any, home: Path) -> None:
        from PySide6.QtCore import QCoreApplication

        from app.bootstrap import open_app
        from app.ui.handle import AppHandle, ChangeBus
        from app.ui.main_window import MainWindow
        from app.ui.qt_ops import OpRunner

        QCoreApplication.setOrganizationName("Counterfoil-tests")
        self.qtbot = qtbot
        self.home = home
        self.app = open_app(home, as_of=AS_OF)
        self.ops = OpRunner()
        self.long_ops = OpRunner("long")
        self.handle = AppHandle(app=self.app, ops=self.ops, bus=ChangeBus(), long_ops=self.long_ops)
        self.window = MainWindow()
        qtbot.addWidget(self.window)
        self.window.attach(self.handle)
        self.window.show()
        self.idle()

    @property
    def ctx(self) -> Any:
        return self.app.ctx

    def idle(self, timeout: int = 10_000) -> None:
        """Wait until every background job has delivered its result."""
        self.qtbot.waitUntil(
            lambda: self.ops.pending() == 0 and self.long_ops.pending() == 0, timeout=timeout
        )
        self.qtbot.wait(10)
        self.qtbot.waitUntil(
            lambda: self.ops.pending() == 0 and self.long_ops.pending() == 0, timeout=timeout
        )

    def close(self) -> None:
        from shiboken6 import isValid

        self.idle()
        if isValid(self.window):  # pytest-qt may already have deleted it
            self.window.close()
        self.ops.shutdown()
        self.long_ops.shutdown()
        self.app.close()


@pytest.fixture
def gui(qtbot: Any, home: Path) -> Iterator[Gui]:
    g = Gui(qtbot, home)
    yield g
    g.close()
