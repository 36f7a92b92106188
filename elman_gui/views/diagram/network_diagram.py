"""The network as a student pictures it: units filled by activation, weights as coloured lines.

The view is composed of parts that each own their graphics items, made once per layout (layer
sizes and labels) and only updated afterwards: :class:`DiagramScene` (the units and the copy
links), :class:`DiagramLinks` (the weights), :class:`DiagramTexts` (names, labels, the input
and target lines) and :class:`DiagramHover` (the hover box). They share one
:class:`DiagramGeometry` (the layout and its scale in pixels), which the view owns and alone
writes: it stretches x and y separately to fill its window (:meth:`NetworkDiagramView._fit`);
circles, arrowheads and texts are sized in pixels.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPointF, QRectF, Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QSizePolicy, QVBoxLayout, QWidget

from elman_core.live.snapshot import RUNNING, Snapshot
from elman_gui.views.diagram.diagram_geometry import DiagramGeometry, UnitValues
from elman_gui.views.diagram.diagram_hover import DiagramHover
from elman_gui.views.diagram.diagram_layout import MATRICES, compute_layout
from elman_gui.views.diagram.diagram_legend import ActivationLegend, PhaseBanner, weight_key_html
from elman_gui.views.diagram.diagram_links import DiagramLinks, is_summarised
from elman_gui.views.diagram.diagram_scene import DiagramScene
from elman_gui.views.diagram.diagram_texts import TEXT_LINE_PX, DiagramTexts
from elman_gui.views.style import native_paint, palette

_SIDE_MARGINS_PX = (40.0, 40.0)  # left, right, at least: the layer names decide
_MAX_PX_PER_SPACING = 110.0  # a tiny network is not blown up to fill a big window
_MAX_PX_PER_ROW = 340.0
_CIRCLE_PX = (7.0, 34.0)  # smallest and largest circle diameter
_MARGIN_SHARE = 0.35  # of the height, at most, above the output and below the bottom row


class NetworkDiagramView(QWidget):
    """Live Elman network: input, hidden, context and output units with their weights.

    ``unitClicked(layer, index)`` is emitted when a unit is clicked (layer is "input", "hidden",
    "context" or "output"). Hover a unit or a link to read its exact value.
    """

    unitClicked = Signal(str, int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._plot = _make_plot(self)
        self._view_box: pg.ViewBox = self._plot.getPlotItem().getViewBox()
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

        # The parts, each owning its items; they share only the geometry, which the view owns
        # and alone writes (in _fit), and are handed a snapshot's values when they need them.
        self._geometry = DiagramGeometry()
        self._links = DiagramLinks(self._view_box)
        self._scene = DiagramScene(self._view_box, self._geometry)
        self._texts = DiagramTexts(self._view_box, self._geometry)
        self._hover = DiagramHover(self._view_box, self._geometry, self._links)

        self._units = UnitValues()
        self._layout_key: tuple | None = None
        self._copy_words = ""  # the copy phase's name for the network shown (snapshot's)
        self._activation_hint: bool | None = None  # True: diverging map; None: decide from data
        self._seen_negative = False
        self._colors = palette.ActivationColors(diverging=False)
        self._legend.set_colors(self._colors)
        self._last_weights: tuple | None = None
        self._generation: int | None = None

        graphics_scene = self._plot.scene()
        graphics_scene.sigMouseMoved.connect(self._on_mouse_moved)
        graphics_scene.sigMouseClicked.connect(self._on_mouse_clicked)
        self._view_box.sigResized.connect(self._fit)
        self.clear()

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
        # The context: as many units as W_hh has columns (hidden units, or Jordan's outputs).
        n_context = int(np.shape(snapshot.W_hh)[1])
        key = (snapshot.n_input, snapshot.n_hidden, snapshot.n_output,
               tuple(snapshot.input_labels), tuple(snapshot.output_labels), n_context,
               snapshot.context_source, snapshot.context_decay)
        self._copy_words = snapshot.copy_words
        if key != self._layout_key:
            self._rebuild(key)
        if snapshot.generation != self._generation:
            self._generation = snapshot.generation
            self._seen_negative = False
            self.forget_hover()  # another network (a task swap, a reset): its units are gone
        self._units = UnitValues(
            values={
                "input": _maybe(snapshot.input, snapshot.n_input),
                "hidden": _maybe(snapshot.hidden, snapshot.n_hidden),
                "context": _maybe(snapshot.context, n_context),
                "output": _maybe(snapshot.output, snapshot.n_output),
            },
            biases={"hidden": snapshot.b_h, "output": snapshot.b_o},
            target=None if snapshot.target is None else np.asarray(snapshot.target),
            lesioned=tuple(i for i in snapshot.lesioned if 0 <= i < snapshot.n_hidden),
        )
        self._update_colors()
        self._scene.update_units(self._units, self._colors)
        weights = (snapshot.W_ih, snapshot.W_hh, snapshot.W_ho)
        if (self._last_weights is None or any(
            a is not b for a, b in zip(weights, self._last_weights, strict=True)
        )) and self._links.due(getattr(snapshot, "state", None) == RUNNING):  # (help: no state)
            self._last_weights = weights
            self._links.update(dict(zip(MATRICES, weights, strict=True)))
        self._texts.update(snapshot)

    def clear(self) -> None:
        """Forget the network: nothing drawn until the next snapshot."""
        self._scene.remove()
        self._texts.remove()
        self._geometry.layout = None
        self._layout_key = None
        self._units = UnitValues()
        self._last_weights = None
        self._generation = None
        self._links.clear()
        self.forget_hover()
        self._texts.show_no_network()
        self._view_box.setRange(QRectF(-5, -3, 10, 6), padding=0)

    def set_phase(self, phase: int | None, phase_mode: bool = False) -> None:
        """Highlight the links active in a phase of a timestep (None: all as usual), and in
        phase mode say above the picture which phase it shows and what Step does next.

        1 forward and 3 backward use the weights; 2 (error) uses none; 4 copies hidden (or a
        Jordan network's output) → context, so the copy links glow and the weights are dimmed.
        """
        self._phase_banner.show_phase(phase, phase_mode, self._copy_words)
        self._links.set_opacity(0.15 if phase in (2, 4) else 1.0)
        self._scene.set_phase(phase)

    def phase_banner(self) -> str:
        """The phase-mode line above the picture ("" when phase mode is off; tests)."""
        return self._phase_banner.shown_text()

    def phase_opacities(self) -> tuple[float, float]:
        """(weight links, copy links) opacity, for tests."""
        return (self._links.opacity(), self._scene.copy_opacity())

    def set_activations(self, hidden: str = "sigmoid", output: str = "sigmoid") -> None:
        """Tell the view the activation functions so the colour map fits their range.

        tanh hidden units or linear outputs can be negative: a diverging map centred on 0.
        Without this hint the map turns diverging the first time a negative value shows up.
        """
        self._activation_hint = hidden == "tanh" or output == "linear"
        self._update_colors()
        if self._geometry.layout is not None:
            self._scene.update_units(self._units, self._colors)

    # The mouse (hover boxes, the focused unit's links, clicks).
    def describe_at(self, x: float, y: float) -> str:
        """What hovering at a diagram point shows: a unit's value, a link's weight, or ""."""
        return self._hover.describe_at(x, y, self._units)

    def hover_text(self) -> str:
        """The text currently shown next to the mouse ("" when hidden)."""
        return self._hover.text()

    def forget_hover(self) -> None:
        """Hide the hover box and the focused links: what they named is gone."""
        self._hover.forget()

    def focus_unit(self, unit: tuple[str, int] | None) -> None:
        """Draw every link of one unit (layer, index) over the dimmed rest; None: undo."""
        self._links.focus_unit(unit)

    def focused_link_count(self) -> int:
        """How many links the hovered unit has drawn over the rest (0: none hovered)."""
        return self._links.focused_link_count()

    def _on_mouse_moved(self, scene_pos: QPointF) -> None:
        self._hover.move_to(scene_pos, self._units)

    def _on_mouse_clicked(self, event) -> None:
        if self._geometry.layout is None or event.button() != Qt.MouseButton.LeftButton:
            return
        point = self._view_box.mapSceneToView(event.scenePos())
        hit = self._geometry.unit_at(point.x(), point.y())
        if hit:
            self.unitClicked.emit(*hit)

    # Read-only accessors (tests, inspector).
    def unit_values(self, layer: str) -> np.ndarray:
        """The activations shown for a layer (NaN where nothing is shown yet)."""
        values = self._units.values.get(layer)
        layout = self._geometry.layout
        n = layout.layers[layer].size if layout else 0
        return np.full(n, np.nan) if values is None else values.copy()

    def unit_colors(self, layer: str) -> np.ndarray:
        """(n, 3) RGB fill of each unit as drawn."""
        return self._scene.unit_colors(layer, self._colors)

    def unit_position(self, layer: str, index: int) -> tuple[float, float]:
        """Centre of a unit in diagram coordinates."""
        x, y = self._geometry.shown.layers[layer].positions[index]
        return float(x), float(y)

    def unit_labels(self, layer: str) -> tuple[str, ...]:
        """The names of a layer's units (the task's symbols, or x1…, h1…, c1…, y1…)."""
        layout = self._geometry.layout
        return layout.layers[layer].labels if layout else ()

    def shown_unit_labels(self, layer: str) -> list[str]:
        """The unit labels of a layer drawn under (or over) its units, as drawn."""
        return self._texts.shown_labels(layer)

    def label_step(self, layer: str) -> int:
        """Every how-many-th unit of a layer is labelled (1: every one)."""
        return self._texts.label_step(layer)

    def is_strip(self, layer: str) -> bool:
        layout = self._geometry.layout
        return bool(layout and layout.layers[layer].strip)

    def link_count(self, matrix: str) -> int:
        """How many links of a weight matrix ("W_ih", "W_hh", "W_ho") are drawn."""
        return self._links.count(matrix)

    def shown_link_indices(self, matrix: str) -> np.ndarray:
        """Flat indices into a weight matrix of the links drawn (a big network: the strongest)."""
        return self._links.shown_indices(matrix)

    def lesion_marks(self) -> np.ndarray:
        """(n, 2) diagram coordinates of the crosses drawn over lesioned units."""
        return self._scene.lesion_marks()

    def copy_link_count(self) -> int:
        """How many dashed copy links are drawn (one per context unit)."""
        return self._scene.copy_link_count()

    def copy_links_dashed(self) -> bool:
        return self._scene.copy_links_dashed()

    def copy_link_segments(self) -> np.ndarray:
        """(n, 4) x0, y0, x1, y1 of the dashed copy links as drawn (diagram coordinates)."""
        return self._scene.copy_link_segments()

    def text_rects(self) -> dict[str, QRectF]:
        """Scene rectangles of the visible texts: layer names ("output"…), "copy", "hint",
        "input text", "output text" and unit labels ("label h3"), to check overlaps."""
        return self._texts.text_rects()

    def copy_label(self) -> str:
        """The words beside the copy link ("copy (weight 1)", "copy"), "" when hidden."""
        return self._texts.copy_label()

    def status_lines(self) -> tuple[str, str]:
        """The "input: …" line below and the "target: … predicted: …" line above, as text."""
        return self._texts.status_lines()

    def status_html(self) -> str:
        """The "target: … predicted: …" line with its colours (HTML)."""
        return self._texts.status_html()

    def message(self) -> str:
        """The hint shown over the diagram ("press Step or Play"), "" when none."""
        return self._texts.message()

    def legend_text(self) -> str:
        return self._legend.text()

    @property
    def plot_widget(self) -> pg.PlotWidget:
        """The widget the picture is drawn in (its viewport takes the mouse)."""
        return self._plot

    def drawing_rect(self) -> QRectF:
        """The picture's area in scene coordinates (every text stays inside it)."""
        return self._view_box.sceneBoundingRect()

    def map_to_scene(self, x: float, y: float) -> QPointF:
        return self._view_box.mapViewToScene(QPointF(x, y))

    # -------------------------------------------------------------------- building
    def _update_colors(self) -> None:
        diverging = self._activation_hint if self._activation_hint is not None else (
            self._seen_negative or any(
                v is not None and v.size and float(np.nanmin(v)) < 0
                for v in self._units.values.values()
            )
        )
        self._seen_negative = self._seen_negative or diverging
        if diverging != self._colors.diverging:
            self._colors = palette.ActivationColors(diverging)
            self._legend.set_colors(self._colors)

    def _rebuild(self, key: tuple) -> None:
        """A new network shape: every part rebuilt for its layout, then fitted."""
        self._scene.remove()
        self._texts.remove()
        self.forget_hover()
        n_input, n_hidden, n_output, input_labels, output_labels, *context = key
        self._layout_key = key
        self._geometry.layout = layout = compute_layout(
            n_input, n_hidden, n_output, input_labels, output_labels, *context
        )
        self._last_weights = None
        self._seen_negative = False
        self._links.set_layout(layout)
        self._key.setText(weight_key_html(is_summarised(layout), layout.context_decay))
        self._scene.build(layout)
        self._texts.build(layout)
        self._fit()

    def _fit(self, *_) -> None:
        """Fill the view with fixed pixel margins; size units, place texts, thin labels."""
        geometry, texts = self._geometry, self._texts
        layout = geometry.layout
        if layout is None:
            return
        width_px, height_px = self._view_box.width(), self._view_box.height()
        if width_px < 10 or height_px < 10:
            return
        x0, x1 = layout.x_range
        y0, y1 = 0.0, 2.0
        left, right = _SIDE_MARGINS_PX
        left = max(left, 12 + max(texts.title_width(n) for n in ("input", "hidden", "output")))
        right = max(right, 12 + texts.title_width("context"))
        extra = (0.0, 0.0)  # room for end labels that push a layer name outwards
        for _attempt in range(2):  # once more if the names need that room
            left_px, right_px = left + extra[0], right + extra[1]
            sx = min(max(width_px - left_px - right_px, 10) / (x1 - x0), _MAX_PX_PER_SPACING)
            geometry.scale = (sx, geometry.scale[1])
            # How far each row's labels reach from it, once they are arranged to fit along x
            # within what a margin (at most 0.35 of the height) leaves them.
            radius = float(np.clip(0.66 * sx, *_CIRCLE_PX) / 2)  # about: sy is not known yet
            texts.arrange_labels(_MARGIN_SHARE * height_px - 8 - radius)
            needed = (max(texts.overhang_px(n) for n in ("input", "hidden", "output")),
                      texts.overhang_px("context"))
            if needed[0] <= extra[0] and needed[1] <= extra[1]:
                break
            extra = (max(needed[0], extra[0]), max(needed[1], extra[1]))
        left, right = left_px, right_px
        # Above the output row: its labels and the target text; below the bottom row: the
        # input and context labels and the input text.
        top = 8 + texts.label_extent("output") + radius
        bottom = 8 + max(texts.label_extent("input"), texts.label_extent("context")) + radius
        # A very low diagram drops "input: …" and "target: …" (the inspector has them) rather
        # than cut them or the unit labels.
        room_for_status = max(top, bottom) + TEXT_LINE_PX <= _MARGIN_SHARE * height_px
        if room_for_status:
            top, bottom = top + TEXT_LINE_PX, bottom + TEXT_LINE_PX
        top, bottom = (min(top, _MARGIN_SHARE * height_px),
                       min(bottom, _MARGIN_SHARE * height_px))
        sy = min(max(height_px - top - bottom, 10) / (y1 - y0), _MAX_PX_PER_ROW)
        geometry.scale = (sx, sy)
        # Each margin as computed (they differ: more text below than above, names left and
        # right); room a cap left over is shared equally.
        spare_x = (width_px / sx - (x1 - x0) - (left + right) / sx) / 2
        spare_y = (height_px / sy - (y1 - y0) - (top + bottom) / sy) / 2
        self._view_box.setRange(
            QRectF(QPointF(x0 - left / sx - spare_x, y0 - bottom / sy - spare_y),
                   QPointF(x1 + right / sx + spare_x, y1 + top / sy + spare_y)), padding=0)
        geometry.radius_px = min(float(np.clip(0.66 * sx, *_CIRCLE_PX) / 2), 0.18 * sy)
        geometry.strip_half_px = float(np.clip(0.06 * sy, 7.0, 13.0))
        self._scene.fit()
        texts.place(room_for_status)


def _make_plot(parent: QWidget) -> pg.PlotWidget:
    """A plot with no axes, menu or mouse panning: a fixed picture."""
    plot = native_paint.PlotWidget(parent=parent, background=palette.BACKGROUND)
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


def _maybe(values: np.ndarray | None, n: int) -> np.ndarray | None:
    if values is None:
        return None
    values = np.asarray(values, dtype=np.float64).ravel()
    return values if values.size == n else None

