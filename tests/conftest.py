"""Shared test set-up: Qt tests need a display; without one, use Qt's offscreen platform."""

import os
from pathlib import Path

import pytest

GUI_TESTS = Path(__file__).resolve().parent / "gui"

if not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY"):
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Everything under tests/gui is marked ``gui`` (``-m "not gui"``: the core's tests alone)."""
    for item in items:
        if item.path.is_relative_to(GUI_TESTS):
            item.add_marker(pytest.mark.gui)
