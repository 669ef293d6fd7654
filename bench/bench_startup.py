"""Cold start, whole process: bare PySide6 window vs Counterfoil, in the same run.

    python bench/bench_startup.py [--runs 7] [--clients 10000]

Each measurement spawns a fresh interpreter and times from spawn to the marks
the window prints (first paint; Clients page usable with N clients loaded).
Medians are printed; copy them to BENCHMARKS.md with the machine and date.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

BARE = """
import sys, time
from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QMainWindow, QLabel
app = QApplication(sys.argv[:1])
w = QMainWindow(); w.setCentralWidget(QLabel("hello")); w.resize(1200, 760)
class F(QObject):
    done = False
    def eventFilter(self, o, e):
        if not self.done and e.type() == QEvent.Type.Paint:
            self.done = True
            QTimer.singleShot(0, lambda: (sys.stderr.write("STARTUP first_paint 0\\n"), sys.stderr.flush(), app.quit()))
        return False
f = F(); w.installEventFilter(f); w.show(); app.exec()
"""


def _timed(cmd: list[str], marks: tuple[str, ...], env: dict[str, str]) -> dict[str, float]:
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stderr=subprocess.PIPE, text=True, env=env)
    found: dict[str, float] = {}
    assert proc.stderr is not None
    for line in proc.stderr:
        if line.startswith("STARTUP "):
            name = line.split()[1]
            found[name] = (time.perf_counter() - start) * 1000
            if all(m in found for m in marks):
                break
    proc.wait(timeout=60)
    return found


def _seed(home: Path, clients: int) -> None:
    from app.bootstrap import open_app
    from app.db.models import Client

    app = open_app(home)
    with app.ctx.uow() as uow:
        now = app.ctx.clock.now_utc()
        uow.session.add_all(
            Client(
                name=f"Client {i:05d}",
                search_key=f"CLIENT {i:05d}",
                currency="EUR",
                email=f"c{i}@example.com",
                city="Dublin",
                created_at=now,
                updated_at=now,
            )
            for i in range(clients)
        )
        uow.commit()
    app.close()


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--clients", type=int, default=10_000)
    parser.add_argument(
        "--binary", help="a frozen build's counterfoil executable (default: main.py)"
    )
    args = parser.parse_args()
    env = dict(os.environ)
    env.setdefault("QT_QPA_PLATFORM", "offscreen")
    env["COUNTERFOIL_STARTUP_PROBE"] = "1"
    main_py = Path(__file__).resolve().parents[1] / "main.py"
    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp) / "home"
        _seed(home, args.clients)
        bare, paint, ready = [], [], []
        for _ in range(args.runs):
            bare.append(_timed([sys.executable, "-c", BARE], ("first_paint",), env)["first_paint"])
            command = [args.binary] if args.binary else [sys.executable, str(main_py)]
            ours = _timed(
                [*command, "--data-dir", str(home)],
                ("first_paint", "clients_ready"),
                env,
            )
            paint.append(ours["first_paint"])
            ready.append(ours["clients_ready"])
    b, p, r = (statistics.median(x) for x in (bare, paint, ready))
    print(
        f"machine: {platform.machine()} {platform.system()} {os.cpu_count()} cores, "
        f"Python {platform.python_version()}, QPA {env['QT_QPA_PLATFORM']}, {date.today()}"
    )
    print(f"bare PySide6 window, first paint: {b:7.1f} ms (median of {args.runs})")
    print(f"Counterfoil, first paint:          {p:7.1f} ms  ({p / b:.2f}x bare; goal <= 2x)")
    print(
        f"Counterfoil, Clients page usable with {args.clients:,} clients: {r:7.1f} ms"
        " (goal <= 700 ms)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
