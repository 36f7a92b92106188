"""Steady axis ranges: round ends, headroom, and no change while the data stays inside."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pyqtgraph as pg
import pytest

from elman_gui.views.plots.loss_plot import LossPlotView
from elman_gui.views.plots.steady_range import nice_step, steady_range


@pytest.mark.parametrize("span, step", [(1.0, 0.2), (8.0, 2.0), (12.0, 2.5), (0.012, 0.0025),
                                        (100.0, 20.0), (30.0, 10.0)])
def test_nice_step_cuts_a_span_into_about_five_round_parts(span, step):
    assert nice_step(span) == pytest.approx(step)


def _round(value: float, step: float) -> bool:
    return abs(value / step - round(value / step)) < 1e-9


def test_a_fresh_range_holds_the_data_with_headroom_and_round_ends():
    low, high = steady_range(0.243, 0.256)
    assert low < 0.243 and high > 0.256
    step = nice_step(high - low)
    assert _round(low, step) and _round(high, step)
    assert (0.256 - 0.243) / (high - low) >= 0.5  # the data fills most of it


def test_the_range_holds_still_while_the_data_stays_inside_and_fills_half():
    shown = steady_range(0.0, 6.0)
    for high in np.linspace(6.0, shown[1], 20):
        assert steady_range(0.05, float(high), shown) == shown
    grown = steady_range(0.05, shown[1] + 0.1, shown)  # the data left the range: refit
    assert grown != shown and grown[1] > shown[1] + 0.1
    shrunk = steady_range(0.2, 0.21, (0.0, 1.0))  # fills 1 %: refit around the data
    assert 0.0 < shrunk[0] < 0.2 and 0.21 < shrunk[1] < 1.0


def test_data_at_or_above_zero_is_never_drawn_below_it():
    assert steady_range(0.0, 0.3)[0] == 0.0
    assert steady_range(-0.001, 100.0)[0] == 0.0  # a pen's width below zero is still "at zero"
    assert steady_range(-20.0, 100.0)[0] < -20.0  # really negative data gets its room
    assert steady_range(-3.0, -1.0)[1] <= 0.0  # log10 of losses below 1 stay below 0


def test_a_flat_curve_gets_a_small_range_around_it():
    low, high = steady_range(0.25, 0.25)
    assert low < 0.25 < high and high - low < 0.25
    assert math.isfinite(low) and math.isfinite(high)


def _ranges_while_training(qtbot, view_box_kind: str) -> tuple[LossPlotView, list]:
    """The loss plot's ranges over 100 frames of a growing, falling curve (all in view)."""
    view = LossPlotView()
    qtbot.addWidget(view)
    view.resize(700, 450)
    view.show()
    box = view._plot.getPlotItem().getViewBox()
    if view_box_kind == "tight":  # pyqtgraph's own auto-range, for comparison
        box.updateAutoRange = lambda: pg.ViewBox.updateAutoRange(box)
    rng = np.random.default_rng(1)
    epochs = np.arange(1, 301)
    losses = 0.25 * np.exp(-epochs / 100) + 0.01
    running = losses + 0.005 * rng.random(len(losses))
    ranges = []
    for n in range(3, 301, 3):
        view._epochs.setData(epochs[:n], losses[:n])
        view._running.setData(epochs[:n] - 0.5, running[:n])
        box.updateAutoRange()
        (x_low, x_high), (y_low, y_high) = box.viewRange()
        assert x_low <= 0.5 and x_high >= epochs[n - 1]
        assert y_low <= losses[:n].min() and y_high >= running[:n].max()
        ranges.append((x_low, x_high, y_low, y_high))
    return view, ranges


def test_training_moves_the_loss_axes_in_steps_not_every_frame(qtbot):
    view, steady = _ranges_while_training(qtbot, "steady")
    _, tight = _ranges_while_training(qtbot, "tight")
    changes = [sum(a != b for a, b in itertools.pairwise(r)) for r in (steady, tight)]
    assert changes[1] == len(tight) - 1  # tight: a new range on every frame
    assert changes[0] <= changes[1] / 3  # steady: one frame in four or fewer
    box = view._plot.getPlotItem().getViewBox()
    box.setXRange(50, 60, padding=0)  # the student zooms in: auto-range is off for x, and stays off
    view._epochs.setData(np.arange(1, 401), np.full(400, 0.1))
    box.updateAutoRange()
    assert box.viewRange()[0] == pytest.approx([50, 60])
    box.enableAutoRange()  # the "A" button
    view._plot.viewport().grab()  # a paint: the curves stop clipping to the zoomed view
    box.updateAutoRange()
    assert box.viewRange()[0][1] >= 400
