"""Activation history: hidden and context activations of the last N timesteps, and their error.

Columns are timesteps (oldest left), labelled with the input symbol; rows are units. The error of
each step is a bar strip beneath. Clicking a column asks for that past step in the inspector.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont, QFontMetrics
from PySide6.QtWidgets import QHBoxLayout, QLabel, QSpinBox, QVBoxLayout, QWidget

from elman_core.live.snapshot import ActivationHistory, Snapshot
from elman_core.model.trace import describe_step
from elman_gui.views.style import native_paint, palette

DEFAULT_LENGTH = 100
LABEL_GAP_PX = 3  # free pixels between two input labels along the bottom
STEP_LABEL_PX = 70  # pixels per label when the axis shows step numbers instead
CLICK_HINT = "Click a column to inspect that step."
ROW_TITLES = {"hidden": ("hidden", "h"), "context": ("context", "c"), "loss": ("error", "err")}
STEPS_HINT = ("Too many steps to label each input: the numbers are timesteps. Show fewer steps, "
              "or click a column.")


def set_ticks(axis: pg.AxisItem, ticks: list) -> None:
    """Give ``axis`` these ticks unless it has them already: pyqtgraph rebuilds an axis's
    picture at every setTicks, and the history updates several times a second while its row
    names and scale mostly stay the same."""
    if axis._tickLevels != ticks:
        axis.setTicks(ticks)


class HistoryView(QWidget):
    stepClicked = Signal(int)  # global step of the clicked column
    lengthChanged = Signal(int)

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.length = QSpinBox(self)
        self.length.setRange(10, 2000)
        self.length.setValue(DEFAULT_LENGTH)
        self.length.setSuffix(" steps")
        self.length.setToolTip("How many recent timesteps to keep")
        self.length.valueChanged.connect(self.lengthChanged)
        self.info = QLabel(CLICK_HINT, self)
        row = QHBoxLayout()
        row.addWidget(QLabel("Last", self))
        row.addWidget(self.length)
        row.addWidget(self.info, 1)
        self.graphics = native_paint.GraphicsLayoutWidget(self)
        self.graphics.setBackground("w")
        self.graphics.setMinimumHeight(130)  # the window may be only 640 px high
        self.plots, self.images = {}, {}
        for index, name in enumerate(("hidden", "context")):
            plot = self.graphics.addPlot(row=index, col=0)
            plot.setLabel("left", name)
            plot.getAxis("left").enableAutoSIPrefix(False)  # no "(x0.001)" on an empty range
            plot.hideAxis("bottom")
            image = pg.ImageItem(axisOrder="col-major")
            plot.addItem(image)
            plot.getViewBox().invertY(True)
            self.plots[name], self.images[name] = plot, image
        loss = self.graphics.addPlot(row=2, col=0)
        loss.setLabel("left", "error")
        loss.getAxis("left").enableAutoSIPrefix(False)
        self.bars = pg.BarGraphItem(x=[], height=[], width=0.8, brush=palette.NEGATIVE)
        loss.addItem(self.bars)
        self.plots["loss"] = loss
        loss.getViewBox().sigResized.connect(self._update_ticks)  # how many labels fit
        self.graphics.ci.layout.setRowStretchFactor(0, 3)
        self.graphics.ci.layout.setRowStretchFactor(1, 3)
        self.graphics.ci.layout.setRowStretchFactor(2, 2)
        for plot in self.plots.values():
            plot.setMouseEnabled(False, False)
            plot.hideButtons()
            plot.getAxis("left").setWidth(58)  # room for "0.010" beside the axis label
            if plot is not loss:
                plot.setXLink(loss)
        # The clicked column, outlined in every row while it is in view.
        self.selected_step: int | None = None
        self.marks = {}
        for name, plot in self.plots.items():
            mark = pg.LinearRegionItem(movable=False, brush=pg.mkBrush(255, 200, 0, 70),
                                       pen=pg.mkPen("#d68910", width=1.5))
            mark.setZValue(10)
            mark.hide()
            plot.addItem(mark, ignoreBounds=True)
            self.marks[name] = mark
        self.graphics.scene().sigMouseClicked.connect(self._on_clicked)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(2, 2, 2, 2)
        layout.addLayout(row)
        layout.addWidget(self.graphics, 1)
        self.history: ActivationHistory | None = None
        self._generation: int | None = None
        self.steps_per_epoch = 1

    def show_snapshot(self, snapshot: Snapshot) -> None:
        history = snapshot.history
        if snapshot.generation != self._generation:
            self.selected_step = None  # a new run: the clicked step is gone
        picked = snapshot.inspected
        if picked is not None and picked.global_step != snapshot.global_step - 1 \
                and picked.global_step != self.selected_step:
            # A past step picked anywhere (the tape, the inspector): outlined here too.
            self.selected_step = picked.global_step
            self._mark_selected()
        if history is self.history and snapshot.generation == self._generation:
            return
        self._generation = snapshot.generation
        self.history = history
        self.steps_per_epoch = snapshot.steps_per_epoch
        if history is None or len(history) == 0:
            for image in self.images.values():
                image.clear()
            self.bars.setOpts(x=[], height=[])
            set_ticks(self.plots["loss"].getAxis("bottom"), [[]])
            for plot in self.plots.values():
                plot.setRange(xRange=(0, 1), yRange=(0, 1), padding=0)
            for plot in self.plots.values():  # no numbers and no unit names without steps
                set_ticks(plot.getAxis("left"), [[]])
            self.info.setText("Press Step or Play: the most recent steps appear here.")
            return
        self.info.setText(CLICK_HINT)
        diverging = bool(np.nanmin(history.hidden) < 0) if history.hidden.size else False
        colormap = palette.diverging_map() if diverging else palette.sequential_map()
        levels = (-1.0, 1.0) if diverging else (0.0, 1.0)
        for name in ("hidden", "context"):
            image = self.images[name]
            image.setColorMap(colormap)
            values = getattr(history, name)
            if values.size:  # a Jordan context (μ·context + output) may leave the units' range
                levels = (min(levels[0], float(np.nanmin(values))),
                          max(levels[1], float(np.nanmax(values))))
            image.setImage(values, levels=levels, autoLevels=False)
        n = len(history)
        loss = np.nan_to_num(history.loss, nan=0.0)
        self.bars.setOpts(x=np.arange(n) + 0.5, height=loss, width=0.8)
        self._update_ticks()
        # Always room for the steps asked for: a short history (just after a reset) fills the
        # right end at the usual column width, never one column stretched across the view.
        span = self._span()
        self.plots["loss"].setXRange(n - span, n, padding=0)
        top = float(loss.max()) if n else 1.0
        self.plots["loss"].setYRange(0, top if top > 0 else 1.0, padding=0.05)
        # Two numbers on a row this low: 0 and the largest error (more would overlap).
        set_ticks(self.plots["loss"].getAxis("left"),
                  [[(0.0, "0"), (top, f"{top:.2g}")]] if top > 0 else [[(0.0, "0")]])
        # As many context rows as context units: hidden units (Elman) or outputs (Jordan).
        units = {name: getattr(history, name).shape[1] for name in ("hidden", "context")}
        for name in ("hidden", "context"):
            self.plots[name].setYRange(0, units[name], padding=0)
        self._label_rows(units)
        self._mark_selected()

    def _label_rows(self, units: dict[str, int]) -> None:
        """h1, h2… and c1, c2… beside the rows, as many as fit (every k-th when rows are low);
        ``units``: the rows of each plot."""
        for name, prefix in (("hidden", "h"), ("context", "c")):
            axis = self.plots[name].getAxis("left")
            n = units[name]
            row_px = self.plots[name].getViewBox().height() / max(n, 1)
            line = QFontMetrics(axis.style["tickFont"] or QFont()).height()
            every = max(1, int(np.ceil(line / max(row_px, 1e-9))))
            # A name whose row is less than half a line above the plot's bottom would stick
            # out into the names of the plot below (h148 over c1): left out.
            half = line / 2 / max(row_px, 1e-9)
            rows = [i for i in range(0, n, every) if i == 0 or i + 0.5 <= n - half]
            set_ticks(axis, [[(i + 0.5, f"{prefix}{i + 1}") for i in rows]])

    def row_labels(self, name: str) -> list[str]:
        """The unit names beside a row plot as shown now (tests)."""
        levels = self.plots[name].getAxis("left")._tickLevels
        return [label for _, label in levels[0]] if levels else []

    def _mark_selected(self) -> None:
        history, step = self.history, self.selected_step
        where: list[int] | np.ndarray = [] if history is None or step is None \
            else np.flatnonzero(history.steps == step)
        for mark in self.marks.values():
            if len(where):
                mark.setRegion((float(where[0]), float(where[0]) + 1.0))
            mark.setVisible(bool(len(where)))

    def marked_column(self) -> int | None:
        """The column outlined as clicked, if it is in view (tests)."""
        mark = self.marks["hidden"]
        return round(mark.getRegion()[0]) if mark.isVisible() else None

    def _fit_row_titles(self) -> None:
        """Each row's title whole, or shortened (h, c, err) when the row is too low for it."""
        for name, plot in self.plots.items():
            palette.fit_left_label(plot, *ROW_TITLES[name])

    def _update_ticks(self, *_) -> None:
        """Label every column with its input symbol if they all fit; otherwise label sparse
        columns with their step number. (Every k-th symbol would mislead: in 0 1 0 1 … every
        other label reads 0 0 0 0.)"""
        self._fit_row_titles()
        history, axis = self.history, self.plots["loss"].getAxis("bottom")
        if history is not None and len(history):
            self._label_rows({name: getattr(history, name).shape[1]
                              for name in ("hidden", "context")})
        if history is None or len(history) == 0:
            set_ticks(axis, [[]])
            return
        n = len(history)
        column_px = self.plots["loss"].getViewBox().width() / self._span()
        font = QFont()
        widest = max(QFontMetrics(font).horizontalAdvance(symbol) for symbol in history.symbols)
        if widest + LABEL_GAP_PX > column_px and all(len(s) <= 1 for s in history.symbols):
            # Single characters (the text task's) still read in a smaller font, side by side
            # (a character's advance already holds its spacing).
            font.setPointSizeF(max(font.pointSizeF() - 2, 6.0))
            widest = max(QFontMetrics(font).horizontalAdvance(s) for s in history.symbols)
            widest -= LABEL_GAP_PX
        if axis.style["tickFont"] != font:  # setStyle redraws the axis
            axis.setStyle(tickFont=font)
        if widest + LABEL_GAP_PX <= column_px:
            ticks = [(i + 0.5, symbol) for i, symbol in enumerate(history.symbols)]
            hint = CLICK_HINT
        else:
            every = max(1, int(np.ceil(STEP_LABEL_PX / max(column_px, 1e-9))))
            # Steps counted from 1, as in the status bar (the step just done is step 1 of a run).
            ticks = [(i + 0.5, f"{int(history.steps[i]) + 1:,}") for i in range(0, n, every)]
            hint = STEPS_HINT
        set_ticks(axis, [ticks])
        if not self.info.text().startswith("Inspecting"):
            self.info.setText(hint)

    def axis_labels(self) -> list[str]:
        """The labels under the columns as shown now (tests)."""
        levels = self.plots["loss"].getAxis("bottom")._tickLevels
        return [label for _, label in levels[0]] if levels else []

    def column_labels(self) -> tuple[str, ...]:
        return () if self.history is None else self.history.symbols

    def _span(self) -> int:
        """Columns of room in the view: the steps asked for, or more if more are shown."""
        return max(len(self.history) if self.history is not None else 0, self.length.value())

    def shown_x_range(self) -> tuple[float, float]:
        """The x range of the rows (tests)."""
        low, high = self.plots["loss"].getViewBox().viewRange()[0]
        return float(low), float(high)

    def click_column(self, column: int) -> None:
        """Ask for the step of ``column`` (0 = oldest shown)."""
        if self.history is not None and 0 <= column < len(self.history):
            step = int(self.history.steps[column])
            self.selected_step = step
            self._mark_selected()
            place = describe_step(step + 1, self.steps_per_epoch)
            self.info.setText(f"Inspecting {place} (input {self.history.symbols[column]!r})")
            self.stepClicked.emit(step)

    def _on_clicked(self, event) -> None:
        if event.button() != Qt.MouseButton.LeftButton or self.history is None:
            return
        for plot in self.plots.values():
            if plot.sceneBoundingRect().contains(event.scenePos()):
                x = plot.getViewBox().mapSceneToView(event.scenePos()).x()
                self.click_column(int(np.floor(x)))
                return
