"""One light theme for every live view: colours, colour maps and fonts.

Meaning is kept consistent across views: warm (red) means positive, cool (blue) means negative,
for weights and for activations alike; white is zero. Views style their own plots here instead
of calling ``pyqtgraph.setConfigOptions``, which would change every plot in the application.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtGui import QBrush, QColor, QFont, QFontMetrics
from PySide6.QtWidgets import QGraphicsItem

from elman_gui.views.style import native_paint

BACKGROUND = "#ffffff"
FOREGROUND = "#222222"
AXIS = "#555555"
MUTED = "#7a7a7a"  # layer names, hints
GRID_ALPHA = 0.25

POSITIVE = "#c0392b"  # positive weights, the warm end of the maps
NEGATIVE = "#2166ac"  # negative weights, the cool end
COPY_LINK = "#6a3d9a"  # the hidden → context copy (weight 1)
UNIT_OUTLINE = "#333333"
EMPTY_UNIT = "#e6e6e6"  # no activation yet
LESIONED = "#bdbdbd"
CORRECT = "#1a7f37"
WRONG = "#c62828"

LOSS_CURVE = "#1f4e99"
RUNNING_LOSS = "#a9bddb"  # the same blue, faded (opaque: overlapping wiggles stay light)
PREVIOUS_RUN = (120, 120, 120, 170)
PARTNER_CURVE = "#c2550a"  # network B of the side-by-side mode: orange beside A's blue
PARTNER_RUNNING = "#f2c9a8"  # the same orange, faded

# Sequential [0, 1] (sigmoid, softmax): white → deep red. Diverging [−1, 1] (tanh, linear):
# blue → white → red, centred on 0.
_SEQUENTIAL_STOPS = ([0.0, 0.5, 1.0], ["#ffffff", "#f4a582", "#8b0000"])
_DIVERGING_STOPS = (
    [0.0, 0.25, 0.5, 0.75, 1.0],
    ["#08306b", "#6baed6", "#ffffff", "#f4a582", "#8b0000"],
)


def sequential_map() -> pg.ColorMap:
    return pg.ColorMap(*_SEQUENTIAL_STOPS)


def diverging_map() -> pg.ColorMap:
    return pg.ColorMap(*_DIVERGING_STOPS)


class ActivationColors:
    """Activation → colour, precomputed as 255 brushes so a frame only does an index lookup."""

    def __init__(self, diverging: bool) -> None:
        self.diverging = diverging
        self.low, self.high = (-1.0, 1.0) if diverging else (0.0, 1.0)
        self.colormap = diverging_map() if diverging else sequential_map()
        # An odd number of entries puts 0 of the diverging map exactly on the white centre.
        self.lut = self.colormap.getLookupTable(0.0, 1.0, 255, alpha=False)  # (255, 3) uint8
        self.brushes = [QBrush(QColor(*map(int, rgb))) for rgb in self.lut]

    def indices(self, values: np.ndarray) -> np.ndarray:
        scaled = (np.asarray(values, dtype=np.float64) - self.low) / (self.high - self.low)
        scaled = np.nan_to_num(scaled, nan=0.5 if self.diverging else 0.0)
        top = len(self.lut) - 1
        return np.clip((scaled * top).round(), 0, top).astype(np.intp)

    def brushes_for(self, values: np.ndarray) -> list[QBrush]:
        brushes = self.brushes
        return [brushes[i] for i in self.indices(values)]

    def rgba_for(self, values: np.ndarray) -> np.ndarray:
        """(n, 4) RGBA bytes of the same colours, NaN transparent (an image's cells)."""
        rgba = np.empty((len(values), 4), dtype=np.uint8)
        rgba[:, :3] = self.lut[self.indices(values)]
        rgba[:, 3] = np.where(np.isnan(values), 0, 255)
        return rgba

    @property
    def range_text(self) -> str:
        return "−1 … 0 … +1" if self.diverging else "0 … 1"


_ERROR_COLORS = ActivationColors(diverging=False)
_NO_DATA = QBrush(QColor(0, 0, 0, 0))


def error_brushes(values: np.ndarray, largest: float) -> list[QBrush]:
    """Bars coloured by height relative to the largest, on the activation map's warm half.

    The map starts at a light tint (not white) so even the smallest bar stays visible; NaN
    (no data) is transparent, so its bar is empty.
    """
    values = np.asarray(values, dtype=np.float64)
    relative = values / largest if largest > 0 else np.zeros_like(values)
    indices = _ERROR_COLORS.indices(0.15 + 0.65 * np.clip(relative, 0.0, 1.0))
    brushes = _ERROR_COLORS.brushes
    return [brushes[i] if np.isfinite(v) else _NO_DATA for i, v in zip(indices, values,
                                                                         strict=True)]


def faded(color: str, strength: float) -> QColor:
    """An opaque colour between white (strength 0) and ``color`` (strength 1).

    Looks like a translucent line on the white background but paints much faster.
    """
    target = QColor(color)
    mix = lambda channel: round(255 + (channel - 255) * strength)  # noqa: E731
    return QColor(mix(target.red()), mix(target.green()), mix(target.blue()))


def font(point_size: float = 9.0, bold: bool = False, italic: bool = False) -> QFont:
    f = QFont()
    f.setPointSizeF(point_size)
    f.setBold(bold)
    f.setItalic(italic)
    return f


def style_plot(plot_item: pg.PlotItem, *, show_grid: bool = True) -> None:
    """Dark axes and readable tick labels on the light background."""
    for name in ("left", "bottom", "right", "top"):
        axis = plot_item.getAxis(name)
        axis.setPen(pg.mkPen(AXIS))
        axis.setTextPen(pg.mkPen(FOREGROUND))
        axis.setTickFont(font(9))
        axis.enableAutoSIPrefix(False)  # "loss (×0.001)" confuses more than it helps
        axis.label.setFont(font(10))
        # An axis (with its grid lines, it spans the whole plot) is repainted whenever a curve
        # in front of it changes; as a cached pixmap that costs a copy, not a redraw of every
        # tick and label. pyqtgraph invalidates the cache itself when the ticks change.
        axis.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
    if show_grid:
        plot_item.showGrid(x=True, y=True, alpha=GRID_ALPHA)


def fit_left_label(plot_item: pg.PlotItem, full: str, short: str) -> None:
    """The y axis titled ``full``, or ``short`` when the plot is too low for it (set only when
    it changes: pyqtgraph lays the axis out again at every setLabel)."""
    axis = plot_item.getAxis("left")
    fits = QFontMetrics(axis.label.font()).horizontalAdvance(full) + 8 \
        <= plot_item.getViewBox().height()
    text = full if fits else short
    if axis.labelText != text:
        plot_item.setLabel("left", text)


def make_plot_widget(parent=None, **kwargs) -> pg.PlotWidget:
    widget = native_paint.PlotWidget(parent=parent, background=BACKGROUND, **kwargs)
    style_plot(widget.getPlotItem())
    return widget


def format_value(value: float, digits: int = 6) -> str:
    """A number as a student reads it: a real minus sign, fixed decimals (or 1.2e+300 when
    fixed decimals would be unreadably long, as after a diverging run)."""
    text = f"{value:.{digits}f}" if abs(value) < 1e6 else f"{value:.{min(digits, 3)}g}"
    return text.replace("-", "−")
