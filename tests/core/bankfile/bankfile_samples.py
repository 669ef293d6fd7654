"""Shared helpers for the bank-file tests (imported by the test modules).

The 40 sample exports live outside the project (``../shared/samples/bank``
seen from the project root) because most of them may not be redistributed;
tests that need them are skipped with a one-line reason when they are absent.
The project's own fixtures (permissive copies and hand-written files) are in
``tests/fixtures/bank`` and are always present.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from app.core.bankfile import Statement, StatementLine, parse_statement

PROJECT_ROOT = Path(__file__).resolve().parents[3]
SAMPLES = PROJECT_ROOT / ".." / "shared" / "samples" / "bank"
FIXTURES = PROJECT_ROOT / "tests" / "fixtures" / "bank"


def read_sample(relative: str) -> Statement:
    """Parse one file of the shared sample corpus (skips when the corpus is absent)."""
    path = SAMPLES / relative
    if not path.is_file():
        pytest.skip(f"bank sample corpus not found at {SAMPLES.resolve()}")
    return parse_statement(path.read_bytes(), path.name)


def read_fixture(relative: str) -> Statement:
    """Parse one of the project's own fixture files."""
    path = FIXTURES / relative
    return parse_statement(path.read_bytes(), path.name)


def at_line(statement: Statement, line_no: int, nth: int = 0) -> StatementLine:
    """The statement line read from source line ``line_no`` (the nth one, for split batches)."""
    found = [line for line in statement.lines if line.line_no == line_no]
    assert found, f"no statement line comes from source line {line_no}"
    return found[nth]
