"""A layout that holds still: notices float over the views, the phase mode widens no control,
the toolbar overflows into a » menu, a dock never grows the window, and the status bar is
whole at 800×600."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QApplication, QToolButton

from tests.support.gui import SMALL, rendered_where, running_window, settle


def place_in_window(widget, window):
    return widget.mapTo(window, widget.rect().topLeft()).toTuple(), widget.size().toTuple()


def test_a_notice_floats_over_the_views_and_moves_nothing(qtbot):
    with running_window(qtbot, "xor", size=SMALL) as window:
        settle(qtbot, window)
        views = [window.diagram, window.loss_plot, window.error_bars, window.tape]
        before = [place_in_window(view, window) for view in views]
        window.show_notice("info", "Finished 600 epochs — loss 0.0123")
        settle(qtbot, window)
        notice = window.notice_bar
        assert notice.isVisible() and notice.height() > 10
        central = window.centralWidget().geometry()
        top_left = notice.mapTo(window, notice.rect().topLeft())
        assert central.contains(top_left)  # over the views, not in a row of its own
        assert [place_in_window(view, window) for view in views] == before
        notice.hide()
        settle(qtbot, window)
        assert [place_in_window(view, window) for view in views] == before


@pytest.mark.parametrize("size", [(1366, 768), (1400, 860)])  # buttons with text
def test_the_phase_mode_changes_no_control_width(qtbot, size):
    with running_window(qtbot, "xor", size=size) as window:
        settle(qtbot, window)
        toolbar = window.toolbar
        widgets = [toolbar.widgetForAction(a) for a in toolbar.actions()
                   if not a.isSeparator() and toolbar.widgetForAction(a) is not None]
        before = [w.geometry().getRect() for w in widgets]
        assert window.speed.isVisible()
        window.debugger.phases.trigger()
        for phase in range(1, 5):
            window.actions_.step.trigger()
            rendered_where(qtbot, window, lambda s, p=phase: s.phase == p, timeout=15_000)
            settle(qtbot, window)
            assert window.actions_.step.text() == f"Step {phase % 4 + 1}/4 ▸"
            assert [w.geometry().getRect() for w in widgets] == before, phase
            assert window.speed.isVisible()


def test_a_narrow_toolbar_overflows_into_a_menu(qtbot):
    with running_window(qtbot, "xor", size=(800, 600)) as window:
        settle(qtbot, window)
        assert window.width() == 800
        toolbar = window.toolbar
        extension = toolbar.findChild(QToolButton, "qt_toolbar_ext_button")
        assert extension is not None and extension.isVisible()  # the » button
        assert not window.debugger.run_to_button.isVisible()  # beyond the edge…
        extension.click()  # … and in the » menu
        qtbot.waitUntil(lambda: window.speed.isVisible()
                        and window.debugger.run_to_button.isVisible(), timeout=5_000)
        extension.click()


def test_opening_the_inspector_never_grows_the_window(qtbot):
    with running_window(qtbot, "xor", size=(1366, 768)) as window:
        settle(qtbot, window)
        for count in range(1, 4):
            window.actions_.step.trigger()
            rendered_where(qtbot, window, lambda s, c=count: s.global_step == c)
        window.debugger.inspector_dock.show()
        window.debugger.inspector_dock.raise_()
        window.debugger.history_dock.show()
        settle(qtbot, window)
        assert window.debugger.inspector.isVisible()
        assert window.size().toTuple() == (1366, 768)


def test_the_status_bar_is_whole_at_800x600(qtbot):
    with running_window(qtbot, "xor", size=(800, 600)) as window:
        window.actions_.step.trigger()
        rendered_where(qtbot, window, lambda s: s.global_step == 1)
        settle(qtbot, window)
        assert window.size().toTuple() == (800, 600)
        bar = window.statusBar()
        assert bar.isVisible() and window.rect().contains(bar.geometry())
        for key, label in window.status_labels.items():
            # Only in phase mode, in an experiment; the toolbar names the task.
            if key in ("phase", "experiment", "task"):
                continue
            right = label.mapTo(window, label.rect().topRight()).x()
            assert label.isVisible() and right <= window.width(), key
        QApplication.processEvents()
