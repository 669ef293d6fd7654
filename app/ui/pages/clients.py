"""The Clients page: search-as-you-type list, detail pane, add / edit / archive."""

from __future__ import annotations

import html
from typing import Any

from PySide6.QtCore import QItemSelectionModel, Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QTableView,
    QTextBrowser,
    QVBoxLayout,
)

from app.core.clients import Client, ClientRow
from app.core.money import Money
from app.services import clients as svc
from app.ui.dialogs.client_dialog import ClientDialog
from app.ui.handle import AppHandle
from app.ui.models.lazy_table import Column, LazyTableModel
from app.ui.pages.base import Page, page_header
from app.ui.widgets.list_page import master_detail, search_as_you_type


def _balance(r: ClientRow) -> str:
    return (
        Money.from_minor(r.open_balance_minor, r.currency).plain() if r.open_balance_minor else ""
    )


CLIENT_COLUMNS: list[Column[ClientRow]] = [
    Column(
        "Name",
        lambda r: r.name + ("  (archived)" if r.archived else ""),
        sort="name",
        foreground=lambda r: "#8a8f98" if r.archived else None,
    ),
    Column(
        "E-mail",
        lambda r: r.email or "no e-mail",
        sort="email",
        foreground=lambda r: None if r.email else "#b3261e",
        tooltip=lambda r: "" if r.email else "No e-mail: invoices cannot be sent",
    ),
    Column("City", lambda r: r.city, sort="city"),
    Column("Country", lambda r: r.country, sort="country"),
    Column("Currency", lambda r: r.currency, sort="currency"),
    Column("Open balance", _balance, numeric=True),
]


class ClientsPage(Page):
    title = "Clients"

    def __init__(self, handle: AppHandle) -> None:
        super().__init__(handle)
        self._generation = 0
        self._selected_id: int | None = None
        self._sort = ("name", False)

        self.search = QLineEdit()
        self.search.setPlaceholderText("Search name, e-mail, city, tax id…  (Ctrl+F)")
        self.search.setClearButtonEnabled(True)
        self.show_archived = QCheckBox("Show archived")
        self.count_label = QLabel()
        self.count_label.setObjectName("muted")
        self.add_button = QPushButton("New client")
        self.add_button.setObjectName("primary")
        self.add_button.setToolTip("Ctrl+N")
        self.edit_button = QPushButton("Edit")
        self.edit_button.setToolTip("Enter or F2")
        self.archive_button = QPushButton("Archive")
        self.archive_button.setToolTip("Delete key")

        ctx = handle.ctx
        self.model: LazyTableModel[ClientRow] = LazyTableModel(
            CLIENT_COLUMNS, lambda ids: svc.client_rows(ctx, ids), lambda r: r.id
        )
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setSortingEnabled(False)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(28)
        self.table.setWordWrap(False)
        header = self.table.horizontalHeader()
        header.setSectionsClickable(True)
        header.setSortIndicatorShown(True)
        header.setSortIndicator(0, Qt.SortOrder.AscendingOrder)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        for col, width in ((2, 110), (3, 80), (4, 80), (5, 120)):
            header.resizeSection(col, width)
        header.sectionClicked.connect(self._on_header_clicked)
        self.table.doubleClicked.connect(lambda _i: self.edit_selected())

        self.detail = QTextBrowser()
        self.detail.setOpenExternalLinks(False)
        self.detail.setMinimumWidth(260)

        toolbar = QHBoxLayout()
        toolbar.addWidget(self.search, 3)
        toolbar.addWidget(self.show_archived)
        toolbar.addStretch(1)
        toolbar.addWidget(self.count_label)
        toolbar.addWidget(self.edit_button)
        toolbar.addWidget(self.archive_button)
        toolbar.addWidget(self.add_button)

        split = master_detail(self.table, self.detail, (700, 300), stretch=(3, 1))

        layout = QVBoxLayout(self)
        layout.addWidget(page_header("Clients", "Everyone you bill"))
        layout.addLayout(toolbar)
        layout.addWidget(split, 1)

        search_as_you_type(self, self.search, self.refresh)
        self.show_archived.toggled.connect(lambda _c: self.refresh())
        self.add_button.clicked.connect(self.add_client)
        self.edit_button.clicked.connect(self.edit_selected)
        self.archive_button.clicked.connect(self.archive_selected)
        self.table.selectionModel().currentRowChanged.connect(self._on_current_changed)

        QShortcut(QKeySequence("Ctrl+F"), self, activated=self._focus_search)
        QShortcut(QKeySequence("Ctrl+N"), self, activated=self.add_client)
        QShortcut(QKeySequence("F2"), self, activated=self.edit_selected)
        QShortcut(QKeySequence(Qt.Key.Key_Delete), self.table, activated=self.archive_selected)
        QShortcut(QKeySequence(Qt.Key.Key_Return), self.table, activated=self.edit_selected)
        QShortcut(QKeySequence(Qt.Key.Key_Down), self.search, activated=self._focus_table)

        handle.bus.changed.connect(self._on_changed)
        self._update_buttons()
        self.refresh()

    # data -------------------------------------------------------------------
    def query(self) -> svc.ClientQuery:
        return svc.ClientQuery(
            search=self.search.text(),
            include_archived=self.show_archived.isChecked(),
            sort=self._sort[0],
            descending=self._sort[1],
        )

    def refresh(self) -> None:
        """Ask for the matching ids in the background; a newer request wins."""
        self._generation += 1
        generation = self._generation
        q = self.query()

        def done(ids: list[int]) -> None:
            if generation != self._generation:
                return
            self.model.invalidate()
            self.model.set_ids(ids)
            self.count_label.setText(f"{len(ids):,} client{'s' if len(ids) != 1 else ''}")
            self._restore_selection()

        self.handle.call(svc.client_ids, q, on_done=done, on_error=self._error)

    def _on_changed(self, what: str) -> None:
        if what in ("clients", "invoices", "payments", "all"):
            self.refresh()

    def _restore_selection(self) -> None:
        row = self.model.row_of_id(self._selected_id) if self._selected_id is not None else -1
        if row < 0 and self.model.rowCount() and self._selected_id is None:
            row = 0
        if row >= 0:
            index = self.model.index(row, 0)
            self.table.selectionModel().setCurrentIndex(
                index,
                QItemSelectionModel.SelectionFlag.ClearAndSelect
                | QItemSelectionModel.SelectionFlag.Rows,
            )
            self.table.scrollTo(index)
        else:
            self._selected_id = None
            self.detail.setHtml("<p style='color:#666'>No client selected.</p>")
        self._update_buttons()

    def _on_header_clicked(self, section: int) -> None:
        key = self.model.sort_key(section)
        if key is None:
            return
        descending = self._sort == (key, False)
        self._sort = (key, descending)
        self.table.horizontalHeader().setSortIndicator(
            section, Qt.SortOrder.DescendingOrder if descending else Qt.SortOrder.AscendingOrder
        )
        self.refresh()

    def _on_current_changed(self, current: Any, _previous: Any) -> None:
        self._selected_id = self.model.id_at(current.row()) if current.isValid() else None
        self._update_buttons()
        if self._selected_id is None:
            return
        client_id = self._selected_id
        self.handle.call(
            svc.get_client,
            client_id,
            on_done=lambda c: self._show_detail(c) if self._selected_id == client_id else None,
            on_error=self._error,
        )

    def _show_detail(self, c: Client) -> None:
        d = c.data
        esc = html.escape
        address = "<br>".join(
            esc(x)
            for x in (
                d.address_line1,
                d.address_line2,
                f"{d.postal_code} {d.city}".strip(),
                d.region,
                d.country,
            )
            if x
        )
        contacts = "".join(
            f"<li>{esc(x.name)}{' — ' + esc(x.email) if x.email else ''}"
            f"{' (billing)' if x.is_billing else ''}</li>"
            for x in d.contacts
        )
        warn = (
            ""
            if d.email
            else "<p style='color:#b3261e'>No e-mail address: invoices cannot be sent.</p>"
        )
        archived = (
            "<p style='color:#6b7480'>Archived — kept with its full history.</p>"
            if c.archived
            else ""
        )
        self.detail.setHtml(
            f"<h3>{esc(d.name)}</h3>{archived}{warn}"
            f"<p><b>E-mail</b><br>{esc(d.email) or '—'}</p>"
            f"<p><b>Phone</b><br>{esc(d.phone) or '—'}</p>"
            f"<p><b>Address</b><br>{address or '—'}</p>"
            f"<p><b>Currency</b> {esc(d.currency)} &nbsp; <b>Terms</b> {esc(c.terms_text())}</p>"
            f"<p><b>Tax id</b> {esc(d.tax_id) or '—'}</p>"
            f"<p><b>Invoices</b> {c.invoice_count}</p>"
            + (f"<p><b>Contacts</b></p><ul>{contacts}</ul>" if contacts else "")
            + (f"<p><b>Notes</b><br>{esc(d.notes)}</p>" if d.notes else "")
        )

    def _update_buttons(self) -> None:
        has = self._selected_id is not None
        self.edit_button.setEnabled(has)
        self.archive_button.setEnabled(has)
        row = self.model.row(self.model.row_of_id(self._selected_id)) if has else None
        self.archive_button.setText("Restore" if row is not None and row.archived else "Archive")

    # actions ----------------------------------------------------------------
    def _focus_search(self) -> None:
        self.search.setFocus()
        self.search.selectAll()

    def _focus_table(self) -> None:
        self.table.setFocus()
        if self.model.rowCount() and not self.table.currentIndex().isValid():
            self.table.selectRow(0)

    def _save_call(self, client_id: int | None):  # type: ignore[no-untyped-def]
        def save(data: Any, done: Any, failed: Any) -> None:
            def ok(client: Client) -> None:
                self._selected_id = client.id
                done(client)

            if client_id is None:
                self.handle.call(
                    svc.create_client, data, on_done=ok, on_error=failed, changes="clients"
                )
            else:
                self.handle.call(
                    svc.update_client,
                    client_id,
                    data,
                    on_done=ok,
                    on_error=failed,
                    changes="clients",
                )

        return save

    def add_client(self) -> ClientDialog:
        dialog = ClientDialog(
            self, save=self._save_call(None), default_currency=self._default_currency()
        )
        dialog.open()
        return dialog

    def edit_selected(self) -> ClientDialog | None:
        if self._selected_id is None:
            return None
        client_id = self._selected_id
        holder: dict[str, ClientDialog] = {}

        def opened(c: Client) -> None:
            dialog = ClientDialog(
                self,
                c.data,
                save=self._save_call(client_id),
                currency_locked=c.invoice_count > 0,
            )
            holder["dialog"] = dialog
            dialog.open()

        self.handle.call(svc.get_client, client_id, on_done=opened, on_error=self._error)
        return None

    def archive_selected(self) -> None:
        if self._selected_id is None:
            return
        row = self.model.row(self.model.row_of_id(self._selected_id))
        if row is None:
            return
        if row.archived:
            self.handle.call(
                svc.set_archived, row.id, False, changes="clients", on_error=self._error
            )
            return
        answer = QMessageBox.question(
            self,
            "Archive client",
            f"Archive {row.name}?\n\nThe client disappears from daily lists but keeps every "
            "invoice and payment. You can restore it with 'Show archived'.",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Cancel,
        )
        if answer == QMessageBox.StandardButton.Yes:
            self.handle.call(
                svc.set_archived, row.id, True, changes="clients", on_error=self._error
            )

    def _default_currency(self) -> str:
        return getattr(self.handle, "default_currency", "EUR")

    def _error(self, exc: BaseException) -> None:
        QMessageBox.warning(self, "Clients", str(exc))
