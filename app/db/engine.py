"""Engines and sessions for SQLite (the default) or PostgreSQL (a shared server).

SQLite gets WAL, foreign keys, a busy timeout and a 64 MiB page cache on every
connection.  Writes
begin with ``BEGIN IMMEDIATE`` so a write transaction takes the database's one
write lock up front instead of failing half-way with "database is locked";
reads use a second engine with ordinary deferred transactions, so lists and
reports never wait on a bill run.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker

BUSY_TIMEOUT_MS = 30_000
# Page cache per connection, in KiB (SQLite's default is 2 MiB).  Bulk imports insert
# into B-tree indexes at random places; with the default the same pages are read
# again and again, and a 1,000,000-row usage import stores half as fast.  The cache
# only grows as pages are used.
CACHE_KIB = 65_536


def sqlite_url(path: Path) -> str:
    return f"sqlite+pysqlite:///{path}"


def _configure_sqlite(engine: Engine, *, immediate: bool) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        # Let SQLAlchemy, not pysqlite, decide when transactions begin.
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        cur.execute("PRAGMA foreign_keys = ON")
        cur.execute("PRAGMA journal_mode = WAL")
        cur.execute("PRAGMA synchronous = NORMAL")
        cur.execute(f"PRAGMA cache_size = -{CACHE_KIB}")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


@dataclass(frozen=True)
class Database:
    """The write and read engines of one database, with their session factories."""

    url: str
    write_engine: Engine
    read_engine: Engine

    @property
    def is_sqlite(self) -> bool:
        return self.write_engine.dialect.name == "sqlite"

    def write_sessions(self) -> sessionmaker[Session]:
        return sessionmaker(self.write_engine, expire_on_commit=False)

    def read_sessions(self) -> sessionmaker[Session]:
        return sessionmaker(self.read_engine, expire_on_commit=False)

    def dispose(self) -> None:
        self.write_engine.dispose()
        self.read_engine.dispose()


def open_database(url: str) -> Database:
    """Create the engines for ``url``; nothing is connected until first use."""
    if url.startswith("sqlite"):
        write = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})
        read = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})
        _configure_sqlite(write, immediate=True)
        _configure_sqlite(read, immediate=False)
    else:
        write = create_engine(url, pool_pre_ping=True)
        read = write
    return Database(url=url, write_engine=write, read_engine=read)
