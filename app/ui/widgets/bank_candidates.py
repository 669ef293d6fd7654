"""The right half of the Bank page: one statement line, its candidate invoices and why.

The candidates come ranked from the matcher; the first one is what Enter
accepts unless the user picks another.  Each candidate's reasons are the
matcher's own sentences ("the memo names INV-2026-00004", "amount equals the
balance"), so a decision never rests on a bare number.
"""

from __future__ import annotations

import html

from PySide6.QtCore import QItemSelectionModel, Qt
from PySide6.QtWidgets import (
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from app.services.reconcile import BankLineRow, Suggestion
from app.ui.widgets.badges import pill
from app.ui.widgets.bank_lines import (
    likelihood,
    plain_explanation,
    status_colour,
    status_label,
)
from app.ui.widgets.figures import Figures
from app.ui.widgets.rows_model import Cell, Col, RowsModel
from app.ui.widgets.tables import EmptyHint, list_view

CANDIDATE_COLUMNS = [Col("Invoice · client"), Col("Open", numeric=True), Col("Likelihood")]
OPEN_STATUSES = ("suggested", "unmatched")


class CandidatePanel(QWidget):
    """Shows one line; ``current_candidate()`` is what Accept applies."""

    def __init__(self, figures: Figures) -> None:
        super().__init__()
        self.figures = figures
        self.line: BankLineRow | None = None
        self.candidates: list[Suggestion] = []

        self.heading = QLabel()
        self.heading.setWordWrap(True)
        self.heading.setTextFormat(Qt.TextFormat.RichText)
        self.explanation = QLabel()
        self.explanation.setWordWrap(True)
        self.explanation.setObjectName("muted")
        self.model = RowsModel(CANDIDATE_COLUMNS)
        self.table = list_view(row_height=26)
        self.table.setModel(self.model)
        self.table.setMaximumHeight(132)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for col, width in ((1, 80), (2, 116)):
            header.resizeSection(col, width)
        self.empty = EmptyHint(self.table, "")
        self.reasons = QTextBrowser()
        self.reasons.setOpenExternalLinks(False)

        self.accept_button = QPushButton("Accept")
        self.accept_button.setObjectName("primary")
        self.accept_button.setToolTip("Enter — pay the chosen invoice(s) with this line")
        self.reject_button = QPushButton("Reject")
        self.reject_button.setToolTip(
            "Delete — none of these: the line stays unmatched and they are not suggested again"
        )
        self.ignore_button = QPushButton("Ignore")
        self.ignore_button.setToolTip("I — not an invoice payment (kept, never matched)")
        self.undo_button = QPushButton("Undo match")
        self.undo_button.setToolTip("The invoices reopen at their former balances")
        buttons = QHBoxLayout()
        for b in (self.accept_button, self.reject_button, self.ignore_button, self.undo_button):
            buttons.addWidget(b)
        buttons.addStretch(1)

        title = QLabel("Candidate invoices")
        title.setStyleSheet("font-weight: 600; color: #1c2b3a;")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.heading)
        layout.addWidget(self.explanation)
        layout.addLayout(buttons)
        layout.addWidget(title)
        layout.addWidget(self.table)
        layout.addWidget(self.reasons, 1)
        self.table.selectionModel().currentRowChanged.connect(lambda *_a: self._show_reasons())
        self.show_line(None)

    # showing ------------------------------------------------------------------------
    def show_line(self, line: BankLineRow | None) -> None:
        self.line = line
        self.show_candidates([])
        if line is None:
            self.heading.setText("<p style='color:#6b7480'>No line selected.</p>")
            self.explanation.setText("")
            self._update_buttons()
            return
        esc = html.escape
        money = self.figures.money(line.amount_minor, line.currency)
        colour = "#2e7d32" if line.amount_minor > 0 else "#1c2b3a"
        who = esc(line.counterparty) or "<i>no counterparty given</i>"
        self.heading.setText(
            f"<div style='font-size:15px'><b style='color:{colour}'>{esc(money)}</b>"
            f" &nbsp;{who}</div>"
            f"<div>{esc(self.figures.date(line.booking_date))} &nbsp;"
            f"{pill(status_label(line.status), status_colour(line.status))}</div>"
            f"<div style='color:#3b4450'>{esc(' '.join(line.description.split()))}</div>"
        )
        self.explanation.setText(plain_explanation(line))
        self._update_buttons()

    def show_candidates(self, candidates: list[Suggestion]) -> None:
        self.candidates = list(candidates)
        self.model.set_rows(
            [
                [
                    Cell(
                        f"{', '.join(c.numbers)} · {c.client_name}",
                        tooltip=f"{', '.join(c.numbers)}\n{c.client_name}",
                    ),
                    Cell(self.figures.amount(c.balance_minor, c.currency)),
                    Cell(likelihood(c.score)),
                ]
                for c in self.candidates
            ]
        )
        if self.line is None:
            text = ""
        elif self.line.status in OPEN_STATUSES:
            text = "No invoice fits this line."
        else:
            text = "No candidates kept for this line."
        self.empty.set_text(text)
        self.empty.update_for(len(self.candidates))
        if self.candidates:
            self.table.selectionModel().setCurrentIndex(
                self.model.index(0, 0),
                QItemSelectionModel.SelectionFlag.ClearAndSelect
                | QItemSelectionModel.SelectionFlag.Rows,
            )
        self._show_reasons()
        self._update_buttons()

    def current_candidate(self) -> Suggestion | None:
        """The candidate picked in the list, else the best one."""
        if not self.candidates:
            return None
        row = self.table.currentIndex().row()
        return self.candidates[row] if 0 <= row < len(self.candidates) else self.candidates[0]

    def _show_reasons(self) -> None:
        c = self.current_candidate()
        if c is None:
            self.reasons.setHtml("")
            return
        esc = html.escape
        items = "".join(f"<li>{esc(r)}</li>" for r in c.reasons) or "<li>No reasons given.</li>"
        several = len(c.invoice_ids) > 1
        self.reasons.setHtml(
            f"<p><b>Why {esc(', '.join(c.numbers))}</b> "
            f"({'together ' if several else ''}{esc(self.figures.money(c.balance_minor, c.currency))}"
            f" open, {esc(c.client_name)})</p><ul>{items}</ul>"
        )

    def _update_buttons(self) -> None:
        line = self.line
        status = line.status if line is not None else ""
        self.accept_button.setEnabled(status in OPEN_STATUSES and bool(self.candidates))
        self.reject_button.setEnabled(status == "suggested")
        self.ignore_button.setEnabled(status in (*OPEN_STATUSES, "outgoing", "ignored"))
        self.ignore_button.setText("Restore" if status == "ignored" else "Ignore")
        self.undo_button.setEnabled(status in ("auto", "matched"))
