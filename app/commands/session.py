"""Opening the app for one command, and turning service errors into exit codes."""

from __future__ import annotations

import argparse
from collections.abc import Iterator
from contextlib import contextmanager

from app.bootstrap import App, open_app
from app.commands.output import CommandError
from app.core.textfile import TextFileError


@contextmanager
def opened(args: argparse.Namespace, actor: str = "cli") -> Iterator[App]:
    from app.bootstrap import NewerDataError
    from app.core.settings import SettingError
    from app.services.errors import ServiceError

    try:
        app = open_app(args.data_dir, args.db_url, args.as_of, actor=actor)
    except NewerDataError as exc:
        raise CommandError(str(exc), 3) from exc
    try:
        yield app
    except ServiceError as exc:
        raise CommandError(str(exc), exc.exit_code) from exc
    except SettingError as exc:
        raise CommandError(str(exc), 2) from exc
    except TextFileError as exc:
        raise CommandError(exc.describe(), 2) from exc
    finally:
        app.close()


def read_input_file(path: str) -> bytes:
    try:
        with open(path, "rb") as fh:
            return fh.read()
    except FileNotFoundError:
        raise CommandError(f"{path}: no such file", 2) from None
    except IsADirectoryError:
        raise CommandError(f"{path}: is a folder, not a file", 2) from None
    except PermissionError:
        raise CommandError(f"{path}: permission denied", 2) from None
