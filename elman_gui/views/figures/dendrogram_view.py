"""Figs. 7, 8 and 9: the words' mean hidden vectors (or single tokens) clustered, as a dendrogram.

The trainer thread computes the clustering on demand (the button) and when a words or sentences
run finishes, and the snapshot carries it as
:class:`~elman_core.analysis.figure_records.WordClusters`: several trees, chosen in a list — Fig. 7
by the paper's method (shown first), by the project's standardised one, Fig. 9's tokens.
The tree is drawn sideways like the paper's Fig. 7: the root on the left, one leaf per row on the
right with its word, coloured by its class; the novel word "zog" (Fig. 8) in black and bold.
Where the tab is too low for a row per leaf but wide enough for a column per leaf (a laptop's
1024×640, a projector's 1024×768: 30 leaves in about 220 px of height), the tree stands upright
instead, the root on top and the words read upwards below their leaves (see :func:`choose_layout`).
All of scipy's ⊓ segments are one item; leaf labels are reused while the leaf count stays.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from elman_core.analysis.figure_records import ClusterTree, DendrogramDrawing, WordClusters
from elman_core.live.snapshot import Snapshot
from elman_gui.views.diagram.segments_item import SegmentsItem
from elman_gui.views.figures import figure_parts
from elman_gui.views.style import category_colors, palette

LEAF_SPACING = 10.0  # scipy puts leaf k at 10·k + 5
# By how the task's words are clustered (Analyses.word_clusters): the word-boundaries task is
# Fig. 6's, and its tree is the app's own look at its words, not a figure of the paper.
FIGS_7_TO_9 = "<b>Figs. 7, 8 and 9</b>: words and tokens, clustered"  # short: the list is beside it
TITLES = {
    "word-inputs": FIGS_7_TO_9,
    "word-ends": "<b>Fig. 6's words</b>: each word's hidden vector after its last letter, "
                 "clustered (not in the paper)",
}
ROOMY_PX = 420  # a view at least this tall shows the class key even with the details folded
MIN_LEAF_PX = 15  # the tree is never squeezed below this many pixels per leaf (it scrolls)
LABEL_POINTS = (10.0, 9.0, 8.0)  # the leaves' font: the largest whose line fits a leaf's room
DISTANCE_AXIS_PX = (50, 56)  # the join-distance axis: its height below / width beside the tree
SIDEWAYS, UPRIGHT = "sideways", "upright"


def choose_layout(leaves: int, width_px: float, height_px: float,
                  line_px) -> tuple[str, float]:
    """How to draw a tree of ``leaves`` leaves in an area of this size: ``(layout, points)``.

    ``line_px(points)`` is the height of a line of the leaves' font at that size. Sideways
    (the paper's look) when every leaf gets a row of the 10-point font; else upright when
    every leaf gets a column of at least an 8-point line: every word stays on screen and
    readable, where sideways the rows would scroll (they squeezed 30 leaves into about 14 on
    a 1024×640 screen) or overlap, and a smaller sideways font would be unreadable (7 px a row).
    Two columns of leaves would split the tree's top join. Else sideways, scrolling.
    """
    if leaves == 0 or (height_px - DISTANCE_AXIS_PX[0]) / leaves >= max(
            MIN_LEAF_PX, line_px(LABEL_POINTS[0])):
        return SIDEWAYS, LABEL_POINTS[0]
    column = (width_px - DISTANCE_AXIS_PX[1]) / leaves
    for points in LABEL_POINTS:
        if column >= line_px(points):
            return UPRIGHT, points
    return SIDEWAYS, LABEL_POINTS[0]


class DistanceAxis(pg.AxisItem):
    """The join-distance axis: no ticks (nor grid lines) under the leaves' words, where the
    range runs below a distance of 0 to make room for them."""

    def tickValues(self, minVal, maxVal, size):  # noqa: N802, N803 (pyqtgraph's names)
        return [(spacing, [v for v in values if v >= 0])
                for spacing, values in super().tickValues(minVal, maxVal, size)]


class DendrogramView(QWidget):
    """Draws ``snapshot.word_clusters``; asks for a new clustering with ``clusterRequested``."""

    clusterRequested = Signal()

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.title = QLabel(FIGS_7_TO_9, self)
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
        self.tree_choice = QComboBox(self)
        self.tree_choice.setToolTip(
            "Which clustering to show: Fig. 7 by the paper's method (Euclidean distance between "
            "the raw mean vectors, average linkage), by the project's (each hidden unit "
            "standardised, cosine distance, average linkage), or Fig. 9's single tokens.")
        self.tree_choice.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.tree_choice.currentIndexChanged.connect(lambda _: self._draw(force=True))
        self.status = QLabel(self)
        self.status.setWordWrap(True)
        self.status.setStyleSheet(f"color: {palette.MUTED}")
        self.summary = QLabel(self)
        self.summary.setWordWrap(True)
        self.legend = QLabel(self)
        self.legend.setWordWrap(True)
        self.legend.setTextFormat(Qt.TextFormat.RichText)
        # The caption's statistics fold away (they are long), so the tree keeps most of the tab.
        self.details_button = QToolButton(self)
        self.details_button.setText("Statistics")
        self.details_button.setCheckable(True)
        self.details_button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.details_button.setAutoRaise(True)
        self.details_button.setToolTip("Show or hide when the words were clustered and how "
                                       "well the tree's top splits follow the word classes.")
        self.details_button.toggled.connect(lambda _: self._show_details())
        buttons = QHBoxLayout()
        buttons.setContentsMargins(8, 0, 8, 0)
        buttons.addWidget(self.cluster_button)
        buttons.addWidget(self.novel_box)
        buttons.addWidget(self.details_button)
        buttons.addStretch(1)
        # The list of trees sits on the title's row: a row of its own would take the height a
        # small screen's tree needs, and beside the buttons it would make the tab too wide.
        title_row = QHBoxLayout()
        title_row.setContentsMargins(8, 0, 8, 0)
        title_row.addWidget(self.title, 1)
        title_row.addWidget(self.tree_choice)
        self.tree_choice.hide()  # until a clustering with several trees arrives

        self._plot, item, self._view = figure_parts.still_plot(self, grid_x=True, grid_y=False)
        item.setAxisItems({"left": DistanceAxis("left"), "bottom": DistanceAxis("bottom")})
        palette.style_plot(item, show_grid=False)  # the new axes; the grid: _orient
        self._layout, self._points = SIDEWAYS, LABEL_POINTS[0]
        self._axis_method = ""  # how the tree was clustered, said on the distance axis
        self._orient()
        self._segments = SegmentsItem([pg.mkPen(palette.FOREGROUND, width=1.5)])
        item.addItem(self._segments)
        self._dots = pg.ScatterPlotItem(size=9, pen=pg.mkPen(palette.UNIT_OUTLINE))
        item.addItem(self._dots)
        self._labels: list[pg.TextItem] = []

        # Only the tree scrolls: on a small screen it keeps a readable row per leaf
        # (MIN_LEAF_PX) instead of squeezing its labels on top of each other, and the caption
        # above it stays short (the statistics fold away) so the tree keeps most of the tab.
        self._scroll = QScrollArea(self)
        self._scroll.setWidget(self._plot)
        self._scroll.setWidgetResizable(True)
        self._scroll.setFrameShape(QFrame.Shape.NoFrame)
        self._scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 4, 0, 0)
        layout.setSpacing(3)
        layout.addLayout(title_row)
        layout.addLayout(buttons)
        for label in (self.status, self.summary, self.legend):
            label.setContentsMargins(8, 0, 8, 0)
            layout.addWidget(label)
        layout.addWidget(self._scroll, 1)
        self._scroll.installEventFilter(self)  # its size decides the tree's layout

        self._clusters: WordClusters | None = None
        self._task_name = ""
        self._drawn: DendrogramDrawing | None = None
        self._view.sigResized.connect(lambda *_: self._fit_range())
        self._show_status(None)
        self._draw(force=True)

    # ------------------------------------------------------------------ public API
    def show_snapshot(self, snapshot: Snapshot) -> None:
        self._task_name = snapshot.task_name
        title = TITLES.get(snapshot.word_cluster_kind, FIGS_7_TO_9)
        if self.title.text() != title:
            self.title.setText(title)
        # "zog" is Fig. 8's, of the sentences' word classes.
        self.novel_box.setVisible(snapshot.word_cluster_kind in ("word-inputs", ""))
        clusters = snapshot.word_clusters
        if clusters is not None and clusters.task_name != snapshot.task_name:
            clusters = None
        self._show_status(snapshot)
        if clusters is not self._clusters:
            self._clusters = clusters
            self._fill_choice()
            self._draw()

    # Read-only accessors (tests).
    def tree(self) -> ClusterTree | None:
        """The tree chosen in the list (None before a clustering)."""
        clusters, index = self._clusters, self.tree_choice.currentIndex()
        return clusters.trees[index] if clusters is not None and 0 <= index < len(
            clusters.trees) else None

    def choose(self, key: str) -> None:
        """Show the tree with this key ("paper", "standardised", "tokens")."""
        keys = [t.key for t in self._clusters.trees] if self._clusters is not None else []
        self.tree_choice.setCurrentIndex(keys.index(key))

    def drawing(self) -> DendrogramDrawing | None:
        """What is drawn: Fig. 8's tree (with the novel word) or Fig. 7's."""
        return self._drawn

    def leaf_labels(self) -> list[str]:
        return [label.toPlainText() for label in self._labels if label.isVisible()]

    def leaf_colors(self) -> list[str]:
        return [label.color.name() for label in self._labels if label.isVisible()]

    def segments(self) -> np.ndarray:
        return self._segments.groups()[0]

    def tree_viewport(self):
        """The scroll area the tree is drawn in (tests: how much of the tab it gets)."""
        return self._scroll

    def tree_layout(self) -> tuple[str, float]:
        """``(SIDEWAYS or UPRIGHT, the leaves' font size in points)``."""
        return self._layout, self._points

    def leaf_rects(self) -> list:
        """Each shown leaf label's box in the scroll area's viewport (what is on screen)."""
        viewport = self._scroll.viewport()
        rects = []
        for label in self._labels:
            if label.isVisible():
                scene = label.mapRectToScene(label.boundingRect())
                box = self._plot.mapFromScene(scene).boundingRect()
                rects.append(box.translated(self._plot.mapTo(viewport, box.topLeft())
                                            - box.topLeft()))
        return rects

    # -------------------------------------------------------------------- internals
    def _show_status(self, snapshot: Snapshot | None) -> None:
        supported = snapshot is not None and snapshot.has_words
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
        self._show_details()

    def _show_details(self) -> None:
        """The status is a hint until a tree is drawn; then it and the statistics fold away."""
        clustered = self._clusters is not None
        self.details_button.setVisible(clustered)
        self.details_button.setArrowType(Qt.ArrowType.DownArrow if self.details_button.isChecked()
                                         else Qt.ArrowType.RightArrow)
        self.status.setVisible(not clustered or self.details_button.isChecked())
        self.summary.setVisible(clustered and self.details_button.isChecked())
        # The class key too, where the tab is short (the leaves' own colours stay): the tree
        # keeps at least half of it.
        self.legend.setVisible(bool(self.legend.text()) and (
            self.details_button.isChecked() or self.height() >= ROOMY_PX))

    def resizeEvent(self, event) -> None:  # noqa: N802 (Qt name)
        super().resizeEvent(event)
        self._show_details()

    def eventFilter(self, watched, event) -> bool:  # noqa: N802 (Qt name)
        if watched is self._scroll and event.type() == QEvent.Type.Resize:
            self._choose_layout()
        return super().eventFilter(watched, event)

    def _choose_layout(self, redraw: bool = True) -> None:
        """Sideways or upright for the room the tree has now (redrawn if that changes)."""
        drawing = self._drawn
        # The scroll area's whole size, scroll bar or not: the choice does not flip with it.
        # A magnified plot (focus mode's large type) has fewer scene pixels than screen ones.
        scale = self._plot.transform().m11() or 1.0
        area = self._scroll.contentsRect()
        chosen = choose_layout(len(drawing.labels) if drawing is not None else 0,
                               area.width() / scale, area.height() / scale,
                               lambda points: QFontMetrics(palette.font(points)).height())
        if chosen != (self._layout, self._points):
            self._layout, self._points = chosen
            self._orient()
            if redraw:
                self._draw(force=True)

    def _label_axis(self) -> None:
        # Upright, the axis is only as long as the tree is high: the method (also in the
        # list of trees) goes to the tooltip.
        method = f" ({self._axis_method})" if self._axis_method else ""
        upright = self._layout == UPRIGHT
        self._axis.setLabel("join distance" + ("" if upright else method))
        self._axis.setToolTip(f"join distance{method}" if upright else "")

    def _orient(self) -> None:
        """The axes, grid and directions of the present layout."""
        item, upright = self._plot.getPlotItem(), self._layout == UPRIGHT
        item.showAxis("left" if upright else "bottom")
        item.hideAxis("bottom" if upright else "left")
        self._axis = item.getAxis("left" if upright else "bottom")
        self._label_axis()
        item.showGrid(x=not upright, y=upright, alpha=palette.GRID_ALPHA)
        # Sideways: the root on the left, the first leaf at the top. Upright: the root on top,
        # the first leaf on the left.
        self._view.invertX(not upright)
        self._view.invertY(not upright)

    def _fill_choice(self) -> None:
        """The list offers the new clustering's trees, keeping the one chosen if it is there."""
        chosen = self.tree()
        titles = [t.title for t in self._clusters.trees] if self._clusters is not None else []
        if titles == [self.tree_choice.itemText(k) for k in range(self.tree_choice.count())]:
            return
        key = chosen.key if chosen is not None else None
        self.tree_choice.blockSignals(True)
        self.tree_choice.clear()
        self.tree_choice.addItems(titles)
        keys = [t.key for t in self._clusters.trees] if self._clusters is not None else []
        self.tree_choice.setCurrentIndex(keys.index(key) if key in keys else 0)
        self.tree_choice.blockSignals(False)
        self.tree_choice.setVisible(len(titles) > 1)

    def _draw(self, force: bool = False) -> None:
        clusters, tree = self._clusters, self.tree()
        drawing = None
        if tree is not None:
            drawing = tree.with_novel if (self.novel_box.isChecked()
                                          and tree.with_novel is not None) else tree.words
        self.novel_box.setVisible(tree is not None and tree.with_novel is not None)
        if drawing is self._drawn and not force:
            return
        self._drawn = drawing
        lines = (*clusters.summary, *tree.summary) if tree is not None else ()
        self.summary.setText("\n".join(lines))
        self._show_details()
        self._axis_method = tree.method if tree is not None else ""
        self._label_axis()
        self.legend.setText(self._legend_html(tree))
        self._show_details()
        if drawing is None:
            self._segments.set_segments([np.empty((0, 4))])
            self._dots.setData([], [])
            self._set_label_count(0)
            self._plot.setMinimumHeight(0)
            self._fit_range()
            return
        self._choose_layout(redraw=False)
        upright = self._layout == UPRIGHT
        x, y = np.asarray(drawing.dcoord), np.asarray(drawing.icoord)
        if upright:
            x, y = y, x
        # Each ⊓ is three segments: up the left leg, across, down the right leg.
        pieces = [np.stack([x[:, k], y[:, k], x[:, k + 1], y[:, k + 1]], axis=1)
                  for k in range(3)]
        self._segments.set_segments([np.concatenate(pieces)])
        n = len(drawing.labels)
        leaf_y = LEAF_SPACING * np.arange(n) + LEAF_SPACING / 2
        classes = tree.class_names
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
            label.setFont(palette.font(self._points, bold=is_novel))
            # Upright, the words read upwards and end just below their leaves.
            label.setAngle(90 if upright else 0)
            label.setAnchor((1.15, 0.5) if upright else (-0.15, 0.5))
            label.setPos(*((float(leaf_y[k]), 0.0) if upright else (0.0, float(leaf_y[k]))))
        along, across = (leaf_y, np.zeros(n)) if upright else (np.zeros(n), leaf_y)
        self._dots.setData(x=along, y=across, brush=brushes, symbol=symbols, size=sizes)
        self._plot.setMinimumHeight(0 if upright else
                                    MIN_LEAF_PX * n + DISTANCE_AXIS_PX[0])
        self._fit_range()

    def _set_label_count(self, n: int) -> None:
        item = self._plot.getPlotItem()
        while len(self._labels) < n:
            label = pg.TextItem("", anchor=(-0.15, 0.5))
            # A box that hugs the letters: boxes that touch mean words that touch.
            label.textItem.document().setDocumentMargin(1)
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
        metrics = QFontMetrics(palette.font(self._points, bold=True))
        widest = max(metrics.horizontalAdvance(w) for w in drawing.labels) + 20
        # A quarter of a leaf's room more at both ends: the end words stay whole on screen.
        leaves = (-LEAF_SPACING / 4, LEAF_SPACING * (len(drawing.labels) + 0.25))
        if self._layout == UPRIGHT:  # the labels below y = 0
            height = max(self._view.height(), widest + 50.0)
            room = top * widest / (height - widest)
            self._view.setRange(xRange=leaves, yRange=(-room, top * 1.03), padding=0)
            return
        width = max(self._view.width(), widest + 50.0)
        room = top * widest / (width - widest)  # data units the labels need right of x = 0
        self._view.setRange(xRange=(-room, top * 1.03), padding=0)
        self._view.setRange(yRange=leaves, padding=0)

    @staticmethod
    def _legend_html(tree: ClusterTree | None) -> str:
        if tree is None or not tree.class_names:
            return ""
        items = []
        for k, name in enumerate(tree.class_names):
            color = category_colors.NOVEL if name == "NOVEL" else category_colors.color(k).name()
            name = name.replace("-", "\u2011")  # a non-breaking hyphen: VERB-TRAN stays whole
            items.append(f"<nobr><span style='color:{color}'>\u25a0</span>&nbsp;{name}</nobr>")
        return " &nbsp; ".join(items)
