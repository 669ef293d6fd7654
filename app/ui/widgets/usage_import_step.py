"""The last step of the usage import: the import itself and what it did.

The import runs on the long-job worker and is all or nothing: when the
service refuses rows the reader could not judge (a client it cannot find, an
agreement that is not the client's), nothing is stored, the rows are listed
with their line and reason, and the user can import the valid rows only.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtWidgets import (
    QHeaderView,
    QLabel,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWizardPage,
)

from app.services.usage import UsageImportReport, UsageRejected, import_usage
from app.ui.handle import AppHandle
from app.ui.qt_ops import CancelToken
from app.ui.widgets.bank_lines import counted
from app.ui.widgets.rows_model import Cell, Col, RowsModel
from app.ui.widgets.tables import list_view
from app.ui.widgets.usage_reading import UsageDraft


def usage_summary(r: UsageImportReport) -> str:
    """What the import did, in a sentence."""
    parts = [f"Imported {counted(r.imported, 'record', 'records')}."]
    if r.duplicates:
        were = "was" if r.duplicates == 1 else "were"
        parts.append(f"{counted(r.duplicates, 'record', 'records')} {were} already known.")
    if r.late:
        parts.append(
            f"{counted(r.late, 'record is', 'records are')} for a period already invoiced and "
            "will be billed as an adjustment on the next invoice."
        )
    if r.rejected:
        parts.append(
            f"{counted(len(r.rejected), 'rejected row was', 'rejected rows were')} left out."
        )
    return " ".join(parts)


class UsageImportPage(QWizardPage):
    def __init__(self, handle: AppHandle, draft: UsageDraft) -> None:
        super().__init__()
        self.handle = handle
        self.draft = draft
        self.token: CancelToken | None = None
        self.report: UsageImportReport | None = None
        self.failure = ""
        self.setTitle("Importing")
        self.setSubTitle("The records are stored in one go, or not at all.")
        self.progress = QProgressBar()
        self.status = QLabel()
        self.status.setObjectName("muted")
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.summary.setStyleSheet("font-weight: 600; color: #1c2b3a;")
        self.rejects_model = RowsModel([Col("Line", True), Col("Why it was refused")])
        self.rejects = list_view(row_height=24)
        self.rejects.setModel(self.rejects_model)
        rh = self.rejects.horizontalHeader()
        rh.resizeSection(0, 50)
        rh.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.valid_only = QPushButton("Import the valid rows only")
        self.valid_only.setObjectName("primary")
        layout = QVBoxLayout(self)
        layout.addWidget(self.progress)
        layout.addWidget(self.status)
        layout.addWidget(self.summary)
        layout.addWidget(self.rejects, 1)
        layout.addWidget(self.valid_only)
        layout.addStretch(0)
        self.valid_only.clicked.connect(self._import_valid_only)

    def initializePage(self) -> None:
        self.start(self.draft.skip_invalid)

    def start(self, skip_invalid: bool) -> None:
        draft, ctx = self.draft, self.handle.ctx
        data, columns = draft.data, draft.columns()
        day_first, mark = draft.day_first, draft.decimal_mark

        def job(_progress: Callable[[int, int, str], None], _cancel: CancelToken) -> Any:
            return import_usage(
                ctx,
                data,
                skip_invalid=skip_invalid,
                columns=columns,
                day_first=day_first,
                decimal_mark=mark,
            )

        self.report, self.failure = None, ""
        self.setTitle("Importing")
        self.summary.setText("")
        self.rejects.hide()
        self.valid_only.hide()
        self.progress.setRange(0, 0)  # the service reports no steps: a busy bar
        self.progress.show()
        name = draft.path.name if draft.path else "the file"
        self.status.setText(f"Storing the records of {name}…")
        self.completeChanged.emit()
        self.token = self.handle.long_ops.run_long(job, lambda *_a: None, self._done, self._failed)

    def running(self) -> bool:
        return self.token is not None

    def _finish(self) -> None:
        self.token = None
        self.progress.hide()
        self.status.setText("")

    def _done(self, report: UsageImportReport) -> None:
        self._finish()
        self.report = report
        self.setTitle("Imported")
        self.setSubTitle("The records are on the Usage page; the next bill run rates them.")
        self.summary.setText(usage_summary(report))
        self._list_rejects(report)
        self.handle.bus.changed.emit("usage")
        self.handle.bus.status.emit(usage_summary(report))
        self.completeChanged.emit()

    def _failed(self, exc: BaseException) -> None:
        self._finish()
        self.setTitle("Nothing was imported")
        self.setSubTitle("Your book is unchanged.")
        if isinstance(exc, UsageRejected):
            rejected = exc.report.rejected
            self.failure = (
                f"{counted(len(rejected), 'row', 'rows')} of the file cannot be stored, so "
                "nothing was imported. Import the other rows and leave these out, or correct "
                "the file and import it again."
            )
            self._list_rejects(exc.report)
            self.valid_only.show()
        else:
            self.failure = f"Nothing was imported: {exc}"
        self.summary.setText(f"<span style='color:#b3261e'>{self.failure}</span>")
        self.completeChanged.emit()

    def _list_rejects(self, report: UsageImportReport) -> None:
        self.rejects_model.set_rows(
            [[Cell(str(e.line)), Cell(e.reason, tooltip=e.reason)] for e in report.rejected]
        )
        self.rejects.setVisible(bool(report.rejected))

    def _import_valid_only(self) -> None:
        self.draft.skip_invalid = True
        self.start(True)

    def rejected_lines(self) -> list[int]:
        return [int(self.rejects_model.text(r, 0)) for r in range(self.rejects_model.rowCount())]

    def isComplete(self) -> bool:
        return self.token is None and (self.report is not None or bool(self.failure))
