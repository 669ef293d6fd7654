"""The column mapping of a bank CSV: header, an example value and what the column holds.

Also the relayout used when the user changes how the file is split (another
delimiter, another header row): the new header is read from the head of the
file and every column whose name is known keeps its role; the rest start as
"not used" for the user to assign.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QComboBox, QGridLayout, QLabel, QScrollArea, QWidget

from app.core.bankfile import ColumnRole, CsvProfile
from app.core.bankfile.csv_profile import SINGLE_ROLES, fold_name
from app.core.bankfile.csv_rows import iter_records, normalise_newlines
from app.core.bankfile.encoding import decode_as

ROLE_LABELS: dict[ColumnRole, str] = {
    ColumnRole.IGNORE: "— not used —",
    ColumnRole.DATE: "Booking date",
    ColumnRole.VALUE_DATE: "Value date",
    ColumnRole.AMOUNT: "Amount",
    ColumnRole.DEBIT: "Money out",
    ColumnRole.CREDIT: "Money in",
    ColumnRole.INDICATOR: "In / out mark",
    ColumnRole.DESCRIPTION: "Description",
    ColumnRole.COUNTERPARTY: "Counterparty name",
    ColumnRole.COUNTERPARTY_IBAN: "Counterparty account",
    ColumnRole.REFERENCE: "Payment reference",
    ColumnRole.BALANCE: "Balance",
    ColumnRole.CURRENCY: "Currency",
    ColumnRole.TRANSACTION_ID: "Bank's transaction id",
    ColumnRole.STATUS: "Booked / pending",
    ColumnRole.TYPE: "Transaction type",
    ColumnRole.RECORD_TYPE: "Record type",
    ColumnRole.ACCOUNT: "Own account",
}
_DATE_TOKENS = {"%d": "DD", "%m": "MM", "%Y": "YYYY", "%y": "YY", "%b": "Mon"}
HEAD_RECORDS = 80


def date_label(fmt: str) -> str:
    """``%d.%m.%Y`` as a person writes it: ``DD.MM.YYYY``."""
    for token, word in _DATE_TOKENS.items():
        fmt = fmt.replace(token, word)
    return fmt


def head_records(head: bytes, encoding: str, delimiter: str) -> list[list[str]]:
    """The first records of the file split the way the profile says."""
    text = normalise_newlines(decode_as(head, encoding).lstrip("\ufeff"))
    out: list[list[str]] = []
    for record in iter_records(text, delimiter):
        out.append(record.cells)
        if len(out) >= HEAD_RECORDS:
            break
    return out


def first_data_row(profile: CsvProfile, records: list[list[str]]) -> list[str]:
    at = profile.skip_records + (1 if profile.has_header else 0)
    return records[at] if at < len(records) else []


def remembered_roles(profile: CsvProfile) -> dict[str, ColumnRole]:
    """Folded header name → role, for the columns a layout has named."""
    return {
        fold_name(name): role
        for name, role in zip(profile.header, profile.columns, strict=False)
        if name.strip()
    }


def relayout(
    profile: CsvProfile,
    records: list[list[str]],
    remembered: dict[str, ColumnRole],
    detected: CsvProfile | None = None,
) -> CsvProfile:
    """The profile with header and columns re-read for its (new) delimiter and header row.

    Going back to the detected split restores the detected columns; otherwise a column
    keeps the role its header name had (in ``remembered``) and the rest start unused.
    """
    split = (profile.delimiter, profile.skip_records, profile.has_header)
    if detected is not None and split == (
        detected.delimiter,
        detected.skip_records,
        detected.has_header,
    ):
        return profile.with_changes(header=detected.header, columns=detected.columns)
    header: tuple[str, ...] = ()
    if profile.has_header and profile.skip_records < len(records):
        header = tuple(records[profile.skip_records])
    width = len(header) or len(first_data_row(profile, records)) or len(profile.columns)
    columns: list[ColumnRole] = []
    for i in range(width):
        name = fold_name(header[i]) if i < len(header) else ""
        role = remembered.get(name, ColumnRole.IGNORE) if name else ColumnRole.IGNORE
        if role in SINGLE_ROLES and role in columns:
            role = ColumnRole.IGNORE
        columns.append(role)
    return profile.with_changes(header=header, columns=tuple(columns))


class ColumnRoles(QScrollArea):
    """One row per column; ``roles()`` is the mapping as shown."""

    edited = Signal()

    def __init__(self) -> None:
        super().__init__()
        self.setWidgetResizable(True)
        self.setMinimumHeight(120)
        self.boxes: list[QComboBox] = []
        self.names: list[str] = []
        self._inner = QWidget()
        self._grid = QGridLayout(self._inner)
        self._grid.setVerticalSpacing(2)
        self._grid.setAlignment(Qt.AlignmentFlag.AlignTop)
        self.setWidget(self._inner)

    def set_columns(
        self, roles: Sequence[ColumnRole], header: Sequence[str], examples: Sequence[str]
    ) -> None:
        while self._grid.count():
            item = self._grid.takeAt(0)
            if item is not None and item.widget() is not None:
                item.widget().deleteLater()
        self.boxes = []
        self.names = []
        for col, text in enumerate(("#", "Holds", "Column in the file", "First value")):
            title = QLabel(text)
            title.setStyleSheet("font-weight: 600; color: #3b4450;")
            self._grid.addWidget(title, 0, col)
        for i, role in enumerate(roles):
            name = header[i] if i < len(header) and header[i].strip() else f"Column {i + 1}"
            self.names.append(name)
            example = " ".join(examples[i].split()) if i < len(examples) else ""
            value = QLabel(example[:24] + ("…" if len(example) > 24 else ""))
            value.setObjectName("muted")
            value.setToolTip(example)
            box = QComboBox()
            for r, label in ROLE_LABELS.items():
                box.addItem(label, r.value)
            box.setCurrentIndex(max(box.findData(role.value), 0))
            box.currentIndexChanged.connect(lambda _i, b=box: self._touched(b))
            title = QLabel(name[:28] + ("…" if len(name) > 28 else ""))
            title.setToolTip(name)
            self._grid.addWidget(QLabel(str(i + 1)), i + 1, 0)
            self._grid.addWidget(box, i + 1, 1)
            self._grid.addWidget(title, i + 1, 2)
            self._grid.addWidget(value, i + 1, 3)
            self.boxes.append(box)
        self._grid.setColumnStretch(3, 1)

    def set_reason(self, column: int, reason: str, doubtful: bool) -> None:
        if 0 <= column < len(self.boxes):
            box = self.boxes[column]
            box.setToolTip(reason)
            box.setProperty("doubtful", doubtful)
            box.setStyleSheet("background: #fff4d6; border: 1px solid #d48a00;" if doubtful else "")

    def _touched(self, box: QComboBox) -> None:
        box.setStyleSheet("")
        box.setProperty("doubtful", False)
        self.edited.emit()

    def name_of(self, column: int) -> str:
        """How the column is called in the file, for messages ("Column 3 'Betrag'")."""
        name = self.names[column] if 0 <= column < len(self.names) else ""
        return f"Column {column + 1}" + (
            f" “{name}”" if name and not name.startswith("Column ") else ""
        )

    def roles(self) -> list[ColumnRole]:
        return [ColumnRole(b.currentData()) for b in self.boxes]

    def set_role(self, column: int, role: ColumnRole) -> None:
        self.boxes[column].setCurrentIndex(self.boxes[column].findData(role.value))
