"""The .deb built here installs and runs: unpacked into a temporary root (the machine itself
is not changed), its `counterfoil` works from the installed files, and removing it leaves
the user's data alone.

Building takes a few minutes, so this test is marked `packaging`: the normal suite skips it
and `.ci/run` runs it as its own step.  Set COUNTERFOIL_DEB to test an existing package.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.packaging


@pytest.fixture(scope="module")
def deb() -> Path:
    given = os.environ.get("COUNTERFOIL_DEB")
    if given:
        return Path(given)
    if not shutil.which("dpkg-deb"):
        pytest.fail("dpkg-deb is needed to build the package")
    out = subprocess.run(
        [str(ROOT / "packaging" / "build_deb.sh"), "--build"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=1800,
    )
    assert out.returncode == 0, out.stdout[-2000:] + out.stderr[-4000:]
    return Path(ROOT / out.stdout.strip().splitlines()[-1].split()[0])


def run(binary: Path, *args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(binary), *args], capture_output=True, text=True, timeout=300, env=env
    )


def test_package_installs_runs_and_uninstalls_cleanly(deb: Path, tmp_path: Path) -> None:
    root = tmp_path / "root"
    subprocess.run(["dpkg-deb", "-x", str(deb), str(root)], check=True)
    info = subprocess.run(
        ["dpkg-deb", "-f", str(deb), "Package", "Version"], capture_output=True, text=True
    )
    assert "counterfoil" in info.stdout
    binary = root / "opt" / "counterfoil" / "counterfoil"
    assert binary.is_file()
    assert os.readlink(root / "usr" / "bin" / "counterfoil") == "/opt/counterfoil/counterfoil"
    assert (root / "usr" / "share" / "applications" / "counterfoil.desktop").is_file()
    assert (
        root / "usr" / "share" / "icons" / "hicolor" / "256x256" / "apps" / "counterfoil.png"
    ).is_file()

    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", HOME=str(tmp_path / "user"))
    data = tmp_path / "user-data"
    version = run(binary, "--version", env=env)
    assert version.returncode == 0 and "Counterfoil" in version.stdout
    init = run(binary, "--data-dir", str(data), "--as-of", "2026-11-25", "init", "--demo", env=env)
    assert init.returncode == 0, init.stderr[-2000:]
    bill = run(
        binary, "--data-dir", str(data), "--as-of", "2026-12-01", "--json", "bill-run", env=env
    )
    assert bill.returncode == 0, bill.stderr[-2000:]
    listing = run(
        binary, "--data-dir", str(data), "--json", "list", "invoices", "--status", "issued", env=env
    )
    number = next(line.split('"')[3] for line in listing.stdout.splitlines() if '"number"' in line)
    pdf = run(
        binary, "--data-dir", str(data), "pdf", number, "--out", str(tmp_path / "x.pdf"), env=env
    )
    assert pdf.returncode == 0, pdf.stderr[-2000:]
    assert (tmp_path / "x.pdf").read_bytes().startswith(b"%PDF")
    selftest = run(binary, "--self-test", env=env)
    assert selftest.returncode == 0, selftest.stdout + selftest.stderr[-2000:]

    # "Uninstall": the package's files go; the user's data stays exactly as it was.
    before = sorted(p.relative_to(data) for p in data.rglob("*"))
    shutil.rmtree(root)
    assert sorted(p.relative_to(data) for p in data.rglob("*")) == before
    assert (data / "counterfoil.sqlite3").exists()
