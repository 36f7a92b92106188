"""The test markers: everything under tests/gui is `gui` without saying so; nothing else is."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FILES = ["tests/gui/test_pyside_sanity.py", "tests/test_settings.py"]


def collected(marker_expression: str) -> list[str]:
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "no:cacheprovider",
         "-m", marker_expression, *FILES],
        capture_output=True, text=True, cwd=ROOT, timeout=240)
    assert done.returncode == 0, done.stdout + done.stderr
    return [line for line in done.stdout.splitlines() if "::" in line]


def test_gui_marks_exactly_the_tests_under_tests_gui():
    gui, core = collected("gui"), collected("not gui")
    assert gui and all(item.startswith("tests/gui/") for item in gui)
    assert core and not any(item.startswith("tests/gui/") for item in core)
