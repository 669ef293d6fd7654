"""How commands speak: JSON on stdout with ``--json``, human text otherwise; errors on stderr."""

from __future__ import annotations

import json
import sys
from datetime import date, datetime
from decimal import Decimal
from typing import Any


class CommandError(Exception):
    def __init__(self, message: str, exit_code: int = 2, details: Any = None) -> None:
        super().__init__(message)
        self.exit_code = exit_code
        self.details = details


def _default(obj: Any) -> Any:
    if isinstance(obj, (date, datetime)):
        return obj.isoformat()
    if isinstance(obj, Decimal):
        return str(obj)
    if hasattr(obj, "as_dict"):
        return obj.as_dict()
    raise TypeError(f"cannot serialise {type(obj).__name__}")


class Output:
    def __init__(self, json_mode: bool) -> None:
        self.json_mode = json_mode

    def result(self, data: Any, human: str | None = None) -> None:
        """The command's result: JSON document or human text on stdout."""
        if self.json_mode:
            sys.stdout.write(
                json.dumps(data, default=_default, ensure_ascii=False, indent=2) + "\n"
            )
        elif human is not None:
            sys.stdout.write(human.rstrip("\n") + "\n")
        sys.stdout.flush()

    def info(self, message: str) -> None:
        sys.stderr.write(message.rstrip("\n") + "\n")

    def error(self, message: str, code: int, details: Any = None) -> None:
        if self.json_mode:
            payload = {"error": message, "exit_code": code}
            if details is not None:
                payload["details"] = details
            sys.stdout.write(
                json.dumps(payload, default=_default, ensure_ascii=False, indent=2) + "\n"
            )
        sys.stderr.write(f"counterfoil: {message}\n")


def table(rows: list[list[str]], headers: list[str], right: set[int] | None = None) -> str:
    """A plain text table for human output."""
    right = right or set()
    widths = [len(h) for h in headers]
    for r in rows:
        for i, cell in enumerate(r):
            widths[i] = max(widths[i], len(cell))

    def fmt(r: list[str]) -> str:
        return "  ".join(
            c.rjust(widths[i]) if i in right else c.ljust(widths[i]) for i, c in enumerate(r)
        )

    lines = [fmt(headers), "  ".join("-" * w for w in widths)]
    lines.extend(fmt(r) for r in rows)
    return "\n".join(line.rstrip() for line in lines)
