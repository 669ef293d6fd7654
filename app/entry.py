"""Entry point: no arguments opens the window, anything else runs the command line."""

from __future__ import annotations

import sys
from collections.abc import Sequence


def main(argv: Sequence[str] | None = None) -> int:
    import multiprocessing

    multiprocessing.freeze_support()
    args = list(sys.argv[1:] if argv is None else argv)
    if _only_global_options(args):
        from app.ui.launch import launch_gui

        return launch_gui(args)
    from app.cli import run

    return run(args)


def _only_global_options(args: list[str]) -> bool:
    """True for ``--data-dir DIR`` style arguments with no command: still the GUI."""
    i = 0
    while i < len(args):
        head = args[i].split("=", 1)[0]
        if head not in {"--data-dir", "--db-url", "--as-of"}:
            return False
        i += 1 if "=" in args[i] else 2
    return True
