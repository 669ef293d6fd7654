"""What a person can do to invoices from the list: approve, issue, void, credit, edit.

A mix-in of the Invoices page: it asks before anything irreversible, runs the
service call in the background, announces "invoices" so every view refreshes,
and shows a refusal (an issued invoice is immutable) as a message, never a crash.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QMessageBox, QWidget

from app.core.invoices import EDITABLE, InvoiceDetail, InvoiceRow, Status
from app.services import invoicing as svc
from app.ui.dialogs.invoice_editor import InvoiceEditor
from app.ui.handle import AppHandle
from app.ui.widgets.figures import Figures
from app.ui.widgets.filter_chips import FilterChips
from app.ui.widgets.invoice_list import delete_drafts
from app.ui.widgets.invoice_pane import InvoiceDetailPane
from app.ui.widgets.invoice_view import doc_title
from app.ui.widgets.prompts import CreditNoteDialog, ReasonDialog


class InvoiceActions:
    """Needs the page's handle, figures, chips, detail pane, selection and settings."""

    handle: AppHandle
    figures: Figures
    chips: FilterChips
    pane: InvoiceDetailPane
    _selected_id: int | None
    _settings: dict[str, Any]

    def selected_rows(self) -> list[InvoiceRow]:
        raise NotImplementedError

    def _widget(self) -> QWidget:
        assert isinstance(self, QWidget)
        return self

    def _confirm(self, title: str, text: str) -> bool:
        answer = QMessageBox.question(
            self._widget(),
            title,
            text,
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Cancel,
        )
        return answer == QMessageBox.StandardButton.Yes

    def _current(self) -> InvoiceDetail | None:
        d = self.pane.detail
        return d if d is not None and d.row.id == self._selected_id else None

    def _show_document(self, detail: InvoiceDetail) -> None:
        """Select a document that was just created, switching filters if it would be hidden."""
        self._selected_id = detail.row.id
        status = detail.row.status
        visible = {
            "all": True,
            "drafts": status in (Status.DRAFT, Status.APPROVED),
            "review": status == Status.REVIEW,
        }.get(self.chips.current(), False)
        if not visible:
            self.chips.set_current("drafts" if status in EDITABLE else "all")

    def _issued(self, numbers: list[str]) -> None:
        shown = ", ".join(numbers[:3]) + (" …" if len(numbers) > 3 else "")
        self.handle.bus.status.emit(
            f"Issued {len(numbers)} invoice{'s' if len(numbers) != 1 else ''}: {shown}"
        )

    def approve_selected(self) -> None:
        """Approve (and issue) every selected draft that is waiting for review."""
        rows = [r for r in self.selected_rows() if r.status in (Status.REVIEW, Status.DRAFT)]
        if not rows:
            return
        n = len(rows)
        what = "this invoice" if n == 1 else f"these {n} invoices"
        if not self._confirm(
            "Approve and issue",
            f"Approve and issue {what}?\n\nEach gets its number now and can no longer be edited;"
            " corrections are made with credit notes.",
        ):
            return
        self.handle.call(
            svc.approve,
            [r.id for r in rows],
            on_done=self._issued,
            on_error=self._error,
            changes="invoices",
        )

    def issue_selected(self) -> None:
        rows = [r for r in self.selected_rows() if r.status in (Status.DRAFT, Status.APPROVED)]
        if not rows:
            return
        n = len(rows)
        if not self._confirm(
            "Issue",
            f"Issue {'this draft' if n == 1 else f'these {n} drafts'}?\n\nIssued invoices get"
            " their number and can no longer be edited.",
        ):
            return
        self.handle.call(
            svc.issue_invoices,
            [r.id for r in rows],
            on_done=self._issued,
            on_error=self._error,
            changes="invoices",
        )

    def new_invoice(self) -> InvoiceEditor:
        editor = InvoiceEditor(
            self._widget(),
            self.handle,
            self.figures,
            settings=self._settings,
            on_saved=self._show_document,
        )
        editor.open()
        return editor

    def edit_selected(self) -> None:
        d = self._current()
        if d is None or d.row.status not in EDITABLE:
            return
        InvoiceEditor(
            self._widget(),
            self.handle,
            self.figures,
            detail=d,
            settings=self._settings,
            on_saved=self._show_document,
        ).open()

    def delete_selected(self) -> None:
        rows = [r for r in self.selected_rows() if r.status in EDITABLE]
        if not rows:
            return
        n = len(rows)
        title = f"Draft #{rows[0].id} for {rows[0].client_name}" if n == 1 else f"{n} drafts"
        if not self._confirm(
            "Delete draft",
            f"Delete {title}?\n\nDrafts have no number yet, so no number is lost. A draft made by"
            " the bill run is made again by the next run; use Reject to skip its period.",
        ):
            return
        self.handle.call(
            delete_drafts, [r.id for r in rows], on_error=self._error, changes="invoices"
        )

    def reject_current(self) -> None:
        d = self._current()
        if d is None or d.row.status != Status.REVIEW:
            return
        ReasonDialog(
            self._widget(),
            "Reject draft",
            f"Reject the draft for {d.row.client_name}? It is deleted and this period of"
            f" “{d.schedule_name}” is never billed.",
            "Reject",
        ).ask(lambda reason: self._call(svc.reject, d.row.id, reason))

    def void_current(self) -> None:
        d = self._current()
        if d is None:
            return
        ReasonDialog(
            self._widget(),
            "Void invoice",
            f"Void {d.row.number}? It keeps its number and stays in the books marked void;"
            " nobody owes it any more.",
            "Void invoice",
        ).ask(lambda reason: self._call(svc.void, d.row.id, reason))

    def credit_current(self) -> None:
        d = self._current()
        if d is None or d.row.number is None:
            return
        remaining = self.figures.money(d.row.total_minor - d.credited_minor, d.row.currency)
        dialog = CreditNoteDialog(
            self._widget(), d.row.number, remaining, self.figures.decimal_mark
        )

        def chosen(answer: tuple[Any, str]) -> None:
            amount, reason = answer

            def done(note: InvoiceDetail) -> None:
                self.handle.bus.status.emit(f"Credit note {note.row.number} issued.")

            self.handle.call(
                svc.credit_note,
                d.row.id,
                amount,
                reason,
                on_done=done,
                on_error=self._error,
                changes="invoices",
            )

        dialog.ask(chosen)

    def duplicate_current(self) -> None:
        d = self._current()
        if d is None:
            return

        def done(draft: InvoiceDetail) -> None:
            self.handle.bus.status.emit(f"Draft #{draft.row.id} created from {doc_title(d)}.")
            self._show_document(draft)

        self.handle.call(
            svc.duplicate_as_draft, d.row.id, on_done=done, on_error=self._error, changes="invoices"
        )

    def open_pdf_current(self) -> None:
        """Open the archived PDF (or a watermarked preview of a draft) in the system viewer."""
        d = self._current()
        if d is None:
            return
        from pathlib import Path

        from PySide6.QtCore import QUrl
        from PySide6.QtGui import QDesktopServices

        from app.services.pdf_archive import pdf_path, preview_bytes

        invoice_id, number = d.row.id, d.row.number
        home = self.handle.ctx.home.root

        def fetch(ctx: Any) -> Path:
            if number:
                return pdf_path(ctx, invoice_id)
            target = home / "previews" / f"draft-{invoice_id}.pdf"
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(preview_bytes(ctx, invoice_id))
            return target

        self.handle.call(
            fetch,
            on_done=lambda path: QDesktopServices.openUrl(QUrl.fromLocalFile(str(path))),
            on_error=self._error,
        )

    def email_current(self) -> None:
        d = self._current()
        if d is None:
            return
        from app.services.mail_queue import queue_invoice_email

        self.handle.call(
            queue_invoice_email,
            d.row.id,
            on_error=self._error,
            changes="outbox,invoices",
            on_done=lambda _n: self.handle.bus.status.emit(
                f"{doc_title(d)} will be e-mailed again."
            ),
        )

    def dispute_current(self) -> None:
        d = self._current()
        if d is None:
            return
        if d.disputed:
            self.handle.call(
                svc.mark_disputed, d.row.id, False, "", on_error=self._error, changes="invoices"
            )
            return
        ReasonDialog(
            self._widget(),
            "Dispute",
            f"Mark {doc_title(d)} disputed. Reminders pause until the dispute "
            "is withdrawn or settled with a credit note.",
            "Mark disputed",
        ).ask(
            lambda note: self.handle.call(
                svc.mark_disputed, d.row.id, True, note, on_error=self._error, changes="invoices"
            )
        )

    def promise_current(self) -> None:
        d = self._current()
        if d is None:
            return
        from datetime import timedelta

        from app.ui.widgets.prompts import DateDialog

        default = self.handle.ctx.clock.today() + timedelta(days=7)
        DateDialog(
            self._widget(),
            "Promise to pay",
            f"The client promised to pay {doc_title(d)} by this date. "
            "Reminders pause until two days after it; if it passes unpaid, it appears in the exceptions "
            "queue.",
            "Record promise",
            d.promise_date or default,
        ).ask(
            lambda on: self.handle.call(
                svc.set_promise, d.row.id, on, on_error=self._error, changes="invoices"
            )
        )

    def _call(self, fn: Any, *args: Any) -> None:
        self.handle.call(fn, *args, on_error=self._error, changes="invoices")

    def _error(self, exc: BaseException) -> None:
        QMessageBox.warning(self._widget(), "Invoices", str(exc))
