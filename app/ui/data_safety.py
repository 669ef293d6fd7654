"""Backup and Restore in the File menu.

Restore replaces the database under the running app, so the window closes the
database first, restores, and reopens it; the replaced data is kept aside.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QUrl
from PySide6.QtGui import QAction, QDesktopServices
from PySide6.QtWidgets import QFileDialog, QMessageBox

from app.ui.handle import AppHandle


def install(window: Any, handle: AppHandle) -> None:
    menu = window.file_menu
    quit_action = next((a for a in menu.actions() if a.text().replace("&", "") == "Quit"), None)
    backup = QAction("Back &up now…", window)
    backup.triggered.connect(lambda: back_up(window, handle))
    restore = QAction("&Restore from backup…", window)
    restore.triggered.connect(lambda: restore_from(window, handle))
    folder = QAction("Show backups folder", window)
    folder.triggered.connect(
        lambda: QDesktopServices.openUrl(QUrl.fromLocalFile(str(handle.ctx.home.backups)))
    )
    for action in (backup, restore, folder):
        menu.insertAction(quit_action, action)
    menu.insertSeparator(quit_action)


def back_up(window: Any, handle: AppHandle) -> None:
    from app.services.backup import create_backup

    home = handle.ctx.home.root
    now = handle.ctx.clock.wall_utc()

    def done(path: Path) -> None:
        window.statusBar().showMessage(f"Backup written to {path}", 10_000)

    def failed(exc: BaseException) -> None:
        QMessageBox.warning(window, "Backup", f"The backup could not be written:\n{exc}")

    handle.ops.run(lambda: create_backup(home, now=now), done, failed)


def restore_from(window: Any, handle: AppHandle, path: str | None = None) -> None:
    from app.services.backup import BackupError, restore_backup

    if path is None:
        path, _ = QFileDialog.getOpenFileName(
            window,
            "Restore from backup",
            str(handle.ctx.home.backups),
            "Counterfoil backups (*.zip)",
        )
        if not path:
            return
        answer = QMessageBox.question(
            window,
            "Restore from backup",
            f"Replace all current data with the backup\n{Path(path).name}?\n\n"
            "The backup is checked first. The current data is kept in a 'replaced-…' folder.",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Cancel,
        )
        if answer != QMessageBox.StandardButton.Yes:
            return
    home = handle.ctx.home.root
    handle.app.close()
    try:
        aside = restore_backup(home, Path(path))
    except BackupError as exc:
        _reopen(window, handle)
        QMessageBox.warning(window, "Restore refused", f"{exc}\n\nYour data was not changed.")
        return
    _reopen(window, handle)
    QMessageBox.information(
        window, "Restored", f"The backup was restored.\nThe replaced data is in {aside}."
    )


def _reopen(window: Any, handle: AppHandle) -> None:
    from app.bootstrap import open_app

    old = handle.app
    handle.app = open_app(
        old.ctx.home.root,
        old.database.url if not old.database.is_sqlite else None,
        old.ctx.clock.as_of,
        actor=old.ctx.actor,
    )
    handle.bus.changed.emit("all")
    for what in ("clients", "invoices", "payments", "bank", "settings"):
        handle.bus.changed.emit(what)
