"""`main.py --screenshot`: the whole program, as the README and the bundle check run it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from PySide6.QtGui import QImage

from elman_gui.app import run_gui

ROOT = Path(__file__).resolve().parents[2]


def test_a_screenshot_of_the_trained_window(tmp_path):
    png = tmp_path / "window.png"
    done = subprocess.run([sys.executable, "main.py", "--screenshot", str(png), "--task", "xor",
                           "--steps", "600"], cwd=ROOT, capture_output=True, text=True,
                          timeout=240)
    assert done.returncode == 0, done.stderr
    image = QImage(str(png))
    assert (image.width(), image.height()) == (1400, 900)


def test_an_unwritable_screenshot_path_is_refused_before_training(capsys):
    assert run_gui("xor", "/nonexistent-folder/window.png", 10**9, None) == 2
    err = capsys.readouterr().err
    assert "/nonexistent-folder" in err and "does not exist" in err
