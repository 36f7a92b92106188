"""The hidden space's trajectory mode: a row to type sentences and pick two principal
components, and the layer that draws each sentence's word-by-word path (Elman 1991, Figs. 9-11).

The trainer thread traces (:meth:`elman_core.live.driver.TrainingDriver.trace_sentences`); the
snapshot carries the result as :class:`~elman_core.analysis.trajectories.TracedSentences`.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QPushButton, QSpinBox, QWidget

from elman_core.analysis.figure_records import TracedSentences
from elman_gui.views.style import category_colors

MAX_PCS = 1000  # the spin boxes' bound until a network says how many components it has


class TraceControls(QWidget):
    """Sentences to trace (";" overlays several), the two components, Trace and Live."""

    traceRequested = Signal(list, tuple)  # sentences, (pc_x, pc_y) 1-based
    liveRequested = Signal()

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.sentences = QComboBox(self)
        self.sentences.setEditable(True)
        self.sentences.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.sentences.setToolTip("Sentences to trace word by word; separate several with ';' "
                                  "to overlay them. Enter traces.")
        editor = self.sentences.lineEdit()
        assert editor is not None  # an editable combo box always has one
        editor.returnPressed.connect(self.request)
        self.pc_x, self.pc_y = QSpinBox(self), QSpinBox(self)
        for box, value in ((self.pc_x, 1), (self.pc_y, 2)):
            box.setRange(1, MAX_PCS)
            box.setValue(value)
            box.setToolTip("A principal component of the hidden states over a test corpus")
        self.trace_button = QPushButton("Trace", self)
        self.trace_button.setToolTip("Freeze the weights and trace these sentences on the two "
                                     "components (computed now from a test corpus)")
        self.trace_button.clicked.connect(self.request)
        self.live_button = QPushButton("Recent states", self)
        self.live_button.setToolTip("Back to the recent hidden states of training")
        self.live_button.clicked.connect(self.liveRequested)
        row = QHBoxLayout(self)
        row.setContentsMargins(8, 0, 8, 0)
        row.addWidget(QLabel("Trace", self))
        row.addWidget(self.sentences, 1)
        row.addWidget(QLabel("PC", self))
        row.addWidget(self.pc_x)
        row.addWidget(QLabel("×", self))
        row.addWidget(self.pc_y)
        row.addWidget(self.trace_button)
        row.addWidget(self.live_button)
        self._examples: tuple[str, ...] = ()

    def set_examples(self, examples: tuple[str, ...], n_components: int) -> None:
        """The task's example sentences (kept as typed while they do not change)."""
        for box in (self.pc_x, self.pc_y):
            box.setMaximum(max(2, n_components))
        if examples != self._examples:
            self._examples = examples
            self.sentences.clear()
            self.sentences.addItems(list(examples))

    def request(self) -> None:
        texts = [part.strip() for part in self.sentences.currentText().split(";")]
        self.traceRequested.emit([t for t in texts if t], (self.pc_x.value(), self.pc_y.value()))


class TrajectoryLayer:
    """Draws the traced paths on a plot item: a line per sentence, a labelled point per word,
    the first word ringed. Items are made per trace (a few sentences), not per frame."""

    def __init__(self, plot_item) -> None:
        self._plot_item = plot_item
        self._items: list = []
        self.shown: TracedSentences | None = None

    def show(self, traced: TracedSentences | None) -> None:
        if traced is self.shown:
            return
        self.clear()
        self.shown = traced
        if traced is None:
            return
        for k, path in enumerate(traced.figure.paths):
            colour = category_colors.color(k)
            x, y = path.points[:, 0], path.points[:, 1]
            line = pg.PlotDataItem(x, y, pen=pg.mkPen(colour, width=2), symbol="o",
                                   symbolSize=7, symbolBrush=colour, symbolPen=None)
            start = pg.ScatterPlotItem(x[:1], y[:1], size=15, brush=pg.mkBrush(None),
                                       pen=pg.mkPen(colour, width=2))
            self._add(line, start)
            for i, word in enumerate(path.words):
                label = pg.TextItem(f"{word}{_subscript(i + 1)}", color=colour, anchor=(0, 1))
                label.setPos(float(x[i]), float(y[i]))
                self._add(label)

    def bounds(self) -> tuple[np.ndarray, np.ndarray]:
        assert self.shown is not None, "bounds of a trace that is not shown"
        points = np.vstack([p.points for p in self.shown.figure.paths])
        return points.min(axis=0), points.max(axis=0)

    def labels(self) -> list[str]:
        """The word labels drawn (tests)."""
        return [item.toPlainText() for item in self._items if isinstance(item, pg.TextItem)]

    def lines(self) -> list[np.ndarray]:
        """Each drawn path's points (tests)."""
        return [np.column_stack(item.getData()) for item in self._items
                if isinstance(item, pg.PlotDataItem)]

    def clear(self) -> None:
        for item in self._items:
            self._plot_item.removeItem(item)
        self._items = []
        self.shown = None

    def _add(self, *items) -> None:
        for item in items:
            self._plot_item.addItem(item)
            self._items.append(item)


def _subscript(number: int) -> str:
    return str(number).translate(str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉"))
