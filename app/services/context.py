"""What every service call needs: transactions, the clock, who acts, where files live."""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

from app.core.clock import Clock
from app.db.uow import UnitOfWorkFactory
from app.services.audit import AuditContext


@dataclass(frozen=True)
class DataHome:
    """The folder that holds the database, stored PDFs, backups and reports."""

    root: Path

    @property
    def database(self) -> Path:
        return self.root / "counterfoil.sqlite3"

    @property
    def pdfs(self) -> Path:
        return self.root / "pdf"

    @property
    def backups(self) -> Path:
        return self.root / "backups"

    @property
    def crash_reports(self) -> Path:
        return self.root / "crash-reports"

    def ensure(self) -> DataHome:
        for p in (self.root, self.pdfs, self.backups):
            p.mkdir(parents=True, exist_ok=True)
        return self


@dataclass(frozen=True)
class AppContext:
    uow: UnitOfWorkFactory
    clock: Clock
    home: DataHome
    actor: str = "user"

    @property
    def audit(self) -> AuditContext:
        return AuditContext(clock=self.clock, actor=self.actor)

    def acting_as(self, actor: str) -> AppContext:
        return replace(self, actor=actor)
