"""The diagram's units and copy links: made once per layout, then only updated.

Circle layers are one CirclesItem, a layer of more than
:data:`~elman_gui.views.diagram.diagram_layout.STRIP_THRESHOLD` units one ImageItem strip of
cells; lesioned hidden units are crossed out. The copy links into the context — from the hidden
units (Elman's network) or the outputs (Jordan's) — are dashed, with arrowheads at the context.
:class:`DiagramScene` owns these items; it reads the view's
:class:`~elman_gui.views.diagram.diagram_geometry.DiagramGeometry` (never writes it).
"""

from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QPen
from PySide6.QtWidgets import QGraphicsItem, QGraphicsRectItem

from elman_gui.views.diagram.circles_item import CirclesItem
from elman_gui.views.diagram.diagram_geometry import DiagramGeometry, UnitValues
from elman_gui.views.diagram.diagram_layout import DiagramLayout, LayerGeometry
from elman_gui.views.diagram.segments_item import SegmentsItem
from elman_gui.views.style import palette

# The same brush objects every frame (the circles look their pixmaps up by brush).
_EMPTY_BRUSH = pg.mkBrush(palette.EMPTY_UNIT)
_LESIONED_BRUSH = pg.mkBrush(palette.LESIONED)


class DiagramScene:
    """The units (filled by activation) and the dashed copy links of one layout."""

    def __init__(self, view_box: pg.ViewBox, geometry: DiagramGeometry) -> None:
        self._view_box = view_box
        self._geometry = geometry
        self._items: list[QGraphicsItem] = []  # everything of the present layout
        self._scatter: CirclesItem | None = None  # every circle of every layer
        self._scatter_offsets: dict[str, int] = {}  # a layer's first circle in the scatter
        self._strips: dict[str, pg.ImageItem] = {}
        self._strip_rects: dict[str, tuple[QGraphicsRectItem, pg.ImageItem,
                                           QGraphicsRectItem]] = {}
        self._lesion_marks: pg.ScatterPlotItem | None = None
        self._marked: frozenset[int] | None = None  # the lesioned units marked (None: redo)
        # Kept after clear(): set_phase may still be told about the (gone) copy links.
        self._copy_links: SegmentsItem | None = None
        self._copy_width = 2.0
        self._copy_count = 0
        self._copy_shift = np.zeros((0, 2))
        self._phase_shown: tuple | None = None  # (copy-link item, phase, width) of its pens
        self._arrows: list[tuple[pg.ArrowItem, int]] = []

    # -------------------------------------------------------------------- building
    def build(self, layout: DiagramLayout) -> None:
        """Make the units and copy links of a new layout (the old ones go)."""
        self.remove()
        self._build_units(layout)
        self._build_copy_links(layout)

    def remove(self) -> None:
        """Take every item of the present layout out of the view."""
        for item in self._items:
            self._view_box.removeItem(item)
        self._items = []
        self._arrows = []
        self._strip_rects = {}
        self._copy_count = 0

    def _add(self, item, z: float):
        item.setZValue(z)
        self._view_box.addItem(item, ignoreBounds=True)
        self._items.append(item)
        return item

    def _build_units(self, layout: DiagramLayout) -> None:
        circles = [g for g in layout.layers.values() if not g.strip]
        self._scatter_offsets, offset = {}, 0
        for geometry in circles:
            self._scatter_offsets[geometry.name] = offset
            offset += geometry.size
        positions = (np.concatenate([g.positions for g in circles]) if circles
                     else np.empty((0, 2)))
        radius_px = self._geometry.radius_px
        self._scatter = self._add(CirclesItem(
            positions, 2 * radius_px, pg.mkPen(palette.UNIT_OUTLINE, width=1.2)), 20)
        self._strips = {}
        for geometry in layout.layers.values():
            if geometry.strip:
                self._strips[geometry.name] = self._build_strip(geometry)
        self._lesion_marks = self._add(pg.ScatterPlotItem(
            symbol="x", size=radius_px, pxMode=True,
            pen=pg.mkPen(palette.FOREGROUND, width=1.2), brush=pg.mkBrush(palette.FOREGROUND),
        ), 25)
        self._marked = None  # new marks: set them at the next update

    def _build_strip(self, geometry: LayerGeometry) -> pg.ImageItem:
        """A row of cells: grey background (no value / lesioned), image, outline."""
        background = QGraphicsRectItem()
        background.setBrush(pg.mkBrush(palette.EMPTY_UNIT))
        background.setPen(pg.mkPen(None))
        self._add(background, 19)
        image = self._add(pg.ImageItem(axisOrder="row-major"), 20)  # one row of cells
        outline = QGraphicsRectItem()
        outline.setPen(pg.mkPen(palette.UNIT_OUTLINE, width=1.2))
        self._add(outline, 21)
        self._strip_rects[geometry.name] = (background, image, outline)
        return image

    def _build_copy_links(self, layout: DiagramLayout) -> None:
        """hidden(t) (or, in a Jordan network, output(t)) → context(t+1): dashed one-to-one
        links with arrowheads at the context."""
        source, context = layout.layers[layout.copy_source], layout.layers["context"]
        color = QColor(palette.COPY_LINK)
        color.setAlpha(90 if source.strip else 255)
        self._copy_width = 1.0 if source.strip else 2.0
        pen = QPen(color, self._copy_width)
        pen.setCosmetic(True)
        pen.setStyle(Qt.PenStyle.DashLine)
        self._copy_links = copy_links = self._add(SegmentsItem([pen]), 12)
        self._copy_shift = np.zeros_like(source.positions)
        copy_links.set_segments([np.hstack([source.positions, context.positions])])
        self._copy_count = source.size
        step = max(1, source.size // 8) if source.strip else 1
        for i in range(0, source.size, step):
            arrow = pg.ArrowItem(headLen=10, tipAngle=36, tailLen=0, pen=pg.mkPen(None),
                                 brush=palette.COPY_LINK)
            self._add(arrow, 22)
            self._arrows.append((arrow, i))

    # ------------------------------------------------------------------- fitting
    def fit(self) -> None:
        """Size the units and place the arrows for the geometry's present scale."""
        geometry = self._geometry
        layout = geometry.shown
        sy = geometry.scale[1]
        assert self._scatter is not None and self._lesion_marks is not None
        self._scatter.set_diameter(2 * geometry.radius_px)
        hidden_strip = layout.layers["hidden"].strip
        self._lesion_marks.setSize(1.1 * geometry.strip_half_px if hidden_strip
                                   else 1.1 * geometry.radius_px)
        for name, (background, image, outline) in self._strip_rects.items():
            layer = layout.layers[name]
            half = geometry.strip_half_px / sy
            rect = QRectF(layer.x_min, layer.y - half, layer.x_max - layer.x_min, 2 * half)
            background.setRect(rect)
            outline.setRect(rect)
            if image.image is not None:  # pyqtgraph can only place an image it has
                image.setRect(rect)
        self._place_arrows()

    def _place_arrows(self) -> None:
        """Copy links run beside (not on) the context → hidden weight of the same two units;
        arrowheads touch the context unit's edge, pointing along the link on screen."""
        geometry = self._geometry
        sx, sy = geometry.scale
        layout = geometry.shown
        source, context = layout.layers[layout.copy_source], layout.layers["context"]
        reach = geometry.reach_px(context)
        dx_px = (context.positions[:, 0] - source.positions[:, 0]) * sx
        dy_px = (source.positions[:, 1] - context.positions[:, 1]) * sy  # screen y is down
        length = np.hypot(dx_px, dy_px)
        ux, uy = dx_px / length, dy_px / length
        # Shifted sideways by half a circle: W_hh[i, i] runs centre to centre.
        side = 0.0 if context.strip else 0.5 * geometry.radius_px
        shift = np.column_stack([-uy * side / sx, -ux * side / sy])
        self._copy_shift = shift
        assert self._copy_links is not None
        self._copy_links.set_segments([np.hstack([source.positions + shift,
                                                  context.positions + shift])])
        for arrow, i in self._arrows:
            # Leave the circle's edge (or a strip's top edge) along the link direction.
            back = reach if not context.strip else reach / max(uy[i], 0.2)
            arrow.setStyle(angle=math.degrees(math.atan2(-uy[i], -ux[i])))
            arrow.setPos(context.positions[i, 0] + shift[i, 0] - ux[i] * back / sx,
                         context.positions[i, 1] + shift[i, 1] + uy[i] * back / sy)

    # ------------------------------------------------------------------ updating
    def update_units(self, units: UnitValues, colors: palette.ActivationColors) -> None:
        """Fill the units with a snapshot's values; grey and cross out the lesioned ones."""
        layout = self._geometry.shown
        assert self._scatter is not None and self._lesion_marks is not None
        empty = _EMPTY_BRUSH
        brushes: list[QBrush] = []
        for name in self._scatter_offsets:
            values = units.values.get(name)
            size = layout.layers[name].size
            brushes.extend([empty] * size if values is None else colors.brushes_for(values))
        hidden_offset = self._scatter_offsets.get("hidden")
        lesion_brush = _LESIONED_BRUSH
        if hidden_offset is not None:
            for i in units.lesioned:
                brushes[hidden_offset + i] = lesion_brush
        if brushes:
            self._scatter.set_brushes(brushes)
        for name, image in self._strips.items():
            values = units.values.get(name)
            if values is None:
                image.hide()
                continue
            shown = values.astype(np.float64)
            if name == "hidden" and units.lesioned:
                shown = shown.copy()
                shown[list(units.lesioned)] = np.nan  # NaN cells are transparent: grey shows
            first = image.image is None
            # Coloured here, by the units' own lookup (as the scatter's units are), as RGBA
            # bytes: pyqtgraph then wraps them as they are, where levels and a LUT made it
            # rescale and map every frame (two diagrams side by side: 2 ms a frame).
            image.setImage(colors.rgba_for(shown)[None], autoLevels=False)
            if first:
                image.setRect(self._strip_rects[name][0].rect())
            image.show()
        marked = frozenset(units.lesioned)
        if marked != self._marked:  # a scatter's setData rebuilds it: only when lesions change
            self._marked = marked
            hidden = layout.layers["hidden"]
            marks = hidden.positions[sorted(units.lesioned)] if units.lesioned \
                else np.empty((0, 2))
            self._lesion_marks.setData(pos=marks)
            # Hidden when there is none: an empty ScatterPlotItem still costs 0.25 ms a paint
            # (two diagrams side by side, 40 frames a second).
            self._lesion_marks.setVisible(bool(units.lesioned))

    def set_phase(self, phase: int | None) -> None:
        """The copy links glow in phase 4 (the copy) and fade in the others."""
        copy = self._copy_links
        # Called with every snapshot: new pens only when they change (a repaint of the links).
        shown = (copy, phase, self._copy_width)
        if copy is not None and copy.scene() is not None and shown != self._phase_shown:
            self._phase_shown = shown
            copy.setOpacity(1.0 if phase in (None, 4) else 0.2)
            for pen in copy.pens():
                pen.setWidthF(5.0 if phase == 4 else self._copy_width)
            copy.set_pens(copy.pens())

    # -------------------------------------------------------------------- reading
    def unit_colors(self, layer: str, colors: palette.ActivationColors) -> np.ndarray:
        """(n, 3) RGB fill of each unit of a layer as drawn."""
        geometry = self._geometry.shown.layers[layer]
        if geometry.strip:
            grey = QColor(palette.EMPTY_UNIT)
            empty = (grey.red(), grey.green(), grey.blue())
            strip = self._strips[layer]
            if strip.image is None or not strip.isVisible():
                return np.tile(empty, (geometry.size, 1))
            # The pixels pyqtgraph paints (not the array handed to it): a strip it cannot
            # render reads as black, not as the colours meant.
            if strip.qimage is None:
                strip.render()
            picture = strip.qimage
            if picture is None or picture.isNull() or picture.width() != geometry.size:
                return np.zeros((geometry.size, 3), dtype=int)
            cells = [picture.pixelColor(i, 0) for i in range(geometry.size)]
            return np.array([(c.red(), c.green(), c.blue()) if c.alpha() else empty
                             for c in cells])  # transparent: the grey background shows
        assert self._scatter is not None
        start = self._scatter_offsets[layer]
        fills = [brush.color() for brush in self._scatter.brushes()[start:start + geometry.size]]
        return np.array([(c.red(), c.green(), c.blue()) for c in fills])

    def lesion_marks(self) -> np.ndarray:
        """(n, 2) centres of the crosses over lesioned units."""
        if self._lesion_marks is None or not self._items \
                or not self._lesion_marks.isVisible():  # no network, or no mark shown
            return np.empty((0, 2))
        x, y = self._lesion_marks.getData()
        return np.column_stack([x, y]) if x is not None else np.empty((0, 2))

    def copy_opacity(self) -> float:
        return self._copy_links.opacity() if self._copy_links is not None else 1.0

    def copy_link_count(self) -> int:
        """How many dashed copy links are drawn (one per context unit)."""
        return self._copy_count

    def copy_links_dashed(self) -> bool:
        return self._copy_links is not None and self._copy_count > 0 and (
            self._copy_links.pens()[0].style() == Qt.PenStyle.DashLine)

    def copy_link_segments(self) -> np.ndarray:
        """(n, 4) x0, y0, x1, y1 of the dashed copy links as drawn (diagram coordinates)."""
        layout = self._geometry.shown
        source, context = layout.layers[layout.copy_source], layout.layers["context"]
        return np.hstack([source.positions + self._copy_shift,
                          context.positions + self._copy_shift])
