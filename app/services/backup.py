"""Consistent copies of the database, taken with SQLite's online backup API."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from pathlib import Path


def backup_sqlite_file(source: Path, dest_dir: Path, label: str = "backup") -> Path:
    """Copy a live SQLite database page by page; safe while other connections write."""
    dest_dir.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    target = dest_dir / f"counterfoil-{stamp}-{label}.sqlite3"
    src = sqlite3.connect(str(source))
    try:
        dst = sqlite3.connect(str(target))
        try:
            src.backup(dst)
        finally:
            dst.close()
    finally:
        src.close()
    return target
