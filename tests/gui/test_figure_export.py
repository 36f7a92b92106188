"""Every figure exportable: ``main.py figure`` for every task, and File ▸ Export in the app."""

from __future__ import annotations

import io
import xml.etree.ElementTree as ElementTree

import numpy as np
import pytest
from PySide6.QtGui import QImage

from elman_core import tasks
from elman_gui import figure_command
from elman_gui.features import figure_export
from tests.support.gui import rendered_where, running_window

# Short runs: each task's figure needs one complete epoch (the sentences' is 27,514 steps, a
# starting-small epoch the whole five-stage curriculum).
SHORT = {"sentences": ["--epochs", "1"], "words": ["--epochs", "2"],
         "starting-small-memory": ["--epochs", "1"], "starting-small-input": ["--epochs", "1"]}


def run_figure(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = figure_command.run(list(argv), stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()


def picture_colours(path) -> int:
    """How many distinct colours a sample of the PNG's pixels has (1: a blank picture)."""
    image = QImage(str(path))
    assert not image.isNull(), path
    step = max(image.width() // 200, 1)
    return len({image.pixel(x, y) for x in range(0, image.width(), step)
                for y in range(0, image.height(), step)})


def svg_texts(path) -> list[str]:
    root = ElementTree.parse(path).getroot()  # raises if the SVG is not well-formed
    assert root.tag.endswith("svg")
    return [t.text.strip() for t in root.iter() if t.tag.endswith("text") and t.text]


@pytest.mark.parametrize("task", tasks.names())
def test_main_py_figure_writes_a_valid_svg_and_png_for_every_task(qapp, tmp_path, task):
    png, svg = tmp_path / f"{task}.png", tmp_path / f"{task}.svg"
    epochs = SHORT.get(task, ["--epochs", "3"])
    code, out, err = run_figure("--task", task, *epochs, "--out", str(png), "--out", str(svg))
    assert code == 0, err
    assert f"Wrote {png}" in out and f"Wrote {svg}" in out
    image = QImage(str(png))
    assert (image.width(), image.height()) == tuple(
        figure_export.PNG_SCALE * np.array(figure_export.SLIDE_SIZE))  # 2× resolution
    assert picture_colours(png) > 5  # axes, a line or bars, shading, text: not blank
    texts = svg_texts(svg)
    assert any(t.startswith("Fig.") or "error" in t.lower() for t in texts), texts[:20]
    assert not list(tmp_path.glob(".elman-*"))  # no temporary file left behind


def test_main_py_figure_takes_a_jordan_network(qapp, tmp_path):
    png = tmp_path / "jordan.png"
    code, out, err = run_figure("--task", "xor", "--epochs", "3", "--architecture", "jordan",
                                "--context-decay", "0.25", "--out", str(png))
    assert code == 0, err
    assert "Architecture: Jordan (context = output), context decay 0.25" in out
    assert picture_colours(png) > 5
    code, _, err = run_figure("--task", "xor", "--context-decay", "0.25", "--out", str(png))
    assert code == 2 and "--context-decay 0.25: the context decay (0.25) applies to Jordan" in err


def test_the_figure_option_chooses_the_hidden_space_or_the_dendrogram(qapp, tmp_path):
    space, tree = tmp_path / "space.svg", tmp_path / "tree.png"
    code, _, err = run_figure("--task", "sentences", "--epochs", "1", "--figure",
                              "hidden-space", "--out", str(space))
    assert code == 0, err
    assert any("Hidden space" in t for t in svg_texts(space))
    code, _, err = run_figure("--task", "sentences", "--epochs", "1", "--figure",
                              "dendrogram", "--out", str(tree))
    assert code == 0, err
    image = QImage(str(tree))
    # All 29 words and "zog" on rows of their own: the picture is as tall as the tree needs.
    assert image.height() >= figure_export.PNG_SCALE * 30 * 15
    assert picture_colours(tree) > 5


@pytest.mark.parametrize("argv, message", [
    (["--out", "x.jpg"], "must end in .png or .svg"),
    (["--task", "xor", "--figure", "dendrogram", "--out", "x.png"], "word tasks"),
    (["--task", "nope", "--out", "x.png"], "nope"),
    ([], "--out"),
])
def test_bad_figure_command_lines_say_why_and_write_nothing(qapp, tmp_path, monkeypatch,
                                                            argv, message):
    monkeypatch.chdir(tmp_path)
    code, _, err = run_figure(*argv)
    assert code == 2 and message in err
    assert list(tmp_path.iterdir()) == []


def test_a_read_only_picture_is_not_replaced(qapp, tmp_path):
    target = tmp_path / "fig.png"
    target.write_bytes(b"old")
    target.chmod(0o444)
    code, _, err = run_figure("--task", "counting", "--epochs", "2", "--out", str(target))
    assert code == 2 and "read-only" in err
    assert target.read_bytes() == b"old"


def test_a_blank_picture_is_refused(qapp):
    image = QImage(50, 40, QImage.Format.Format_ARGB32)
    image.fill(0xFFFFFFFF)
    assert figure_export.is_blank(image)
    image.setPixel(20, 20, 0xFF000000)
    assert not figure_export.is_blank(image)
    with pytest.raises(figure_export.ExportError, match="not valid"):
        figure_export.check_figure_bytes(b"<svg><g></svg>", "svg")


def test_file_export_writes_every_figure_of_the_running_task(qtbot, tmp_path):
    with running_window(qtbot, "xor", size=(1024, 640)) as window:
        window.trainer.run_steps(3 * 2999)
        rendered_where(qtbot, window, lambda s: s.paper_figure is not None
                       and s.hidden_space is not None and s.epoch >= 2, timeout=60_000)
        student = window.student
        for name in ("paper-figure", "hidden-space"):
            for fmt in ("png", "svg"):
                assert f"{name}-{fmt}" in student.export_actions
                path = tmp_path / f"{name}.{fmt}"
                assert student.export_figure(name, fmt, str(path)) == path
        assert picture_colours(tmp_path / "paper-figure.png") > 5
        assert any("Fig. 3" in t for t in svg_texts(tmp_path / "paper-figure.svg"))
        assert any("Hidden space" in t for t in svg_texts(tmp_path / "hidden-space.svg"))
        # Not a word task: the dendrogram says so instead of exporting an empty tree.
        assert student.export_figure("dendrogram", "png", str(tmp_path / "d.png")) is None
        assert not (tmp_path / "d.png").exists()
