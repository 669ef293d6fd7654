"""The first step of an import wizard: a file chosen, typed or dropped, read in the background.

Subclasses say how a file is read (``set_path``) and when Next may be pressed
(``isComplete``); the field, the Choose button, drag and drop and the status line
are the same for every import.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWizardPage,
)


class FileChoicePage(QWizardPage):
    def __init__(
        self, title: str, subtitle: str, placeholder: str, dialog_title: str, file_filter: str
    ) -> None:
        super().__init__()
        self.setTitle(title)
        self.setSubTitle(subtitle)
        self.setAcceptDrops(True)
        self._dialog_title = dialog_title
        self._file_filter = file_filter
        self.path = QLineEdit()
        self.path.setPlaceholderText(placeholder)
        self.browse = QPushButton("Choose file…")
        self.status = QLabel()
        self.status.setWordWrap(True)
        row = QHBoxLayout()
        row.addWidget(self.path, 1)
        row.addWidget(self.browse)
        layout = QVBoxLayout(self)
        layout.addLayout(row)
        layout.addWidget(self.status)
        layout.addStretch(1)
        self.browse.clicked.connect(self._browse)
        self.path.editingFinished.connect(lambda: self.set_path(Path(self.path.text().strip())))

    def set_path(self, path: Path, *, again: bool = False) -> None:
        """Read ``path``; ``again`` reads a path already read (the user chose it anew)."""
        raise NotImplementedError

    def show_unreadable(self, exc: BaseException) -> None:
        self.status.setText(
            f"<span style='color:#b3261e'>This file cannot be imported: {exc}</span>"
        )
        self.completeChanged.emit()

    def _browse(self) -> None:
        name, _filter = QFileDialog.getOpenFileName(self, self._dialog_title, "", self._file_filter)
        if name:
            self.set_path(Path(name), again=True)

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if any(u.isLocalFile() for u in event.mimeData().urls()):
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        files = [Path(u.toLocalFile()) for u in event.mimeData().urls() if u.isLocalFile()]
        if files:
            event.acceptProposedAction()
            self.set_path(files[0])
