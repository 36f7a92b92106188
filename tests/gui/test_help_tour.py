"""F1 help teaches the app (figure tabs, step back, phases, focus mode, lessons) with the keys the
window really has; captions right for every task."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QAction

from elman_gui.features.help_tour import tour_html
from elman_gui.views.figures.dendrogram_view import DendrogramView
from elman_gui.views.stepping.inspector import InspectorView
from tests.support.gui import running_window


@pytest.fixture
def window(qtbot):
    with running_window(qtbot, "xor") as window:
        yield window


def test_help_covers_the_figure_tabs_step_back_phases_and_lessons(window, qtbot):
    dialog = window.student.show_help()
    titles = [dialog.tabs.tabText(i) for i in range(dialog.tabs.count())]
    assert "Using Elman Lab" in titles
    text = dialog.tour.toPlainText()
    for words in ("Paper figure", "Hidden space", "Dendrogram", "Step back", "Step through "
                  "phases", "Lessons", "Open lesson", "main.py LESSON.toml", "Esc"):
        assert words in text, words
    keys = {a.text().replace("&", "").rstrip("…"): a.shortcut().toString()
            for a in window.findChildren(QAction) if a.shortcuts()}
    for command in ("Step back", "Step through phases", "Open lesson", "Paper figure"):
        assert keys[command] and keys[command] in text, command
    # Focus mode is explained with its key exactly when the window has the command.
    focus = [a for a in window.findChildren(QAction)
             if a.text().replace("&", "").startswith("Focus") and a.shortcuts()]
    assert ("Focus mode" in text) == bool(focus)
    if focus:
        assert focus[0].shortcut().toString() in text


def test_the_tour_follows_the_actions(qtbot):
    focus = QAction("Focus on this view")
    focus.setShortcut("Ctrl+Shift+F")
    html = tour_html([focus])
    assert "Focus mode" in html and "Ctrl+Shift+F" in html
    assert "Focus mode" not in tour_html([])


def test_step_back_reach_is_said_in_the_right_number(qtbot, make_snapshot):
    inspector = InspectorView()
    qtbot.addWidget(inspector)
    for steps, expected in ((1, "can go back 1 step ·"), (2, "can go back 2 steps ·"),
                            (0, "can go back 0 steps ·")):
        inspector.show_snapshot(make_snapshot(steps_back=steps, history_limit=2**20))
        assert inspector.memory.text().startswith(expected), inspector.memory.text()


def test_the_dendrogram_is_titled_for_its_task(qtbot, make_snapshot):
    view = DendrogramView()
    qtbot.addWidget(view)
    view.show_snapshot(make_snapshot(task_name="words", has_words=True,
                                     word_cluster_kind="word-ends"))
    assert "Figs. 7" not in view.title.text() and "Fig. 6" in view.title.text()
    assert view.novel_box.isHidden()  # "zog" is Fig. 8's, the sentences'
    view.show_snapshot(make_snapshot(task_name="sentences", has_words=True,
                                     word_cluster_kind="word-inputs"))
    assert "Figs. 7, 8 and 9" in view.title.text() and not view.novel_box.isHidden()
