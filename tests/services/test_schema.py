"""Alembic from day one: the migrated schema is exactly the models, and upgrades work."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import create_engine, inspect, text

from app.db import migrate
from app.db.models import Base
from app.db.schema_state import head_revision, sqlite_revision


def test_migrated_schema_equals_the_models(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'db.sqlite3'}"
    migrate.upgrade(url)
    engine = create_engine(url)
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    engine.dispose()
    assert diff == [], f"models and migrations differ: {diff}"


def test_first_migration_upgrades_cleanly_to_head(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'db.sqlite3'}"
    script = ScriptDirectory.from_config(migrate.alembic_config())
    first = list(script.walk_revisions())[-1].revision
    migrate.upgrade(url, first)
    assert sqlite_revision(tmp_path / "db.sqlite3") == first
    migrate.upgrade(url)
    assert sqlite_revision(tmp_path / "db.sqlite3") == script.get_current_head()
    tables = set(inspect(create_engine(url)).get_table_names())
    assert {"clients", "invoices", "audit_events", "outbox", "bank_lines"} <= tables


def test_fast_head_lookup_agrees_with_alembic() -> None:
    assert (
        head_revision() == ScriptDirectory.from_config(migrate.alembic_config()).get_current_head()
    )


def test_every_connection_has_wal_foreign_keys_and_busy_timeout(app: object) -> None:
    with app.ctx.uow() as uow:  # type: ignore[attr-defined]
        s = uow.session
        assert s.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert s.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert s.execute(text("PRAGMA busy_timeout")).scalar() >= 5000
        # a negative size is KiB: at least 16 MiB, not SQLite's default 2 MiB
        assert s.execute(text("PRAGMA cache_size")).scalar() <= -16 * 1024


@settings(max_examples=60, deadline=None)
@given(
    minor=st.integers(min_value=-(2**62), max_value=2**62),
    qty=st.decimals(
        min_value=Decimal("-1e9"),
        max_value=Decimal("1e9"),
        places=6,
        allow_nan=False,
        allow_infinity=False,
    ),
)
def test_money_and_quantities_round_trip_through_sqlite_exactly(minor: int, qty: Decimal) -> None:
    from datetime import UTC, datetime

    from sqlalchemy.orm import Session

    from app.db.models import OneOffCharge

    engine = _memory_engine()
    with Session(engine) as s:
        row = OneOffCharge(
            client_id=1,
            description="x",
            quantity=qty,
            unit_price_minor=minor,
            currency="EUR",
            created_at=datetime(2026, 1, 1, tzinfo=UTC),
        )
        s.add(row)
        s.commit()
        row_id = row.id
        s.expunge_all()
        back = s.get(OneOffCharge, row_id)
        assert back is not None
        assert back.unit_price_minor == minor
        assert back.quantity == qty


_ENGINE = None


def _memory_engine():  # type: ignore[no-untyped-def]
    global _ENGINE
    if _ENGINE is None:
        _ENGINE = create_engine("sqlite://")
        with _ENGINE.begin() as conn:
            conn.exec_driver_sql("PRAGMA foreign_keys=OFF")
        Base.metadata.create_all(_ENGINE)
    return _ENGINE


def test_data_from_a_newer_version_is_refused_unchanged(tmp_path: Path, capsys: object) -> None:
    import sqlite3

    from app.cli import run

    home = tmp_path / "home"
    assert run(["--data-dir", str(home), "init"]) == 0
    db = sqlite3.connect(home / "counterfoil.sqlite3")
    db.execute("UPDATE alembic_version SET version_num = '9999_future'")
    db.commit()
    db.close()
    before = (home / "counterfoil.sqlite3").read_bytes()
    assert run(["--data-dir", str(home), "list", "clients"]) == 3
    assert "newer version of Counterfoil" in capsys.readouterr().err  # type: ignore[attr-defined]
    assert (home / "counterfoil.sqlite3").read_bytes() == before
