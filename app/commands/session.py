"""Opening the app for one command, and turning service errors into exit codes."""

from __future__ import annotations

import argparse
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal

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


def invoice_id_of(app: App, ref: str) -> int:
    """An invoice by its number; ``#12`` (or digits that are no invoice's number) by its id.

    Numbers come first so that invoices imported with digits-only numbers
    (``1001``) are found by the number printed on them.
    """
    from app.services.errors import NotFoundError
    from app.services.invoicing import find_id

    ref = ref.strip()
    if ref.startswith("#"):
        return int(ref[1:]) if ref[1:].isdigit() else find_id(app.ctx, ref)
    try:
        return find_id(app.ctx, ref)
    except NotFoundError:
        if ref.isdigit():
            return int(ref)
        raise


def amount_of(text: str, what: str = "amount") -> Decimal:
    """A typed amount ("1,234.50", "12,5", "-3") read like everywhere else in the app."""
    from app.core.amounts import AmountParseError, parse_amount

    try:
        return parse_amount(text, None, default_mark=".")
    except AmountParseError as exc:
        raise CommandError(f"{what} {text!r}: {exc.reason}", 2) from None
