"""The middle steps of the bank import wizard: check the layout, then confirm.

The layout step shows every guess the detector made beside a preview of the
first lines; each edit re-reads the file in the background (a newer edit wins
over an older reading still on its way).  The confirm step is where lines that
cannot be read are either left out knowingly or the import is abandoned, and
where the layout is saved for the next statement of the same bank.
"""

from __future__ import annotations

import html

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QLabel,
    QSplitter,
    QVBoxLayout,
    QWidget,
    QWizardPage,
)

from app.core.bankfile import ColumnRole, CsvProfile
from app.services.bank_import import ImportPreview, list_accounts
from app.ui.handle import AppHandle
from app.ui.widgets.bank_columns import (
    ColumnRoles,
    first_data_row,
    head_records,
    relayout,
    remembered_roles,
)
from app.ui.widgets.bank_layout_form import LayoutForm
from app.ui.widgets.bank_lines import counted
from app.ui.widgets.bank_preview import StatementPreview
from app.ui.widgets.bank_reading import FileReading, ImportDraft, read_in_background
from app.ui.widgets.figures import Figures

RESPLIT = ("delimiter", "skip_records", "header")
FORMAT_NAMES = {"csv": "CSV (delimited text)", "litas-esis": "LITAS-ESIS", "ofx": "OFX / QFX",
                "qif": "QIF", "mt940": "MT940"}  # fmt: skip


def format_name(fmt: str) -> str:
    return FORMAT_NAMES.get(fmt, fmt.upper() if not fmt.startswith("camt") else f"ISO 20022 {fmt}")


def import_outline(filename: str, found: ImportPreview) -> str:
    """What the import will do, as far as the preview knows (all of it, or the head's share)."""
    st = found.statement
    name = html.escape(filename)
    pending = f"; {len(st.pending):,} pending left for later" if st.pending else ""
    if not found.complete:
        read = counted(len(st.lines), "line", "lines")
        seen = (
            f", of which {found.duplicates:,} {'was' if found.duplicates == 1 else 'were'} "
            "imported before and will be skipped"
            if found.duplicates
            else ""
        )
        return (
            f"<b>Every new transaction</b> in {name} will be imported (the preview read its first "
            f"{read}{seen}){pending}."
        )
    new = len(st.booked) - found.duplicates
    skipped = f"; {found.duplicates:,} already imported will be skipped" if found.duplicates else ""
    return (
        f"<b>{new:,} new transaction{'s' if new != 1 else ''}</b> from {name} will be "
        f"imported{skipped}{pending}."
    )


class LayoutPage(QWizardPage):
    def __init__(self, handle: AppHandle, draft: ImportDraft, figures: Figures) -> None:
        super().__init__()
        self.handle = handle
        self.draft = draft
        self._generation = 0
        self.detected: CsvProfile | None = None
        self.remembered: dict[str, ColumnRole] = {}
        self.setTitle("Check how the file is read")
        self.setSubTitle(
            "Counterfoil worked out the layout by itself. Settings in amber are guesses worth a "
            "look; change anything and the preview below follows."
        )
        self.format_label = QLabel()
        self.format_label.setWordWrap(True)
        self.columns = ColumnRoles()
        self.form = LayoutForm(self.columns)
        self.preview = StatementPreview(figures)
        self.columns_box = QWidget()
        cl = QVBoxLayout(self.columns_box)
        cl.setContentsMargins(0, 0, 0, 0)
        title = QLabel("What each column holds")
        title.setStyleSheet("font-weight: 600; color: #1c2b3a;")
        cl.addWidget(title)
        cl.addWidget(self.columns, 1)
        split = QSplitter()
        split.addWidget(self.columns_box)
        split.addWidget(self.preview)
        split.setStretchFactor(0, 2)
        split.setStretchFactor(1, 3)
        split.setSizes([420, 640])
        split.setChildrenCollapsible(False)
        layout = QVBoxLayout(self)
        layout.addWidget(self.format_label)
        layout.addWidget(self.form)
        layout.addWidget(split, 1)
        self._reread = QTimer(self, singleShot=True, interval=150)
        self._reread.timeout.connect(self.reread)
        self.form.edited.connect(self._edited)

    def initializePage(self) -> None:
        reading = self.draft.reading
        assert reading is not None
        found = reading.preview
        st = found.statement
        where = f" · account {found.account}" if found.account else ""
        saved = " · <b>your saved layout for this bank was used</b>" if found.saved_profile else ""
        self.format_label.setText(
            f"<b>{format_name(st.format)}</b> · characters {st.encoding}{where}{saved}"
        )
        self.detected = self.draft.profile
        self.remembered = remembered_roles(self.draft.profile) if self.draft.profile else {}
        delimited = self.draft.profile is not None
        self.setSubTitle(
            "Counterfoil worked out the layout by itself. Settings in amber are guesses worth a "
            "look; change anything and the preview follows."
            if delimited
            else "This format names its own fields, so there is nothing to set up: check that "
            "the first lines below read as your bank shows them."
        )
        if not delimited and found.detection.doubtful:
            doubts = "; ".join(html.escape(c.reason) for c in found.detection.doubtful)
            self.format_label.setText(
                self.format_label.text()
                + f"<br><span style='color:#8a5a00'>Please check: {doubts}</span>"
            )
        self.form.setVisible(self.draft.profile is not None)
        self.columns_box.setVisible(self.draft.profile is not None)
        if self.draft.profile is not None and self.draft.detection is not None:
            self.form.set_layout(self.draft.profile, self.draft.detection, self._examples())
        self.preview.show_statement(st, found.duplicates, found.complete)

    def _examples(self) -> list[str]:
        assert self.draft.profile is not None and self.draft.reading is not None
        p = self.draft.profile
        records = head_records(self.draft.reading.head, p.encoding or "utf-8", p.delimiter)
        return first_data_row(p, records)

    def _edited(self, key: str) -> None:
        try:
            profile = self.form.profile(with_columns=key not in RESPLIT)
        except ValueError as exc:
            self._refuse(str(exc))
            return
        assert self.draft.reading is not None
        if key == "columns":
            self.remembered.update(remembered_roles(profile))
        if key in RESPLIT or key == "encoding":
            records = head_records(
                self.draft.reading.head, profile.encoding or "utf-8", profile.delimiter
            )
            if key in RESPLIT:
                profile = relayout(profile, records, self.remembered, self.detected)
            elif profile.has_header and profile.skip_records < len(records):
                header = tuple(records[profile.skip_records])
                if len(header) == len(profile.columns):
                    profile = profile.with_changes(header=header)
            self.form.update_layout(profile, first_data_row(profile, records))
        self.draft.profile = profile
        if ColumnRole.DATE not in profile.columns:
            self._refuse("Choose the column that holds the booking date.")
            return
        self.draft.edited = True
        self.draft.reading_now = True
        self.completeChanged.emit()
        self._reread.start()

    def _refuse(self, message: str) -> None:
        self._generation += 1  # a reading still on its way is out of date
        self._reread.stop()
        self.draft.reading_now = False
        self.draft.error = message
        self.preview.show_error(message)
        self.completeChanged.emit()

    def reread(self) -> None:
        """Read the file again with the layout as edited; only the newest reading is shown."""
        self._generation += 1
        generation = self._generation
        draft = self.draft

        def done(reading: FileReading) -> None:
            if generation != self._generation:
                return
            draft.reading = reading
            draft.reading_now = False
            draft.error = ""
            found = reading.preview
            self.preview.show_statement(found.statement, found.duplicates, found.complete)
            self.completeChanged.emit()

        def failed(exc: BaseException) -> None:
            if generation != self._generation:
                return
            draft.reading_now = False
            draft.error = str(exc)
            self.preview.show_error(str(exc))
            self.completeChanged.emit()

        assert draft.path is not None
        read_in_background(self.handle, draft.path, draft.profile, done, failed)

    def isComplete(self) -> bool:
        return self.draft.ready()


class ConfirmPage(QWizardPage):
    def __init__(self, handle: AppHandle, draft: ImportDraft) -> None:
        super().__init__()
        self.handle = handle
        self.draft = draft
        self.setTitle("Import")
        self.setSubTitle("Nothing has been written yet. The file is imported whole or not at all.")
        self.setCommitPage(True)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.account = QComboBox()
        self.account.setEditable(True)
        self.account.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.account.setToolTip(
            "Statements of one account are checked against each other for duplicates; "
            "type a new name for another account"
        )
        self.problems = QLabel()
        self.problems.setObjectName("errorText")
        self.problems.setWordWrap(True)
        self.import_rest = QCheckBox()
        self.save_profile = QCheckBox("Save this layout for next time")
        self.save_profile.setToolTip(
            "The next file with the same header is read this way without asking"
        )
        form = QFormLayout()
        form.addRow("Bank account", self.account)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addLayout(form)
        layout.addWidget(self.problems)
        layout.addWidget(self.import_rest)
        layout.addWidget(self.save_profile)
        layout.addStretch(1)
        self.import_rest.toggled.connect(lambda _c: self.completeChanged.emit())

    def initializePage(self) -> None:
        draft = self.draft
        assert draft.reading is not None and draft.path is not None
        found = draft.reading.preview
        self.summary.setText(import_outline(draft.path.name, found))
        self.account.setEditText(draft.account or found.account)
        self.handle.call(list_accounts, on_done=self._show_accounts, on_error=lambda _e: None)
        st = found.statement
        n = len(st.problems)
        self.problems.setVisible(n > 0)
        self.import_rest.setVisible(n > 0)
        self.import_rest.setChecked(False)
        if n:
            self.problems.setText(
                f"{'' if found.complete else 'At least '}"
                f"{n:,} line{'s' if n != 1 else ''} of the file cannot be read (listed on the "
                "previous step with the reason). Import the readable lines and leave "
                f"{'it' if n == 1 else 'them'} out, or go back and change the settings, or cancel."
            )
            self.import_rest.setText(
                f"Import the {len(st.lines):,} readable lines and leave the {n:,} unreadable "
                f"line{'s' if n != 1 else ''} out"
                if found.complete
                else "Import the readable lines and leave every unreadable line out"
            )
        self.save_profile.setVisible(draft.is_delimited)
        self.save_profile.setChecked(
            draft.is_delimited and (draft.edited or not found.saved_profile)
        )

    def isComplete(self) -> bool:
        return self.draft.problems() == 0 or self.import_rest.isChecked()

    def _show_accounts(self, names: list[str]) -> None:
        """Offer the accounts imported into before, keeping what is typed or proposed."""
        text = self.account.currentText()
        self.account.clear()
        self.account.addItems(names)
        self.account.setEditText(text)

    def validatePage(self) -> bool:
        self.draft.account = self.account.currentText().strip()
        self.draft.accept_problems = self.import_rest.isChecked()
        self.draft.save_profile = self.save_profile.isVisible() and self.save_profile.isChecked()
        return True
