"""The learning curve: mean loss per epoch, the running per-step loss, and an earlier run."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QCheckBox, QGraphicsItem, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from elman_core.live.snapshot import Snapshot
from elman_gui.views.plots.steady_range import SteadyViewBox, steady_range
from elman_gui.views.style import palette

MARKER_LIMIT = 60  # draw a marker on every epoch point while there are at most this many


class LossPlotView(QWidget):
    """Loss against (fractional) epochs, with a log-scale toggle.

    Curves are created once and updated with ``setData`` only when the data grew, so calling
    :meth:`show_snapshot` at screen rate is cheap; peak downsampling and clipping to the visible
    range keep 100k-point curves fast.
    """

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        box = SteadyViewBox()
        box.x_reach = 1.0  # the end of the first epoch: "1" is on the axis from the start
        box.setRange(xRange=steady_range(0.0, box.x_reach), padding=0.0, disableAutoRange=False)
        self._plot = palette.make_plot_widget(self, viewBox=box,
                                              axisItems={"left": _LossAxis("left"),
                                                         "bottom": _EpochAxis("bottom")})
        item = self._plot.getPlotItem()
        item.setDownsampling(auto=True, mode="peak")
        item.setClipToView(True)
        item.setMenuEnabled(False)
        item.setLabel("bottom", "epoch")
        self._legend = item.addLegend(offset=(-10, 10), labelTextColor=palette.FOREGROUND,
                                      brush=pg.mkBrush(255, 255, 255, 210),
                                      pen=pg.mkPen(palette.AXIS))
        self._running = item.plot([], [], pen=pg.mkPen(palette.RUNNING_LOSS, width=1),
                                  name="loss per step")
        self._epochs = item.plot([], [], pen=pg.mkPen(palette.LOSS_CURVE, width=2.2),
                                 symbolBrush=palette.LOSS_CURVE, symbolPen=None, symbolSize=6,
                                 name="mean per epoch")
        # Stroking a thick line through thousands of epoch means costs Qt about 4 ms a frame;
        # one point per pixel, each the mean of the epochs it covers, looks the same at half
        # the cost (pyqtgraph's default keeps 5 a pixel, and the peak mode two of them).
        self._epochs.setDownsampling(auto=True, method="mean")
        self._epochs.opts["autoDownsampleFactor"] = 1.0
        self._previous = pg.PlotDataItem([], [], pen=pg.mkPen(
            palette.PREVIOUS_RUN, width=1.6, style=Qt.PenStyle.DashLine))
        self._previous.setZValue(-1)
        self._previous_label: str | None = None
        # Network B of the side-by-side mode: its own colour, in the legend while it is shown.
        self._partner_running = pg.PlotDataItem([], [], pen=pg.mkPen(palette.PARTNER_RUNNING,
                                                                     width=1))
        self._partner = pg.PlotDataItem([], [], pen=pg.mkPen(palette.PARTNER_CURVE, width=2.2),
                                        symbolBrush=palette.PARTNER_CURVE, symbolPen=None,
                                        symbolSize=6)
        self._partner_label: str | None = None
        self._partner_key: tuple | None = None
        for curve in (self._running, self._epochs):
            curve.setZValue(1)
        # The epoch means and their markers change once an epoch, the running loss beside them
        # every frame: cached as pixels, they are not drawn again with every frame (the
        # markers' ScatterPlotItem took 0.25 ms a paint, A's and B's).
        for curve in (self._epochs, self._partner):
            for part in (curve.curve, curve.scatter):
                part.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)

        self.log_scale_box = QCheckBox("log scale", self)
        self.log_scale_box.setToolTip("Show the loss on a logarithmic axis: late, small "
                                      "improvements become visible")
        self.log_scale_box.toggled.connect(self.set_log_scale)
        self._latest = QLabel("", self)
        self._latest.setFont(palette.font(9))
        self._latest.setWordWrap(True)  # a narrow window: two lines, never a wider window
        title = QLabel("<b>Loss</b>", self)
        toolbar = QHBoxLayout()
        toolbar.setContentsMargins(8, 4, 8, 0)
        toolbar.addWidget(title)
        toolbar.addSpacing(12)
        toolbar.addWidget(self._latest, 1)
        toolbar.addWidget(self.log_scale_box)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addLayout(toolbar)
        layout.addWidget(self._plot, 1)

        self._stage_lines: list[pg.InfiniteLine] = []  # a staged task's stage starts
        self._stage_marks: tuple = ()
        self._loss_name = "mean squared error"
        self._data_key: tuple | None = None
        self._plot.getPlotItem().getViewBox().sigResized.connect(self._fit_y_label)
        self._plot.getPlotItem().getViewBox().sigResized.connect(self._clear_the_legend)
        self.set_loss_name(self._loss_name)
        self.clear()

    # ------------------------------------------------------------------ public API
    def show_snapshot(self, snapshot: Snapshot) -> None:
        """Redraw the curves if the snapshot has new points (a no-op otherwise)."""
        if snapshot.stage_marks != self._stage_marks:
            self._mark_stages(snapshot.stage_marks)
        epoch_x, epoch_losses = snapshot.epoch_curve()
        running_x = np.asarray(snapshot.running_loss_x, dtype=np.float64)
        running_y = np.asarray(snapshot.running_loss_y, dtype=np.float64)
        # A long run's epoch curve keeps its length while its last point moves: its x too.
        epoch_key = (len(epoch_losses), float(epoch_x[-1]) if len(epoch_x) else None)
        key = (snapshot.generation, epoch_key, len(running_x),
               float(running_y[-1]) if len(running_y) else None)
        self._show_partner(snapshot.partner, snapshot.partner_label)
        if key == self._data_key:
            return
        previous, self._data_key = self._data_key, key
        n = len(epoch_losses)
        # The epoch curve grows once an epoch, the running loss every frame: resetting an
        # unchanged curve (its markers rebuilt) was the plot's largest cost per frame.
        if previous is None or previous[:2] != key[:2]:
            self._epochs.setData(epoch_x, epoch_losses,
                                 symbol="o" if n <= MARKER_LIMIT else None)
        self._running.setData(running_x, running_y)
        latest = snapshot.latest_epoch_loss()
        if n and latest is not None:  # the latest epoch's own loss, also in a long run
            # A loaded network's file may not know its earlier epochs' losses (NaN).
            shown = palette.format_value(latest, 5) if np.isfinite(latest) else "not in the file"
            self._latest.setText(f"epoch {snapshot.epoch:,}: {shown}")
        else:
            self._latest.setText("no complete epoch yet")

    def _show_partner(self, partner: Snapshot | None, label: str) -> None:
        """Network B's curves beside A's, or none; the legend says which is which."""
        item = self._plot.getPlotItem()
        name = f"B: {label}" if partner is not None else None
        if name != self._partner_label:
            if self._partner_label is not None:
                self._legend.removeItem(self._partner)
                item.removeItem(self._partner)
                item.removeItem(self._partner_running)
            for curve in (self._partner, self._partner_running):
                # Empty before it is added again: pyqtgraph asks a curve with data for its
                # view's range while the curve is in the scene but not yet in the view.
                curve.setData([], [])
            self._partner_key = None
            if name is not None:
                item.addItem(self._partner_running)
                item.addItem(self._partner)
                self._legend.addItem(self._partner, name)
            self._legend.getLabel(self._epochs).setText(
                "mean per epoch" if name is None else "A: mean per epoch")
            self._partner_label = name
            self._clear_the_legend()
        if partner is None:
            return
        x, y = partner.epoch_curve()
        key = (partner.generation, len(y), float(x[-1]) if len(x) else None,
               float(y[-1]) if len(y) else None)
        if key != self._partner_key:  # the epoch curve grows once an epoch
            self._partner_key = key
            self._partner.setData(x, y, symbol="o" if len(y) <= MARKER_LIMIT else None)
        self._partner_running.setData(partner.running_loss_x, partner.running_loss_y)

    def partner_curve_data(self) -> tuple[np.ndarray, np.ndarray]:
        """Network B's epoch curve as drawn (tests)."""
        x, y = self._partner.getOriginalDataset()
        return _or_empty(x), _or_empty(y)

    def partner_label(self) -> str | None:
        return self._partner_label

    def _mark_stages(self, marks: tuple[tuple[float, str], ...]) -> None:
        """A dashed vertical line, labelled, where each stage of a curriculum starts."""
        item = self._plot.getPlotItem()
        for line in self._stage_lines:
            item.removeItem(line)
        self._stage_marks = marks
        pen = pg.mkPen(palette.MUTED, width=1, style=Qt.PenStyle.DashLine)
        self._stage_lines = [
            pg.InfiniteLine(pos=x, angle=90, pen=pen, label=label,
                            labelOpts={"position": 0.04, "color": palette.MUTED,
                                       "rotateAxis": (1, 0), "anchors": [(0, 1), (0, 1)]})
            for x, label in marks]
        for line in self._stage_lines:
            item.addItem(line, ignoreBounds=True)

    def stage_labels(self) -> list[tuple[float, str]]:
        """The stage lines drawn: (x, label) (tests)."""
        return [(line.value(), line.label.format) for line in self._stage_lines]

    def latest_text(self) -> str:
        """"epoch 12: 0.0123" above the plot (tests)."""
        return self._latest.text()

    def clear(self) -> None:
        """Empty curves (the previous-run curve stays: it belongs to another run)."""
        self._data_key = None
        self._epochs.setData([], [])
        self._running.setData([], [])
        self._latest.setText("")

    def set_loss_name(self, name: str) -> None:
        """What the loss is called on the y axis, e.g. "mean squared error", "cross-entropy".

        A plot too low for the whole title says just "loss" (the tooltip has the name).
        """
        self._loss_name = name
        self._fit_y_label()

    def _fit_y_label(self, *_) -> None:
        item = self._plot.getPlotItem()
        full = f"loss ({self._loss_name})"
        palette.fit_left_label(item, full, "loss")
        item.getAxis("left").setToolTip(full)

    def _clear_the_legend(self, *_) -> None:
        """The legend sits in the top right: in one row when that fits, and the y range keeps
        its height free above the curves, so that it never hides them."""
        view, legend = self._plot.getPlotItem().getViewBox(), self._legend
        legend.setColumnCount(2)
        legend.updateSize()
        if legend.width() + 20 > view.width():
            legend.setColumnCount(1)
            legend.updateSize()
        reserve = min(0.45, (legend.height() + 14) / max(view.height(), 1.0))
        if abs(reserve - view.top_reserve) > 0.01:
            view.top_reserve = reserve
            view.updateAutoRange()

    def legend_rect(self):
        """The legend's rectangle in scene coordinates (tests)."""
        return self._legend.sceneBoundingRect()

    def set_log_scale(self, on: bool) -> None:
        on = bool(on)
        if self.log_scale_box.isChecked() != on:
            self.log_scale_box.setChecked(on)  # re-enters through toggled
            return
        self._plot.getPlotItem().setLogMode(x=False, y=on)
        self._plot.getPlotItem().enableAutoRange()

    def is_log_scale(self) -> bool:
        return bool(self._plot.getPlotItem().getAxis("left").logMode)

    def set_previous_run(self, x, y, label: str = "previous run") -> None:
        """A faint dashed curve of an earlier run, to compare experiments (with a legend entry)."""
        if self._previous_label is not None:
            self._legend.removeItem(self._previous)
        else:
            self._plot.getPlotItem().addItem(self._previous)
        self._previous.setData(np.asarray(x, dtype=np.float64), np.asarray(y, dtype=np.float64))
        self._previous_label = label
        self._legend.addItem(self._previous, label)
        self._clear_the_legend()

    def clear_previous_run(self) -> None:
        if self._previous_label is None:
            return
        self._legend.removeItem(self._previous)
        self._plot.getPlotItem().removeItem(self._previous)
        self._previous.setData([], [])
        self._previous_label = None
        self._clear_the_legend()

    # Read-only accessors (tests).
    def epoch_curve_data(self) -> tuple[np.ndarray, np.ndarray]:
        x, y = self._epochs.getOriginalDataset()
        return _or_empty(x), _or_empty(y)

    def running_curve_data(self) -> tuple[np.ndarray, np.ndarray]:
        x, y = self._running.getOriginalDataset()
        return _or_empty(x), _or_empty(y)

    def previous_run_label(self) -> str | None:
        return self._previous_label

    def y_label(self) -> str:
        return self._plot.getPlotItem().getAxis("left").labelText


class _LossAxis(pg.AxisItem):
    """In log mode label only 1, 2 and 5 × 10ⁿ: "0.09 0.08 0.07 …" crowd the axis."""

    def logTickStrings(self, values, scale, spacing):  # noqa: N802 (pyqtgraph name)
        strings = super().logTickStrings(values, scale, spacing)
        kept = []
        for value, text in zip(values, strings, strict=True):
            mantissa = 10 ** (value - np.floor(value + 1e-9))
            kept.append(text if min(abs(mantissa - m) for m in (1, 2, 5)) < 1e-6 else "")
        return kept


class _EpochAxis(pg.AxisItem):
    """Ticks at whole epochs only. The curves are drawn at fractional epochs, but an empty plot
    or a first epoch spans 0 … 1, where pyqtgraph would label 0.1, 0.2, …, 0.9."""

    def tickSpacing(self, minVal, maxVal, size):  # noqa: N802 (pyqtgraph name)
        levels = [(float(round(spacing)), offset)
                  for spacing, offset in super().tickSpacing(minVal, maxVal, size)
                  if spacing >= 1 - 1e-9]
        return levels or [(1.0, 0.0)]


def _or_empty(values) -> np.ndarray:
    return np.empty(0) if values is None else np.asarray(values)
