"""Importing a bank statement, step by step: file → layout and preview → confirm → import.

A bookkeeper picks (or drops) last month's export; Counterfoil recognises the
format, the characters, the columns and the dates by itself, shows the first
lines exactly as they will be stored with any doubtful guess in amber, and
imports the file whole or not at all, with progress and Cancel.  At the end
it offers to reconcile the new lines straight away.

Open it with ``open_bank_import(parent, handle, path=None, on_show_bank=None)``.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtWidgets import (
    QWidget,
    QWizard,
)

from app.services.settings import load_settings
from app.ui.handle import AppHandle
from app.ui.widgets.bank_import_step import ImportPage
from app.ui.widgets.bank_lines import counted
from app.ui.widgets.bank_reading import FileReading, ImportDraft, read_in_background
from app.ui.widgets.bank_wizard_pages import ConfirmPage, LayoutPage, format_name
from app.ui.widgets.figures import Figures
from app.ui.widgets.file_choice_page import FileChoicePage

FILE_FILTER = (
    "Bank statements (*.csv *.txt *.tsv *.ofx *.qfx *.qif *.xml *.sta *.mt940 *.940 *.acc *.053 *.054)"
    ";;All files (*)"
)


class FilePage(FileChoicePage):
    def __init__(self, handle: AppHandle, draft: ImportDraft) -> None:
        super().__init__(
            "Choose the bank statement",
            "Export the statement from your online banking — CSV, OFX/QFX, QIF, camt.053/054 or "
            "MT940, any bank — then choose the file here or drop it on this window.",
            "The statement file…",
            "Bank statement",
            FILE_FILTER,
        )
        self.handle = handle
        self.draft = draft

    def set_path(self, path: Path, *, again: bool = False) -> None:
        """Read the file in the background; Next is enabled once it reads.

        Leaving the path field also lands here, so the same path is read again only when
        asked (choosing the file anew after fixing it).
        """
        if not str(path).strip() or (path == self.draft.path and not again):
            return
        self.path.setText(str(path))
        draft = self.draft
        draft.path, draft.reading, draft.error, draft.reading_now = path, None, "", True
        draft.edited = False
        self.status.setText("Reading the file…")
        self.completeChanged.emit()

        def done(reading: FileReading) -> None:
            if draft.path != path:
                return
            found = reading.preview
            draft.reading, draft.reading_now = reading, False
            draft.detection, draft.profile, draft.account = (
                found.detection,
                found.profile,
                found.account,
            )
            st = found.statement
            doubts = len(found.detection.doubtful)
            check = (
                f" {counted(doubts, 'guess is', 'guesses are')} worth a look on the next step."
                if doubts
                else ""
            )
            found_lines = counted(len(st.lines), "transaction", "transactions")
            self.status.setText(
                f"Recognised a <b>{format_name(st.format)}</b> file with {found_lines}.{check}"
                if found.complete
                else f"Recognised a long <b>{format_name(st.format)}</b> file: the next step "
                f"shows its first {found_lines}, and the import reads all of it.{check}"
            )
            self.completeChanged.emit()

        def failed(exc: BaseException) -> None:
            if draft.path != path:
                return
            draft.reading_now, draft.error = False, str(exc)
            self.show_unreadable(exc)

        read_in_background(self.handle, path, None, done, failed)

    def isComplete(self) -> bool:
        return self.draft.ready()


class BankImportWizard(QWizard):
    """The four steps; ``draft`` holds what the user chose, ``import_page.result`` the outcome."""

    def __init__(
        self,
        parent: QWidget | None,
        handle: AppHandle,
        path: Path | None = None,
        on_show_bank: Callable[[], Any] | None = None,
    ) -> None:
        super().__init__(parent)
        self.handle = handle
        self.draft = ImportDraft()
        self.figures = Figures()
        handle.call(
            load_settings,
            on_done=lambda values: self.figures.set_locale(str(values.get("company.locale") or "")),
            on_error=lambda _exc: None,
        )
        self.setWindowTitle("Import bank statement")
        self.setWizardStyle(QWizard.WizardStyle.ClassicStyle)
        self.setOption(QWizard.WizardOption.NoBackButtonOnLastPage, True)
        self.setOption(QWizard.WizardOption.NoCancelButtonOnLastPage, True)
        self.setButtonText(QWizard.WizardButton.CommitButton, "Import")
        self.setButtonText(QWizard.WizardButton.FinishButton, "Close")
        self.resize(1080, 720)
        self.file_page = FilePage(handle, self.draft)
        self.layout_page = LayoutPage(handle, self.draft, self.figures)
        self.confirm_page = ConfirmPage(handle, self.draft)
        self.import_page = ImportPage(handle, self.draft)
        self.import_page.on_show_bank = on_show_bank
        for page in (self.file_page, self.layout_page, self.confirm_page, self.import_page):
            self.addPage(page)
        if path is not None:
            self.file_page.set_path(path)

    def reject(self) -> None:
        """Cancel during the import stops it (nothing is written); otherwise close."""
        if self.import_page.running():
            self.import_page.cancel()
            return
        if self.import_page.reconcile.running():
            self.import_page.reconcile.cancel()
            return
        super().reject()


def open_bank_import(
    parent: QWidget | None,
    handle: AppHandle,
    path: Path | None = None,
    on_show_bank: Callable[[], Any] | None = None,
) -> BankImportWizard:
    """Open the wizard (window-modal, non-blocking); ``path`` skips choosing the file."""
    wizard = BankImportWizard(parent, handle, path, on_show_bank)
    wizard.open()
    return wizard
