"""The middle step of the usage import: check how the file is read, fix it, keep it as a profile.

Every change (a column, the day/month order, the decimal mark, a saved
profile) reads the file again in the background and the preview follows; a
newer change wins over a reading still on its way.  Rows that cannot be read
are listed here, and the import only goes ahead with them left out when the
user ticks that choice.
"""

from __future__ import annotations

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
    QWizard,
    QWizardPage,
)

from app.ui.handle import AppHandle
from app.ui.widgets.bank_lines import counted
from app.ui.widgets.figures import Figures
from app.ui.widgets.usage_columns import FieldColumns, ReadOptions
from app.ui.widgets.usage_preview import UsagePreview
from app.ui.widgets.usage_profiles import (
    ProfileError,
    UsageProfile,
    list_profiles,
    load_profile,
    save_profile,
)
from app.ui.widgets.usage_reading import (
    FIELD_LABELS,
    REQUIRED,
    UsageDraft,
    UsageReading,
    read_in_background,
)

NO_PROFILE = "— as recognised —"


class UsageLayoutPage(QWizardPage):
    def __init__(self, handle: AppHandle, draft: UsageDraft, figures: Figures) -> None:
        super().__init__()
        self.handle = handle
        self.draft = draft
        self.root = handle.ctx.home.root
        self._generation = 0
        self.setTitle("Check how the file is read")
        self.setSubTitle(
            "Counterfoil matched the columns by their names. Change any field's column, the "
            "date order or the decimal mark and the preview follows."
        )
        self.setCommitPage(True)
        self.setButtonText(QWizard.WizardButton.CommitButton, "Import")

        self.profile = QComboBox()
        self.profile.setMinimumWidth(180)
        self.profile_name = QLineEdit()
        self.profile_name.setPlaceholderText("Name, e.g. Metering export")
        self.save_button = QPushButton("Save as profile")
        self.save_button.setToolTip(
            "Keep these columns and settings to read the next file of this kind"
        )
        self.profile_note = QLabel()
        self.profile_note.setObjectName("muted")
        profiles = QHBoxLayout()
        profiles.addWidget(QLabel("Profile"))
        profiles.addWidget(self.profile)
        profiles.addSpacing(16)
        profiles.addWidget(self.profile_name, 1)
        profiles.addWidget(self.save_button)
        profiles.addWidget(self.profile_note)

        self.columns = FieldColumns()
        self.options = ReadOptions()
        self.preview = UsagePreview(figures)
        self.skip_invalid = QCheckBox()
        self.skip_invalid.hide()
        left = QWidget()
        ll = QVBoxLayout(left)
        ll.setContentsMargins(0, 0, 6, 0)
        title = QLabel("What each field is read from")
        title.setStyleSheet("font-weight: 600; color: #1c2b3a;")
        ll.addWidget(title)
        ll.addWidget(self.columns)
        ll.addSpacing(8)
        ll.addWidget(self.options)
        ll.addStretch(1)
        split = QSplitter()
        split.addWidget(left)
        split.addWidget(self.preview)
        split.setStretchFactor(0, 2)
        split.setStretchFactor(1, 3)
        split.setSizes([430, 640])
        split.setChildrenCollapsible(False)
        layout = QVBoxLayout(self)
        layout.addLayout(profiles)
        layout.addWidget(split, 1)
        layout.addWidget(self.skip_invalid)

        self._reread = QTimer(self, singleShot=True, interval=120)
        self._reread.timeout.connect(self.reread)
        self.columns.edited.connect(self._column_edited)
        self.options.edited.connect(self._options_edited)
        self.profile.activated.connect(lambda _i: self.apply_profile(self.profile.currentData()))
        self.save_button.clicked.connect(self.save_as_profile)
        self.skip_invalid.toggled.connect(lambda _c: self.completeChanged.emit())

    # showing ----------------------------------------------------------------------
    def initializePage(self) -> None:
        self._fill_profiles(self.draft.profile)
        self.options.set_choices(self.draft.day_first, self.draft.decimal_mark)
        self._show()

    def _fill_profiles(self, current: str) -> None:
        self.profile.blockSignals(True)
        self.profile.clear()
        self.profile.addItem(NO_PROFILE, "")
        for name in list_profiles(self.root):
            self.profile.addItem(name, name)
        self.profile.setCurrentIndex(max(0, self.profile.findData(current)))
        self.profile.blockSignals(False)

    def _show(self) -> None:
        draft, reading = self.draft, self.draft.reading
        assert reading is not None
        self.columns.show_reading(reading, draft.overrides, draft.values)
        self.options.show_reading(reading)
        self.preview.show_columns(draft.columns())
        missing = [f for f in REQUIRED if f not in draft.columns()]
        if missing:
            draft.error = "choose the column for " + ", ".join(
                FIELD_LABELS[f].lower() for f in missing
            )
            self.preview.show_error(draft.error)
            self.preview.show_rejects([])
        elif reading.file is None:
            draft.error = reading.error
            self.preview.show_error(reading.error)
        else:
            draft.error = ""
            self.preview.show_file(reading.file, draft.columns())
        n = draft.rejected()
        self.skip_invalid.setVisible(n > 0 and not draft.error)
        if n:
            ok = len(reading.file.rows) if reading.file else 0
            self.skip_invalid.setText(
                f"Import the {counted(ok, 'valid row', 'valid rows')} only and leave the "
                f"{counted(n, 'rejected row', 'rejected rows')} out"
            )
        else:
            self.skip_invalid.setChecked(False)
        self.completeChanged.emit()

    # editing ------------------------------------------------------------------------
    def _column_edited(self, name: str, title: str) -> None:
        if title:
            self.draft.overrides[name] = title
        else:
            self.draft.overrides.pop(name, None)
        self._changed()

    def _options_edited(self) -> None:
        self.draft.day_first = self.options.day_first()
        self.draft.decimal_mark = self.options.decimal_mark()
        self._changed()

    def _changed(self) -> None:
        self.profile_note.setText("")
        self.draft.reading_now = True
        self.completeChanged.emit()
        self._reread.start()

    def apply_profile(self, name: str | None) -> None:
        """Read the file with a saved profile (or as recognised, for no name)."""
        draft = self.draft
        if not name:
            draft.overrides, draft.day_first, draft.decimal_mark = {}, None, None
            draft.profile = ""
        else:
            try:
                p = load_profile(self.root, name)
            except ProfileError as exc:
                self.profile_note.setText(str(exc))
                return
            draft.overrides = dict(p.columns)
            draft.day_first, draft.decimal_mark = p.day_first, p.decimal_mark
            draft.profile = p.name
            self.profile.setCurrentIndex(max(0, self.profile.findData(p.name)))
        self.options.set_choices(draft.day_first, draft.decimal_mark)
        self._changed()

    def save_as_profile(self) -> None:
        name = self.profile_name.text().strip() or str(self.profile.currentData() or "")
        profile = UsageProfile(
            name, self.draft.columns(), self.draft.day_first, self.draft.decimal_mark
        )
        try:
            path = save_profile(self.root, profile)
        except (ProfileError, OSError) as exc:
            self.profile_note.setText(f"Not saved: {exc}")
            return
        self.draft.profile = path.stem
        self._fill_profiles(path.stem)
        self.profile_name.clear()
        self.profile_note.setText(f"Saved as “{path.stem}”.")

    def reread(self) -> None:
        """Read the file again with the choices as edited; only the newest reading is shown."""
        self._reread.stop()
        self._generation += 1
        generation = self._generation
        draft = self.draft

        def done(reading: UsageReading) -> None:
            if generation != self._generation:
                return
            draft.reading, draft.reading_now = reading, False
            self._show()

        def failed(exc: BaseException) -> None:
            if generation != self._generation:
                return
            draft.reading_now, draft.error = False, str(exc)
            self.preview.show_error(str(exc))
            self.completeChanged.emit()

        read_in_background(self.handle, draft, done, failed)

    def isComplete(self) -> bool:
        return self.draft.ready() and (self.draft.rejected() == 0 or self.skip_invalid.isChecked())

    def validatePage(self) -> bool:
        self.draft.skip_invalid = self.skip_invalid.isChecked()
        return self.isComplete()
