"""With no system font, the labels use the shipped DejaVu Sans instead of boxes.

A child process sees an empty fontconfig (a configuration naming no font folder), as on a
minimal Linux; the test first checks that the default font resolves to no family there, then
that after apply_branding the application's font resolves to the shipped family and draws
letters.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtGui import QFontDatabase, QFontInfo
from PySide6.QtWidgets import QApplication

from elman_gui import fonts
from elman_gui.resources import asset_path

ROOT = Path(__file__).resolve().parents[2]

CHILD = """
import json, sys
from PySide6.QtGui import QFontDatabase, QFontInfo, QFontMetrics
from PySide6.QtWidgets import QApplication, QLabel
from elman_gui import resources
app = QApplication(sys.argv[:1])
before = QFontInfo(app.font()).family()
resources.apply_branding(app)
label = QLabel("Elman Lab — Play ▶")
print(json.dumps({"before": before, "families": QFontDatabase.families(),
                  "resolved": QFontInfo(label.font()).family(),
                  "letters": all(QFontMetrics(label.font()).inFont(c) for c in "ElmanLb")}))
"""


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="fontconfig is Linux's")
def test_with_no_system_font_the_shipped_one_is_used(tmp_path):
    config = tmp_path / "fonts.conf"
    config.write_text(f'<?xml version="1.0"?>\n<fontconfig><cachedir>{tmp_path}/fc</cachedir>'
                      "</fontconfig>\n")  # no <dir>: no font at all
    env = dict(os.environ, FONTCONFIG_FILE=str(config), QT_QPA_PLATFORM="offscreen",
               PYTHONPATH=str(ROOT))
    env.pop("FONTCONFIG_PATH", None)
    done = subprocess.run([sys.executable, "-c", CHILD], env=env, cwd=ROOT, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    seen = json.loads(done.stdout.splitlines()[-1])
    assert seen["before"] == ""  # the set-up really has no font (only fontconfig's aliases)
    assert fonts.FAMILY in seen["families"]
    assert seen["resolved"] == fonts.FAMILY and seen["letters"]


def test_a_system_with_fonts_keeps_them(qapp: QApplication):
    assert QFontDatabase.families()  # this machine has fonts (CI installs fonts-dejavu-core)
    before = QFontInfo(qapp.font()).family()
    assert not fonts.use_shipped_font_if_none(qapp)
    assert QFontInfo(qapp.font()).family() == before


def test_the_font_ships_with_its_licence():
    for name in fonts.FONT_FILES:
        assert asset_path(f"fonts/{name}").stat().st_size > 100_000
    licence = asset_path("fonts/LICENSE-DejaVu.txt").read_text()
    assert "Bitstream" in licence and "Permission is hereby granted" in licence
