"""The invoice layout preview in Settings redraws from the form, before anything is saved."""

from __future__ import annotations

from typing import Any

from tests.ui.conftest import Gui


def test_preview_follows_the_layout_and_colour_as_they_are_edited(gui: Gui, qtbot: Any) -> None:
    page = gui.window.show_page("settings")
    gui.idle()
    preview = page.preview
    qtbot.waitUntil(lambda: preview.pages_rendered >= 1, timeout=15_000)
    first = preview.image.pixmap().toImage()
    assert not first.isNull() and first.width() == 380

    page._editors["branding.template"].setCurrentText("modern")
    page._editors["branding.accent"].setText("#B3261E")
    qtbot.waitUntil(lambda: preview.pages_rendered >= 2, timeout=15_000)
    gui.idle()
    qtbot.waitUntil(lambda: not preview._timer.isActive(), timeout=5_000)
    second = preview.image.pixmap().toImage()
    assert second != first  # the new layout and colour are drawn

    # A colour that is not a colour is explained, never a crash.
    page._editors["branding.accent"].setText("reddish")
    qtbot.waitUntil(lambda: "cannot be drawn" in preview.problem.text(), timeout=15_000)
