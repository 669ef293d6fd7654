"""Imports only point down: core stays pure, the GUI never touches the database layer."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1] / "app"
CORE_ALLOWED = set(sys.stdlib_module_names) | {"dateutil", "app"}


def _imports(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names += [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.append(node.module)
    return names


def test_core_imports_only_the_standard_library_and_dateutil() -> None:
    offenders = []
    for path in (ROOT / "core").rglob("*.py"):
        for name in _imports(path):
            top = name.split(".")[0]
            if top not in CORE_ALLOWED or (top == "app" and not name.startswith("app.core")):
                offenders.append(f"{path.relative_to(ROOT)} imports {name}")
    assert offenders == []


def test_ui_does_not_import_the_database_layer() -> None:
    offenders = [
        f"{path.relative_to(ROOT)} imports {name}"
        for path in (ROOT / "ui").rglob("*.py")
        for name in _imports(path)
        if name.startswith(("app.db", "sqlalchemy"))
    ]
    assert offenders == []
