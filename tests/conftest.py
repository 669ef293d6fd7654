"""Shared fixtures: a real SQLite file per test, a pinned clock, Qt offscreen, a test keyring."""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("COUNTERFOIL_DISABLE_SCHEDULER", "1")

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT.parent / "shared" / "samples"
AS_OF = date(2026, 11, 25)


@pytest.fixture
def home(tmp_path: Path) -> Path:
    return tmp_path / "home"


@pytest.fixture
def app(home: Path) -> Iterator[object]:
    """A freshly migrated book in a temporary data folder, 'today' pinned to AS_OF."""
    from app.bootstrap import open_app

    opened = open_app(home, as_of=AS_OF)
    yield opened
    opened.close()


@pytest.fixture
def ctx(app: object) -> object:
    return app.ctx  # type: ignore[attr-defined]


@pytest.fixture
def memory_keyring() -> Iterator[dict[tuple[str, str], str]]:
    import keyring
    from keyring.backend import KeyringBackend

    store: dict[tuple[str, str], str] = {}

    class _Backend(KeyringBackend):
        priority = 1  # type: ignore[assignment]

        def get_password(self, service: str, username: str) -> str | None:
            return store.get((service, username))

        def set_password(self, service: str, username: str, password: str) -> None:
            store[(service, username)] = password

        def delete_password(self, service: str, username: str) -> None:
            store.pop((service, username), None)

    previous = keyring.get_keyring()
    keyring.set_keyring(_Backend())
    yield store
    keyring.set_keyring(previous)


def samples_or_skip(*parts: str) -> Path:
    path = SAMPLES.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"shared samples not found at {path} (plain clone without ../shared)")
    return path
