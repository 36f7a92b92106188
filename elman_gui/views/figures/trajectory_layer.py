"""The hidden space's trajectory mode: a row to type sentences and pick two principal
components, and the layer that draws each sentence's word-by-word path (Elman 1991, Figs. 9-11).

The trainer thread traces (:meth:`elman_core.live.driver.TrainingDriver.trace_sentences`); the
snapshot carries the result as :class:`~elman_core.analysis.trajectories.TracedSentences`.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QRectF, Signal
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QPushButton, QSpinBox, QWidget

from elman_core.analysis.figure_records import TracedSentences
from elman_gui.views.figures.label_placement import place_labels
from elman_gui.views.style import category_colors, palette

MAX_PCS = 1000  # the spin boxes' bound until a network says how many components it has
MARKER_REACH_PX = 6.0  # a word label within this of its point needs no leader line

WORD_DOT_PX = 7  # a word's point on its path
START_RING_PX = 15  # the ring around a sentence's first word
LABEL_BACKDROP = pg.mkBrush(255, 255, 255, 200)

# A word label, the leader line drawn to it when it is moved off its point, the point and the
# size of its marker (px).
_Label = tuple[pg.TextItem, pg.PlotCurveItem, tuple[float, float], int]


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
    the first word ringed. Items are made per trace (a few sentences), not per frame.

    The sentences start from nearly the same state: the word labels are placed in pixels so
    that none stands on another or on a point (:func:`place_labels`), again whenever the view's
    range or size changes; a label moved away from its point gets a thin leader line."""

    def __init__(self, plot_item: pg.PlotItem) -> None:
        self._plot_item = plot_item
        self._items: list = []
        # (label, its leader line, the word's point): first words first, placed nearest.
        self._labels: list[_Label] = []
        self.shown: TracedSentences | None = None
        view_box = plot_item.getViewBox()
        view_box.sigRangeChanged.connect(self.place_labels)
        view_box.sigResized.connect(self.place_labels)

    def show(self, traced: TracedSentences | None) -> None:
        if traced is self.shown:
            return
        self.clear()
        self.shown = traced
        if traced is None:
            return
        labels: list[tuple[int, int, _Label]] = []  # (word number, order drawn, entry)
        for k, path in enumerate(traced.figure.paths):
            colour = category_colors.color(k)
            x, y = path.points[:, 0], path.points[:, 1]
            line = pg.PlotDataItem(x, y, pen=pg.mkPen(colour, width=2), symbol="o",
                                   symbolSize=WORD_DOT_PX, symbolBrush=colour, symbolPen=None)
            start = pg.ScatterPlotItem(x[:1], y[:1], size=START_RING_PX, brush=pg.mkBrush(None),
                                       pen=pg.mkPen(colour, width=2))
            self._add(line, start)
            for i, word in enumerate(path.words):
                label = pg.TextItem(f"{word}{_subscript(i + 1)}", color=colour, anchor=(0, 1),
                                    fill=LABEL_BACKDROP)  # readable over the paths
                label.setPos(float(x[i]), float(y[i]))
                leader = pg.PlotCurveItem(pen=pg.mkPen(palette.faded(colour.name(), 0.6),
                                                       width=1))
                label.setZValue(2)  # over every path, not only the ones drawn before it
                leader.setZValue(1)
                self._add(label, leader)
                marker = START_RING_PX if i == 0 else WORD_DOT_PX
                labels.append((i, len(labels),
                               (label, leader, (float(x[i]), float(y[i])), marker)))
        self._labels = [entry for _, _, entry in sorted(labels)]  # first words first
        self.place_labels()

    def place_labels(self, *_) -> None:
        """Put every word label beside its point, clear of the others (see the class)."""
        if not self._labels:
            return
        view_box = self._plot_item.getViewBox()
        pixel_w, pixel_h = view_box.viewPixelSize()
        if not (np.isfinite(pixel_w) and np.isfinite(pixel_h) and pixel_w > 0 and pixel_h > 0):
            return  # not laid out yet: placed at the first resize
        points = np.array([point for _, _, point, _ in self._labels]) / (pixel_w, pixel_h)
        sizes = np.array([(label.textItem.boundingRect().width(),
                           label.textItem.boundingRect().height())
                          for label, _, _, _ in self._labels])
        (x0, x1), (y0, y1) = view_box.viewRange()
        markers = np.array([marker for *_, marker in self._labels], dtype=np.float64)
        centres = place_labels(points, sizes, markers,
                               bounds=(x0 / pixel_w, y0 / pixel_h, x1 / pixel_w, y1 / pixel_h))
        for (label, leader, (x, y), _marker), (cx, cy), (w, h) in zip(self._labels, centres,
                                                                       sizes, strict=True):
            label.setAnchor((0.5, 0.5))
            label.setPos(cx * pixel_w, cy * pixel_h)
            # A label not touching its point: a line from the point to the label's nearest edge.
            px, py = x / pixel_w, y / pixel_h
            ex = float(np.clip(px, cx - w / 2, cx + w / 2))
            ey = float(np.clip(py, cy - h / 2, cy + h / 2))
            if np.hypot(ex - px, ey - py) > MARKER_REACH_PX:
                leader.setData([x, ex * pixel_w], [y, ey * pixel_h])
            else:
                leader.setData([], [])

    def label_rects(self) -> list[QRectF]:
        """Scene rectangles of the word labels as drawn (tests)."""
        return [label.sceneBoundingRect() for label, *_ in self._labels]

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
        self._labels = []
        self.shown = None

    def _add(self, *items) -> None:
        for item in items:
            self._plot_item.addItem(item)
            self._items.append(item)


def _subscript(number: int) -> str:
    return str(number).translate(str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉"))
