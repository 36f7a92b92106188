"""The network as a student pictures it: units filled by activation, weights as coloured lines.

Graphics items are created once per layout (layer sizes and labels) and only updated afterwards:
units are one ScatterPlotItem (circle layers) or one ImageItem per strip layer, and all weights
are one SegmentsItem with a pen per (magnitude level, sign). The view stretches x and y
separately to fill its window; circles, arrowheads and texts are sized in pixels. Texts are
placed by :class:`~elman_gui.views.diagram.diagram_texts.DiagramTexts`, the mouse is handled by
:class:`~elman_gui.views.diagram.diagram_hover.DiagramHover`.
"""

from __future__ import annotations

import time

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QLabel,
    QVBoxLayout,
    QWidget,
)

from elman_core.live.snapshot import RUNNING, Snapshot
from elman_gui.views.diagram.diagram_hover import DiagramHover
from elman_gui.views.diagram.diagram_layout import (
    LINK_CAP,
    LINK_LEVELS,
    MATRICES,
    DiagramLayout,
    link_levels,
    strongest_links,
)
from elman_gui.views.diagram.diagram_legend import ActivationLegend, PhaseBanner, weight_key_html
from elman_gui.views.diagram.diagram_scene import ALL_LINKS_HIDDEN, DiagramScene
from elman_gui.views.diagram.diagram_texts import DiagramTexts
from elman_gui.views.style import palette

LINKS_BUDGET_FACTOR = 40  # while running, links redraw at most once per 40× their paint time
LINKS_MAX_PERIOD = 0.25  # … and at least four times a second
_LINKS_PER_UNIT = 3  # beyond: about this many of the strongest links per unit of a matrix


class NetworkDiagramView(DiagramScene, DiagramTexts, DiagramHover, QWidget):
    """Live Elman network: input, hidden, context and output units with their weights.

    ``unitClicked(layer, index)`` is emitted when a unit is clicked (layer is "input", "hidden",
    "context" or "output"). Hover a unit or a link to read its exact value.
    """

    unitClicked = Signal(str, int)

    def phase_banner(self) -> str:
        """The phase-mode line above the picture ("" when phase mode is off; tests)."""
        return self._phase_banner.shown_text()

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._plot = self._make_plot()
        self._view: pg.ViewBox = self._plot.getPlotItem().getViewBox()
        self._scene = self._plot.scene()  # kept: PySide6 must not collect it
        self._legend = ActivationLegend(self)
        self._key = QLabel(weight_key_html(summarised=False), self)
        # The diagram itself has no widget tooltip: hovering shows one box, the unit's or link's.
        self._key.setToolTip("Hover a unit or a link for its value; click a hidden unit to "
                             "lesion it (hold it at 0), click again to restore it.")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        self._phase_banner = PhaseBanner(self)  # phase mode (P) said in words above the picture
        layout.addWidget(self._phase_banner)
        layout.addWidget(self._plot, 1)
        layout.addLayout(self._make_legend_row())

        self._links = self._make_link_item()
        self._set_link_pens(summarised=False)
        self._focus = self._make_link_item()  # every link of the unit under the mouse
        self._focus.setZValue(2)
        self._focus.set_pens(self._links.pens())
        self._links_opacity = 1.0
        self._links_updated_at = 0.0
        self._phase_shown: tuple | None = None  # (copy-link item, phase, width) of its pens
        self._focused: tuple[str, int] | None = None
        self._hover_text = self._make_overlay_text(
            palette.font(10), anchor=(0, 1), z=100, border=pg.mkPen(palette.AXIS))
        self._hover_text.hide()
        self._message = self._make_overlay_text(palette.font(12, bold=True), (0.5, 0.5), z=90)

        self._layout: DiagramLayout | None = None
        self._layout_key: tuple | None = None
        self._layout_items: list = []
        self._placed_texts: list[tuple] = []  # (text, x, y, dx_px, dy_px, layer or None)
        self._arrows: list[tuple[pg.ArrowItem, int]] = []
        self._strip_rects: dict[str, list] = {}
        self._scale = (1.0, 1.0)  # pixels per diagram unit along x and y
        self._radius_px = 10.0  # circle radius
        self._strip_half_px = 10.0  # half the height of a strip
        self._target: np.ndarray | None = None
        self._texts_key: tuple | None = None
        self._unit_labels: dict[str, list[pg.TextItem]] = {}
        self._label_pool: list[pg.TextItem] = []  # unit labels, kept from network to network
        self._labels_used = 0  # the first ones of the pool are in use
        self._label_step: dict[str, int] = {}
        self._label_lines: dict[str, tuple[int, float]] = {}  # (lines, px per line) per layer
        self._room_for_status = True
        self._label_extent: dict[str, float] = {}
        self._values: dict[str, np.ndarray | None] = {}
        self._weights: dict[str, np.ndarray] = {}
        self._biases: dict[str, np.ndarray] = {}
        self._shown_links: dict[str, tuple[np.ndarray, np.ndarray, np.ndarray]] = {}
        self._lesioned: tuple[int, ...] = ()
        self._marked: frozenset | None = None  # the lesioned units marked (None: redo)
        self._activation_hint: bool | None = None  # True: diverging map; None: decide from data
        self._seen_negative = False
        self._colors = palette.ActivationColors(diverging=False)
        self._legend.set_colors(self._colors)
        self._last_weights: tuple | None = None
        self._generation: int | None = None

        self._scene.sigMouseMoved.connect(self._on_mouse_moved)
        self._scene.sigMouseClicked.connect(self._on_mouse_clicked)
        self._view.sigResized.connect(self._fit)
        self.clear()

    # ------------------------------------------------------------------ public API
    def set_legend_shown(self, on: bool) -> None:
        """The activation scale and weight key under the diagram (a second diagram beside
        this one leaves them to the first: side by side, room is short)."""
        self._legend.setVisible(on)
        self._key.setVisible(on)

    def leaveEvent(self, event) -> None:  # noqa: N802 (Qt name)
        self.forget_hover()  # the mouse left: no box naming what it no longer points at
        super().leaveEvent(event)

    def show_snapshot(self, snapshot: Snapshot) -> None:
        """Show one snapshot; cheap unless the layer sizes or labels changed."""
        key = (snapshot.n_input, snapshot.n_hidden, snapshot.n_output,
               tuple(snapshot.input_labels), tuple(snapshot.output_labels))
        if key != self._layout_key:
            self._rebuild(key)
        if snapshot.generation != self._generation:
            self._generation = snapshot.generation
            self._seen_negative = False
            self.forget_hover()  # another network (a task swap, a reset): its units are gone
        self._values = {
            "input": _maybe(snapshot.input, snapshot.n_input),
            "hidden": _maybe(snapshot.hidden, snapshot.n_hidden),
            "context": _maybe(snapshot.context, snapshot.n_hidden),
            "output": _maybe(snapshot.output, snapshot.n_output),
        }
        self._biases = {"hidden": snapshot.b_h, "output": snapshot.b_o}
        self._target = None if snapshot.target is None else np.asarray(snapshot.target)
        self._lesioned = tuple(i for i in snapshot.lesioned if 0 <= i < snapshot.n_hidden)
        self._update_colors()
        self._update_units()
        weights = (snapshot.W_ih, snapshot.W_hh, snapshot.W_ho)
        if (self._last_weights is None or any(
            a is not b for a, b in zip(weights, self._last_weights, strict=True)
        )) and self._links_due(getattr(snapshot, "state", None) == RUNNING):  # (help: no state)
            self._last_weights = weights
            self._update_links(dict(zip(MATRICES, weights, strict=True)))
        self._update_texts(snapshot)

    def _links_due(self, running: bool) -> bool:
        """The frame budget of the links: while training runs, redraw them at most about once
        per :data:`LINKS_BUDGET_FACTOR` times their last paint cost (at most every
        :data:`LINKS_MAX_PERIOD` s), so a big network's thousand antialiased links do not
        cost every frame; a few links in a small one still redraw every frame. Any other state
        (a step, a pause) shows the newest weights at once."""
        now = time.perf_counter()
        period = min(LINKS_MAX_PERIOD, LINKS_BUDGET_FACTOR * self._links.paint_seconds)
        if running and now - self._links_updated_at < period:
            return False
        self._links_updated_at = now
        return True

    def clear(self) -> None:
        """Forget the network: nothing drawn until the next snapshot."""
        self._remove_layout_items()
        self._layout = None
        self._layout_key = None
        self._values, self._weights, self._shown_links = {}, {}, {}
        self._last_weights = None
        self._generation = None
        self._lesioned = ()
        self._links.set_segments([np.empty((0, 4))] * (2 * LINK_LEVELS))
        self.forget_hover()
        self._hover_text.hide()
        self._message.setText("no network yet")
        self._message.setAnchor((0.5, 0.5))
        self._message.setPos(0, 0)
        self._message.show()
        self._view.setRange(QRectF(-5, -3, 10, 6), padding=0)

    def set_phase(self, phase: int | None, phase_mode: bool = False) -> None:
        """Highlight the links active in a phase of a timestep (None: all as usual), and in
        phase mode say above the picture which phase it shows and what Step does next.

        1 forward and 3 backward use the weights; 2 (error) uses none; 4 copies hidden →
        context, so the copy links glow and the weights are dimmed.
        """
        self._phase_banner.show_phase(phase, phase_mode)
        self._links_opacity = 0.15 if phase in (2, 4) else 1.0
        self._links.setOpacity(self._links_opacity)
        copy = getattr(self, "_copy_links", None)
        # Called with every snapshot: new pens only when they change (a repaint of the links).
        shown = (copy, phase, self._copy_width)
        if copy is not None and copy.scene() is not None and shown != self._phase_shown:
            self._phase_shown = shown
            copy.setOpacity(1.0 if phase in (None, 4) else 0.2)
            for pen in copy.pens():
                pen.setWidthF(5.0 if phase == 4 else self._copy_width)
            copy.set_pens(copy.pens())

    def phase_opacities(self) -> tuple[float, float]:
        """(weight links, copy links) opacity, for tests."""
        copy = getattr(self, "_copy_links", None)
        return (self._links.opacity(), copy.opacity() if copy is not None else 1.0)

    def set_activations(self, hidden: str = "sigmoid", output: str = "sigmoid") -> None:
        """Tell the view the activation functions so the colour map fits their range.

        tanh hidden units or linear outputs can be negative: a diverging map centred on 0.
        Without this hint the map turns diverging the first time a negative value shows up.
        """
        self._activation_hint = hidden == "tanh" or output == "linear"
        self._update_colors()
        if self._layout is not None:
            self._update_units()

    # Read-only accessors (tests, inspector).
    def unit_values(self, layer: str) -> np.ndarray:
        """The activations shown for a layer (NaN where nothing is shown yet)."""
        values = self._values.get(layer)
        n = self._layout.layers[layer].size if self._layout else 0
        return np.full(n, np.nan) if values is None else values.copy()

    def unit_colors(self, layer: str) -> np.ndarray:
        """(n, 3) RGB fill of each unit as drawn."""
        geometry = self._layout.layers[layer]
        if geometry.strip:
            empty = QColor(palette.EMPTY_UNIT).getRgb()[:3]
            image = self._strips[layer].image
            if image is None or not self._strips[layer].isVisible():
                return np.tile(empty, (geometry.size, 1))
            values = image[:, 0]
            colors = self._colors.lut[self._colors.indices(values)].astype(int)
            colors[np.isnan(values)] = empty  # transparent cell: the grey background shows
            return colors
        start = self._scatter_offsets[layer]
        brushes = self._scatter.data["brush"][start:start + geometry.size]
        return np.array([brush.color().getRgb()[:3] for brush in brushes])

    def unit_position(self, layer: str, index: int) -> tuple[float, float]:
        """Centre of a unit in diagram coordinates."""
        x, y = self._layout.layers[layer].positions[index]
        return float(x), float(y)

    def unit_labels(self, layer: str) -> tuple[str, ...]:
        return self._layout.layers[layer].labels if self._layout else ()

    def is_strip(self, layer: str) -> bool:
        return bool(self._layout and self._layout.layers[layer].strip)

    def link_count(self, matrix: str) -> int:
        """How many links of a weight matrix ("W_ih", "W_hh", "W_ho") are drawn."""
        shown = self._shown_links.get(matrix)
        return 0 if shown is None else len(shown[0])

    def copy_link_count(self) -> int:
        """How many dashed hidden → context copy links are drawn (one per hidden unit)."""
        return self._copy_count if self._layout else 0

    def copy_links_dashed(self) -> bool:
        return bool(self._layout) and (
            self._copy_links.pens()[0].style() == Qt.PenStyle.DashLine)

    def message(self) -> str:
        """The hint shown over the diagram ("press Step or Play"), "" when none."""
        return self._message.toPlainText() if self._message.isVisible() else ""

    def legend_text(self) -> str:
        return self._legend.text()

    def map_to_scene(self, x: float, y: float) -> QPointF:
        return self._view.mapViewToScene(QPointF(x, y))

    # -------------------------------------------------------------------- building
    def _update_colors(self) -> None:
        diverging = self._activation_hint if self._activation_hint is not None else (
            self._seen_negative or any(
                v is not None and v.size and float(np.nanmin(v)) < 0
                for v in self._values.values()
            )
        )
        self._seen_negative = self._seen_negative or diverging
        if diverging != self._colors.diverging:
            self._colors = palette.ActivationColors(diverging)
            self._legend.set_colors(self._colors)

    def _update_units(self) -> None:
        layout = self._layout
        empty = pg.mkBrush(palette.EMPTY_UNIT)
        brushes = []
        for name, offset in self._scatter_offsets.items():
            del offset
            values = self._values.get(name)
            size = layout.layers[name].size
            brushes.extend([empty] * size if values is None else self._colors.brushes_for(values))
        hidden_offset = self._scatter_offsets.get("hidden")
        lesion_brush = pg.mkBrush(palette.LESIONED)
        if hidden_offset is not None:
            for i in self._lesioned:
                brushes[hidden_offset + i] = lesion_brush
        if brushes:
            self._scatter.setBrush(brushes)
        for name, image in self._strips.items():
            values = self._values.get(name)
            if values is None:
                image.hide()
                continue
            shown = values.astype(np.float64)
            if name == "hidden" and self._lesioned:
                shown = shown.copy()
                shown[list(self._lesioned)] = np.nan  # NaN cells are transparent: grey shows
            first = image.image is None
            image.setImage(shown.reshape(-1, 1), autoLevels=False,
                           levels=(self._colors.low, self._colors.high), lut=self._colors.lut)
            if first:
                image.setRect(self._strip_rects[name][0].rect())
            image.show()
        marked = frozenset(self._lesioned)
        if marked != self._marked:  # a scatter's setData rebuilds it: only when lesions change
            self._marked = marked
            hidden = layout.layers["hidden"]
            marks = hidden.positions[sorted(self._lesioned)] if self._lesioned \
                else np.empty((0, 2))
            self._lesion_marks.setData(pos=marks)

    def _update_links(self, weights: dict[str, np.ndarray]) -> None:
        self._weights = weights
        all_starts, all_ends, all_bins, shown = [], [], [], {}
        for matrix, w in weights.items():
            w = np.asarray(w, dtype=np.float64)
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
        self._shown_links = shown
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
        layout = self._layout
        if any(layout.layers[name].strip for name in MATRICES[matrix]):
            return LINK_CAP
        if layout.layers["hidden"].size <= ALL_LINKS_HIDDEN:
            return w.size
        return min(w.size, _LINKS_PER_UNIT * max(w.shape))

def _maybe(values: np.ndarray | None, n: int) -> np.ndarray | None:
    if values is None:
        return None
    values = np.asarray(values, dtype=np.float64).ravel()
    return values if values.size == n else None

