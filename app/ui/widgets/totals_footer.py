"""The list footer: count, total and balance for each currency, never summed across them."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QGridLayout, QLabel, QSizePolicy, QWidget

from app.ui.widgets.figures import Figures

PER_ROW = 4
_STYLE = """
QLabel[currencyTotals="true"] {
    background: #ffffff; border: 1px solid #dfe3e8; border-radius: 6px; padding: 5px 10px;
    color: #3b4450;
}
"""


class TotalsFooter(QWidget):
    """One box per currency; ``rows`` keeps what is shown for tests and exports."""

    def __init__(self, figures: Figures, noun: tuple[str, str] = ("invoice", "invoices")) -> None:
        super().__init__()
        self.setStyleSheet(_STYLE)
        self.figures = figures
        self.noun = noun
        self.rows: list[tuple[str, int, int, int]] = []
        self.with_balance = True
        self._layout = QGridLayout(self)
        self._layout.setContentsMargins(0, 4, 0, 0)
        self._layout.setHorizontalSpacing(8)
        self._layout.setVerticalSpacing(4)
        self._boxes: list[QLabel] = []
        self._plain: list[str] = []
        self._empty = QLabel("Nothing in this list.")
        self._empty.setObjectName("muted")
        self._layout.addWidget(self._empty, 0, 0)
        self._layout.setColumnStretch(PER_ROW, 1)

    def show_totals(
        self, rows: list[tuple[str, int, int, int]], *, with_balance: bool | None = None
    ) -> None:
        """``rows`` are (currency, count, total minor, balance minor) as the service gives them.

        Drafts owe nothing yet, so a list of drafts shows no balance (``with_balance=False``).
        """
        if with_balance is not None:
            self.with_balance = with_balance
        self.rows = list(rows)
        for box in self._boxes:
            self._layout.removeWidget(box)
            box.deleteLater()
        self._boxes = []
        self._plain = []
        self._empty.setVisible(not rows)
        fig = self.figures
        for i, (currency, count, total, balance) in enumerate(rows):
            noun = self.noun[0] if count == 1 else self.noun[1]
            owed = fig.amount(balance, currency) if self.with_balance else ""
            box = QLabel(
                f"<b>{currency}</b> &nbsp;<span style='color:#6b7480'>{count:,} {noun}</span><br>"
                f"Total <b>{fig.amount(total, currency)}</b>"
                + (f" &nbsp; Balance <b>{owed}</b>" if owed else "")
            )
            self._plain.append(
                f"{currency} {count:,} {noun} · Total {fig.amount(total, currency)}"
                + (f" · Balance {owed}" if owed else "")
            )
            box.setProperty("currencyTotals", True)
            box.setTextFormat(Qt.TextFormat.RichText)
            box.setAccessibleName(f"Totals in {currency}")
            box.setSizePolicy(QSizePolicy.Policy.Minimum, QSizePolicy.Policy.Fixed)
            self._layout.addWidget(box, i // PER_ROW, i % PER_ROW)
            self._boxes.append(box)

    def text(self) -> str:
        """Plain text of every box, one currency per line."""
        return "\n".join(self._plain)
