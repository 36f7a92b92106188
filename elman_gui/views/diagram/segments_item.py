"""Many straight line segments, grouped by pen, painted fast in a stretched view."""

from __future__ import annotations

import time

import numpy as np
import pyqtgraph as pg
from pyqtgraph.Qt import internals
from PySide6.QtCore import QLineF, QRectF
from PySide6.QtGui import QPainter, QPen
from PySide6.QtWidgets import QGraphicsItem


class SegmentsItem(pg.GraphicsObject):
    """Line segments in data coordinates; group ``i`` is drawn with ``pens[i]``, in order.

    The network diagram stretches x and y independently. Under such a non-uniform transform Qt
    strokes antialiased lines through a general path stroker, 30–100× slower than in pixel
    space, so :meth:`paint` maps the end points to device pixels itself and draws them with an
    identity transform (pens must be cosmetic, as ``pg.mkPen`` makes them).

    Antialiased lines are still the costliest thing in a frame (a 31-150-31 network shows over
    a thousand links), so the item keeps its picture in a pixmap (device-coordinate cache) and
    :meth:`set_segments` leaves it alone when the segments did not change: the unit colours
    around it repaint every frame, the links only when a link's level or sign changes.
    """

    def __init__(self, pens: list[QPen], parent=None) -> None:
        super().__init__(parent)
        self._pens = list(pens)
        self._groups: list[np.ndarray] = [np.empty((0, 4)) for _ in self._pens]
        self._bounds = QRectF()
        self._lines = internals.PrimitiveArray(QLineF, 4)
        self.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
        self.paint_seconds = 0.0  # how long the last paint took (the diagram's frame budget)

    def set_pens(self, pens: list[QPen]) -> None:
        if len(pens) != len(self._groups):
            raise ValueError(f"{len(pens)} pens for {len(self._groups)} groups")
        self._pens = list(pens)
        self.update()

    def set_segments(self, groups: list[np.ndarray]) -> None:
        """One (n, 4) array of x0, y0, x1, y1 per pen."""
        if len(groups) != len(self._pens):
            raise ValueError(f"{len(groups)} groups for {len(self._pens)} pens")
        groups = [np.asarray(g, dtype=np.float64).reshape(-1, 4) for g in groups]
        if all(np.array_equal(new, old) for new, old in zip(groups, self._groups, strict=True)):
            return  # the same picture: keep the cached one
        self.prepareGeometryChange()
        self._groups = groups
        points = np.concatenate([g.reshape(-1, 2) for g in self._groups])
        if len(points):
            x0, y0 = points.min(axis=0)
            x1, y1 = points.max(axis=0)
            self._bounds = QRectF(x0, y0, x1 - x0, y1 - y0)
        else:
            self._bounds = QRectF()
        self.update()

    def groups(self) -> list[np.ndarray]:
        """The segments of each pen, (n, 4) x0, y0, x1, y1."""
        return list(self._groups)

    def pens(self) -> list[QPen]:
        return list(self._pens)

    def boundingRect(self) -> QRectF:  # noqa: N802 (Qt name)
        return self._bounds

    def paint(self, painter: QPainter, *args) -> None:
        started = time.perf_counter()
        transform = painter.transform()
        m11, m12, m21, m22 = transform.m11(), transform.m12(), transform.m21(), transform.m22()
        dx, dy = transform.dx(), transform.dy()
        painter.save()
        painter.resetTransform()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        for pen, group in zip(self._pens, self._groups, strict=True):
            if not len(group):
                continue
            self._lines.resize(len(group))
            device = self._lines.ndarray()
            for column in (0, 2):
                x, y = group[:, column], group[:, column + 1]
                device[:, column] = m11 * x + m21 * y + dx
                device[:, column + 1] = m12 * x + m22 * y + dy
            painter.setPen(pen)
            painter.drawLines(self._lines.instances())
        painter.restore()
        self.paint_seconds = time.perf_counter() - started
