"""Choosing a client by typing part of the name (a searchable combo box).

The list is loaded in the background once; typing filters it by any part of
the name, so "müll" finds "Müller Bau GmbH" among thousands of clients.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QComboBox, QCompleter, QWidget

from app.core.clients import ClientRow
from app.services.clients import ClientQuery, list_clients
from app.ui.handle import AppHandle

CURRENCY_ROLE = Qt.ItemDataRole.UserRole + 1
ALL_CLIENTS = "All clients"


class ClientPicker(QComboBox):
    """``client_id()`` is the chosen client, None for "All clients" or unmatched text."""

    client_changed = Signal(object)
    loaded = Signal()

    def __init__(
        self,
        handle: AppHandle,
        *,
        allow_all: bool = False,
        include_archived: bool = False,
        load: bool = True,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.handle = handle
        self.allow_all = allow_all
        self.include_archived = include_archived
        self.setEditable(True)
        self.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.setMaxVisibleItems(16)
        self.lineEdit().setPlaceholderText("Type to find a client…")
        self.is_loaded = False
        self._pending: int | None = None
        self._last: int | None = None
        if allow_all:
            self.addItem(ALL_CLIENTS, None)
        completer = QCompleter(self.model(), self)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        self.setCompleter(completer)
        self.currentIndexChanged.connect(lambda _i: self._announce())
        self.lineEdit().editingFinished.connect(self._announce)
        if load:
            self.reload()

    def reload(self) -> None:
        q = ClientQuery(include_archived=self.include_archived)
        self.handle.call(list_clients, q, on_done=self._fill, on_error=lambda _e: None)

    def _fill(self, rows: list[ClientRow]) -> None:
        keep = self._pending if self._pending is not None else self.client_id()
        self.blockSignals(True)
        self.clear()
        if self.allow_all:
            self.addItem(ALL_CLIENTS, None)
        for r in rows:
            self.addItem(r.name, r.id)
            self.setItemData(self.count() - 1, r.currency, CURRENCY_ROLE)
        self.blockSignals(False)
        self.is_loaded = True
        self._pending = None
        if keep is not None:
            self.set_client_id(keep)
        elif self.allow_all:
            self.setCurrentIndex(0)
        else:
            self.setCurrentIndex(-1)
            self.setEditText("")
        self.loaded.emit()

    def client_id(self) -> int | None:
        if not self.is_loaded:
            return self._pending
        text = self.currentText().strip()
        idx = self.findText(text, Qt.MatchFlag.MatchFixedString)
        if idx < 0:
            return None
        data = self.itemData(idx)
        return int(data) if data is not None else None

    def currency(self) -> str:
        cid = self.client_id()
        if cid is None:
            return ""
        idx = self.findData(cid)
        return str(self.itemData(idx, CURRENCY_ROLE) or "") if idx >= 0 else ""

    def set_client_id(self, client_id: int | None) -> None:
        if not self.is_loaded:
            self._pending = client_id
            return
        idx = self.findData(client_id) if client_id is not None else (0 if self.allow_all else -1)
        self.setCurrentIndex(idx)
        if idx < 0:
            self.setEditText("")
        self._announce()

    def _announce(self) -> None:
        current = self.client_id()
        if current != self._last:
            self._last = current
            self.client_changed.emit(current)
