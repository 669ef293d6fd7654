"""``verify``: is the database sound, the audit chain intact, every stored PDF unchanged?"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from app.db import models as m
from app.services import audit
from app.services.context import AppContext


@dataclass
class VerifyReport:
    integrity: list[str] = field(default_factory=list)
    audit: list[str] = field(default_factory=list)
    pdfs: list[str] = field(default_factory=list)
    audit_events: int = 0
    pdfs_checked: int = 0

    @property
    def ok(self) -> bool:
        return not (self.integrity or self.audit or self.pdfs)

    def as_dict(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "integrity": self.integrity or ["ok"],
            "audit_events": self.audit_events,
            "audit_problems": self.audit,
            "pdfs_checked": self.pdfs_checked,
            "pdf_problems": self.pdfs,
        }


def verify(ctx: AppContext) -> VerifyReport:
    report = VerifyReport()
    with ctx.uow.read() as uow:
        s = uow.session
        report.integrity = audit.integrity_problems(s)
        report.audit_events = s.scalar(select(func.count()).select_from(m.AuditEvent)) or 0
        report.audit = [f"audit event {p.event_id}: {p.reason}" for p in audit.verify(s)]
        rows = s.execute(
            select(m.Invoice.number, m.Invoice.pdf_path, m.Invoice.pdf_sha256).where(
                m.Invoice.pdf_sha256 != ""
            )
        ).all()
    for number, rel_path, sha in rows:
        report.pdfs_checked += 1
        path = ctx.home.root / rel_path
        if not Path(path).is_file():
            report.pdfs.append(f"{number}: stored PDF {rel_path} is missing")
            continue
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        if digest != sha:
            report.pdfs.append(f"{number}: stored PDF {rel_path} was changed after issue")
    return report
