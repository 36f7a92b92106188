"""What the network diagram's parts share, passed to them explicitly (no Qt).

:class:`DiagramGeometry` is the picture as drawn: the layout and its size in pixels. The view
owns the one instance, writes it when it fits the picture to its window, and hands it to the
scene, the texts and the hover, which only read it. :class:`UnitValues` is what one snapshot says
about the units; the view makes a new one per snapshot and passes it along.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from elman_gui.views.diagram.diagram_layout import DiagramLayout, LayerGeometry


@dataclass
class DiagramGeometry:
    """The layout shown (None: no network) and how it is scaled to the window."""

    layout: DiagramLayout | None = None
    scale: tuple[float, float] = (1.0, 1.0)  # pixels per diagram unit along x and y
    radius_px: float = 10.0  # a circle's radius
    strip_half_px: float = 10.0  # half the height of a strip

    @property
    def shown(self) -> DiagramLayout:
        """The layout; only called while a network is shown."""
        if self.layout is None:
            raise RuntimeError("the diagram shows no network")
        return self.layout

    def reach_px(self, layer: LayerGeometry) -> float:
        """How far (px) a layer's units reach above and below its row."""
        return self.strip_half_px if layer.strip else self.radius_px

    def unit_at(self, x: float, y: float) -> tuple[str, int] | None:
        """The unit (layer, index) drawn at a diagram point, or None."""
        if self.layout is None:
            return None
        sx, sy = self.scale
        for name, layer in self.layout.layers.items():
            radius_px = self.reach_px(layer)
            index = layer.index_at(x, y, radius_px / sx, radius_px / sy)
            if index is not None:
                return name, index
        return None


@dataclass(frozen=True)
class UnitValues:
    """The units' values of one snapshot, as the diagram shows them."""

    values: dict[str, np.ndarray | None] = field(default_factory=dict)  # None: nothing yet
    biases: dict[str, np.ndarray | None] = field(default_factory=dict)
    target: np.ndarray | None = None
    lesioned: tuple[int, ...] = ()
