"""Every change is audited in a hash chain; tampering is detected by `verify`."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from app.cli import run
from app.core.clients import ClientData
from app.services.clients import create_client, update_client


def _verify_json(home: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, dict]:
    capsys.readouterr()
    code = run(["--data-dir", str(home), "--as-of", "2026-11-25", "--json", "verify"])
    out = capsys.readouterr().out
    return code, json.loads(out)


def test_changes_are_audited_with_before_and_after(ctx: object, home: Path) -> None:
    c = create_client(ctx, ClientData(name="Acme", email="a@acme.example"))
    update_client(ctx, c.id, ClientData(name="Acme Ltd", email="a@acme.example"))
    db = sqlite3.connect(home / "counterfoil.sqlite3")
    rows = db.execute(
        "SELECT action, data_json FROM audit_events WHERE entity_type='client' ORDER BY id"
    ).fetchall()
    assert [r[0] for r in rows] == ["client.create", "client.update"]
    change = json.loads(rows[1][1])
    assert change == {"before": {"name": "Acme"}, "after": {"name": "Acme Ltd"}}


@pytest.mark.parametrize(
    ("tamper", "words"),
    [
        ("UPDATE audit_events SET data_json = '{}' WHERE id = 2", "content changed"),
        ("DELETE FROM audit_events WHERE id = 2", "link broken"),
        ("DELETE FROM audit_events WHERE id = (SELECT max(id) FROM audit_events)", "newest"),
    ],
)
def test_tampering_with_the_audit_log_makes_verify_fail(
    app: object, home: Path, capsys: pytest.CaptureFixture[str], tamper: str, words: str
) -> None:
    ctx = app.ctx  # type: ignore[attr-defined]
    for name in ("One", "Two", "Three"):
        create_client(ctx, ClientData(name=name))
    app.close()  # type: ignore[attr-defined]
    code, report = _verify_json(home, capsys)
    assert code == 0 and report["ok"] is True and report["audit_events"] == 3

    db = sqlite3.connect(home / "counterfoil.sqlite3")
    db.execute(tamper)
    db.commit()
    db.close()
    code, report = _verify_json(home, capsys)
    assert code == 3
    assert report["ok"] is False
    assert any(words in p for p in report["audit_problems"]), report["audit_problems"]
