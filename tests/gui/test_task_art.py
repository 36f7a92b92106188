"""Task illustrations: assets/tasks/<name>.svg, drawn by elman_gui/features/task_art.py, shown by
the
welcome dialog."""

from __future__ import annotations

import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from PySide6.QtCore import QByteArray, QSettings, Qt, QUrl
from PySide6.QtGui import QImage, QPainter, QTextDocument
from PySide6.QtSvg import QSvgRenderer

from elman_core import tasks
from elman_gui.features import task_art, welcome
from elman_gui.features.welcome import WelcomeDialog
from elman_gui.views.style import palette

ROOT = Path(__file__).resolve().parents[2]
ART = ROOT / "assets" / "tasks"
SVG_NS = "{http://www.w3.org/2000/svg}"
NAMES = tasks.names()


def texts(svg: str) -> list[str]:
    """The text of every <text> element, in document order."""
    return [element.text or "" for element in ET.fromstring(svg).iter(f"{SVG_NS}text")]


def default_sequence(name: str):
    task = tasks.get(name)
    return task, task.make_sequence(task.defaults.sequence_length, task.defaults.seed)


@pytest.mark.parametrize("name", NAMES)
def test_every_task_has_an_up_to_date_illustration(name):
    path = ART / f"{name}.svg"
    assert path.is_file(), f"missing {path}: run packaging/make_task_art.py"
    assert path.read_bytes().decode("utf-8") == task_art.task_svg(name), (
        f"{path} is out of date: run packaging/make_task_art.py")


@pytest.mark.parametrize("name", NAMES)
def test_the_illustration_shows_the_stream_and_every_category(name):
    svg = task_art.task_svg(name)
    root = ET.fromstring(svg)  # well-formed XML (symbols like "␣" and "<" escaped)
    assert root.tag == f"{SVG_NS}svg"
    assert 500 <= float(root.get("width")) <= 600 and 100 <= float(root.get("height")) <= 200
    task, sequence = default_sequence(name)
    shown = texts(svg)
    # The first input symbols, in order (at least three short sequences of end-of-sequence).
    # As many steps as the drawing says it shows ("the first 7 of …": long words and resets
    # leave room for fewer), at most 9.
    drawn = re.search(r"the first (\d+) of", " ".join(shown))
    count = min(9, len(sequence), int(drawn.group(1)) if drawn else 9)
    first = list(sequence.input_symbols[:count])
    remaining = iter(shown)
    assert all(symbol in remaining for symbol in first), (first, shown)
    for category in task.category_names:
        assert category in shown, category
    # Targets: the symbol to predict under every step that has one.
    predicted = [s for s, on in zip(sequence.target_symbols[:count], sequence.mask[:count],
                                    strict=True) if on]
    remaining = iter(shown)
    assert all(symbol in remaining for symbol in predicted)
    assert ("no target" in shown) == (not sequence.mask.all())
    assert (svg.count(">reset<") > 0) == bool(sequence.resets[1:9].any())


def test_the_drawing_is_deterministic_and_needs_no_qt():
    code = ("import sys; from elman_gui.features.task_art import task_svg; "
            "svg = task_svg('text'); "
            "assert not [m for m in sys.modules if m.startswith(('PySide6', 'pyqtgraph'))]; "
            "sys.stdout.write(svg)")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                         check=True, encoding="utf-8").stdout
    assert out == task_art.task_svg("text")


def test_the_colours_are_the_apps_palette():
    for name in ("FOREGROUND", "MUTED", "POSITIVE", "NEGATIVE", "COPY_LINK", "LESIONED",
                 "CORRECT"):
        assert getattr(task_art, name) == getattr(palette, name), name


@pytest.mark.parametrize("name", NAMES)
def test_the_illustration_renders(qapp, name):
    renderer = QSvgRenderer(QByteArray(task_art.task_svg(name).encode("utf-8")))
    assert renderer.isValid()
    size = renderer.defaultSize()
    image = QImage(size, QImage.Format.Format_RGB32)
    image.fill(Qt.GlobalColor.white)
    painter = QPainter(image)
    renderer.render(painter)
    painter.end()
    colors = set()
    inked = 0
    for y in range(0, image.height(), 2):
        for x in range(0, image.width(), 2):
            pixel = image.pixel(x, y)
            colors.add(pixel)
            inked += pixel != 0xFFFFFFFF
    assert len(colors) > 20  # category colours, tints, text (anti-aliased)
    assert inked > 0.05 * len(range(0, image.height(), 2)) * len(range(0, image.width(), 2))


@pytest.fixture
def dialog(qtbot, tmp_path):
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    dialog = WelcomeDialog(settings=settings, current="xor")
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    return dialog


def shown_art(dialog: WelcomeDialog, name: str) -> QImage:
    dialog.details.grab()  # lays the page out: the image is loaded on demand
    resource = dialog.details.document().resource(
        QTextDocument.ResourceType.ImageResource.value, QUrl(f"{welcome.ART_SCHEME}:{name}"))
    return resource if isinstance(resource, QImage) else QImage()


def test_the_welcome_dialog_shows_the_selected_tasks_illustration(dialog):
    for name in ("xor", "end-of-sequence", "text"):
        dialog.select(name)
        assert f"{welcome.ART_SCHEME}:{name}" in dialog.details.toHtml()
        image = shown_art(dialog, name)
        assert not image.isNull(), name
        logical = image.deviceIndependentSize()
        assert logical.width() == pytest.approx(task_art.WIDTH)
        # The browser is wide enough for the whole picture: no sideways scrolling.
        assert dialog.details.horizontalScrollBar().maximum() == 0


def test_a_missing_illustration_shows_nothing(monkeypatch, tmp_path, qtbot):
    monkeypatch.setattr(welcome, "asset_path", lambda name: tmp_path / name)
    assert welcome.task_art_html("xor") == ""
    assert welcome.task_art_image("xor") is None
    (tmp_path / "tasks").mkdir()
    (tmp_path / "tasks" / "xor.svg").write_text("not svg at all", encoding="utf-8")
    assert welcome.task_art_html("xor") == ""  # unreadable: nothing either, never an error
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    dialog = WelcomeDialog(settings=settings, current="xor")
    qtbot.addWidget(dialog)
    assert "task-art" not in dialog.details.toHtml()
    assert "0 1 1 0 0 0 0 1 1 0" in dialog.details.toPlainText()  # the rest is still there
