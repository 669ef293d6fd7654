"""Saved ways of reading a usage file: named JSON files in the data folder.

A metering system exports the same columns every month, so once a user has
told Counterfoil which column is which (and the day/month order or decimal
mark, when the file cannot show them), the answer is kept as a profile in
``<data folder>/usage-profiles/<name>.json`` and offered the next time.
Profiles are plain files on purpose: they can be copied between machines
and read by a person.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

PROFILE_FOLDER = "usage-profiles"
_UNSAFE = re.compile(r"[^\w .()-]+")


class ProfileError(ValueError):
    """A profile name that cannot be a file name, or a profile file that cannot be read."""


@dataclass(frozen=True)
class UsageProfile:
    name: str
    columns: dict[str, str] = field(default_factory=dict)  # field → header in the file
    day_first: bool | None = None  # None: decided from the dates each time
    decimal_mark: str | None = None  # None: decided from the quantities each time

    def as_json(self) -> str:
        return json.dumps(
            {
                "name": self.name,
                "columns": self.columns,
                "day_first": self.day_first,
                "decimal_mark": self.decimal_mark,
            },
            indent=2,
            ensure_ascii=False,
        )


def profile_folder(root: Path) -> Path:
    return Path(root) / PROFILE_FOLDER


def file_name(name: str) -> str:
    """The file a profile is stored in; refuses names that would leave the folder."""
    cleaned = _UNSAFE.sub("", name).strip().strip(".")
    if not cleaned:
        raise ProfileError("Give the profile a name (letters, digits, spaces).")
    return f"{cleaned}.json"


def list_profiles(root: Path) -> list[str]:
    folder = profile_folder(root)
    if not folder.is_dir():
        return []
    return sorted((p.stem for p in folder.glob("*.json")), key=str.casefold)


def load_profile(root: Path, name: str) -> UsageProfile:
    path = profile_folder(root) / file_name(name)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ProfileError(f"The profile “{name}” cannot be read ({exc}).") from exc
    columns = data.get("columns") or {}
    day_first = data.get("day_first")
    mark = data.get("decimal_mark")
    return UsageProfile(
        name=path.stem,
        columns={str(k): str(v) for k, v in columns.items()},
        day_first=day_first if isinstance(day_first, bool) else None,
        decimal_mark=mark if mark in (".", ",") else None,
    )


def save_profile(root: Path, profile: UsageProfile) -> Path:
    folder = profile_folder(root)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / file_name(profile.name)
    tmp = path.with_suffix(".json.tmp")
    tmp.write_text(profile.as_json(), encoding="utf-8")
    tmp.replace(path)
    return path
