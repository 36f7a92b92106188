"""Building the diagram's scene: the plot, its layout-dependent items and their placement.

A mixin of :class:`~elman_gui.views.diagram.network_diagram.NetworkDiagramView`: these methods run
when
the layout changes (layer sizes, labels, the window's size), never per frame; the view's
per-frame updates stay in network_diagram.py.
"""

from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QPen
from PySide6.QtWidgets import (
    QGraphicsRectItem,
    QHBoxLayout,
    QSizePolicy,
)

from elman_gui.views.diagram.diagram_layout import (
    LINK_LEVELS,
    MATRICES,
    DiagramLayout,
    LayerGeometry,
    compute_layout,
)
from elman_gui.views.diagram.diagram_legend import weight_key_html
from elman_gui.views.diagram.diagram_texts import TEXT_LINE_PX, text_width, tight
from elman_gui.views.diagram.segments_item import SegmentsItem
from elman_gui.views.style import palette

ALL_LINKS_HIDDEN = 10  # up to this many hidden units every link is drawn
_LINK_WIDTHS = np.linspace(0.6, 3.4, LINK_LEVELS)
_LINK_STRENGTHS = np.linspace(0.22, 1.0, LINK_LEVELS)  # how far from white a level's colour is
_SIDE_MARGINS_PX = (40.0, 40.0)  # left, right, at least: the layer names decide
_MAX_PX_PER_SPACING = 110.0  # a tiny network is not blown up to fill a big window
_MAX_PX_PER_ROW = 340.0
_CIRCLE_PX = (7.0, 34.0)  # smallest and largest circle diameter
_MARGIN_SHARE = 0.35  # of the height, at most, above the output and below the bottom row


class DiagramScene:
    """The layout-time half of the network diagram (see the module docstring)."""

    def _make_plot(self) -> pg.PlotWidget:
        plot = pg.PlotWidget(parent=self, background=palette.BACKGROUND)
        plot.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        item = plot.getPlotItem()
        for axis in ("left", "bottom"):
            item.hideAxis(axis)
        item.setMenuEnabled(False)
        item.hideButtons()
        view = item.getViewBox()
        view.setMouseEnabled(x=False, y=False)  # a fixed picture: nothing to pan or zoom
        view.disableAutoRange()
        return plot

    def _make_legend_row(self) -> QHBoxLayout:
        self._key.setFont(palette.font(9))
        self._key.setTextFormat(Qt.TextFormat.RichText)
        self._key.setWordWrap(True)
        row = QHBoxLayout()
        row.setContentsMargins(8, 2, 8, 4)
        row.addWidget(self._legend)
        row.addSpacing(8)
        row.addWidget(self._key, 1)
        return row

    def _make_overlay_text(self, font, anchor, z: float, border=None) -> pg.TextItem:
        text = pg.TextItem("", color=palette.FOREGROUND, anchor=anchor, border=border,
                           fill=pg.mkBrush(255, 255, 250, 235))
        text.setFont(font)
        text.setZValue(z)
        self._view.addItem(text, ignoreBounds=True)
        return text

    def _make_link_item(self) -> SegmentsItem:
        """All weights in one item: group 2 * level + (w > 0), strong levels drawn last."""
        item = SegmentsItem([QPen() for _ in range(2 * LINK_LEVELS)])
        item.setZValue(1)
        self._view.addItem(item, ignoreBounds=True)
        return item

    def _set_link_pens(self, summarised: bool) -> None:
        """Pens per (level, sign). Only the strongest links of a big network are drawn: thinner.

        Colours are opaque, faded towards the white background instead of translucent, and caps
        are flat: translucent or round-capped antialiased lines are 10–50× slower to paint.
        """
        width_scale, fade_scale = (0.55, 0.75) if summarised else (1.0, 1.0)
        pens = []
        for index in range(2 * LINK_LEVELS):
            level, positive = divmod(index, 2)
            color = palette.faded(palette.POSITIVE if positive else palette.NEGATIVE,
                                  _LINK_STRENGTHS[level] * fade_scale)
            pen = pg.mkPen(color, width=float(_LINK_WIDTHS[level] * width_scale))
            pen.setCapStyle(Qt.PenCapStyle.FlatCap)
            pens.append(pen)
        self._links.set_pens(pens)

    def _remove_layout_items(self) -> None:
        for item in self._layout_items:
            self._view.removeItem(item)
        self._put_labels_away()
        self._layout_items = []
        self._placed_texts = []
        self._unit_labels = {}
        self._arrows = []
        self._strip_rects = {}

    def _add(self, item, z: float):
        item.setZValue(z)
        self._view.addItem(item, ignoreBounds=True)
        self._layout_items.append(item)
        return item

    def _rebuild(self, key: tuple) -> None:
        self._remove_layout_items()
        self.forget_hover()
        n_input, n_hidden, n_output, input_labels, output_labels = key
        self._layout_key = key
        self._layout = layout = compute_layout(
            n_input, n_hidden, n_output, input_labels, output_labels
        )
        self._last_weights = None
        self._texts_key = None
        self._seen_negative = False
        summarised = any(g.strip for g in layout.layers.values()) or \
            layout.layers["hidden"].size > ALL_LINKS_HIDDEN
        self._set_link_pens(summarised)
        self._endpoints = {matrix: layout.segment_endpoints(matrix) for matrix in MATRICES}
        self._key.setText(weight_key_html(summarised))
        self._build_units(layout)
        self._build_copy_links(layout)
        self._build_texts(layout)
        self._fit()

    def _build_units(self, layout: DiagramLayout) -> None:
        circles = [g for g in layout.layers.values() if not g.strip]
        self._scatter_offsets, offset = {}, 0
        for geometry in circles:
            self._scatter_offsets[geometry.name] = offset
            offset += geometry.size
        positions = (np.concatenate([g.positions for g in circles]) if circles
                     else np.empty((0, 2)))
        self._scatter = self._add(pg.ScatterPlotItem(
            pos=positions, size=2 * self._radius_px, pxMode=True, symbol="o",
            pen=pg.mkPen(palette.UNIT_OUTLINE, width=1.2), antialias=True,
        ), 20)
        self._strips: dict[str, pg.ImageItem] = {}
        for geometry in layout.layers.values():
            if geometry.strip:
                self._strips[geometry.name] = self._build_strip(geometry)
        self._lesion_marks = self._add(pg.ScatterPlotItem(
            symbol="x", size=self._radius_px, pxMode=True,
            pen=pg.mkPen(palette.FOREGROUND, width=1.2), brush=pg.mkBrush(palette.FOREGROUND),
        ), 25)
        self._marked = None  # new marks: set them at the next update

    def _build_strip(self, geometry: LayerGeometry) -> pg.ImageItem:
        """A row of cells: grey background (no value / lesioned), image, outline."""
        background = QGraphicsRectItem()
        background.setBrush(pg.mkBrush(palette.EMPTY_UNIT))
        background.setPen(pg.mkPen(None))
        self._add(background, 19)
        image = self._add(pg.ImageItem(axisOrder="col-major"), 20)
        outline = QGraphicsRectItem()
        outline.setPen(pg.mkPen(palette.UNIT_OUTLINE, width=1.2))
        self._add(outline, 21)
        self._strip_rects[geometry.name] = [background, image, outline]
        return image

    def _build_copy_links(self, layout: DiagramLayout) -> None:
        """hidden(t) → context(t+1): dashed one-to-one links with arrowheads at the context."""
        hidden, context = layout.layers["hidden"], layout.layers["context"]
        color = QColor(palette.COPY_LINK)
        color.setAlpha(90 if hidden.strip else 255)
        self._copy_width = 1.0 if hidden.strip else 2.0
        pen = QPen(color, self._copy_width)
        pen.setCosmetic(True)
        pen.setStyle(Qt.PenStyle.DashLine)
        self._copy_links = self._add(SegmentsItem([pen]), 12)
        self._copy_shift = np.zeros_like(hidden.positions)
        self._copy_links.set_segments([np.hstack([hidden.positions, context.positions])])
        self._copy_count = hidden.size
        step = max(1, hidden.size // 8) if hidden.strip else 1
        for i in range(0, hidden.size, step):
            arrow = pg.ArrowItem(headLen=10, tipAngle=36, tailLen=0, pen=pg.mkPen(None),
                                 brush=palette.COPY_LINK)
            self._add(arrow, 22)
            self._arrows.append((arrow, i))
        # A third of the way down the last copy link: clear of the "context" name at its end.
        at = hidden.positions[-1] + (context.positions[-1] - hidden.positions[-1]) / 3
        label = pg.TextItem(html=f"<span style='color:{palette.COPY_LINK}'>copy (weight 1)"
                                 "</span>", anchor=(0, 0.5))
        label.setFont(palette.font(9, italic=True))
        tight(label)
        self._copy_label = label
        self._place(label, at[0], at[1], 10, 0, z=30)

    def _fit(self, *_) -> None:
        """Fill the view with fixed pixel margins; size units, place texts, thin labels."""
        layout = self._layout
        if layout is None:
            return
        width_px, height_px = self._view.width(), self._view.height()
        if width_px < 10 or height_px < 10:
            return
        x0, x1 = layout.x_range
        y0, y1 = 0.0, 2.0
        left, right = _SIDE_MARGINS_PX
        titles = self._layer_titles
        left = max(left, 12 + max(text_width(titles[n]) for n in ("input", "hidden", "output")))
        right = max(right, 12 + text_width(titles["context"]))
        extra = (0.0, 0.0)  # room for end labels that push a layer name outwards
        for _ in range(2):  # once more if the names need that room
            left_px, right_px = left + extra[0], right + extra[1]
            sx = min(max(width_px - left_px - right_px, 10) / (x1 - x0), _MAX_PX_PER_SPACING)
            self._scale = (sx, self._scale[1])
            # How far each row's labels reach from it, once they are arranged to fit along x
            # within what a margin (at most 0.35 of the height) leaves them.
            radius = float(np.clip(0.66 * sx, *_CIRCLE_PX) / 2)  # about: sy is not known yet
            budget = _MARGIN_SHARE * height_px - 8 - radius
            self._label_extent = {name: self._arrange_labels(name, labels, budget)
                                  for name, labels in self._unit_labels.items() if labels}
            needed = (max(self._overhang_px(n) for n in ("input", "hidden", "output")),
                      self._overhang_px("context"))
            if needed[0] <= extra[0] and needed[1] <= extra[1]:
                break
            extra = (max(needed[0], extra[0]), max(needed[1], extra[1]))
        left, right = left_px, right_px
        # Above the output row: its labels and the target text; below the bottom row: the
        # input and context labels and the input text.
        extent = self._label_extent
        top = 8 + extent.get("output", 0.0) + radius
        bottom = 8 + max(extent.get("input", 0.0), extent.get("context", 0.0)) \
            + radius
        # A very low diagram drops "input: …" and "target: …" (the inspector has them) rather
        # than cut them or the unit labels.
        self._room_for_status = max(top, bottom) + TEXT_LINE_PX <= _MARGIN_SHARE * height_px
        if self._room_for_status:
            top, bottom = top + TEXT_LINE_PX, bottom + TEXT_LINE_PX
        top, bottom = (min(top, _MARGIN_SHARE * height_px),
                       min(bottom, _MARGIN_SHARE * height_px))
        sy = min(max(height_px - top - bottom, 10) / (y1 - y0), _MAX_PX_PER_ROW)
        self._scale = (sx, sy)
        # Each margin as computed (they differ: more text below than above, names left and
        # right); room a cap left over is shared equally.
        spare_x = (width_px / sx - (x1 - x0) - (left + right) / sx) / 2
        spare_y = (height_px / sy - (y1 - y0) - (top + bottom) / sy) / 2
        self._view.setRange(QRectF(QPointF(x0 - left / sx - spare_x, y0 - bottom / sy - spare_y),
                                   QPointF(x1 + right / sx + spare_x, y1 + top / sy + spare_y)),
                            padding=0)
        self._radius_px = float(np.clip(0.66 * sx, *_CIRCLE_PX) / 2)
        self._radius_px = min(self._radius_px, 0.18 * sy)
        self._strip_half_px = float(np.clip(0.06 * sy, 7.0, 13.0))
        self._scatter.setSize(2 * self._radius_px)
        hidden_strip = layout.layers["hidden"].strip
        self._lesion_marks.setSize(1.1 * self._strip_half_px if hidden_strip
                                   else 1.1 * self._radius_px)
        for name, (background, image, outline) in self._strip_rects.items():
            geometry = layout.layers[name]
            half = self._strip_half_px / sy
            rect = QRectF(geometry.x_min, geometry.y - half, geometry.x_max - geometry.x_min,
                          2 * half)
            background.setRect(rect)
            outline.setRect(rect)
            if image.image is not None:  # pyqtgraph can only place an image it has
                image.setRect(rect)
        self._place_texts()
        self._place_arrows()
        self._hide_colliding_copy_label()

    def _place_arrows(self) -> None:
        """Copy links run beside (not on) the context → hidden weight of the same two units;
        arrowheads touch the context unit's edge, pointing along the link on screen."""
        sx, sy = self._scale
        hidden, context = self._layout.layers["hidden"], self._layout.layers["context"]
        reach = self._strip_half_px if context.strip else self._radius_px
        dx_px = (context.positions[:, 0] - hidden.positions[:, 0]) * sx
        dy_px = (hidden.positions[:, 1] - context.positions[:, 1]) * sy  # screen y is down
        length = np.hypot(dx_px, dy_px)
        ux, uy = dx_px / length, dy_px / length
        # Shifted sideways by half a circle: W_hh[i, i] runs centre to centre.
        side = 0.0 if context.strip else 0.5 * self._radius_px
        shift = np.column_stack([-uy * side / sx, -ux * side / sy])
        self._copy_shift = shift
        self._copy_links.set_segments([np.hstack([hidden.positions + shift,
                                                  context.positions + shift])])
        for arrow, i in self._arrows:
            # Leave the circle's edge (or a strip's top edge) along the link direction.
            back = reach if not context.strip else reach / max(uy[i], 0.2)
            arrow.setStyle(angle=math.degrees(math.atan2(-uy[i], -ux[i])))
            arrow.setPos(context.positions[i, 0] + shift[i, 0] - ux[i] * back / sx,
                         context.positions[i, 1] + shift[i, 1] + uy[i] * back / sy)

    def copy_link_segments(self) -> np.ndarray:
        """(n, 4) x0, y0, x1, y1 of the dashed copy links as drawn (diagram coordinates)."""
        hidden, context = self._layout.layers["hidden"], self._layout.layers["context"]
        return np.hstack([hidden.positions + self._copy_shift,
                          context.positions + self._copy_shift])

    # -------------------------------------------------------------------- updating
