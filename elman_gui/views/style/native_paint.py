"""pyqtgraph's plot widgets, painted by Qt's own C++ ``paintEvent``: the GIL stays free while
Qt paints.

pyqtgraph overrides ``GraphicsView.paintEvent`` in Python for one call, the scene's
``prepareForPaint()``, before Qt's paint. A Python override holds the GIL for the whole paint,
Qt's C++ rasterising included; the trainer thread, back from a kernel call or a NumPy operation
that let the GIL go, then waits for the paint to end (two 31-150-31 networks side by side: the
trainer's steps per second rose by about a fifth without it). Here a filter on the viewport
calls ``prepareForPaint()`` just before the same paint event, and Qt's C++ paint runs with the
GIL released; a Python item still takes the GIL for its own ``paint``.
"""

from __future__ import annotations

import pyqtgraph as pg
from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QGraphicsView


class _PrepareBeforePaint(QObject):
    """Asks the view's scene to prepare its items before each paint of the viewport."""

    def __init__(self, view: pg.GraphicsView) -> None:
        super().__init__(view)  # the view owns the filter
        self._view = view  # typed: parent() is any QObject
        view.viewport().installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt's name)
        if event.type() == QEvent.Type.Paint:
            scene = self._view.scene()
            if scene is not None:
                scene.prepareForPaint()
        return False


class PlotWidget(pg.PlotWidget):
    """A ``pg.PlotWidget`` whose paint runs in C++ without the GIL."""

    paintEvent = QGraphicsView.paintEvent  # noqa: N815 (Qt's name): not pyqtgraph's override

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._prepare = _PrepareBeforePaint(self)


class GraphicsLayoutWidget(pg.GraphicsLayoutWidget):
    """A ``pg.GraphicsLayoutWidget`` whose paint runs in C++ without the GIL."""

    paintEvent = QGraphicsView.paintEvent  # noqa: N815 (Qt's name): not pyqtgraph's override

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._prepare = _PrepareBeforePaint(self)
