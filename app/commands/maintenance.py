"""``init``, ``verify``, ``settings``: looking after the data home."""

from __future__ import annotations

import argparse
import json
import sys

from app.commands.output import CommandError, Output, table
from app.commands.session import opened


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("init", help="create or upgrade the database")
    p.add_argument("--demo", action="store_true", help="fill realistic sample data")
    p.set_defaults(handler=cmd_init)

    p = sub.add_parser("verify", help="check database integrity, audit chain and stored PDFs")
    p.set_defaults(handler=cmd_verify)

    p = sub.add_parser("backup", help="write a consistent backup (database and PDFs) to a zip file")
    p.add_argument(
        "dest", nargs="?", help="folder for the backup (default: the data folder's backups/)"
    )
    p.set_defaults(handler=cmd_backup)

    p = sub.add_parser("restore", help="check a backup, then replace the current data with it")
    p.add_argument("src", help="a counterfoil-backup-*.zip file")
    p.set_defaults(handler=cmd_restore)

    p = sub.add_parser("settings", help="read or change business settings")
    ss = p.add_subparsers(dest="action", metavar="ACTION", required=True)
    g = ss.add_parser("get", help="show one setting, or all")
    g.add_argument("key", nargs="?")
    g.set_defaults(handler=cmd_settings_get)
    s = ss.add_parser("set", help="change a setting")
    s.add_argument("key")
    s.add_argument("value")
    s.set_defaults(handler=cmd_settings_set)
    sec = ss.add_parser(
        "set-secret", help="store a secret (read from standard input) in the keyring"
    )
    sec.add_argument("key")
    sec.set_defaults(handler=cmd_settings_set_secret)


def cmd_init(args: argparse.Namespace, out: Output) -> int:
    with opened(args) as app:
        result: dict[str, object] = {
            "data_dir": str(app.ctx.home.root),
            "database": app.database.url,
        }
        if args.demo:
            from app.services.demo import load_demo

            summary = load_demo(app.ctx)
            result["demo"] = summary
    human = f"Database ready in {result['data_dir']}."
    if args.demo:
        human += "\nDemo data: " + ", ".join(f"{v} {k}" for k, v in result["demo"].items())  # type: ignore[union-attr]
    out.result(result, human)
    return 0


def cmd_verify(args: argparse.Namespace, out: Output) -> int:
    from app.services.verify import verify

    with opened(args) as app:
        report = verify(app.ctx)
    lines = [
        f"Database integrity: {'ok' if not report.integrity else '; '.join(report.integrity)}",
        f"Audit chain: {report.audit_events} events, "
        + ("intact" if not report.audit else f"{len(report.audit)} problem(s)"),
        *[f"  {p}" for p in report.audit[:20]],
        f"Stored PDFs: {report.pdfs_checked} checked, "
        + ("all unchanged" if not report.pdfs else f"{len(report.pdfs)} problem(s)"),
        *[f"  {p}" for p in report.pdfs[:20]],
    ]
    out.result(report.as_dict(), "\n".join(lines))
    if report.ok:
        return 0
    problems = report.integrity + report.audit + report.pdfs
    out.info("counterfoil: verification failed: " + "; ".join(problems[:3]))
    return 3


def cmd_settings_get(args: argparse.Namespace, out: Output) -> int:
    from app.core import settings as decl
    from app.services import settings as svc

    with opened(args) as app, app.ctx.uow.read() as uow:
        if args.key:
            value = svc.get(uow.session, args.key)
            values = {args.key: value}
        else:
            values = svc.get_all(uow.session)
    data = {k: decl.to_json_value(k, v) for k, v in values.items()}
    out.result(data, table([[k, json.dumps(v)] for k, v in data.items()], ["Setting", "Value"]))
    return 0


def cmd_settings_set(args: argparse.Namespace, out: Output) -> int:
    from app.core import settings as decl
    from app.services import settings as svc

    with opened(args) as app, app.ctx.uow() as uow:
        value = svc.set_value(uow.session, app.ctx.audit, args.key, args.value)
        uow.commit()
    out.result({args.key: decl.to_json_value(args.key, value)}, f"{args.key} = {value}")
    return 0


def cmd_settings_set_secret(args: argparse.Namespace, out: Output) -> int:
    from app.services.secrets import SecretStoreError, set_secret

    value = sys.stdin.readline().rstrip("\r\n")
    if not value:
        raise CommandError("no secret given on standard input", 2)
    try:
        set_secret(args.key, value)
    except SecretStoreError as exc:
        raise CommandError(str(exc), 2) from exc
    out.result({"key": args.key, "stored": True}, f"{args.key} stored in the system keyring.")
    return 0


def cmd_backup(args: argparse.Namespace, out: Output) -> int:
    from pathlib import Path

    from app.bootstrap import resolve_home_path
    from app.services.backup import BackupError, create_backup

    home = resolve_home_path(args.data_dir)
    try:
        path = create_backup(home, Path(args.dest).resolve() if args.dest else None)
    except (BackupError, OSError) as exc:
        raise CommandError(f"backup failed: {exc}", 2) from exc
    out.result({"backup": str(path), "bytes": path.stat().st_size}, f"Backup written to {path}.")
    return 0


def cmd_restore(args: argparse.Namespace, out: Output) -> int:
    from pathlib import Path

    from app.bootstrap import resolve_home_path
    from app.services.backup import BackupError, restore_backup

    home = resolve_home_path(args.data_dir)
    src = Path(args.src)
    if not src.is_file():
        raise CommandError(f"{src}: no such file", 2)
    try:
        aside = restore_backup(home, src)
    except BackupError as exc:
        raise CommandError(str(exc), 3) from exc
    out.result(
        {"restored": str(src), "previous_data": str(aside)},
        f"Restored {src.name}. The data it replaced is kept in {aside}.",
    )
    return 0
