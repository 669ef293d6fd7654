"""Importing usage or time records, step by step: file → check and preview → import.

Exports from metering systems and time sheets differ in their column names,
date order and decimal mark.  Counterfoil recognises what it can from the
names and the values, shows the first records exactly as they will be stored
(with a doubtful date order in amber), lets the user point any field at
another column, and keeps those answers as a named profile for next month's
file.  Re-importing a file adds nothing; a file with bad rows is imported
whole, not at all, or — when the user says so — without those rows.

Open it with ``open_usage_import(parent, handle, path=None)``.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import (
    QWidget,
    QWizard,
)

from app.services.settings import load_settings
from app.ui.handle import AppHandle
from app.ui.widgets.bank_lines import counted
from app.ui.widgets.figures import Figures
from app.ui.widgets.file_choice_page import FileChoicePage
from app.ui.widgets.usage_import_step import UsageImportPage
from app.ui.widgets.usage_layout_page import UsageLayoutPage
from app.ui.widgets.usage_profiles import ProfileError, UsageProfile, list_profiles, load_profile
from app.ui.widgets.usage_reading import (
    FIELD_LABELS,
    REQUIRED,
    UsageDraft,
    UsageReading,
    load_file,
    read_usage_bytes,
)

FILE_FILTER = "Usage or time records (*.csv *.txt *.tsv);;All files (*)"
# The file's bytes, its first reading, its first values and the saved profile it matched.
Loaded = tuple[bytes, UsageReading, dict[str, str], UsageProfile | None]


def saved_profile_for(root: Path, header: list[str]) -> UsageProfile | None:
    """The first saved profile whose columns are all in this file's header."""
    for name in list_profiles(root):
        try:
            profile = load_profile(root, name)
        except ProfileError:
            continue
        if profile.columns and all(h in header for h in profile.columns.values()):
            return profile
    return None


class UsageFilePage(FileChoicePage):
    def __init__(self, handle: AppHandle, draft: UsageDraft) -> None:
        super().__init__(
            "Choose the usage or time file",
            "A CSV export from your metering system or time sheets: a client, a date and a "
            "quantity on each row, plus the item, agreement, person or rate where you have them.",
            "The usage file…",
            "Usage file",
            FILE_FILTER,
        )
        self.handle = handle
        self.draft = draft
        self.profile_used = ""

    def set_path(self, path: Path, *, again: bool = False) -> None:
        """Read the file on the long-job worker; Next is enabled once it reads."""
        if not str(path).strip() or (path == self.draft.path and not again):
            return
        self.path.setText(str(path))
        draft = self.draft
        draft.path, draft.reading, draft.error, draft.reading_now = path, None, "", True
        draft.overrides, draft.day_first, draft.decimal_mark = {}, None, None
        draft.profile = ""
        self.status.setText("Reading the file…")
        self.completeChanged.emit()
        root = self.handle.ctx.home.root

        def job(_p: object, _c: object) -> Loaded:
            data, reading, values = load_file(path)
            profile = saved_profile_for(root, reading.header)
            if profile is not None:  # read it the way the user saved for these columns
                reading = read_usage_bytes(
                    data,
                    columns=profile.columns,
                    day_first=profile.day_first,
                    decimal_mark=profile.decimal_mark,
                )
            return data, reading, values, profile

        def done(result: Loaded) -> None:
            if draft.path != path:
                return
            draft.data, draft.reading, draft.values, profile = result
            self.profile_used = profile.name if profile is not None else ""
            if profile is not None:
                draft.overrides = dict(profile.columns)
                draft.day_first, draft.decimal_mark = profile.day_first, profile.decimal_mark
                draft.profile = profile.name
            draft.reading_now = False
            self.status.setText(self._describe(draft))
            self.completeChanged.emit()

        def failed(exc: BaseException) -> None:
            if draft.path != path:
                return
            draft.reading_now, draft.error = False, str(exc)
            self.show_unreadable(exc)

        self.handle.long_ops.run_long(job, lambda *_a: None, done, failed)

    def _describe(self, draft: UsageDraft) -> str:
        reading = draft.reading
        assert reading is not None
        saved = f" Read with your saved profile “{self.profile_used}”." if self.profile_used else ""
        missing = [FIELD_LABELS[f].lower() for f in REQUIRED if f not in draft.columns()]
        if missing:
            return (
                f"No column was recognised for the {', '.join(missing)}: choose it on the next "
                f"step.{saved}"
            )
        if reading.file is None:
            return f"The file needs a look on the next step: {reading.error}.{saved}"
        found = reading.file
        bad = (
            f"; {counted(len(found.errors), 'row', 'rows')} cannot be read" if found.errors else ""
        )
        return f"Found {counted(len(found.rows), 'record', 'records')}{bad}.{saved}"

    def isComplete(self) -> bool:
        return self.draft.reading is not None and not self.draft.reading_now


class UsageImportWizard(QWizard):
    """The three steps; ``draft`` holds the user's choices, ``import_page.report`` the outcome."""

    def __init__(self, parent: QWidget | None, handle: AppHandle, path: Path | None = None) -> None:
        super().__init__(parent)
        self.handle = handle
        self.draft = UsageDraft()
        self.figures = Figures()
        handle.call(
            load_settings,
            on_done=lambda values: self.figures.set_locale(str(values.get("company.locale") or "")),
            on_error=lambda _exc: None,
        )
        self.setWindowTitle("Import usage")
        self.setWizardStyle(QWizard.WizardStyle.ClassicStyle)
        self.setOption(QWizard.WizardOption.NoBackButtonOnLastPage, True)
        self.setOption(QWizard.WizardOption.NoCancelButtonOnLastPage, True)
        self.setButtonText(QWizard.WizardButton.FinishButton, "Close")
        self.resize(1100, 700)
        self.file_page = UsageFilePage(handle, self.draft)
        self.layout_page = UsageLayoutPage(handle, self.draft, self.figures)
        self.import_page = UsageImportPage(handle, self.draft)
        for page in (self.file_page, self.layout_page, self.import_page):
            self.addPage(page)
        if path is not None:
            self.file_page.set_path(path)

    def reject(self) -> None:
        """The import cannot be stopped half-way; closing waits until it has finished."""
        if self.import_page.running():
            return
        super().reject()


def open_usage_import(
    parent: QWidget | None, handle: AppHandle, path: Path | None = None
) -> UsageImportWizard:
    """Open the wizard (window-modal, non-blocking); ``path`` skips choosing the file."""
    wizard = UsageImportWizard(parent, handle, path)
    wizard.open()
    return wizard
