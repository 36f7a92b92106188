"""Lesson files in the window: opened from the menu, a drop or the command line; saved back."""

from __future__ import annotations

import dataclasses
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent, QImage
from PySide6.QtWidgets import QApplication

from elman_core.training.lessons import read_lesson
from elman_gui.app import run_gui
from tests.support.gui import rendered_where, running_window

ROOT = Path(__file__).resolve().parents[2]
SHIPPED = sorted((ROOT / "assets" / "lessons").glob("*.toml"))
WAIT_MS = 60_000


@pytest.fixture
def window(qtbot):
    with running_window(qtbot, "xor") as window:
        yield window


def opened(qtbot, window, lesson):
    """Wait until the window shows the lesson's run (its newest generation, its settings)."""
    trainer = window.trainer
    rendered_where(qtbot, window, lambda s: s.task_name == lesson.task
                   and s.generation == trainer.requested_generation, WAIT_MS)
    qtbot.waitUntil(lambda: window.shown.settings == lesson.settings, timeout=WAIT_MS)


def test_every_shipped_lesson_opens_with_its_settings_view_and_note(qtbot, window):
    assert window.lessons.open_folder() == ROOT / "assets" / "lessons"  # Open lesson starts here
    for path in SHIPPED:
        lesson = read_lesson(path)
        assert window.lessons.open_lesson(path) == lesson
        opened(qtbot, window, lesson)
        assert window.figure_tabs.current_view() == lesson.view
        assert lesson.title in window.watch_bar.text()
        first_words = " ".join(lesson.note.split()[:6])
        qtbot.waitUntil(lambda words=first_words: words in " ".join(
            window.description.toPlainText().split()), timeout=WAIT_MS)


def test_a_broken_lesson_names_its_line_and_changes_nothing(qtbot, window, tmp_path):
    before = window.current_snapshot
    settings = window.shown.settings
    bad = tmp_path / "broken.toml"
    bad.write_text('task = "letters"\nview = "paper-figure"\n\n[settings]\nepochs = -3\n')
    assert window.lessons.open_lesson(bad) is None
    message = window.notice_bar.text()
    assert "broken.toml, line 5" in message and "Epochs" in message
    qtbot.wait(300)
    assert window.current_snapshot.task_name == before.task_name == "xor"
    assert window.trainer.requested_generation == before.generation
    assert window.shown.settings == settings
    assert window.figure_tabs.current_view() == "network"


def test_a_saved_lesson_holds_the_run_on_screen(qtbot, window, tmp_path):
    window.trainer.set_settings({"n_hidden": 3, "seed": 5, "learning_rate": 0.3})
    qtbot.waitUntil(lambda: window.shown.settings is not None
                    and window.shown.settings.n_hidden == 3, timeout=WAIT_MS)
    window.figure_tabs.show_view("hidden-space")
    path = window.lessons.save_lesson(tmp_path / "mine.toml", "Three units", "Watch it.")
    lesson = read_lesson(path)
    assert lesson.settings == window.shown.settings
    assert (lesson.task, lesson.view, lesson.title, lesson.note) == (
        "xor", "hidden-space", "Three units", "Watch it.")
    # ... and opens again as it was saved, from another task.
    window.choose_task("letters")
    rendered_where(qtbot, window, lambda s: s.task_name == "letters", WAIT_MS)
    window.figure_tabs.show_view("network")
    window.lessons.open_lesson(path)
    opened(qtbot, window, lesson)
    assert window.figure_tabs.current_view() == "hidden-space"


def test_a_lesson_dropped_on_the_window_opens(qtbot, window):
    path = next(p for p in SHIPPED if read_lesson(p).task == "letters")
    data = QMimeData()
    data.setUrls([QUrl.fromLocalFile(str(path))])
    enter = QDragEnterEvent(window.rect().center(), Qt.DropAction.CopyAction, data,
                            Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(window, enter)
    assert enter.isAccepted()
    drop = QDropEvent(QPointF(window.rect().center()), Qt.DropAction.CopyAction, data,
                      Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(window, drop)
    assert drop.isAccepted()
    opened(qtbot, window, read_lesson(path))
    # Anything else dragged over the window is not taken.
    other = QMimeData()
    other.setUrls([QUrl.fromLocalFile(str(ROOT / "README.md"))])
    refused = QDragEnterEvent(window.rect().center(), Qt.DropAction.CopyAction, other,
                              Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    refused.ignore()
    QApplication.sendEvent(window, refused)
    assert not refused.isAccepted()


def test_main_py_opens_a_lesson_file(tmp_path):
    path = tmp_path / "small.toml"
    path.write_text('title = "Small"\ntask = "xor"\nview = "paper-figure"\n'
                    "[settings]\nn_hidden = 3\nepochs = 2\nsequence_length = 300\n")
    png = tmp_path / "window.png"
    done = subprocess.run([sys.executable, "main.py", str(path), "--screenshot", str(png),
                           "--size", "1024x640", "--steps", "200"], cwd=ROOT,
                          capture_output=True, text=True, timeout=240)
    assert done.returncode == 0, done.stderr
    assert QImage(str(png)).width() == 1024


def test_main_py_refuses_a_broken_lesson_with_its_line(tmp_path, capsys):
    path = tmp_path / "bad.toml"
    path.write_text('task = "xor"\n[settings]\nn_hidden = 0\n')
    assert run_gui(None, None, 0, None, lesson_path=str(path)) == 2
    err = capsys.readouterr().err
    assert "bad.toml, line 3" in err and "Hidden units" in err
    assert run_gui("letters", None, 0, None, lesson_path=str(SHIPPED[0])) == 2
    assert "leave out --task" in capsys.readouterr().err


def test_the_lesson_settings_are_the_run_settings_fields():
    lesson = read_lesson(SHIPPED[0])
    assert set(dataclasses.asdict(lesson.settings)) >= {"seed", "n_hidden", "epochs"}
