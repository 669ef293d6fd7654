"""The Outbox page: e-mails queued, sent, failed — and the few the user must check.

An ``unknown`` message is one the program was sending when it stopped; it may
have gone out.  The page says so in plain words and offers the two honest
answers: "It was sent" (found in the Sent folder) or "Send it again".
"""

from __future__ import annotations

import html
import re
from datetime import datetime
from typing import Any

from PySide6.QtCore import QItemSelectionModel
from PySide6.QtWidgets import (
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QSplitter,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from app.services import outbox_actions
from app.services import outbox_views as svc
from app.ui.handle import AppHandle
from app.ui.models.lazy_table import Column, LazyTableModel
from app.ui.pages.base import Page, page_header
from app.ui.widgets.filter_chips import FilterChips
from app.ui.widgets.list_page import search_as_you_type
from app.ui.widgets.tables import EmptyHint, list_view

CHIPS = [
    ("queued", "Queued"),
    ("sent", "Sent"),
    ("failed", "Failed"),
    ("unknown", "Check"),
    ("other", "Cancelled & skipped"),
]
EMPTY = {
    "queued": "Nothing waiting to be sent.",
    "sent": "No e-mail has been sent yet.",
    "failed": "No failed e-mails.",
    "unknown": "Nothing to check.",
    "other": "No cancelled or skipped e-mails.",
}
KINDS = {
    "invoice": "Invoice",
    "credit_note": "Credit note",
    "reminder": "Reminder",
    "receipt": "Receipt",
    "statement": "Statement",
}
UNKNOWN_HELP = (
    "Counterfoil stopped while this e-mail was being sent, so it may have gone out. "
    "Look for it in your mail program's Sent folder (or ask the client), then tell "
    "Counterfoil what happened. It is never sent again by itself."
)


def _time(value: datetime | None, ctx: Any) -> str:
    return value.astimezone(ctx.clock.tz).strftime("%d %b %Y %H:%M") if value else ""


def columns(ctx: Any) -> list[Column[svc.OutboxRow]]:
    return [
        Column("When", lambda r: _time(r.sent_at or r.created_at, ctx)),
        Column("To", lambda r: r.to_address or "no address"),
        Column("About", lambda r: r.invoice_number or r.client_name),
        Column("What", lambda r: KINDS.get(r.kind, r.kind) + (f" · {r.stage}" if r.stage else "")),
        Column(
            "Subject / note", lambda r: r.last_error or r.subject, tooltip=lambda r: r.last_error
        ),
        Column("Tries", lambda r: str(r.attempts) if r.attempts else "", numeric=True),
    ]


class OutboxPage(Page):
    title = "Outbox"

    def __init__(self, handle: AppHandle) -> None:
        super().__init__(handle)
        self._generation = 0
        self._selected_id: int | None = None
        self.view: svc.MessageView | None = None
        ctx = handle.ctx

        self.chips = FilterChips(CHIPS)
        self.search = QLineEdit()
        self.search.setPlaceholderText("Search address, invoice or client…")
        self.search.setClearButtonEnabled(True)
        self.send_button = QPushButton("Send now")
        self.send_button.setObjectName("primary")
        self.send_button.setToolTip("Send what is queued and queue the reminders that are due")
        self.status = QLabel()
        self.status.setObjectName("muted")

        self.model: LazyTableModel[svc.OutboxRow] = LazyTableModel(
            columns(ctx), lambda ids: svc.outbox_rows(ctx, ids), lambda r: r.id
        )
        self.table = list_view()
        self.table.setModel(self.model)
        header = self.table.horizontalHeader()
        for col, width in ((0, 130), (1, 220), (2, 130), (3, 130), (5, 50)):
            header.resizeSection(col, width)
        header.setSectionResizeMode(4, QHeaderView.ResizeMode.Stretch)
        self.hint = EmptyHint(self.table, EMPTY["queued"])

        self.message = QTextBrowser()
        self.message.setOpenExternalLinks(False)
        self.explain = QLabel(UNKNOWN_HELP)
        self.explain.setWordWrap(True)
        self.explain.setObjectName("warningText")
        self.mark_sent_button = QPushButton("It was sent")
        self.send_again_button = QPushButton("Send it again")
        self.retry_button = QPushButton("Retry")
        self.cancel_button = QPushButton("Cancel e-mail")
        actions = QHBoxLayout()
        for b in (
            self.mark_sent_button,
            self.send_again_button,
            self.retry_button,
            self.cancel_button,
        ):
            actions.addWidget(b)
        actions.addStretch(1)
        detail = QWidget()
        dl = QVBoxLayout(detail)
        dl.setContentsMargins(0, 0, 0, 0)
        dl.addWidget(self.explain)
        dl.addLayout(actions)
        dl.addWidget(self.message, 1)

        toolbar = QHBoxLayout()
        toolbar.addWidget(self.chips, 1)
        toolbar.addWidget(self.search, 1)
        toolbar.addWidget(self.send_button)
        split = QSplitter()
        split.addWidget(self.table)
        split.addWidget(detail)
        split.setSizes([640, 420])
        layout = QVBoxLayout(self)
        layout.addWidget(page_header("Outbox", "Invoices, reminders and receipts by e-mail"))
        layout.addLayout(toolbar)
        layout.addWidget(split, 1)
        layout.addWidget(self.status)

        search_as_you_type(self, self.search, self.refresh)
        self.chips.changed.connect(lambda _k: self.refresh())
        self.table.selectionModel().currentRowChanged.connect(self._on_current)
        self.send_button.clicked.connect(self.send_now)
        self.mark_sent_button.clicked.connect(lambda: self._act(outbox_actions.confirm_sent))
        self.send_again_button.clicked.connect(lambda: self._act(outbox_actions.send_again))
        self.retry_button.clicked.connect(lambda: self._act(outbox_actions.retry))
        self.cancel_button.clicked.connect(self._confirm_cancel)
        handle.bus.changed.connect(self._on_changed)
        self._show_message(None)
        self.refresh()

    def activated(self) -> None:
        self.refresh()

    # data -------------------------------------------------------------------
    def refresh(self) -> None:
        self._generation += 1
        generation = self._generation
        q = svc.OutboxQuery(svc.GROUPS[self.chips.current()], self.search.text())

        def done(result: tuple[list[int], dict[str, int]]) -> None:
            if generation != self._generation:
                return
            ids, counts = result
            self.model.invalidate()
            self.model.set_ids(ids)
            self.hint.set_text(EMPTY[self.chips.current()])
            self.hint.update_for(len(ids))
            for key, statuses in svc.GROUPS.items():
                self.chips.set_count(key, sum(counts[s] for s in statuses))
            self._restore_selection()

        def load(ctx: Any) -> tuple[list[int], dict[str, int]]:
            return svc.outbox_ids(ctx, q), svc.outbox_counts(ctx)

        self.handle.call(load, on_done=done, on_error=self._error)

    def _restore_selection(self) -> None:
        row = self.model.row_of_id(self._selected_id) if self._selected_id is not None else -1
        if row < 0 and self.model.rowCount():
            row = 0
        if row < 0:
            self._selected_id = None
            self._show_message(None)
            return
        self.table.selectionModel().setCurrentIndex(
            self.model.index(row, 0),
            QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows,
        )

    def _on_current(self, current: Any, _previous: Any) -> None:
        self._selected_id = self.model.id_at(current.row()) if current.isValid() else None
        if self._selected_id is None:
            self._show_message(None)
            return
        message_id = self._selected_id
        self.handle.call(
            svc.message_view,
            message_id,
            on_done=lambda v: self._show_message(v) if self._selected_id == message_id else None,
            on_error=self._error,
        )

    def _on_changed(self, what: str) -> None:
        if what in ("outbox", "invoices", "payments", "all"):
            self.refresh()

    # the selected message ----------------------------------------------------
    def _show_message(self, view: svc.MessageView | None) -> None:
        self.view = view
        status = view.row.status if view else ""
        self.explain.setVisible(status == "unknown")
        self.mark_sent_button.setVisible(status == "unknown")
        self.send_again_button.setVisible(status == "unknown")
        self.retry_button.setVisible(status == "failed")
        self.cancel_button.setVisible(status in ("queued", "failed"))
        if view is None:
            self.message.setHtml("<p style='color:#6b7480'>No e-mail selected.</p>")
            return
        self.message.setHtml(message_html(view, self.handle.ctx))

    def _act(self, fn: Any) -> None:
        if self._selected_id is None:
            return
        self.handle.call(fn, self._selected_id, changes="outbox", on_error=self._error)

    def _confirm_cancel(self) -> None:
        if self._selected_id is None:
            return
        answer = QMessageBox.question(
            self, "Cancel e-mail", "This e-mail will never be sent. Cancel it?"
        )
        if answer == QMessageBox.StandardButton.Yes:
            self._act(outbox_actions.cancel)

    def send_now(self) -> None:
        from app.services.delivery import send_due

        ctx = self.handle.ctx
        self.send_button.setEnabled(False)
        self.status.setText("Sending…")

        def done(report: Any) -> None:
            self.send_button.setEnabled(True)
            self.status.setText(report.summary)
            self.handle.bus.changed.emit("outbox")
            self.handle.bus.changed.emit("invoices")

        def failed(exc: BaseException) -> None:
            self.send_button.setEnabled(True)
            self._error(exc)

        self.handle.long_ops.run_long(
            lambda progress, cancel: send_due(ctx, progress, cancel),
            lambda done_, total, text: self.status.setText(f"{done_}/{total} {text}"),
            done,
            failed,
        )

    def _error(self, exc: BaseException) -> None:
        self.status.setText(str(exc))


def message_html(view: svc.MessageView, ctx: Any) -> str:
    r = view.row
    esc = html.escape
    facts = [
        ("Status", r.status + (f" — {r.last_error}" if r.last_error else "")),
        ("From", view.sender),
        ("To", r.to_address or "—"),
        ("Reply-To", view.reply_to),
        ("Subject", r.subject or "(written when it is sent)"),
        ("Sent", _time(r.sent_at, ctx)),
        ("Message-ID", view.message_id),
        ("Attached", view.attachment),
    ]
    head = "".join(
        f"<tr><td style='color:#6b7480; padding-right:10px'>{esc(k)}</td><td>{esc(v)}</td></tr>"
        for k, v in facts
        if v
    )
    found = re.search(r"<body[^>]*>(.*)</body>", view.body_html, re.S)
    body = found.group(1) if found else view.body_html or f"<pre>{esc(view.body_text)}</pre>"
    return f"<table>{head}</table><hr>{body}"
