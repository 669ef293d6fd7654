"""The last rows of a long table, kept on the same page as what follows them.

Totals, a closing balance or an aging summary must not open a page on
their own: they are kept together with the table's last rows.  Those rows
are a separate small table, built twice: with the column header, used when
they start a new page, and without it, used when they follow the rest of
the table on the same page so the table continues seamlessly.  Which one is
drawn is decided at layout time from the frame's "at top" state.
"""

from __future__ import annotations

from reportlab.platypus import Flowable, Table


class TableTail(Flowable):
    """A table's last rows: with a column header at the top of a page, without elsewhere."""

    def __init__(self, headed: Table, bare: Table | None) -> None:
        super().__init__()
        self._headed = headed
        self._bare = bare
        self._chosen: Table = headed

    def _pick(self) -> Table:
        frame = getattr(self, "_frame", None)
        at_top = frame is None or getattr(frame, "_atTop", True)
        return self._headed if at_top or self._bare is None else self._bare

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        self._chosen = self._pick()
        width, height = self._chosen.wrap(available_width, available_height)
        self.width, self.height = width, height
        return width, height

    def split(self, available_width: float, available_height: float) -> list[Flowable]:
        return []

    def drawOn(self, canvas, x, y, _sW=0):
        self._chosen.drawOn(canvas, x, y, _sW)
