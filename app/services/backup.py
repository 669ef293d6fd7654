"""Backups of the data home: consistent while the app runs, rotated, checked before restore.

A backup is one folder: the database copied page by page with SQLite's online
backup API (safe while other connections write) plus the archived PDFs.
Restore checks the candidate first — SQLite's integrity check and the audit
chain — and only then swaps it in, keeping the replaced data aside.
"""

from __future__ import annotations

import shutil
import sqlite3
import zipfile
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from app.core.audit_chain import ChainedEvent, verify_chain

DB_NAME = "counterfoil.sqlite3"


class BackupError(RuntimeError):
    """A backup that cannot be made or restored; nothing was changed."""


def backup_sqlite_file(source: Path, dest_dir: Path, label: str = "backup") -> Path:
    """Copy a live SQLite database page by page into ``dest_dir``."""
    dest_dir.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    target = dest_dir / f"counterfoil-{stamp}-{label}.sqlite3"
    _online_copy(source, target)
    return target


def _online_copy(source: Path, target: Path) -> None:
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    try:
        dst = sqlite3.connect(str(target))
        try:
            src.backup(dst)
        finally:
            dst.close()
    finally:
        src.close()


@dataclass(frozen=True)
class BackupInfo:
    path: Path
    created: datetime
    size: int


def create_backup(
    home_root: Path, dest: Path | None = None, *, now: datetime | None = None, label: str = "manual"
) -> Path:
    """Write ``counterfoil-backup-<UTC stamp>-<label>.zip`` (database + PDFs) and return it."""
    database = home_root / DB_NAME
    if not database.exists():
        raise BackupError(f"there is no database in {home_root} to back up")
    now = now or datetime.now(UTC)
    folder = dest or home_root / "backups"
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"counterfoil-backup-{now.strftime('%Y%m%dT%H%M%SZ')}-{label}.zip"
    partial = target.with_suffix(".zip.part")
    work = folder / f".tmp-{now.strftime('%Y%m%dT%H%M%S%f')}"
    work.mkdir()
    try:
        _online_copy(database, work / DB_NAME)
        with zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_DEFLATED) as zf:
            zf.write(work / DB_NAME, DB_NAME)
            pdfs = home_root / "pdf"
            if pdfs.is_dir():
                for f in sorted(pdfs.rglob("*.pdf")):
                    zf.write(f, str(f.relative_to(home_root)))
        partial.replace(target)
    finally:
        shutil.rmtree(work, ignore_errors=True)
        partial.unlink(missing_ok=True)
    return target


def list_backups(home_root: Path) -> list[BackupInfo]:
    folder = home_root / "backups"
    out = []
    for f in sorted(folder.glob("counterfoil-backup-*.zip")) if folder.is_dir() else []:
        out.append(BackupInfo(f, datetime.fromtimestamp(f.stat().st_mtime, UTC), f.stat().st_size))
    return out


def rotate(home_root: Path, keep_days: int, today: date) -> list[Path]:
    """Delete automatic backups older than ``keep_days`` (manual ones are kept)."""
    removed = []
    limit = today - timedelta(days=keep_days)
    for info in list_backups(home_root):
        if "-auto" not in info.path.name:
            continue
        stamp = info.path.name.split("-")[2][:8]
        try:
            made = datetime.strptime(stamp, "%Y%m%d").date()
        except ValueError:
            continue
        if made < limit:
            info.path.unlink()
            removed.append(info.path)
    return removed


def auto_backup(home_root: Path, keep_days: int, now: datetime) -> Path | None:
    """One automatic backup per day (at start and then daily), then rotation."""
    today_tag = now.strftime("%Y%m%d")
    if any(today_tag in b.path.name and "-auto" in b.path.name for b in list_backups(home_root)):
        return None
    made = create_backup(home_root, now=now, label="auto")
    rotate(home_root, keep_days, now.date())
    return made


@dataclass(frozen=True)
class CheckReport:
    ok: bool
    problems: tuple[str, ...]
    audit_events: int


def check_database_file(path: Path) -> CheckReport:
    """Integrity and audit chain of a database file that is not in use."""
    problems: list[str] = []
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    except sqlite3.Error as exc:
        return CheckReport(False, (f"cannot open: {exc}",), 0)
    try:
        try:
            rows = [r[0] for r in conn.execute("PRAGMA integrity_check")]
        except sqlite3.DatabaseError as exc:
            return CheckReport(False, (f"not a Counterfoil database: {exc}",), 0)
        if rows != ["ok"]:
            problems += [f"integrity: {r}" for r in rows[:5]]
        try:
            events = [
                ChainedEvent(r[0], _aware(r[1]), r[2], r[3], r[4], r[5], r[6], r[7], r[8])
                for r in conn.execute(
                    "SELECT id, at, actor, action, entity_type, entity_id, data_json, prev_hash, hash "
                    "FROM audit_events ORDER BY id"
                )
            ]
            head = conn.execute("SELECT last_hash FROM audit_head WHERE id = 1").fetchone()
        except sqlite3.DatabaseError as exc:
            return CheckReport(False, (f"not a Counterfoil database: {exc}",), 0)
        problems += [
            f"audit event {p.event_id}: {p.reason}"
            for p in verify_chain(events, expected_tip=head[0] if head else None)
        ]
        return CheckReport(not problems, tuple(problems), len(events))
    finally:
        conn.close()


def _aware(text: str) -> datetime:
    value = datetime.fromisoformat(text)
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value


def restore_backup(home_root: Path, archive: Path, *, now: datetime | None = None) -> Path:
    """Check ``archive``, then replace the data home's database and PDFs with it.

    The replaced data is moved to ``replaced-<stamp>/`` inside the data home, so
    nothing is lost even if the wrong backup was chosen.  Returns that folder.
    """
    now = now or datetime.now(UTC)
    staging = home_root / f".restore-{now.strftime('%Y%m%dT%H%M%S%f')}"
    staging.mkdir(parents=True)
    try:
        try:
            with zipfile.ZipFile(archive) as zf:
                names = zf.namelist()
                if DB_NAME not in names:
                    raise BackupError(
                        f"{archive.name} is not a Counterfoil backup (no database inside)"
                    )
                bad = zf.testzip()
                if bad:
                    raise BackupError(
                        f"{archive.name} is damaged ({bad} does not match its checksum)"
                    )
                for name in names:
                    if name.startswith("/") or ".." in Path(name).parts:
                        raise BackupError(f"{archive.name} holds an unsafe path {name!r}")
                zf.extractall(staging)
        except zipfile.BadZipFile as exc:
            raise BackupError(f"{archive.name} is not a readable backup archive ({exc})") from exc
        report = check_database_file(staging / DB_NAME)
        if not report.ok:
            raise BackupError(
                f"{archive.name} failed its checks, nothing was restored: "
                + "; ".join(report.problems[:3])
            )
        aside = home_root / f"replaced-{now.strftime('%Y%m%dT%H%M%SZ')}"
        aside.mkdir()
        for name in (DB_NAME, f"{DB_NAME}-wal", f"{DB_NAME}-shm", "pdf"):
            current = home_root / name
            if current.exists():
                shutil.move(str(current), str(aside / name))
        shutil.move(str(staging / DB_NAME), str(home_root / DB_NAME))
        if (staging / "pdf").exists():
            shutil.move(str(staging / "pdf"), str(home_root / "pdf"))
        return aside
    finally:
        shutil.rmtree(staging, ignore_errors=True)
