"""The composition root: data home → database → migrations → clock → services context.

The GUI and the CLI both start here, so they see the same data the same way.
Heavy imports (SQLAlchemy, Alembic) happen inside ``open_app`` so the window
can paint before they load.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from app.db.engine import Database
    from app.services.context import AppContext, DataHome

APP_NAME = "Counterfoil"
HOME_ENV = "COUNTERFOIL_HOME"
DB_URL_ENV = "COUNTERFOIL_DB_URL"


def resolve_home_path(data_dir: str | os.PathLike[str] | None = None) -> Path:
    """``--data-dir``, else ``COUNTERFOIL_HOME``, else the platform's user data folder."""
    if data_dir:
        return Path(data_dir).expanduser().resolve()
    env = os.environ.get(HOME_ENV)
    if env:
        return Path(env).expanduser().resolve()
    from platformdirs import user_data_dir

    return Path(user_data_dir(APP_NAME, appauthor=False))


class NewerDataError(RuntimeError):
    """The database was written by a newer Counterfoil; opening it could damage it."""


@dataclass
class App:
    ctx: AppContext
    database: Database

    def close(self) -> None:
        self.database.dispose()


def open_app(
    data_dir: str | os.PathLike[str] | None = None,
    db_url: str | None = None,
    as_of: date | None = None,
    *,
    actor: str = "user",
    migrate: bool = True,
) -> App:
    from app.core.clock import Clock
    from app.db.engine import open_database, sqlite_url
    from app.db.uow import UnitOfWorkFactory
    from app.services import settings as settings_service
    from app.services.context import AppContext, DataHome
    from app.services.wiring import install_hooks

    install_hooks()
    home = DataHome(resolve_home_path(data_dir)).ensure()
    url = db_url or os.environ.get(DB_URL_ENV) or sqlite_url(home.database)
    if migrate:
        upgrade_schema(url, home)
    database = open_database(url)
    uow = UnitOfWorkFactory(database.write_sessions(), database.read_sessions())
    with uow.read() as unit:
        tz = settings_service.get(unit.session, "company.time_zone") or "UTC"
    clock = Clock(tz_name=tz, as_of=as_of)
    return App(AppContext(uow=uow, clock=clock, home=home, actor=actor), database)


def upgrade_schema(url: str, home: DataHome) -> bool:
    """Apply pending migrations, backing up an existing SQLite file first; True if any ran."""
    from app.db.schema_state import head_revision, sqlite_revision

    is_home_sqlite = url.startswith("sqlite") and url.endswith(str(home.database))
    if is_home_sqlite:
        current = sqlite_revision(home.database)
    else:
        from sqlalchemy import create_engine

        from app.db import migrate

        engine = create_engine(url)
        try:
            current = migrate.current_revision(engine)
        finally:
            engine.dispose()
    if current == head_revision():
        return False
    from app.db.schema_state import known_revisions

    if current is not None and current not in known_revisions():
        raise NewerDataError(
            f"The data in {home.root} was written by a newer version of Counterfoil "
            f"(schema {current}). Install that version or newer; nothing was changed."
        )
    from app.db import migrate
    from app.services.backup import backup_sqlite_file

    if current is not None and is_home_sqlite:
        backup_sqlite_file(home.database, home.backups, label=f"before-upgrade-{current}")
    migrate.upgrade(url)
    return True
