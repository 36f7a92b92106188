"""The diagram under the mouse: one hover box per unit or link, the hovered unit's links, clicks.

A part of :class:`~elman_gui.views.diagram.network_diagram.NetworkDiagramView` (it reads the view's
layout, values and weights). Units are named as everywhere in the app (h3 is the third hidden
unit); a link is named by the units it joins.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt

from elman_gui.views.diagram.diagram_layout import (
    LINK_LEVELS,
    MATRICES,
    distance_to_segments,
    link_levels,
)
from elman_gui.views.style import palette

HOVER_TOLERANCE_PX = 5.0


class DiagramHover:
    """Hover texts, link focus and clicks (a mixin of the view)."""

    def describe_at(self, x: float, y: float) -> str:
        """What hovering at a diagram point shows: a unit's value, a link's weight, or ""."""
        if self._layout is None:
            return ""
        hit = self._unit_at(x, y)
        return self._describe_unit(*hit) if hit else self._describe_link(x, y)

    def hover_text(self) -> str:
        """The text currently shown next to the mouse ("" when hidden)."""
        return self._hover_text.toPlainText() if self._hover_text.isVisible() else ""

    def forget_hover(self) -> None:
        """Hide the hover box and the focused links: what they named is gone."""
        self._hover_text.hide()
        self.focus_unit(None)

    def _on_mouse_moved(self, scene_pos) -> None:
        if self._layout is None or not self._view.sceneBoundingRect().contains(scene_pos):
            self._hover_text.hide()
            self.focus_unit(None)
            return
        point = self._view.mapSceneToView(scene_pos)
        self.focus_unit(self._unit_at(point.x(), point.y()))
        text = self.describe_at(point.x(), point.y())
        if not text:
            self._hover_text.hide()
            return
        self._hover_text.setText(text)
        rect = self._view.viewRect()
        right_half = point.x() > rect.center().x()
        top_half = point.y() > rect.center().y()
        self._hover_text.setAnchor((1.0 if right_half else 0.0, 0.0 if top_half else 1.0))
        pixel_w, pixel_h = self._view.viewPixelSize()
        offset_x = -12 * pixel_w if right_half else 12 * pixel_w
        offset_y = -12 * pixel_h if top_half else 12 * pixel_h
        self._hover_text.setPos(point.x() + offset_x, point.y() + offset_y)
        self._hover_text.show()

    def focus_unit(self, unit: tuple[str, int] | None) -> None:
        """Draw every link of one unit (layer, index) over the dimmed rest; None: undo."""
        if unit == self._focused:
            return
        self._focused = unit
        empty = [np.empty((0, 4))] * (2 * LINK_LEVELS)
        if unit is None or not self._weights:
            self._focus.set_segments(empty)
            self._links.setOpacity(self._links_opacity)
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
        segments = np.concatenate(segments) if segments else np.empty((0, 4))
        bins = np.concatenate(bins).astype(np.intp) if bins else np.empty(0, np.intp)
        self._focus.set_segments([segments[bins == b] for b in range(2 * LINK_LEVELS)])
        self._links.setOpacity(0.2 * self._links_opacity)

    def focused_link_count(self) -> int:
        """How many links the hovered unit has drawn over the rest (0: none hovered)."""
        return sum(len(g) for g in self._focus.groups()) if self._focused else 0

    def _on_mouse_clicked(self, event) -> None:
        if self._layout is None or event.button() != Qt.MouseButton.LeftButton:
            return
        point = self._view.mapSceneToView(event.scenePos())
        hit = self._unit_at(point.x(), point.y())
        if hit:
            self.unitClicked.emit(*hit)

    def _unit_at(self, x: float, y: float) -> tuple[str, int] | None:
        sx, sy = self._scale
        for name, geometry in self._layout.layers.items():
            radius_px = self._strip_half_px if geometry.strip else self._radius_px
            index = geometry.index_at(x, y, radius_px / sx, radius_px / sy)
            if index is not None:
                return name, index
        return None

    def _describe_unit(self, layer: str, index: int) -> str:
        geometry = self._layout.layers[layer]
        name = geometry.labels[index]
        if layer in ("input", "output") and name != f"{layer[0]}{index + 1}":
            name = f"{layer} {name}"
        values = self._values.get(layer)
        if values is None:
            lines = [f"{name}: no value yet"]
        else:
            lines = [f"{name} = {palette.format_value(float(values[index]))}"]
        if layer == "hidden":
            if index in self._lesioned:
                lines.append("lesioned (held at 0)")
            bias = self._biases.get("hidden")
            if bias is not None:
                lines.append(f"bias = {palette.format_value(float(bias[index]), 4)}")
        elif layer == "context":
            lines.append(f"copy of h{index + 1} from the previous step")
        elif layer == "output":
            if self._target is not None:
                lines.append(f"target = {palette.format_value(float(self._target[index]), 4)}")
            bias = self._biases.get("output")
            if bias is not None:
                lines.append(f"bias = {palette.format_value(float(bias[index]), 4)}")
        return "\n".join(lines)

    def _describe_link(self, x: float, y: float) -> str:
        pixel_w, pixel_h = self._view.viewPixelSize()
        scale = (1.0 / max(pixel_w, 1e-12), 1.0 / max(pixel_h, 1e-12))
        best = None
        for matrix, (chosen, starts, ends) in self._shown_links.items():
            if not len(chosen):
                continue
            distances = distance_to_segments(x, y, starts, ends, scale)
            i = int(np.argmin(distances))
            if distances[i] <= HOVER_TOLERANCE_PX and (best is None or distances[i] < best[0]):
                best = (distances[i], matrix, int(chosen[i]))
        if best is None:
            return ""
        _, matrix, flat = best
        weights = np.asarray(self._weights[matrix])
        row, col = divmod(flat, weights.shape[1])
        source, destination = (self._layout.layers[name] for name in MATRICES[matrix])
        value = palette.format_value(float(weights[row, col]), 4)
        # Units by their names (h3, as everywhere), not by 0-based matrix indices.
        return (f"weight {source.labels[col]} → {destination.labels[row]} = {value}\n"
                f"({source.name} → {destination.name}, {matrix})")
