"""Focus mode: any view or plot takes the whole window (F11/Z, a double-click; Esc returns),
large type for a projector, and the dendrogram readable whole at 1024×640."""

from __future__ import annotations

import itertools

import pyqtgraph as pg
import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QCursor, QFontMetrics
from PySide6.QtWidgets import QApplication

from elman_core.tasks import sentences
from elman_gui.features.focus_mode import LARGE_TYPE_SCALE
from tests.support.gui import SMALL, running_window, settle

VIEWS = ("network", "paper-figure", "hidden-space", "dendrogram", "loss", "errors", "history")


@pytest.fixture
def small_window(qtbot):
    with running_window(qtbot, "xor", size=SMALL) as window:
        settle(qtbot, window)
        window.activateWindow()  # its shortcuts answer keys
        qtbot.waitUntil(window.isActiveWindow, timeout=10_000)
        yield window


def focused_widget(window):
    return window.focus_mode._widget


def chrome_visible(window) -> dict:
    return {"toolbar": window.toolbar.isVisible(), "status": window.statusBar().isVisible(),
            "parameters": window.parameter_dock.isVisible(),
            "history": window.debugger.history_dock.isVisible(),
            "tape": window.tape.isVisible(), "tab bar": window.figure_tabs.tabBar().isVisible()}


@pytest.mark.parametrize("name", VIEWS)
def test_each_view_takes_the_whole_window_and_esc_brings_the_layout_back(small_window, qtbot,
                                                                         name):
    window = small_window
    before = chrome_visible(window)
    diagram = window.diagram.geometry()
    window.focus_mode.enter(name)
    settle(qtbot, window)
    widget = focused_widget(window)
    assert window.focus_mode.focused == name and widget.isVisible()
    menu_bar = window.menuBar().height()
    assert widget.width() >= 0.95 * SMALL[0], (name, widget.size())
    assert widget.height() >= 0.85 * (SMALL[1] - menu_bar), (name, widget.size())
    visible = chrome_visible(window)
    assert not any(v for k, v in visible.items() if k != "history" or name != "history"), visible
    assert window.focus_mode.hint.isVisible()  # "Esc: back" in the menu bar
    qtbot.keyClick(focused_widget(window), Qt.Key.Key_Escape)
    settle(qtbot, window)
    assert window.focus_mode.focused is None
    assert chrome_visible(window) == before
    assert window.diagram.geometry() == diagram  # the layout as it was
    assert window.size().toTuple() == SMALL


def test_f11_focuses_the_centre_tab_and_f11_again_leaves(small_window, qtbot):
    window = small_window
    window.figure_tabs.show_view("hidden-space")
    QCursor.setPos(window.menuBar().mapToGlobal(QPoint(2, 2)))  # over no view
    QApplication.processEvents()
    qtbot.keyClick(window.figure_tabs, Qt.Key.Key_F11)
    assert window.focus_mode.focused == "hidden-space"
    qtbot.keyClick(window.figure_tabs.hidden_space, Qt.Key.Key_Z)
    assert window.focus_mode.focused is None
    over_errors = window.error_bars.mapToGlobal(window.error_bars.rect().center())
    window.raise_()  # over the windows of tests running beside this one on the same screen
    QCursor.setPos(over_errors)
    QApplication.processEvents()
    if QCursor.pos() == over_errors:  # a platform with a pointer (not "offscreen")
        qtbot.keyClick(window.figure_tabs, Qt.Key.Key_F11)
        assert window.focus_mode.focused == "errors"  # the plot under the mouse


def test_a_double_click_on_a_plot_focuses_it_and_another_returns(small_window, qtbot):
    window = small_window
    viewport = window.loss_plot.findChildren(pg.PlotWidget)[0].viewport()
    middle = QPoint(viewport.width() // 2, viewport.height() // 2)
    qtbot.mouseDClick(viewport, Qt.MouseButton.LeftButton, pos=middle)
    assert window.focus_mode.focused == "loss"
    settle(qtbot, window)
    qtbot.mouseDClick(viewport, Qt.MouseButton.LeftButton,
                      pos=QPoint(viewport.width() // 2, viewport.height() // 2))
    assert window.focus_mode.focused is None


def test_large_type_magnifies_the_focused_view_and_only_while_focused(small_window, qtbot):
    window = small_window
    focus = window.focus_mode
    focus.enter("paper-figure")
    settle(qtbot, window)
    view = window.figure_tabs.paper_figure
    plot = view._plot
    size = view.caption.font().pointSizeF()
    focus.large_type_action.trigger()
    settle(qtbot, window)
    assert view.caption.font().pointSizeF() == pytest.approx(LARGE_TYPE_SCALE * size)
    assert plot.transform().m11() == pytest.approx(LARGE_TYPE_SCALE, rel=0.02)
    window.resize(1100, 700)  # still magnified at another size
    settle(qtbot, window)
    assert plot.transform().m22() == pytest.approx(LARGE_TYPE_SCALE, rel=0.02)
    window.resize(*SMALL)
    focus.leave()
    settle(qtbot, window)
    assert view.caption.font().pointSizeF() == pytest.approx(size)
    assert plot.transform().m11() == 1.0 and plot.range.width() == plot.width()
    focus.enter("paper-figure")  # the choice is kept for the next focus
    settle(qtbot, window)
    assert view.caption.font().pointSizeF() == pytest.approx(LARGE_TYPE_SCALE * size)


def test_the_whole_dendrogram_is_readable_in_focus_mode_at_1024x640(small_window, qtbot,
                                                                    make_snapshot,
                                                                    sentence_clusters):
    window = small_window
    tabs = window.figure_tabs
    tabs.show_view("dendrogram")
    tabs.show_snapshot(make_snapshot(task_name="sentences", word_clusters=sentence_clusters,
                                     global_step=600))
    tree = tabs.dendrogram
    settle(qtbot, window)
    # The normal layout: the caption's statistics fold away, the tree gets half of its tab.
    page = tabs.currentWidget()
    assert tree.tree_viewport().viewport().height() >= 0.5 * page.height(), \
        (tree.tree_viewport().viewport().height(), page.height())
    assert not tree.summary.isVisible()
    tree.details_button.click()
    assert tree.summary.isVisible() and "pure" in tree.summary.text()
    tree.details_button.click()
    window.focus_mode.enter("dendrogram")
    settle(qtbot, window)
    scroll = tree.tree_viewport()
    assert scroll.verticalScrollBar().maximum() == 0  # no scrolling
    labels = [label for label in tree._labels if label.isVisible()]
    assert sorted(label.toPlainText() for label in labels) == sorted(
        (*sentences.LEXICON, "zog"))
    rows = sorted(label.mapRectToScene(label.boundingRect()).center().y() for label in labels)
    view = tree._plot
    pixels = [view.mapFromScene(0, y).y() for y in rows]
    height = QFontMetrics(labels[0].textItem.font()).height()  # a leaf label's line
    assert min(b - a for a, b in itertools.pairwise(pixels)) >= height  # apart
    assert 0 <= pixels[0] and pixels[-1] <= view.viewport().height()  # all on screen
