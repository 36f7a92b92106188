"""Figs. 7 and 8: the words' mean hidden vectors clustered, drawn as a dendrogram.

The trainer thread computes the clustering on demand (the button) and when a words or sentences
run finishes, and the snapshot carries it as
:class:`~elman_core.analysis.figure_records.WordClusters`.
The tree is drawn sideways like the paper's Fig. 7: the root on the left, one leaf per row on the
right with its word, coloured by its class; the novel word "zog" (Fig. 8) in black and bold.
All of scipy's ⊓ segments are one item; leaf labels are reused while the leaf count stays.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from elman_core.analysis.figure_records import DendrogramDrawing, WordClusters
from elman_core.live.snapshot import Snapshot
from elman_gui.views.diagram.segments_item import SegmentsItem
from elman_gui.views.figures import figure_parts
from elman_gui.views.style import category_colors, palette

LEAF_SPACING = 10.0  # scipy puts leaf k at 10·k + 5
_CHAR_PX = 8  # rough width of a label character at the labels' font
MIN_LEAF_PX = 15  # the tree is never squeezed below this many pixels per leaf (it scrolls)


class DendrogramView(QWidget):
    """Draws ``snapshot.word_clusters``; asks for a new clustering with ``clusterRequested``."""

    clusterRequested = Signal()

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.title = QLabel("<b>Figs. 7 and 8</b>: the words' mean hidden vectors, "
                            "clustered", self)
        self.title.setWordWrap(True)
        self.cluster_button = QPushButton("Cluster the hidden states", self)
        self.cluster_button.setToolTip(
            "Freeze the weights, run the training sentences once more, average the hidden "
            "vector of every word and cluster them (a second or two).")
        self.cluster_button.clicked.connect(self.clusterRequested)
        self.novel_box = QCheckBox("Show \u201czog\u201d (Fig. 8)", self)
        self.novel_box.setChecked(True)
        self.novel_box.setToolTip("A new word put where \u201cman\u201d was, in new sentences, "
                                  "without learning: where does its hidden vector land?")
        self.novel_box.toggled.connect(lambda _: self._draw(force=True))
        self.status = QLabel(self)
        self.status.setWordWrap(True)
        self.status.setStyleSheet(f"color: {palette.MUTED}")
        self.summary = QLabel(self)
        self.summary.setWordWrap(True)
        self.legend = QLabel(self)
        self.legend.setWordWrap(True)
        self.legend.setTextFormat(Qt.TextFormat.RichText)
        buttons = QHBoxLayout()
        buttons.setContentsMargins(8, 0, 8, 0)
        buttons.addWidget(self.cluster_button)
        buttons.addWidget(self.novel_box)
        buttons.addStretch(1)

        self._plot, item, self._view = figure_parts.still_plot(self, grid_x=True, grid_y=False)
        item.hideAxis("left")
        item.setLabel("bottom", "distance at which the branches join (cosine, average linkage)")
        self._view.invertX(True)  # the root on the left, the leaves on the right
        self._view.invertY(True)  # the first leaf at the top
        self._segments = SegmentsItem([pg.mkPen(palette.FOREGROUND, width=1.5)])
        item.addItem(self._segments)
        self._dots = pg.ScatterPlotItem(size=9, pen=pg.mkPen(palette.UNIT_OUTLINE))
        item.addItem(self._dots)
        self._labels: list[pg.TextItem] = []

        # Everything scrolls as one page: on a small screen the tree keeps a readable row per
        # leaf (MIN_LEAF_PX) instead of squeezing its labels on top of each other.
        page = QWidget(self)
        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 4, 0, 0)
        layout.setSpacing(3)
        for label in (self.title, self.status):
            label.setContentsMargins(8, 0, 8, 0)
            layout.addWidget(label)
        layout.addLayout(buttons)
        for label in (self.summary, self.legend):
            label.setContentsMargins(8, 0, 8, 0)
            layout.addWidget(label)
        layout.addWidget(self._plot, 1)
        self._scroll = QScrollArea(self)
        self._scroll.setWidget(page)
        self._scroll.setWidgetResizable(True)
        self._scroll.setFrameShape(QFrame.Shape.NoFrame)
        self._scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(self._scroll)

        self._clusters: WordClusters | None = None
        self._task_name = ""
        self._drawn: DendrogramDrawing | None = None
        self._view.sigResized.connect(lambda *_: self._fit_range())
        self._show_status(None)
        self._draw(force=True)

    # ------------------------------------------------------------------ public API
    def show_snapshot(self, snapshot: Snapshot) -> None:
        self._task_name = snapshot.task_name
        clusters = snapshot.word_clusters
        if clusters is not None and clusters.task_name != snapshot.task_name:
            clusters = None
        self._show_status(snapshot)
        if clusters is not self._clusters:
            self._clusters = clusters
            self._draw()

    # Read-only accessors (tests).
    def drawing(self) -> DendrogramDrawing | None:
        """What is drawn: Fig. 8's tree (with the novel word) or Fig. 7's."""
        return self._drawn

    def leaf_labels(self) -> list[str]:
        return [label.toPlainText() for label in self._labels if label.isVisible()]

    def leaf_colors(self) -> list[str]:
        return [label.color.name() for label in self._labels if label.isVisible()]

    def segments(self) -> np.ndarray:
        return self._segments.groups()[0]

    # -------------------------------------------------------------------- internals
    def _show_status(self, snapshot: Snapshot | None) -> None:
        supported = snapshot is not None and snapshot.task_name in ("sentences", "words")
        clustering = snapshot is not None and snapshot.clustering
        self.cluster_button.setEnabled(supported and not clustering)
        clusters = snapshot.word_clusters if snapshot is not None else None
        if clustering:
            text = "Clustering the hidden states: one frozen pass over the corpus…"
        elif not supported:
            text = ("For the word tasks (Word boundaries, Lexical classes): there the words' "
                    "mean hidden vectors are clustered when a run finishes, or on demand.")
        elif clusters is None or clusters.task_name != snapshot.task_name:
            text = ("Not clustered yet: this happens when the run finishes, or press "
                    "\u201cCluster the hidden states\u201d.")
        else:
            since = snapshot.global_step - clusters.global_step
            when = (f"after epoch {clusters.epoch}" if clusters.epoch else "during epoch 1")
            text = (f"Clustered at step {clusters.global_step:,} ({when})"
                    + (f"; the network has trained {since:,} steps since." if since > 0
                       else "."))
        if text != self.status.text():
            self.status.setText(text)

    def _draw(self, force: bool = False) -> None:
        clusters = self._clusters
        drawing = None
        if clusters is not None:
            drawing = clusters.with_novel if (self.novel_box.isChecked()
                                              and clusters.with_novel is not None) \
                else clusters.words
        self.novel_box.setVisible(clusters is not None and clusters.with_novel is not None)
        if drawing is self._drawn and not force:
            return
        self._drawn = drawing
        self.summary.setText("\n".join(clusters.summary) if clusters is not None else "")
        self.summary.setVisible(clusters is not None)
        self.legend.setText(self._legend_html(clusters))
        self.legend.setVisible(bool(self.legend.text()))
        if drawing is None:
            self._segments.set_segments([np.empty((0, 4))])
            self._dots.setData([], [])
            self._set_label_count(0)
            self._plot.setMinimumHeight(0)
            self._fit_range()
            return
        x, y = np.asarray(drawing.dcoord), np.asarray(drawing.icoord)
        # Each ⊓ is three segments: up the left leg, across, down the right leg.
        pieces = [np.stack([x[:, k], y[:, k], x[:, k + 1], y[:, k + 1]], axis=1)
                  for k in range(3)]
        self._segments.set_segments([np.concatenate(pieces)])
        n = len(drawing.labels)
        leaf_y = LEAF_SPACING * np.arange(n) + LEAF_SPACING / 2
        classes = clusters.class_names
        novel = clusters.novel_word
        brushes, symbols, sizes = [], [], []
        self._set_label_count(n)
        for k, (word, word_class) in enumerate(zip(drawing.labels, drawing.classes,
                                                   strict=True)):
            is_novel = bool(novel) and word == novel
            color = (pg.mkColor(category_colors.NOVEL) if is_novel else
                     category_colors.color(classes.index(word_class) if word_class in classes
                                           else -1))
            brushes.append(pg.mkBrush(color))
            symbols.append("star" if is_novel else "o")
            sizes.append(16 if is_novel else 9)
            label = self._labels[k]
            label.setText(word)
            label.setColor(color)
            label.setFont(palette.font(10, bold=is_novel))
            label.setPos(0.0, float(leaf_y[k]))
        self._dots.setData(x=np.zeros(n), y=leaf_y, brush=brushes, symbol=symbols, size=sizes)
        self._plot.setMinimumHeight(MIN_LEAF_PX * n + 50)  # 50: the distance axis
        self._fit_range()

    def _set_label_count(self, n: int) -> None:
        item = self._plot.getPlotItem()
        while len(self._labels) < n:
            label = pg.TextItem("", anchor=(-0.15, 0.5))
            item.addItem(label, ignoreBounds=True)
            self._labels.append(label)
        for k, label in enumerate(self._labels):
            label.setVisible(k < n)

    def _fit_range(self) -> None:
        drawing = self._drawn
        if drawing is None or not len(drawing.labels):
            self._view.setRange(xRange=(0, 1), yRange=(0, 1), padding=0)
            return
        top = float(np.max(drawing.dcoord)) or 1.0
        widest = max(len(w) for w in drawing.labels) * _CHAR_PX + 30
        width = max(self._view.width(), widest + 50.0)
        room = top * widest / (width - widest)  # data units the labels need right of x = 0
        self._view.setRange(xRange=(-room, top * 1.03), padding=0)
        self._view.setRange(yRange=(0, LEAF_SPACING * len(drawing.labels)), padding=0)

    @staticmethod
    def _legend_html(clusters: WordClusters | None) -> str:
        if clusters is None or not clusters.class_names:
            return ""
        items = []
        for k, name in enumerate(clusters.class_names):
            color = category_colors.NOVEL if name == "NOVEL" else category_colors.color(k).name()
            name = name.replace("-", "\u2011")  # a non-breaking hyphen: VERB-TRAN stays whole
            items.append(f"<nobr><span style='color:{color}'>\u25a0</span>&nbsp;{name}</nobr>")
        return " &nbsp; ".join(items)
