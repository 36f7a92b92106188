"""Circles of one size in pixels at positions in data coordinates, each with its own fill."""

from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QPainter, QPen, QPixmap

MAX_BRUSHES = 1024  # brush objects remembered (a colour map's 255, a few more)


class CirclesItem(pg.GraphicsObject):
    """The diagram's units: a circle per position, outlined by one pen, filled by its brush.

    pyqtgraph's ScatterPlotItem does this and far more (symbols, sizes and pens per spot, a
    fragment atlas), and a live diagram paid for it every frame: setting the brushes re-keys
    every spot, and every paint measures the bounds again (a tenth of the window's main thread
    with two 31-150-31 diagrams side by side). Here a frame hands over a list of brushes, and
    :meth:`paint` places the circles in device pixels, as
    :class:`~elman_gui.views.diagram.segments_item.SegmentsItem` draws lines: round whatever
    the diagram's x and y scales. Each fill's circle is drawn once (antialiased, outlined) into
    a small pixmap and then only copied: drawing 60 antialiased outlined circles took 1.3 ms.
    """

    def __init__(self, positions: np.ndarray, diameter_px: float, pen: QPen,
                 parent=None) -> None:
        super().__init__(parent)
        self._positions = np.asarray(positions, dtype=np.float64).reshape(-1, 2)
        self._radius = diameter_px / 2
        self._pen = pen
        self._brushes: list[QBrush] = [QBrush()] * len(self._positions)
        if len(self._positions):
            (x0, y0), (x1, y1) = self._positions.min(axis=0), self._positions.max(axis=0)
            self._data_bounds = QRectF(x0, y0, x1 - x0, y1 - y0)
        else:
            self._data_bounds = QRectF()
        self._bounds: QRectF | None = None  # padded by the radius at the view's scale
        # id(brush) → (the brush, pixel ratio, its circle): the brush is kept alive so that its
        # id is not given to another brush.
        self._by_brush: dict[int, tuple[QBrush, float, QPixmap]] = {}

    def __len__(self) -> int:
        return len(self._positions)

    def set_diameter(self, diameter_px: float) -> None:
        self.prepareGeometryChange()
        self._radius = diameter_px / 2
        self._bounds = None
        self._by_brush.clear()
        self.update()

    def set_brushes(self, brushes: list[QBrush]) -> None:
        if len(brushes) != len(self._positions):
            raise ValueError(f"{len(brushes)} brushes for {len(self._positions)} circles")
        self._brushes = list(brushes)
        self.update()

    def brushes(self) -> list[QBrush]:
        return list(self._brushes)

    def viewTransformChanged(self) -> None:  # noqa: N802 (pyqtgraph's name)
        """The view was zoomed or resized: a pixel is another size in data units."""
        self.prepareGeometryChange()
        self._bounds = None

    def boundingRect(self) -> QRectF:  # noqa: N802 (Qt name)
        if self._bounds is None:
            pixel = self.pixelSize()  # (width, height) of a pixel in data units
            if pixel[0] is None:  # not in a view yet
                return QRectF(self._data_bounds)
            pad_x, pad_y = ((self._radius + 2) * abs(p) for p in pixel)
            self._bounds = self._data_bounds.adjusted(-pad_x, -pad_y, pad_x, pad_y)
        return self._bounds

    def paint(self, painter: QPainter, *args) -> None:
        if not len(self._positions):
            return
        transform = painter.transform()
        x, y = self._positions[:, 0], self._positions[:, 1]
        half = self._sprite_size() / 2
        left = transform.m11() * x + transform.m21() * y + transform.dx() - half
        top = transform.m12() * x + transform.m22() * y + transform.dy() - half
        ratio = painter.device().devicePixelRatioF()
        painter.save()
        painter.resetTransform()
        # Whole pixels: a pixmap copied to a fractional position takes twice as long.
        for px, py, brush in zip(np.rint(left).astype(int).tolist(),
                                 np.rint(top).astype(int).tolist(), self._brushes, strict=True):
            painter.drawPixmap(px, py, self._sprite_of(brush, ratio))
        painter.restore()

    def _sprite_of(self, brush: QBrush, ratio: float) -> QPixmap:
        """The circle of this brush object, looked up by identity: a frame's brushes are the
        same few hundred objects (a colour map's), and asking each for its colour cost a fifth
        of a paint."""
        known = self._by_brush.get(id(brush))
        if known is not None and known[0] is brush and known[1] == ratio:
            return known[2]
        if len(self._by_brush) > MAX_BRUSHES:  # someone hands new brushes every frame
            self._by_brush.clear()
        sprite = self._draw_circle(brush, ratio)
        self._by_brush[id(brush)] = (brush, ratio, sprite)
        return sprite

    def _sprite_size(self) -> float:
        """The side of a circle's pixmap in pixels: the circle, its outline and a margin."""
        return math.ceil(2 * self._radius + self._pen.widthF() + 2)

    def _draw_circle(self, brush: QBrush, ratio: float) -> QPixmap:
        side = self._sprite_size()
        sprite = QPixmap(math.ceil(side * ratio), math.ceil(side * ratio))
        sprite.setDevicePixelRatio(ratio)
        sprite.fill(Qt.GlobalColor.transparent)
        painter = QPainter(sprite)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        painter.setPen(self._pen)
        painter.setBrush(brush)
        painter.drawEllipse(QPointF(side / 2, side / 2), self._radius, self._radius)
        painter.end()
        return sprite
