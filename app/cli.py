"""The command-line twin of the GUI: same services, ``--json`` output, stable exit codes.

Exit codes: 0 done; 1 done with rejected items; 2 bad usage or unreadable input
(nothing changed); 3 refused by an invariant.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from datetime import date

from app import __version__
from app.commands import COMMAND_MODULES
from app.commands.output import CommandError, Output


def _as_of(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"--as-of needs a date like 2026-03-31, not {text!r}"
        ) from None


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="counterfoil",
        description="Counterfoil billing operations. Without a command, opens the window.",
    )
    parser.add_argument("--version", action="version", version=f"Counterfoil {__version__}")
    parser.add_argument(
        "--data-dir", help="data folder (default: COUNTERFOIL_HOME or the user data folder)"
    )
    parser.add_argument("--db-url", help="database URL (default: SQLite in the data folder)")
    parser.add_argument(
        "--as-of", type=_as_of, help="the business 'today' for this run (YYYY-MM-DD)"
    )
    parser.add_argument("--json", action="store_true", help="machine-readable output on stdout")
    parser.add_argument("--self-test", action="store_true", help="check the installation and exit")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for module in COMMAND_MODULES:
        module.register(sub)
    return parser


_GLOBAL_WITH_VALUE = ("--data-dir", "--db-url", "--as-of")
_GLOBAL_FLAGS = ("--json",)


def hoist_global_options(argv: Sequence[str]) -> list[str]:
    """Accept global options anywhere (``init --demo --json``) by moving them to the front."""
    front: list[str] = []
    rest: list[str] = []
    items = list(argv)
    i = 0
    while i < len(items):
        arg = items[i]
        if arg == "--":
            rest.extend(items[i:])
            break
        head = arg.split("=", 1)[0]
        if arg in _GLOBAL_FLAGS:
            front.append(arg)
        elif head in _GLOBAL_WITH_VALUE:
            if "=" in arg:
                front.append(arg)
            else:
                front.extend(items[i : i + 2])
                i += 1
        else:
            rest.append(arg)
        i += 1
    return front + rest


def run(argv: Sequence[str]) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(hoist_global_options(argv))
    except SystemExit as exc:  # argparse already printed the usage message
        return 0 if exc.code == 0 else 2
    out = Output(json_mode=args.json)
    if args.self_test:
        from app.selftest import run_self_test

        return run_self_test(args, out)
    if not getattr(args, "handler", None):
        parser.print_help(sys.stderr)
        return 2
    try:
        return int(args.handler(args, out) or 0)
    except CommandError as exc:
        out.error(str(exc), code=exc.exit_code, details=exc.details)
        return exc.exit_code
    except KeyboardInterrupt:
        out.error("interrupted", code=130)
        return 130
