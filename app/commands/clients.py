"""``import clients``, ``list clients``, ``export clients``."""

from __future__ import annotations

import argparse

from app.commands.output import CommandError, Output, table
from app.commands.registry import noun
from app.commands.session import opened, read_input_file


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Nouns are registered through decorators; nothing else to add."""


def _import_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("file", help="CSV file with a header row")
    p.add_argument(
        "--skip-invalid", action="store_true", help="import the valid rows, list the rest"
    )


@noun("import", "clients", "clients from a CSV file", _import_args)
def import_clients(args: argparse.Namespace, out: Output) -> int:
    from app.services.clients import ImportRejected, import_clients

    data = read_input_file(args.file)
    with opened(args) as app:
        try:
            report = import_clients(app.ctx, data, skip_invalid=args.skip_invalid)
        except ImportRejected as exc:
            raise CommandError(f"{args.file}: {exc}", 2, details=exc.report.as_dict()) from exc
        except ValueError as exc:
            from app.core.textfile import TextFileError

            if isinstance(exc, TextFileError):
                raise CommandError(exc.with_filename(args.file).describe(), 2) from exc
            raise
    human = f"Imported {report.imported} client(s) from {args.file}."
    for e in report.rejected:
        human += f"\n  skipped {args.file}, {e}"
    out.result(report.as_dict(), human)
    return 1 if report.rejected else 0


def _list_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--search", default="", help="words in name, e-mail, city or tax id")
    p.add_argument("--currency", default="")
    p.add_argument("--archived", action="store_true", help="include archived clients")
    p.add_argument("--client", dest="search_alias", default="", help=argparse.SUPPRESS)


@noun("list", "clients", "clients", _list_args)
def list_clients(args: argparse.Namespace, out: Output) -> int:
    from app.core.money import Money
    from app.services.clients import ClientQuery, list_clients

    with opened(args) as app:
        q = ClientQuery(
            search=args.search or args.search_alias,
            include_archived=args.archived,
            currency=args.currency,
        )
        rows = list_clients(app.ctx, q)
    data = [
        {
            "id": r.id,
            "name": r.name,
            "email": r.email,
            "currency": r.currency,
            "city": r.city,
            "country": r.country,
            "archived": r.archived,
            "open_balance": Money.from_minor(r.open_balance_minor, r.currency).plain(),
        }
        for r in rows
    ]
    human = table(
        [[str(d["id"]), d["name"], d["email"], d["currency"], d["open_balance"]] for d in data],
        ["ID", "Name", "E-mail", "Cur", "Open balance"],
        right={0, 4},
    )
    out.result(data, human + f"\n{len(data)} client(s)")
    return 0
