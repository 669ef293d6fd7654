"""Is the schema current? Answered without importing Alembic (it costs ~150 ms at start-up).

The head is read from the migration files themselves, so it cannot drift from
what Alembic would say; a test checks both agree.
"""

from __future__ import annotations

import re
import sqlite3
from functools import cache
from pathlib import Path

VERSIONS_DIR = Path(__file__).resolve().parent / "migrations" / "versions"
_REV = re.compile(r"^revision\s*=\s*['\"]([^'\"]+)['\"]", re.M)
_DOWN = re.compile(r"^down_revision\s*=\s*(None|['\"]([^'\"]+)['\"])", re.M)


@cache
def known_revisions() -> frozenset[str]:
    return frozenset(_revisions())


def _revisions() -> dict[str, str | None]:
    revisions: dict[str, str | None] = {}
    for path in VERSIONS_DIR.glob("*.py"):
        text = path.read_text(encoding="utf-8")
        rev, down = _REV.search(text), _DOWN.search(text)
        if rev and down:
            revisions[rev.group(1)] = down.group(2)
    return revisions


@cache
def head_revision() -> str:
    revisions: dict[str, str | None] = {}
    for path in VERSIONS_DIR.glob("*.py"):
        text = path.read_text(encoding="utf-8")
        rev, down = _REV.search(text), _DOWN.search(text)
        if rev and down:
            revisions[rev.group(1)] = down.group(2)
    parents = {d for d in revisions.values() if d}
    heads = [r for r in revisions if r not in parents]
    if len(heads) != 1:
        raise RuntimeError(f"migrations must have exactly one head, found {heads}")
    return heads[0]


def sqlite_revision(path: Path) -> str | None:
    """The revision stamped in a SQLite file, or None for a new/empty database."""
    if not path.exists():
        return None
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
    except sqlite3.OperationalError:
        return None
    finally:
        conn.close()
    return row[0] if row else None
