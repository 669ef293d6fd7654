"""A live picture of the invoice layout, redrawn from the settings form as it is edited.

The sample invoice is rendered by the real PDF engine (on the worker thread) and
its first page drawn with Qt's PDF module, so the preview is exactly what clients
will receive.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QSize, Qt, QTimer
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from app.ui.handle import AppHandle

PREVIEW_WIDTH = 380


def render_sample(values: dict[str, Any]) -> bytes:
    """The sample invoice as PDF bytes with the given (unsaved) branding and company settings."""
    from app.core.documents import Branding
    from app.pdf import render_invoice
    from app.pdf.samples import sample_invoice
    from app.services.pdf_archive import company_block

    branding = Branding(
        accent_hex=values["branding.accent"],
        template=values["branding.template"],
        paper=values["branding.paper"],
        footer_text=values["branding.footer"],
        locale=values["company.locale"],
        logo_path=values["company.logo_path"] or None,
    )
    doc = sample_invoice(line_count=6, currency=values.get("company.currency") or "EUR")
    if values.get("company.name"):
        doc = replace(doc, company=company_block(values))
    return render_invoice(doc, branding, [])


class BrandingPreview(QWidget):
    def __init__(self, handle: AppHandle) -> None:
        super().__init__()
        self.handle = handle
        self.title = QLabel("<b>Invoice preview</b>")
        self.image = QLabel("Preparing the preview…")
        self.image.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignHCenter)
        self.image.setMinimumWidth(PREVIEW_WIDTH)
        self.problem = QLabel()
        self.problem.setObjectName("errorText")
        self.problem.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.title)
        layout.addWidget(self.image, 1)
        layout.addWidget(self.problem)
        self._values: dict[str, Any] = {}
        self._generation = 0
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(300)
        self._timer.timeout.connect(self._render)
        self.pages_rendered = 0

    def show_values(self, values: dict[str, Any]) -> None:
        """Redraw soon with these values (edits in a row make one redraw)."""
        self._values = dict(values)
        self._timer.start()

    def _render(self) -> None:
        self._generation += 1
        generation = self._generation
        values = self._values

        def done(pdf: bytes) -> None:
            if generation == self._generation:
                self._show(pdf)

        def failed(exc: BaseException) -> None:
            if generation == self._generation:
                self.problem.setText(f"The preview cannot be drawn: {exc}")

        self.handle.long_ops.run(lambda: render_sample(values), done, failed)

    def _show(self, pdf: bytes) -> None:
        from PySide6.QtPdf import QPdfDocument

        document = QPdfDocument(self)
        buffer = QBuffer(self)
        buffer.setData(QByteArray(pdf))
        buffer.open(QIODevice.OpenModeFlag.ReadOnly)
        document.load(buffer)
        page = document.pagePointSize(0)
        if page.isEmpty():
            self.problem.setText("The preview cannot be drawn.")
            return
        width = PREVIEW_WIDTH
        size = QSize(width, int(width * page.height() / page.width()))
        self.image.setPixmap(QPixmap.fromImage(document.render(0, size)))
        self.problem.clear()
        self.pages_rendered += 1
        document.close()
        buffer.close()
