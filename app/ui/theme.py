"""The look: a calm, light theme from resources/style.qss."""

from __future__ import annotations

from PySide6.QtGui import QFont
from PySide6.QtWidgets import QApplication

from app.resources import resource_path


def apply_theme(app: QApplication) -> None:
    app.setStyle("Fusion")
    font = QFont(app.font())
    if font.pointSizeF() < 10:
        font.setPointSizeF(10)
    app.setFont(font)
    qss = resource_path("style.qss")
    if qss.is_file():
        icons = resource_path("icons").as_posix()  # url() in a style sheet needs an absolute path
        app.setStyleSheet(qss.read_text(encoding="utf-8").replace("{ICONS}", icons))
