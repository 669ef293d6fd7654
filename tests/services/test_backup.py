"""Backups are consistent and restorable; a damaged backup is refused with the data untouched."""

from __future__ import annotations

import json
import sqlite3
import zipfile
from datetime import UTC, datetime
from pathlib import Path

import pytest

from app.cli import run
from app.services.backup import BackupError, auto_backup, list_backups, restore_backup


def cli(home: Path, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, dict]:
    capsys.readouterr()
    code = run(["--data-dir", str(home), "--json", *args])
    out = capsys.readouterr().out
    return code, json.loads(out) if out.strip() else {}


def names(home: Path) -> list[str]:
    db = sqlite3.connect(home / "counterfoil.sqlite3")
    try:
        return [r[0] for r in db.execute("SELECT name FROM clients ORDER BY name")]
    finally:
        db.close()


def add_client(home: Path, capsys: pytest.CaptureFixture[str], name: str, tmp: Path) -> None:
    f = tmp / "c.csv"
    f.write_text("Name\n" + name + "\n", encoding="utf-8")
    assert cli(home, capsys, "import", "clients", str(f))[0] == 0


def test_restore_brings_back_the_earlier_state_and_keeps_the_replaced_data(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    home = tmp_path / "home"
    add_client(home, capsys, "Before Ltd", tmp_path)
    code, made = cli(home, capsys, "backup")
    assert code == 0
    add_client(home, capsys, "After Ltd", tmp_path)
    assert names(home) == ["After Ltd", "Before Ltd"]
    code, restored = cli(home, capsys, "restore", made["backup"])
    assert code == 0
    assert names(home) == ["Before Ltd"]
    kept = Path(restored["previous_data"]) / "counterfoil.sqlite3"
    assert kept.exists()
    code, report = cli(home, capsys, "verify")
    assert code == 0 and report["ok"]


def test_a_corrupted_backup_is_refused_and_nothing_changes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    home = tmp_path / "home"
    add_client(home, capsys, "Keep Me", tmp_path)
    _, made = cli(home, capsys, "backup")
    # Tamper with the audit log inside the backup: the chain no longer holds.
    bad = tmp_path / "bad.zip"
    work = tmp_path / "work"
    with zipfile.ZipFile(made["backup"]) as zf:
        zf.extractall(work)
    db = sqlite3.connect(work / "counterfoil.sqlite3")
    db.execute("UPDATE audit_events SET actor = 'mallory'")
    db.commit()
    db.close()
    with zipfile.ZipFile(bad, "w") as zf:
        zf.write(work / "counterfoil.sqlite3", "counterfoil.sqlite3")
    before = (home / "counterfoil.sqlite3").read_bytes()
    code, _ = cli(home, capsys, "restore", str(bad))
    err = capsys.readouterr().err
    assert code == 3
    assert (home / "counterfoil.sqlite3").read_bytes() == before
    # A truncated zip is refused too.
    trunc = tmp_path / "trunc.zip"
    trunc.write_bytes(Path(made["backup"]).read_bytes()[:200])
    with pytest.raises(BackupError, match="not a readable backup"):
        restore_backup(home, trunc)
    assert names(home) == ["Keep Me"]
    assert err == "" or "failed its checks" in err


def test_automatic_backups_once_a_day_and_rotated(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    home = tmp_path / "home"
    add_client(home, capsys, "X", tmp_path)
    for day in (1, 1, 2, 3, 20):
        auto_backup(home, keep_days=14, now=datetime(2026, 3, day, 9, tzinfo=UTC))
    kept = sorted(b.path.name.split("-")[2][:8] for b in list_backups(home))
    # Day 1 twice → one backup; on day 20 those older than 14 days (1, 2, 3 March) are removed.
    assert kept == ["20260320"]
