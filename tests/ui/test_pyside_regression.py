"""PySide6 6.12.0 on CPython 3.11 aborts after ~5,000 void-returning Qt calls (none_dealloc).

The project pins PySide6 < 6.12; this test makes 20,000 such calls in a fresh
process so the pin can be lifted safely once a fixed release exists.
"""

from __future__ import annotations

import subprocess
import sys

SCRIPT = """
import os
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
from PySide6.QtWidgets import QApplication, QLabel
app = QApplication([])
label = QLabel()
for i in range(20_000):
    label.setText("x")          # returns void
    label.setEnabled(i % 2 == 0)  # returns void
print("survived", i + 1)
"""


def test_twenty_thousand_void_qt_calls_do_not_abort() -> None:
    proc = subprocess.run(
        [sys.executable, "-c", SCRIPT], capture_output=True, text=True, timeout=120
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "survived 20000" in proc.stdout
