"""The hidden space: the recent hidden states on their first two principal components.

The trainer thread projects the activation history's hidden states (a PCA, oriented like the
previous one so the picture does not flip) and the snapshot carries it as
:class:`~elman_core.analysis.figure_records.HiddenSpace`. Points are coloured by the input symbol
(by
word class for the sentences); the last steps are joined as a trajectory ending in a ringed
point, the step just taken. Three items, made once and updated with ``setData``.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from elman_core.analysis import colour_schemes
from elman_core.analysis.figure_records import HiddenSpace
from elman_core.live.snapshot import Snapshot
from elman_gui.views.figures import figure_parts
from elman_gui.views.plots.steady_range import steady_range
from elman_gui.views.style import category_colors, palette

TRAJECTORY_STEPS = 20
LEGEND_LIMIT = 24  # more groups than this (a long text's characters): no legend


class HiddenSpaceView(QWidget):
    """Draws ``snapshot.hidden_space``."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.title = QLabel(self)
        self.title.setTextFormat(Qt.TextFormat.RichText)
        self.title.setWordWrap(True)
        self.legend = QLabel(self)
        self.legend.setTextFormat(Qt.TextFormat.RichText)
        self.legend.setWordWrap(True)
        # Coarse classes (noun / verb, animate / inanimate): two or three colours a class can
        # tell apart on a projector, instead of thirteen similar ones.
        self.colour_box = QComboBox(self)
        self.colour_box.setToolTip("What the colours show: each input (or word class), or a "
                                   "coarse class that asks the paper's question.")
        self.colour_box.currentTextChanged.connect(lambda _: self._recolour())
        self.colour_label = QLabel("Colour by", self)
        self.colour_label.setBuddy(self.colour_box)
        colour_row = QHBoxLayout()
        colour_row.setContentsMargins(8, 0, 8, 0)
        colour_row.addWidget(self.colour_label)
        colour_row.addWidget(self.colour_box)
        colour_row.addWidget(self.legend, 1)
        self._plot, item, self._view = figure_parts.still_plot(self, grid_x=True)
        self._trajectory = pg.PlotDataItem(pen=pg.mkPen(palette.faded(palette.FOREGROUND, 0.55),
                                                      width=1))
        self._points = pg.ScatterPlotItem(size=8, pen=pg.mkPen(255, 255, 255, 160))
        self._latest = pg.ScatterPlotItem(size=16, brush=pg.mkBrush(None),
                                          pen=pg.mkPen(palette.FOREGROUND, width=2))
        for part in (self._points, self._trajectory, self._latest):
            item.addItem(part)
        self._message = figure_parts.message(item)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        self.title.setContentsMargins(8, 4, 8, 0)
        layout.addWidget(self.title)
        layout.addLayout(colour_row)
        layout.addWidget(self._plot, 1)
        self._space: HiddenSpace | None = None
        self._groups: tuple[str, ...] | None = None
        self._brushes: list = []
        self._show(None)

    # ------------------------------------------------------------------ public API
    def show_snapshot(self, snapshot: Snapshot) -> None:
        if snapshot.hidden_space is not self._space:
            self._show(snapshot.hidden_space)

    # Read-only accessors (tests).
    def drawn_points(self) -> np.ndarray:
        x, y = self._points.getData()
        return np.column_stack([x, y]) if len(x) else np.empty((0, 2))

    def trajectory(self) -> np.ndarray:
        x, y = self._trajectory.getData()
        return np.column_stack([x, y]) if x is not None and len(x) else np.empty((0, 2))

    def point_colors(self) -> list[str]:
        return [point.brush().color().name() for point in self._points.points()]

    # -------------------------------------------------------------------- internals
    def _show(self, space: HiddenSpace | None) -> None:
        self._space = space
        item = self._plot.getPlotItem()
        if space is None:
            self.title.setText("<b>Hidden space</b>: the recent hidden states appear here as "
                               "the network trains.")
            for part in (self._points, self._latest):
                part.setData([], [])
            self._trajectory.setData([], [])
            self._message.setText("no hidden states yet")
            self._message.setPos(0.5, 0.5)
            self._view.setRange(xRange=(0, 1), yRange=(0, 1), padding=0)
            self.legend.setText("")
            self.colour_box.hide()
            self.colour_label.hide()
            return
        self._message.setText("")
        self._offer_schemes(space)
        scheme = self.colour_scheme()
        groups, group_of = colour_schemes.regroup(space, scheme)
        n = len(space.coordinates)
        self.title.setText(
            f"<b>Hidden space</b>: the last {n:,} hidden states ({space.n_hidden} units) on "
            f"their first two principal components, coloured by {scheme}; the line "
            f"joins the last {min(n, TRAJECTORY_STEPS)} steps, the ring is the latest. (How many "
            "steps: the Activation history's length.)")
        if groups != self._groups:
            self._groups = groups
            self._brushes = [pg.mkBrush(category_colors.color(k)) for k in range(len(groups))]
            self.legend.setText(_legend_html(groups))
        none = pg.mkBrush(category_colors.NONE)
        brushes = [self._brushes[g] if g >= 0 else none for g in group_of]
        x, y = space.coordinates[:, 0], space.coordinates[:, 1]
        self._points.setData(x=x, y=y, brush=brushes)
        tail = slice(max(0, n - TRAJECTORY_STEPS), n)
        self._trajectory.setData(x[tail], y[tail])
        self._latest.setData(x[-1:], y[-1:])
        explained = space.explained
        item.setLabel("bottom", f"PC 1 ({100 * explained[0]:.0f} % of the variance)")
        item.setLabel("left", f"PC 2 ({100 * explained[1]:.0f} %)")
        (x0, x1), (y0, y1) = self._view.viewRange()
        xr = steady_range(float(x.min()), float(x.max()), (x0, x1))
        yr = steady_range(float(y.min()), float(y.max()), (y0, y1))
        if (xr, yr) != ((x0, x1), (y0, y1)):
            self._view.setRange(xRange=xr, yRange=yr, padding=0)


    def colour_scheme(self) -> str:
        """What the colours show now ("word class", "noun / verb"…)."""
        return self.colour_box.currentText() or (self._space.colour_by if self._space else "")

    def set_colour_scheme(self, scheme: str) -> None:
        """Colour by ``scheme`` (one of the schemes the box offers)."""
        self.colour_box.setCurrentText(scheme)

    def _offer_schemes(self, space: HiddenSpace) -> None:
        offered = colour_schemes.schemes(space)
        if offered != tuple(self.colour_box.itemText(k) for k in range(self.colour_box.count())):
            chosen = self.colour_box.currentText()
            self.colour_box.blockSignals(True)
            self.colour_box.clear()
            self.colour_box.addItems(offered)
            self.colour_box.setCurrentText(chosen if chosen in offered else offered[0])
            self.colour_box.blockSignals(False)
        for widget in (self.colour_box, self.colour_label):
            widget.setVisible(len(offered) > 1)

    def _recolour(self) -> None:
        if self._space is not None:
            self._show(self._space)


def _legend_html(groups: tuple[str, ...]) -> str:
    if len(groups) > LEGEND_LIMIT:
        return ""
    return " &nbsp; ".join(
        f"<nobr><span style='color:{category_colors.color(k).name()}'>\u25cf</span>&nbsp;"
        f"{name.replace('-', chr(0x2011))}</nobr>"  # a non-breaking hyphen
        for k, name in enumerate(groups))
