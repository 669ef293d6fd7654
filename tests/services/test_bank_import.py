"""Bank statements through the service: whole file or nothing, duplicates skipped, refusals clear."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest

from app.core.bankfile import StatementError
from app.services.bank_import import UnreadableLines, import_statement
from tests.conftest import SAMPLES, samples_or_skip


def counts(home: Path) -> tuple[int, int, int]:
    db = sqlite3.connect(home / "counterfoil.sqlite3")
    try:
        return tuple(
            db.execute(f"SELECT count(*) FROM {t}").fetchone()[0]  # type: ignore[return-value]
            for t in ("bank_lines", "bank_imports", "audit_events")
        )
    finally:
        db.close()


SAMPLE_FILES = sorted(
    p
    for p in (SAMPLES / "bank").rglob("*")
    if p.is_file() and p.suffix not in (".md", ".tsv") and not p.name.startswith(".")
)


@pytest.mark.parametrize("path", SAMPLE_FILES, ids=[p.name for p in SAMPLE_FILES])
def test_every_sample_imports_once_and_a_second_time_adds_nothing(
    ctx: Any, home: Path, path: Path
) -> None:
    samples_or_skip("bank")
    first = import_statement(ctx, path, accept_problems=True)
    assert first.imported + first.duplicates == first.lines_in_file - first.pending_skipped
    assert first.imported > 0
    second = import_statement(ctx, path, accept_problems=True)
    assert second.imported == 0
    assert second.duplicates == first.imported + first.duplicates
    assert counts(home)[0] == first.imported


def test_overlapping_statements_skip_the_shared_lines(ctx: Any, tmp_path: Path) -> None:
    header = "Date;Description;Amount\n"
    a = tmp_path / "a.csv"
    b = tmp_path / "b.csv"
    a.write_text(
        header + "01.02.2026;Rent;-900,00\n02.02.2026;Invoice 17;250,00\n", encoding="utf-8"
    )
    b.write_text(
        header + "02.02.2026;Invoice 17;250,00\n03.02.2026;Invoice 18;99,00\n", encoding="utf-8"
    )
    assert import_statement(ctx, a).imported == 2
    second = import_statement(ctx, b)
    assert (second.imported, second.duplicates) == (1, 1)


@pytest.mark.parametrize(
    ("content", "words"),
    [
        (b"", "empty"),
        (b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\n" + bytes(range(256)) * 4, "PDF"),
    ],
)
def test_unreadable_files_are_refused_and_nothing_changes(
    ctx: Any, home: Path, tmp_path: Path, content: bytes, words: str
) -> None:
    before = counts(home)
    f = tmp_path / "statement.csv"
    f.write_bytes(content)
    with pytest.raises(StatementError) as info:
        import_statement(ctx, f)
    assert words in str(info.value) and "statement.csv" in str(info.value)
    assert counts(home) == before


def test_a_three_gigabyte_file_is_refused_before_it_is_read(
    ctx: Any, home: Path, tmp_path: Path
) -> None:
    f = tmp_path / "huge.csv"
    with open(f, "wb") as fh:  # a sparse file: 3 GB on paper, nothing on disk
        fh.truncate(3 * 1024**3)
    before = counts(home)
    with pytest.raises(StatementError, match=r"huge\.csv"):
        import_statement(ctx, f)
    assert counts(home) == before


def test_bad_lines_stop_the_import_until_the_user_accepts_the_rest(
    ctx: Any, home: Path, tmp_path: Path
) -> None:
    f = tmp_path / "s.csv"
    f.write_text(
        "Date;Description;Amount\n01.02.2026;Good one;10,00\n31.02.2026;Impossible date;5,00\n"
        "03.02.2026;Trailing minus;1.234.567,89-\n",
        encoding="utf-8",
    )
    before = counts(home)
    with pytest.raises(UnreadableLines) as info:
        import_statement(ctx, f)
    assert "line 3" in str(info.value)
    assert counts(home) == before
    result = import_statement(ctx, f, accept_problems=True)
    assert result.imported == 2
    db = sqlite3.connect(home / "counterfoil.sqlite3")
    amounts = sorted(r[0] for r in db.execute("SELECT amount_minor FROM bank_lines"))
    assert amounts == [-123456789, 1000]
