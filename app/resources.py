"""Where the application's bundled files (fonts, icons, templates) live.

Working-directory-relative paths break as soon as the app is started from a
desktop shortcut or frozen by PyInstaller, so every bundled file is found
through ``resource_path``: from a source checkout it points into the
repository's ``resources/`` folder, in a frozen build into the ``resources/``
folder that the spec unpacks next to the bundle (``sys._MEIPASS``).
"""

from __future__ import annotations

import sys
from pathlib import Path


def resources_root() -> Path:
    """The folder that holds the bundled resources for this run."""
    bundle = getattr(sys, "_MEIPASS", None)
    if bundle:
        return Path(bundle) / "resources"
    return Path(__file__).resolve().parent.parent / "resources"


def resource_path(*parts: str) -> Path:
    """Absolute path of a bundled file, e.g. ``resource_path("fonts", "DejaVuSans.ttf")``."""
    return resources_root().joinpath(*parts)
