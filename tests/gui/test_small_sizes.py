"""The window at a laptop's and a projector's sizes: what a student or teacher reads there.

The diagram's copy label shows at every size the window gives the diagram (alone, and the
compact ones side by side), the dendrogram shows every leaf, and the status bar's message keeps
its useful part.
"""

from __future__ import annotations

import itertools

import pytest
from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import QApplication

from elman_core.tasks import sentences
from elman_gui.panels.status import ElidedLabel
from elman_gui.views.diagram.network_diagram import NetworkDiagramView
from elman_gui.views.figures.dendrogram_view import SIDEWAYS, UPRIGHT, choose_layout
from elman_gui.views.style import palette
from tests.support.gui import (
    SMALL,
    build_snapshot,
    jordan_snapshot,
    rendered_where,
    running_window,
    settle,
    shown,
)

# The diagram's size in the window (measured under Xvfb): alone at 1024×640, 1366×768 and
# 1920×1080, and each of the two compact ones of the side-by-side mode at those sizes.
DIAGRAM_SIZES = {"1024x640": (457, 274), "1366x768": (613, 364), "1920x1080": (926, 646),
                 "1024x640 side by side": (227, 254), "1366x768 side by side": (305, 344),
                 "1920x1080 side by side": (461, 626)}
NETWORKS = {"elman 1-4-1": lambda: build_snapshot(1, 4, 1),
            "elman 31-150-31": lambda: build_snapshot(31, 150, 31),
            "jordan 1-4-1": lambda: jordan_snapshot(1, 4, 1, decay=0.5),
            "jordan 6-20-6": lambda: jordan_snapshot(6, 20, 6, decay=0.5)}


@pytest.mark.parametrize(("size", "network"), list(itertools.product(DIAGRAM_SIZES, NETWORKS)))
def test_the_copy_label_shows_clear_of_every_other_text(qtbot, size, network):
    diagram = shown(qtbot, NetworkDiagramView(), *DIAGRAM_SIZES[size])
    diagram.set_legend_shown("side by side" not in size)
    diagram.show_snapshot(NETWORKS[network]())
    QApplication.processEvents()
    rects = diagram.text_rects()
    words = " ".join(diagram.copy_label().split())  # Jordan's decay on a second line
    assert words in ("copy (weight 1)", "copy (weight 1) + 0.5 × itself", "copy"), words
    assert "copy" in rects and diagram.drawing_rect().contains(rects["copy"])
    assert [name for name, rect in rects.items()
            if name != "copy" and rect.intersects(rects["copy"])] == []


@pytest.mark.parametrize("network", NETWORKS)
def test_a_roomy_diagram_says_what_the_copy_is(qtbot, network):
    diagram = shown(qtbot, NetworkDiagramView(), *DIAGRAM_SIZES["1920x1080"])
    diagram.show_snapshot(NETWORKS[network]())
    QApplication.processEvents()
    assert diagram.copy_label().startswith("copy (weight 1)")


def test_the_copy_label_shows_in_the_window_at_a_laptops_size(qtbot):
    # In the window the diagram is fitted before its view has applied the new range: the
    # label must be placed by the range it will be drawn with (it used to hide there).
    with running_window(qtbot, "xor", size=SMALL) as window:
        window.actions_.step.trigger()
        rendered_where(qtbot, window, lambda s: s.global_step == 1)
        settle(qtbot, window)
        # Until the docks have their final sizes (a loaded machine may take a moment).
        qtbot.waitUntil(lambda: window.diagram.copy_label() == "copy (weight 1)", timeout=5000)
        window.resize(1366, 768)
        settle(qtbot, window)
        qtbot.waitUntil(lambda: window.diagram.copy_label() == "copy (weight 1)", timeout=5000)


# ------------------------------------------------------------------------------ the dendrogram
def line_px(points):
    return QFontMetrics(palette.font(points)).height()


def test_the_tree_stands_upright_only_where_its_rows_would_not_fit(qapp):
    ten, eight = line_px(10), line_px(8)
    assert choose_layout(30, 450, 50 + 30 * max(ten, 15), line_px) == (SIDEWAYS, 10)  # rows fit
    assert choose_layout(30, 56 + 30 * ten, 220, line_px) == (UPRIGHT, 10)
    assert choose_layout(30, 56 + 30 * eight, 220, line_px) == (UPRIGHT, 8)
    # Fig. 9's hundreds of tokens: no column is wide enough; the rows scroll.
    assert choose_layout(300, 450, 220, line_px) == (SIDEWAYS, 10)


@pytest.mark.parametrize("size", [(1024, 640), (1024, 768), (1366, 768), (1920, 1080)])
def test_every_leaf_of_fig_7_is_on_screen_and_apart(qtbot, make_snapshot, sentence_clusters,
                                                    size):
    # A student's laptop (1024×640), a projector (1024×768), and two common screens.
    with running_window(qtbot, "xor", size=size) as window:
        tabs = window.figure_tabs
        tabs.show_view("dendrogram")
        tabs.show_snapshot(make_snapshot(task_name="sentences", word_clusters=sentence_clusters,
                                         global_step=600))
        settle(qtbot, window)
        tree = tabs.dendrogram
        assert sorted(tree.leaf_labels()) == sorted((*sentences.LEXICON, "zog"))
        viewport = tree.tree_viewport().viewport().rect()
        rects = tree.leaf_rects()
        on_screen = [r for r in rects if viewport.contains(r)]
        assert len(on_screen) == len(rects) == 30, (size, tree.tree_layout(), len(on_screen))
        layout, points = tree.tree_layout()
        assert points >= 8
        # Leaves apart by at least a line of their font: rows sideways, columns upright.
        centres = sorted(r.center().y() if layout == SIDEWAYS else r.center().x()
                         for r in rects)
        assert min(b - a for a, b in itertools.pairwise(centres)) >= line_px(points) - 1
        if size == (1920, 1080):  # room for the paper's look
            assert layout == SIDEWAYS


# ------------------------------------------------------------------------------ the status bar
def test_the_status_message_keeps_what_matters_at_1024x640(qtbot):
    with running_window(qtbot, "xor", size=SMALL) as window:
        window.trainer.run_steps(300)  # the loss figure takes its long form ("Loss of …")
        rendered_where(qtbot, window, lambda s: s.global_step == 300 and s.state == "paused")
        settle(qtbot, window)
        status, message = window.status, window.status_message
        assert not status.labels["task"].isVisible()  # the toolbar's Task box names it
        assert window.selector.currentText() == window.current_snapshot.task_title
        # Whole: a step back says where it went.
        window.trainer.step_back(3)
        rendered_where(qtbot, window, lambda s: s.global_step == 297)
        QApplication.processEvents()
        assert message.text().startswith("Stepped back 3 steps to ")
        assert message.shown_text() == message.text()
        # A refused setting: which one, and why, in words (the notice bar has all of it).
        window.trainer.set_settings({"learning_rate": -1.0})
        qtbot.waitUntil(lambda: "(got -1)" in message.text(), timeout=10_000)
        QApplication.processEvents()
        shown_text = message.shown_text()
        assert shown_text.startswith("Not applied: The learning") \
            and shown_text.endswith("(got -1)"), shown_text
        assert message.toolTip() == message.text() == window.notice_bar.text()
        # A long message: what happened (its start) and what to do (its end).
        status.say("Training diverged: at epoch 3, step 5 the weights or errors would pass "
                   "±1,000,000 (learning rate 200); shown is the last step before. Lower the "
                   "learning rate, then press Reset (R).")
        QApplication.processEvents()
        shown_text = message.shown_text()
        assert shown_text.startswith("Training diverged") and "…" in shown_text
        assert shown_text.endswith("then press Reset (R)."), shown_text
        window.resize(1366, 768)
        settle(qtbot, window)
        assert status.labels["task"].isVisible()


def test_a_message_too_long_drops_the_command_line_names_first(qtbot):
    label = ElidedLabel()
    qtbot.addWidget(label)
    text = ("Not applied: The learning rate (learning_rate) must be a number > 0 and ≤ "
            "1,000,000 (got -1)")
    words = text.replace(" (learning_rate)", "")
    label.setText(text)
    label.resize(label.fontMetrics().horizontalAdvance(words) + 10, 20)
    assert label.shown_text() == words and label.toolTip() == text
    label.resize(label.fontMetrics().horizontalAdvance(text) + 10, 20)  # it all fits
    assert label.shown_text() == text
