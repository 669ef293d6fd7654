"""A bill run killed with SIGKILL at random moments, then rerun, ends exactly as an
uninterrupted run: the same invoices, the same numbers, no duplicates, no gaps."""

from __future__ import annotations

import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import pytest

from app.bootstrap import open_app
from app.services import invoicing
from app.services.bill_run import run_bill_run
from tests.services.billing_fixtures import client, schedule

MAIN = Path(__file__).resolve().parents[2] / "main.py"
SCHEDULES = 60
RUNS = 20


def _template(root: Path) -> Path:
    """60 clients with one monthly agreement each; January already issued."""
    home = root / "template"
    app = open_app(home, as_of=date(2026, 1, 1))
    for i in range(SCHEDULES):
        c = client(app.ctx, name=f"Client {i:02d}", email=f"c{i}@x.example")
        schedule(app.ctx, c.id, price=f"{100 + i}.00")
    invoicing.approve(app.ctx, run_bill_run(app.ctx).invoice_ids)
    app.close()
    return home


def _run(home: Path, env: dict[str, str]) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, str(MAIN), "--data-dir", str(home), "--as-of", "2026-03-01", "bill-run"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def _state(home: Path) -> list[tuple[int, str, str | None, int, str]]:
    db = sqlite3.connect(home / "counterfoil.sqlite3")
    try:
        return db.execute(
            "SELECT schedule_id, period_start, number, total_minor, status FROM invoices "
            "ORDER BY schedule_id, period_start"
        ).fetchall()
    finally:
        db.close()


@pytest.mark.slow
def test_twenty_kills_then_reruns_end_with_the_expected_invoices(tmp_path: Path) -> None:
    template = _template(tmp_path)
    env = dict(os.environ, COUNTERFOIL_BILL_RUN_CHUNK="1")

    reference_home = tmp_path / "reference"
    shutil.copytree(template, reference_home)
    started = time.perf_counter()
    assert _run(reference_home, env).wait(timeout=120) == 0
    duration = time.perf_counter() - started
    expected = _state(reference_home)
    # January (60, issued before) + February and March (120) for 60 schedules.
    assert len(expected) == 180
    numbers = sorted(n for _, _, n, _, _ in expected if n)
    assert numbers == [f"INV-2026-{i:05d}" for i in range(1, 181)]

    # Aim the kills at the writing phase: after the interpreter has started
    # (measured with a command that opens the same book and writes nothing).
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, str(MAIN), "--data-dir", str(reference_home), "list", "schedules"],
        env=env,
        stdout=subprocess.DEVNULL,
        check=True,
    )
    startup = time.perf_counter() - started
    rng = random.Random(7)
    interrupted = mid_run = 0
    for run in range(RUNS):
        home = tmp_path / f"run{run}"
        shutil.copytree(template, home)
        proc = _run(home, env)
        time.sleep(rng.uniform(0.8 * startup, 1.05 * max(duration, startup)))
        if proc.poll() is None:
            proc.send_signal(signal.SIGKILL)
            interrupted += 1
        proc.wait(timeout=60)
        partial = _state(home)
        assert len(partial) <= 180
        mid_run += 60 < len(partial) < 180
        assert _run(home, env).wait(timeout=120) == 0, f"rerun {run} failed"
        assert _state(home) == expected, f"run {run} differs from the uninterrupted run"
        shutil.rmtree(home)
    # The random delays must really have cut runs short, or the test proves nothing.
    assert interrupted >= RUNS // 2
    assert mid_run >= 3, f"only {mid_run} kills landed while invoices were being written"
