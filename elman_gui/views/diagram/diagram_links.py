"""The diagram's weights: every drawn link in one item, and all links of the hovered unit.

All weights are one :class:`SegmentsItem` with a pen per (magnitude level, sign). A big network
draws only its strongest links (hover a unit for all of its own, drawn over the dimmed rest).
While training runs the links keep a frame budget (:meth:`DiagramLinks.due`).
"""

from __future__ import annotations

import math
import time

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtGui import QPen

from elman_gui.views.diagram.diagram_layout import (
    LINK_CAP,
    LINK_LEVELS,
    MATRICES,
    DiagramLayout,
    distance_to_segments,
    link_levels,
    strongest_links,
)
from elman_gui.views.diagram.segments_item import SegmentsItem
from elman_gui.views.style import palette

ALL_LINKS_HIDDEN = 10  # up to this many hidden units every link is drawn
LINKS_BUDGET_FACTOR = 40  # while running, links redraw at most once per 40× their paint time
# … and at least twice a second. (Four times a second overrode the budget for a 31-150-31
# network, whose links take about 10 ms: side by side, two diagrams spent 5.6 ms a frame on them.)
LINKS_MAX_PERIOD = 0.5
HOVER_TOLERANCE_PX = 5.0  # a link this close to the mouse is the one hovered
_LINKS_PER_UNIT = 3  # beyond: about this many of the strongest links per unit of a matrix
_LINK_WIDTHS = np.linspace(0.6, 3.4, LINK_LEVELS)
_LINK_STRENGTHS = np.linspace(0.22, 1.0, LINK_LEVELS)  # how far from white a level's colour is
_NO_SEGMENTS = [np.empty((0, 4))] * (2 * LINK_LEVELS)


def is_summarised(layout: DiagramLayout) -> bool:
    """Whether only the strongest links of this network are drawn (a strip or many units)."""
    return any(g.strip for g in layout.layers.values()) or \
        layout.layers["hidden"].size > ALL_LINKS_HIDDEN


class DiagramLinks:
    """The weight links of the diagram and the links of the focused unit, in a view box."""

    def __init__(self, view_box: pg.ViewBox) -> None:
        self._links = _link_item(view_box, z=1)
        self._set_pens(summarised=False)
        self._focus = _link_item(view_box, z=2)  # every link of the unit under the mouse
        self._focus.set_pens(self._links.pens())
        self._opacity = 1.0  # of the links as the phase wants them (focus dims them further)
        self._updated_at = 0.0
        self._focused: tuple[str, int] | None = None
        self._layout: DiagramLayout | None = None
        self._endpoints: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        self._weights: dict[str, np.ndarray] = {}  # as drawn (a frame budget may hold them)
        self._shown: dict[str, tuple[np.ndarray, np.ndarray, np.ndarray]] = {}

    # ------------------------------------------------------------------ updating
    def set_layout(self, layout: DiagramLayout) -> None:
        """A new network: its endpoints and pens; its first weights are drawn at once."""
        self._layout = layout
        self._set_pens(is_summarised(layout))
        self._endpoints = {matrix: layout.segment_endpoints(matrix) for matrix in MATRICES}
        self._updated_at = -math.inf

    def clear(self) -> None:
        """No links at all (no network)."""
        self._layout = None
        self._weights, self._shown = {}, {}
        self._links.set_segments(_NO_SEGMENTS)
        self.focus_unit(None)

    def due(self, running: bool) -> bool:
        """The frame budget of the links: while training runs, redraw them at most about once
        per :data:`LINKS_BUDGET_FACTOR` times their last paint cost (at most every
        :data:`LINKS_MAX_PERIOD` s), so a big network's thousand antialiased links do not
        cost every frame; a few links in a small one still redraw every frame. Any other state
        (a step, a pause) shows the newest weights at once."""
        now = time.perf_counter()
        period = min(LINKS_MAX_PERIOD, LINKS_BUDGET_FACTOR * self._links.paint_seconds)
        if running and now - self._updated_at < period:
            return False
        self._updated_at = now
        return True

    def update(self, weights: dict[str, np.ndarray]) -> None:
        """Draw these weights (matrix name → array) on the present layout."""
        self._weights = weights
        all_starts, all_ends, all_bins, shown = [], [], [], {}
        for matrix, matrix_weights in weights.items():
            w = np.asarray(matrix_weights, dtype=np.float64)
            chosen = strongest_links(w, self._link_cap(matrix, w))
            starts, ends = self._endpoints[matrix]
            starts, ends = starts[chosen], ends[chosen]
            values = w.ravel()[chosen]
            bins = link_levels(values, LINK_LEVELS) * 2 + (values > 0)
            finite = np.isfinite(values)
            shown[matrix] = (chosen[finite], starts[finite], ends[finite])
            all_starts.append(starts[finite])
            all_ends.append(ends[finite])
            all_bins.append(bins[finite])
        self._shown = shown
        segments = np.hstack([np.concatenate(all_starts), np.concatenate(all_ends)])
        bins = np.concatenate(all_bins)
        order = np.argsort(bins, kind="stable")
        bounds = np.cumsum(np.bincount(bins, minlength=2 * LINK_LEVELS))[:-1]
        self._links.set_segments(np.split(segments[order], bounds))
        focused, self._focused = self._focused, None
        self.focus_unit(focused)  # the hovered unit's links with the new weights

    def _link_cap(self, matrix: str, w: np.ndarray) -> int:
        """How many of a matrix's links to draw: all in a small network; beyond
        :data:`ALL_LINKS_HIDDEN` hidden units the strongest few per unit (hover a unit for all
        of its links); LINK_CAP where a strip is involved."""
        assert self._layout is not None, "set_layout() comes first"
        layers = self._layout.layers
        if any(layers[name].strip for name in MATRICES[matrix]):
            return LINK_CAP
        if layers["hidden"].size <= ALL_LINKS_HIDDEN:
            return w.size
        return min(w.size, _LINKS_PER_UNIT * max(w.shape))

    def _set_pens(self, summarised: bool) -> None:
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

    # ------------------------------------------------------------ phase and focus
    def set_opacity(self, opacity: float) -> None:
        """The links' opacity (a phase that uses no weights dims them)."""
        self._opacity = opacity
        self._links.setOpacity(opacity)

    def opacity(self) -> float:
        return self._links.opacity()

    def focus_unit(self, unit: tuple[str, int] | None) -> None:
        """Draw every link of one unit (layer, index) over the dimmed rest; None: undo."""
        if unit == self._focused:
            return
        self._focused = unit
        if unit is None or not self._weights:
            self._focus.set_segments(_NO_SEGMENTS)
            self._links.setOpacity(self._opacity)
            return
        layer, index = unit
        segments, bins = [], []
        for matrix, (source, destination) in MATRICES.items():
            w = np.asarray(self._weights[matrix], dtype=np.float64)
            rows, cols = w.shape
            if layer == destination:
                flat = index * cols + np.arange(cols)
            elif layer == source:
                flat = np.arange(rows) * cols + index
            else:
                continue
            starts, ends = self._endpoints[matrix]
            values = w.ravel()[flat]
            finite = np.isfinite(values)
            segments.append(np.hstack([starts[flat], ends[flat]])[finite])
            levels = link_levels(w, LINK_LEVELS).ravel()[flat]  # as strong as in the matrix
            bins.append((levels * 2 + (values > 0))[finite])
        all_segments = np.concatenate(segments) if segments else np.empty((0, 4))
        all_bins = np.concatenate(bins).astype(np.intp) if bins else np.empty(0, np.intp)
        self._focus.set_segments([all_segments[all_bins == b] for b in range(2 * LINK_LEVELS)])
        self._links.setOpacity(0.2 * self._opacity)

    def focused_link_count(self) -> int:
        """How many links the hovered unit has drawn over the rest (0: none hovered)."""
        return sum(len(g) for g in self._focus.groups()) if self._focused else 0

    # -------------------------------------------------------------------- reading
    def count(self, matrix: str) -> int:
        """How many links of a weight matrix are drawn."""
        shown = self._shown.get(matrix)
        return 0 if shown is None else len(shown[0])

    def shown_indices(self, matrix: str) -> np.ndarray:
        """Flat indices into a weight matrix of the links drawn."""
        shown = self._shown.get(matrix)
        return np.empty(0, np.intp) if shown is None else shown[0].copy()

    def describe_at(self, x: float, y: float, px_per_unit: tuple[float, float]) -> str:
        """The drawn link within :data:`HOVER_TOLERANCE_PX` of a diagram point, as a hover
        text ("" for none); ``px_per_unit``: pixels per diagram unit along x and y."""
        best = None
        for matrix, (chosen, starts, ends) in self._shown.items():
            if not len(chosen):
                continue
            distances = distance_to_segments(x, y, starts, ends, px_per_unit)
            i = int(np.argmin(distances))
            if distances[i] <= HOVER_TOLERANCE_PX and (best is None or distances[i] < best[0]):
                best = (distances[i], matrix, int(chosen[i]))
        if best is None or self._layout is None:
            return ""
        _, matrix, flat = best
        weights = np.asarray(self._weights[matrix])
        row, col = divmod(flat, weights.shape[1])
        source, destination = (self._layout.layers[name] for name in MATRICES[matrix])
        value = palette.format_value(float(weights[row, col]), 4)
        # Units by their names (h3, as everywhere), not by 0-based matrix indices.
        return (f"weight {source.labels[col]} → {destination.labels[row]} = {value}\n"
                f"({source.name} → {destination.name}, {matrix})")


def _link_item(view_box: pg.ViewBox, z: float) -> SegmentsItem:
    """All weights in one item: group 2 * level + (w > 0), strong levels drawn last."""
    item = SegmentsItem([QPen() for _ in range(2 * LINK_LEVELS)])
    item.setZValue(z)
    view_box.addItem(item, ignoreBounds=True)
    return item
