"""The plot widgets paint with Qt's C++ paintEvent (the GIL free meanwhile), and their scenes are
still prepared before every paint, as pyqtgraph's own paintEvent did."""

from __future__ import annotations

import pyqtgraph as pg
from PySide6.QtWidgets import QGraphicsView

from elman_gui.views.style import native_paint
from tests.support.gui import running_window


def test_every_plot_widget_of_the_window_paints_without_a_python_override(qtbot):
    with running_window(qtbot, "letters") as window:
        window.side_by_side.compare({"n_hidden": 7})  # B's diagram and plots too
        qtbot.waitUntil(lambda: window.side_by_side.panel_b.isVisible(), timeout=30_000)
        views = window.findChildren(pg.GraphicsView)
        python_painted = sorted({type(view).__qualname__ for view in views
                                 if type(view).paintEvent is not QGraphicsView.paintEvent})
        assert len(views) >= 8
        assert python_painted == []


def test_a_paint_prepares_the_scene_first_so_the_plot_ranges_follow_the_data(qtbot):
    widget = native_paint.PlotWidget()
    qtbot.addWidget(widget)
    widget.resize(300, 200)
    widget.show()
    qtbot.waitExposed(widget)
    prepared = []
    widget.scene().sigPrepareForPaint.connect(lambda: prepared.append(1))
    # pyqtgraph fits an auto-ranged view box to new data in prepareForPaint, just before a paint
    widget.plot([0.0, 1.0, 2.0], [0.0, 500.0, 1000.0])
    widget.viewport().update()
    qtbot.waitUntil(lambda: bool(prepared), timeout=5_000)
    (_, _), (y_low, y_high) = widget.getViewBox().viewRange()
    assert y_low <= 0.0 and y_high >= 1000.0


def test_the_layout_widget_prepares_its_scene_before_a_paint_too(qtbot):
    widget = native_paint.GraphicsLayoutWidget()
    qtbot.addWidget(widget)
    widget.show()
    qtbot.waitExposed(widget)
    prepared = []
    widget.scene().sigPrepareForPaint.connect(lambda: prepared.append(1))
    widget.viewport().update()
    qtbot.waitUntil(lambda: bool(prepared), timeout=5_000)
    assert type(widget).paintEvent is QGraphicsView.paintEvent
