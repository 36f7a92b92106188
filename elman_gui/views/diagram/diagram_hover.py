"""The diagram under the mouse: one hover box per unit or link, and the hovered unit's links.

:class:`DiagramHover` owns the hover box; it reads the view's
:class:`~elman_gui.views.diagram.diagram_geometry.DiagramGeometry` and asks
:class:`~elman_gui.views.diagram.diagram_links.DiagramLinks` to draw the focused unit's links.
Units are named as everywhere in the app (h3 is the third hidden unit); a link is named by the
units it joins.
"""

from __future__ import annotations

import pyqtgraph as pg
from PySide6.QtCore import QPointF

from elman_gui.views.diagram.diagram_geometry import DiagramGeometry, UnitValues
from elman_gui.views.diagram.diagram_links import DiagramLinks
from elman_gui.views.diagram.diagram_texts import overlay_text
from elman_gui.views.style import palette


class DiagramHover:
    """The hover box and the focused unit of the diagram in a view box."""

    def __init__(self, view_box: pg.ViewBox, geometry: DiagramGeometry,
                 links: DiagramLinks) -> None:
        self._view_box = view_box
        self._geometry = geometry
        self._links = links
        self._text = overlay_text(view_box, palette.font(10), anchor=(0, 1), z=100,
                                  border=pg.mkPen(palette.AXIS))
        self._text.hide()

    def describe_at(self, x: float, y: float, units: UnitValues) -> str:
        """What hovering at a diagram point shows: a unit's value, a link's weight, or ""."""
        if self._geometry.layout is None:
            return ""
        hit = self._geometry.unit_at(x, y)
        if hit:
            return self._describe_unit(*hit, units)
        pixel_w, pixel_h = self._view_box.viewPixelSize()
        return self._links.describe_at(x, y, (1.0 / max(pixel_w, 1e-12),
                                              1.0 / max(pixel_h, 1e-12)))

    def text(self) -> str:
        """The text currently shown next to the mouse ("" when hidden)."""
        return self._text.toPlainText() if self._text.isVisible() else ""

    def forget(self) -> None:
        """Hide the hover box and the focused links: what they named is gone."""
        self._text.hide()
        self._links.focus_unit(None)

    def move_to(self, scene_pos: QPointF, units: UnitValues) -> None:
        """The mouse moved to a scene point: focus the unit there and show what is there."""
        if self._geometry.layout is None or \
                not self._view_box.sceneBoundingRect().contains(scene_pos):
            self.forget()
            return
        point = self._view_box.mapSceneToView(scene_pos)
        self._links.focus_unit(self._geometry.unit_at(point.x(), point.y()))
        text = self.describe_at(point.x(), point.y(), units)
        if not text:
            self._text.hide()
            return
        self._text.setText(text)
        rect = self._view_box.viewRect()
        right_half = point.x() > rect.center().x()
        top_half = point.y() > rect.center().y()
        self._text.setAnchor((1.0 if right_half else 0.0, 0.0 if top_half else 1.0))
        pixel_w, pixel_h = self._view_box.viewPixelSize()
        offset_x = -12 * pixel_w if right_half else 12 * pixel_w
        offset_y = -12 * pixel_h if top_half else 12 * pixel_h
        self._text.setPos(point.x() + offset_x, point.y() + offset_y)
        self._text.show()

    def _describe_unit(self, layer: str, index: int, units: UnitValues) -> str:
        geometry = self._geometry.shown.layers[layer]
        name = geometry.labels[index]
        if layer in ("input", "output") and name != f"{layer[0]}{index + 1}":
            name = f"{layer} {name}"
        values = units.values.get(layer)
        if values is None:
            lines = [f"{name}: no value yet"]
        else:
            lines = [f"{name} = {palette.format_value(float(values[index]))}"]
        if layer == "hidden":
            if index in units.lesioned:
                lines.append("lesioned (held at 0)")
            bias = units.biases.get("hidden")
            if bias is not None:
                lines.append(f"bias = {palette.format_value(float(bias[index]), 4)}")
        elif layer == "context":
            layout = self._geometry.shown  # what the context copies: hidden or (Jordan) output
            source = layout.copy_source
            copied = layout.layers[source].labels[index]
            if copied != f"{source[0]}{index + 1}":
                copied = f"{source} {copied}"
            lines.append(f"copy of {copied} from the previous step")
            if layout.context_decay:
                lines.append(f"+ {layout.context_decay:g} × its own previous value")
        elif layer == "output":
            if units.target is not None:
                lines.append(f"target = {palette.format_value(float(units.target[index]), 4)}")
            bias = units.biases.get("output")
            if bias is not None:
                lines.append(f"bias = {palette.format_value(float(bias[index]), 4)}")
        return "\n".join(lines)
