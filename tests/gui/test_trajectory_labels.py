"""The trajectory mode's word labels: sentences that start from nearly one state still get
one readable label per word, none on another, each beside (or led by a line to) its point."""

from __future__ import annotations

import itertools

import numpy as np
import pyqtgraph as pg
import pytest

from elman_core.analysis.figure_records import SentencePath, TracedSentences, Trajectories
from elman_gui.views.figures.label_placement import MARKER_PX, place_labels
from elman_gui.views.figures.trajectory_layer import TrajectoryLayer
from tests.support.gui import shown


def _traced() -> TracedSentences:
    """Three sentences whose first two words stand within a pixel or two of each other."""
    start = np.array([[-0.40, 0.05], [-0.41, 0.06], [-0.40, 0.04]])
    paths = (
        SentencePath(("boy", "chases", "boy"), np.array([start[0], [-0.2, -0.1], [0.5, -0.1]])),
        SentencePath(("boys", "chase", "boy"), np.array([start[1], [-0.39, 0.05], [0.6, -0.2]])),
        SentencePath(("boy", "who", "boys", "chase"),
                     np.array([start[2], [0.4, 0.8], [-0.41, 0.05], [0.1, -0.1]])),
    )
    return TracedSentences(Trajectories((1, 2), (0.29, 0.16), paths), "grammar", 100)


@pytest.mark.parametrize("size", [(420, 260), (700, 450)])
def test_word_labels_near_the_shared_start_do_not_overlap(qtbot, size):
    widget = shown(qtbot, pg.PlotWidget(), *size)
    item = widget.getPlotItem()
    layer = TrajectoryLayer(item)
    traced = _traced()
    layer.show(traced)
    # Every point close to an edge of the plot: labels must not leave it.
    item.getViewBox().setRange(xRange=(-0.42, 0.62), yRange=(-0.21, 0.82), padding=0)
    qtbot.wait(20)
    rects = layer.label_rects()
    assert len(rects) == sum(len(p.words) for p in traced.figure.paths) == 10
    overlapping = [(a, b) for a, b in itertools.combinations(range(len(rects)), 2)
                   if rects[a].intersects(rects[b])]
    assert overlapping == []
    inside = item.getViewBox().sceneBoundingRect().adjusted(-1, -1, 1, 1)
    assert [k for k, rect in enumerate(rects) if not inside.contains(rect)] == []


def test_a_lone_label_stays_where_it_always_was():
    """Nothing near it: the label's lower-left corner on its point, up and to the right."""
    centres = place_labels(np.array([[0.0, 0.0], [300.0, 300.0]]), np.array([[40, 14], [30, 14]]))
    np.testing.assert_allclose(centres, [[20, 7], [315, 307]])


def test_labels_on_one_point_move_apart_and_off_the_other_points():
    points = np.array([[100.0, 100.0]] * 4 + [[100.0, 125.0]])
    sizes = np.array([[40.0, 14.0]] * 5)
    centres = place_labels(points, sizes)
    rects = np.hstack([centres - sizes / 2, centres + sizes / 2])
    for a, b in itertools.combinations(range(5), 2):
        assert (min(rects[a, 2], rects[b, 2]) <= max(rects[a, 0], rects[b, 0])
                or min(rects[a, 3], rects[b, 3]) <= max(rects[a, 1], rects[b, 1])), (a, b)
    marker = np.array([100 - MARKER_PX / 2, 125 - MARKER_PX / 2,
                       100 + MARKER_PX / 2, 125 + MARKER_PX / 2])
    for rect in rects[:4]:  # the four labels of the lower point leave the upper point free
        assert (min(rect[2], marker[2]) <= max(rect[0], marker[0])
                or min(rect[3], marker[3]) <= max(rect[1], marker[1]))
