"""The three live views show exactly the numbers in the snapshot, and stay fast."""

from __future__ import annotations

import dataclasses

import numpy as np
import pyqtgraph as pg
import pytest
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics

from elman_core import tasks
from elman_core.live.snapshot import ActivationHistory
from elman_gui.views.diagram.diagram_layout import LINK_CAP
from elman_gui.views.diagram.network_diagram import NetworkDiagramView
from elman_gui.views.plots.error_bars import BY_OUTPUT, BY_POSITION, ErrorBarsView
from elman_gui.views.plots.loss_plot import MARKER_LIMIT, LossPlotView
from elman_gui.views.stepping.history_view import HistoryView
from elman_gui.views.style import palette
from tests.support.gui import shown as _shown  # shown at a size, exposed


@pytest.fixture
def diagram(qtbot):
    return _shown(qtbot, NetworkDiagramView())


@pytest.fixture
def loss_plot(qtbot):
    return _shown(qtbot, LossPlotView(), 700, 450)


@pytest.fixture
def error_bars(qtbot):
    return _shown(qtbot, ErrorBarsView(), 700, 450)


def _hover(view, layer_or_point, index=None):
    """Move the 'mouse' to a unit (layer, index) or a diagram point, return the hover text."""
    if index is None:
        x, y = layer_or_point
    else:
        x, y = view.unit_position(layer_or_point, index)
    view.plot_widget.scene().sigMouseMoved.emit(view.map_to_scene(x, y))
    return view.hover_text()


# ------------------------------------------------------------------------ network diagram
def test_unit_values_and_colours_equal_the_snapshot(diagram, make_snapshot):
    snapshot = make_snapshot(6, 20, 6, input_labels=tuple("bdgiua"))
    diagram.show_snapshot(snapshot)
    for layer, expected in [("input", snapshot.input), ("hidden", snapshot.hidden),
                            ("context", snapshot.context), ("output", snapshot.output)]:
        np.testing.assert_allclose(diagram.unit_values(layer), expected, rtol=0, atol=0)
        colors = palette.ActivationColors(diverging=False)
        np.testing.assert_array_equal(diagram.unit_colors(layer),
                                      colors.lut[colors.indices(expected)])
    # Sigmoid map: an input of 0 is white, an input of 1 the darkest red.
    inputs = diagram.unit_colors("input")
    assert tuple(inputs[snapshot.input == 0][0]) == (255, 255, 255)
    assert tuple(inputs[snapshot.input == 1][0]) == QColor("#8b0000").getRgb()[:3]
    assert diagram.legend_text() == "activation 0 … 1"


def test_hovering_a_unit_shows_its_exact_value(diagram, make_snapshot):
    snapshot = make_snapshot(6, 20, 6)
    diagram.show_snapshot(snapshot)
    text = _hover(diagram, "hidden", 2)
    assert f"h3 = {snapshot.hidden[2]:.6f}".replace("-", "−") in text
    assert f"bias = {snapshot.b_h[2]:.4f}".replace("-", "−") in text
    assert "b_h[" not in text  # one numbering: h3 is the third hidden unit everywhere
    assert f"{snapshot.output[4]:.6f}" in _hover(diagram, "output", 4)
    assert "copy of h5" in _hover(diagram, "context", 4)
    # Far from everything: nothing shown.
    assert _hover(diagram, (-1000.0, -1000.0)) == ""


def test_hovering_a_link_shows_its_weight(diagram, make_snapshot):
    snapshot = make_snapshot(1, 4, 1)
    diagram.show_snapshot(snapshot)
    hidden = np.array(diagram.unit_position("hidden", 0))
    output = np.array(diagram.unit_position("output", 0))
    text = _hover(diagram, tuple(0.5 * (hidden + output)))
    assert text.startswith(f"weight h1 → next = {snapshot.W_ho[0, 0]:.4f}".replace("-", "−"))
    assert "W_ho" in text


def test_small_network_draws_every_link_and_four_dashed_copy_links(diagram, make_snapshot):
    diagram.show_snapshot(make_snapshot(1, 4, 1))
    assert diagram.copy_link_count() == 4
    assert diagram.copy_links_dashed()
    assert (diagram.link_count("W_ih"), diagram.link_count("W_hh"),
            diagram.link_count("W_ho")) == (4, 16, 4)
    assert not diagram.is_strip("hidden")
    assert diagram.unit_labels("hidden") == ("h1", "h2", "h3", "h4")
    assert diagram.unit_labels("context") == ("c1", "c2", "c3", "c4")


def test_large_network_uses_strips_and_draws_only_the_strongest_links(diagram, make_snapshot):
    snapshot = make_snapshot(31, 150, 31)
    diagram.show_snapshot(snapshot)
    assert diagram.is_strip("hidden") and diagram.is_strip("context")
    assert not diagram.is_strip("input") and not diagram.is_strip("output")
    for matrix in ("W_ih", "W_hh", "W_ho"):
        assert diagram.link_count(matrix) == LINK_CAP
        weights = np.abs(getattr(snapshot, matrix)).ravel()
        shown = np.zeros(weights.size, dtype=bool)
        shown[diagram.shown_link_indices(matrix)] = True
        assert weights[shown].min() >= weights[~shown].max()
    np.testing.assert_array_equal(diagram.unit_values("hidden"), snapshot.hidden)
    colors = palette.ActivationColors(diverging=False)
    np.testing.assert_array_equal(diagram.unit_colors("hidden"),
                                  colors.lut[colors.indices(snapshot.hidden)])
    assert f"h100 = {snapshot.hidden[99]:.6f}" in _hover(diagram, "hidden", 99)


def test_a_strip_paints_its_cells_in_the_units_colours(diagram, make_snapshot):
    """The pixels on screen, not the array handed to pyqtgraph (a strip image it could not
    render once left the cells blank while every array-level check passed)."""
    hidden = np.where(np.arange(150) < 75, 0.0, 1.0)  # wide blocks: antialiasing cannot matter
    diagram.show_snapshot(make_snapshot(31, 150, 31, hidden=hidden))
    viewport = diagram.plot_widget.viewport()
    picture = viewport.grab().toImage()
    colors = palette.ActivationColors(diverging=False)
    for unit, expected in [(20, tuple(colors.lut[0])), (120, QColor("#8b0000").getRgb()[:3])]:
        where = diagram.plot_widget.mapFromScene(
            diagram.map_to_scene(*diagram.unit_position("hidden", unit)))
        painted = picture.pixelColor(where.x(), where.y()).getRgb()[:3]
        assert np.abs(np.subtract(painted, expected)).max() <= 3, (unit, painted, expected)


def test_hovering_a_unit_draws_all_its_links(diagram, make_snapshot):
    snapshot = make_snapshot(31, 150, 31)
    diagram.show_snapshot(snapshot)
    assert diagram.focused_link_count() == 0
    _hover(diagram, "hidden", 99)  # in: 31 inputs and 150 context units; out: 31 outputs
    assert diagram.focused_link_count() == 31 + 150 + 31
    _hover(diagram, "output", 3)
    assert diagram.focused_link_count() == 150
    _hover(diagram, (-1000.0, -1000.0))
    assert diagram.focused_link_count() == 0


def test_a_mid_sized_network_draws_its_strongest_links(diagram, make_snapshot):
    snapshot = make_snapshot(6, 20, 6)
    diagram.show_snapshot(snapshot)
    for matrix in ("W_ih", "W_hh", "W_ho"):
        weights = np.abs(getattr(snapshot, matrix)).ravel()
        assert diagram.link_count(matrix) == 60 < weights.size
        shown = np.zeros(weights.size, dtype=bool)
        shown[diagram.shown_link_indices(matrix)] = True
        assert weights[shown].min() >= weights[~shown].max()


def test_every_input_and_output_unit_is_labelled(qtbot, make_snapshot):
    features = ("consonantal", "vocalic", "interrupted", "high", "back", "voiced")
    view = _shown(qtbot, NetworkDiagramView(), 900, 600)
    view.show_snapshot(make_snapshot(6, 20, 6, input_labels=features, output_labels=features))
    qtbot.wait(50)
    rects = view.text_rects()
    for feature in features:
        assert f"label {feature}" in rects, feature  # all six, none thinned out


def test_on_1_1_1_the_copy_link_is_not_drawn_on_the_context_weight(diagram, make_snapshot):
    diagram.show_snapshot(make_snapshot(1, 1, 1))
    hidden = np.array(diagram.unit_position("hidden", 0))
    context = np.array(diagram.unit_position("context", 0))
    x0, y0, x1, y1 = diagram.copy_link_segments()[0]
    start, end = diagram.map_to_scene(x0, y0), diagram.map_to_scene(x1, y1)
    # Pixels between the copy link's ends and the W_hh link's (centre to centre) line.
    for point, centre in ((start, hidden), (end, context)):
        centre = diagram.map_to_scene(*centre)
        assert np.hypot(point.x() - centre.x(), point.y() - centre.y()) >= 3.0


def test_swapping_to_a_bigger_network_rebuilds_with_its_labels(diagram, make_snapshot):
    diagram.show_snapshot(make_snapshot(1, 4, 1))
    bigger = make_snapshot(6, 20, 6, generation=2, input_labels=tuple("bdgiua"))
    diagram.show_snapshot(bigger)
    assert diagram.unit_labels("input") == bigger.input_labels == tuple("bdgiua")
    assert diagram.unit_labels("output") == bigger.output_labels
    assert len(diagram.unit_values("hidden")) == 20
    assert diagram.copy_link_count() == 20
    # 20 hidden units: the 3 × 20 strongest context → hidden links of 400, not a hairball.
    assert diagram.link_count("W_hh") == 60


def test_before_the_first_step_units_are_grey_and_the_student_is_told_what_to_do(
        diagram, make_snapshot):
    diagram.show_snapshot(make_snapshot(6, 20, 6, stepped=False))
    assert diagram.message() == "press Step or Play"
    grey = QColor(palette.EMPTY_UNIT).getRgb()[:3]
    assert all(tuple(rgb) == grey for rgb in diagram.unit_colors("hidden"))
    assert np.isnan(diagram.unit_values("output")).all()
    assert "no value yet" in _hover(diagram, "hidden", 0)
    diagram.show_snapshot(make_snapshot(6, 20, 6))
    assert diagram.message() == ""


def test_lesioned_hidden_units_are_greyed_and_say_so(diagram, make_snapshot):
    diagram.show_snapshot(make_snapshot(6, 20, 6, lesioned=(2, 5)))
    colors = diagram.unit_colors("hidden")
    lesioned = QColor(palette.LESIONED).getRgb()[:3]
    assert tuple(colors[2]) == lesioned and tuple(colors[5]) == lesioned
    assert tuple(colors[3]) != lesioned
    assert "lesioned" in _hover(diagram, "hidden", 2)


def test_lesioned_units_are_crossed_out_and_the_marks_follow_the_lesions(diagram,
                                                                          make_snapshot):
    def crossed() -> list[tuple[float, float]]:
        return sorted((float(x), float(y)) for x, y in diagram.lesion_marks())

    def at(*units) -> list[tuple[float, float]]:
        return sorted(tuple(map(float, diagram.unit_position("hidden", i))) for i in units)

    diagram.show_snapshot(make_snapshot(6, 20, 6, lesioned=(2, 5)))
    assert crossed() == at(2, 5)
    diagram.show_snapshot(make_snapshot(6, 20, 6, lesioned=(5,)))
    assert crossed() == at(5)
    diagram.show_snapshot(make_snapshot(6, 20, 6))
    assert crossed() == []
    # Another network: new marks, the same lesions crossed out again at the new places.
    diagram.show_snapshot(make_snapshot(6, 20, 6, lesioned=(2, 5)))
    diagram.show_snapshot(make_snapshot(6, 12, 6, lesioned=(2, 5)))
    assert crossed() == at(2, 5)


def test_clicking_a_hidden_unit_emits_unit_clicked(diagram, qtbot, make_snapshot):
    diagram.show_snapshot(make_snapshot(6, 20, 6))
    viewport = diagram.plot_widget.viewport()
    scene_point = diagram.map_to_scene(*diagram.unit_position("hidden", 7))
    point = diagram.plot_widget.mapFromScene(scene_point)
    with qtbot.waitSignal(diagram.unitClicked, timeout=1000) as blocker:
        qtbot.mousePress(viewport, Qt.MouseButton.LeftButton, pos=QPoint(point))
        qtbot.mouseRelease(viewport, Qt.MouseButton.LeftButton, pos=QPoint(point))
    assert blocker.args == ["hidden", 7]


def test_tanh_activations_use_a_map_centred_on_zero(diagram, make_snapshot):
    snapshot = make_snapshot(6, 20, 6, hidden_activation="tanh")
    assert snapshot.hidden.min() < 0
    diagram.show_snapshot(snapshot)  # no hint: negative values switch the map
    assert diagram.legend_text() == "activation −1 … 0 … +1"
    colors = palette.ActivationColors(diverging=True)
    np.testing.assert_array_equal(diagram.unit_colors("hidden"),
                                  colors.lut[colors.indices(snapshot.hidden)])
    assert tuple(colors.lut[colors.indices(np.array([0.0]))][0]) == (255, 255, 255)
    diagram.set_activations(hidden="sigmoid", output="sigmoid")
    assert diagram.legend_text() == "activation 0 … 1"
    diagram.set_activations(hidden="tanh")
    assert diagram.legend_text() == "activation −1 … 0 … +1"


def test_target_and_prediction_text_is_green_when_right_red_when_wrong(diagram, make_snapshot):
    diagram.show_snapshot(make_snapshot(1, 4, 1, target_symbol="0", predicted_symbol="1"))
    below, above = diagram.status_lines()
    assert below == "input: 1"
    assert "target: 0" in above
    assert QColor(palette.WRONG).name() in diagram.status_html().lower()
    diagram.show_snapshot(make_snapshot(1, 4, 1, target_symbol="1", predicted_symbol="1"))
    assert QColor(palette.CORRECT).name() in diagram.status_html().lower()


def test_a_diverged_network_with_nan_and_inf_still_draws(diagram, make_snapshot):
    good = make_snapshot(6, 20, 6)
    W_hh = good.W_hh.copy()
    W_hh[0, :3] = [np.nan, np.inf, -np.inf]
    hidden = good.hidden.copy()
    hidden[:2] = np.nan
    diagram.show_snapshot(make_snapshot(6, 20, 6, W_hh=W_hh, hidden=hidden))
    _paint(diagram)
    # 20 hidden units: the 60 strongest links are drawn, the non-finite ones never.
    assert diagram.link_count("W_hh") == 60
    assert np.isfinite(W_hh.ravel()[diagram.shown_link_indices("W_hh")]).all()
    assert "nan" in _hover(diagram, "hidden", 0)


def test_clear_forgets_the_network(diagram, make_snapshot):
    diagram.show_snapshot(make_snapshot(1, 4, 1))
    diagram.clear()
    assert diagram.link_count("W_hh") == 0
    assert diagram.copy_link_count() == 0
    diagram.show_snapshot(make_snapshot(1, 4, 1))
    assert diagram.link_count("W_hh") == 16


def test_a_new_network_shape_draws_its_own_links_at_once_while_running(diagram, make_snapshot,
                                                                        monkeypatch):
    """The links' frame budget holds a redraw back while training runs; a network of another
    shape (a task swap) must not show the old network's links on its new units meanwhile."""
    from types import SimpleNamespace

    from elman_core.live.snapshot import RUNNING
    from elman_gui.views.diagram import diagram_links

    monkeypatch.setattr(diagram_links, "time", SimpleNamespace(perf_counter=lambda: 1000.0))
    first = make_snapshot(1, 4, 1, state=RUNNING)
    diagram.show_snapshot(first)
    _paint(diagram)  # the links' paint time: the budget now holds redraws back (a frozen clock)
    diagram.show_snapshot(make_snapshot(1, 4, 1, seed=3, state=RUNNING))
    h1, y1 = diagram.unit_position("hidden", 0), diagram.unit_position("output", 0)
    held = diagram.describe_at((h1[0] + y1[0]) / 2, (h1[1] + y1[1]) / 2)
    assert f"h1 → next = {palette.format_value(float(first.W_ho[0, 0]), 4)}" in held  # the same
    diagram.show_snapshot(make_snapshot(6, 20, 6, state=RUNNING))
    assert diagram.link_count("W_hh") == 60  # 20 hidden units: the 60 strongest, not 16
    assert diagram.focus_unit(("hidden", 19)) is None and diagram.focused_link_count() == 32


def _paint(view) -> None:
    """Paint the view's graphics now, as the next screen refresh would."""
    for plot in view.findChildren(pg.PlotWidget):
        plot.viewport().grab()


@pytest.mark.parametrize("size", [(380, 200), (700, 450)])  # at 1024×640, and larger
@pytest.mark.parametrize("shape", ["flat", "falling"])
def test_the_loss_legend_never_hides_the_curves(qtbot, make_snapshot, size, shape):
    view = _shown(qtbot, LossPlotView(), *size)
    rng = np.random.default_rng(1)
    x = np.linspace(0.05, 7, 140)
    trend = 0.25 if shape == "flat" else 0.2 * np.exp(-x / 2) + 0.05
    y = trend + 0.005 * rng.standard_normal(140)
    epochs = np.interp(np.arange(1, 7), x, y)
    view.show_snapshot(make_snapshot(epoch_losses=epochs, running_loss_x=x, running_loss_y=y))
    view.set_previous_run(np.arange(1, 7), epochs * 1.1, "lr 0.5")  # a third entry
    qtbot.wait(20)
    _paint(view)
    legend = view.legend_rect()
    box = view._plot.getPlotItem().getViewBox()
    for xs, ys in ((x, y), (np.arange(1, 7), epochs), (np.arange(1, 7), epochs * 1.1)):
        points = [box.mapViewToScene(QPointF(a, b)) for a, b in zip(xs, ys, strict=True)]
        assert not [p for p in points if legend.contains(p)]


# ------------------------------------------------------------------------------ loss plot
def test_loss_plot_shows_one_point_per_epoch_and_the_running_loss(loss_plot, make_snapshot):
    snapshot = make_snapshot(epochs=7, running_points=140)
    loss_plot.show_snapshot(snapshot)
    x, y = loss_plot.epoch_curve_data()
    np.testing.assert_array_equal(x, np.arange(1, 8))
    np.testing.assert_array_equal(y, snapshot.epoch_losses)
    rx, ry = loss_plot.running_curve_data()
    np.testing.assert_array_equal(rx, snapshot.running_loss_x)
    np.testing.assert_array_equal(ry, snapshot.running_loss_y)
    assert loss_plot._epochs.opts["symbol"] == "o"  # few points: markers
    loss_plot.show_snapshot(make_snapshot(epochs=MARKER_LIMIT + 1))
    assert loss_plot._epochs.opts["symbol"] is None
    assert len(loss_plot.epoch_curve_data()[0]) == MARKER_LIMIT + 1


@pytest.mark.parametrize("shown", ["empty", "first epoch", "three epochs", "reset: empty",
                                   "reset: early steps"])
def test_the_epoch_axis_is_labelled_at_whole_epochs_only(loss_plot, make_snapshot, shown):
    if shown.startswith("reset"):  # a long run, then a new network
        loss_plot.show_snapshot(make_snapshot(epochs=300))
        _paint(loss_plot)
        loss_plot.clear()
    if shown in ("first epoch", "reset: early steps"):  # part of an epoch, no epoch mean yet
        x = np.linspace(0.05, 0.9 if shown == "first epoch" else 0.2, 50)
        loss_plot.show_snapshot(make_snapshot(epochs=0, running_loss_x=x,
                                              running_loss_y=0.25 + 0 * x))
    elif shown == "three epochs":
        loss_plot.show_snapshot(make_snapshot(epochs=3))
    _paint(loss_plot)
    axis = loss_plot.findChild(pg.PlotWidget).getPlotItem().getAxis("bottom")
    low, high = axis.range
    ticks = [value for _, values in axis.tickValues(low, high, axis.width()) for value in values]
    assert ticks and all(float(value).is_integer() for value in ticks), ticks
    assert [value for value in ticks if low < value < high]  # one inside, labelled (not an end)
    if shown.endswith("empty"):  # the first epoch's room, not the last run's 300 epochs
        assert low == 0 and 1 < high < 2


def test_loss_plot_draws_a_long_runs_epoch_groups_where_they_end(loss_plot, make_snapshot):
    """Past the points the epoch curve keeps, each point is a group of epochs ending at x."""
    x = np.array([1.0, 4.0, 8.0, 12.0, 14.0])
    y = np.array([0.3, 0.2, 0.1, 0.05, 0.04])
    loss_plot.show_snapshot(make_snapshot(epochs=14, epoch_losses=y, epoch_loss_x=x,
                                          last_epoch_loss=0.0375))
    drawn_x, drawn_y = loss_plot.epoch_curve_data()
    np.testing.assert_array_equal(drawn_x, x)
    np.testing.assert_array_equal(drawn_y, y)
    assert loss_plot._latest.text() == "epoch 14: 0.03750"  # its own loss, not the group's
    moved = np.array([1.0, 4.0, 8.0, 12.0, 15.0])  # same length, newer last point: redrawn
    loss_plot.show_snapshot(make_snapshot(epochs=15, epoch_losses=y, epoch_loss_x=moved))
    np.testing.assert_array_equal(loss_plot.epoch_curve_data()[0], moved)


def test_log_toggle_switches_the_y_axis(loss_plot, make_snapshot, qtbot):
    loss_plot.show_snapshot(make_snapshot(epochs=20))
    assert not loss_plot.is_log_scale()
    qtbot.mouseClick(loss_plot.log_scale_box, Qt.MouseButton.LeftButton)
    assert loss_plot.log_scale_box.isChecked()
    assert loss_plot.is_log_scale()
    loss_plot.set_log_scale(False)
    assert not loss_plot.is_log_scale() and not loss_plot.log_scale_box.isChecked()


def test_log_scale_survives_zero_and_nan_losses(loss_plot, make_snapshot):
    losses = np.array([0.3, 0.1, 0.0, np.nan, 0.05])
    running_y = np.linspace(0.3, 0.0, 100)
    loss_plot.set_log_scale(True)
    loss_plot.show_snapshot(make_snapshot(epoch_losses=losses, running_loss_y=running_y))
    _paint(loss_plot)
    np.testing.assert_array_equal(loss_plot.epoch_curve_data()[1], losses)


def test_loss_name_previous_run_and_clear(loss_plot, make_snapshot):
    loss_plot.set_loss_name("cross-entropy")
    assert loss_plot.y_label() == "loss (cross-entropy)"
    loss_plot.set_previous_run([1, 2, 3], [0.3, 0.2, 0.1], "lr 0.5")
    assert loss_plot.previous_run_label() == "lr 0.5"
    assert "lr 0.5" in [label.text for _, label in loss_plot._legend.items]
    loss_plot.set_previous_run([1, 2], [0.3, 0.2], "lr 0.1")  # replaces, no second entry
    labels = [label.text for _, label in loss_plot._legend.items]
    assert "lr 0.1" in labels and "lr 0.5" not in labels
    loss_plot.clear_previous_run()
    assert loss_plot.previous_run_label() is None
    assert "lr 0.1" not in [label.text for _, label in loss_plot._legend.items]
    loss_plot.show_snapshot(make_snapshot(epochs=3))
    loss_plot.clear()
    assert len(loss_plot.epoch_curve_data()[0]) == 0


def test_loss_plot_draws_a_long_history_downsampled(loss_plot, make_snapshot, monkeypatch):
    """100k running-loss points: drawn peak-downsampled, and an unchanged snapshot is a no-op.
    (Timings: benchmarks/bench_views.py.)"""
    snapshot = make_snapshot(epochs=5000, running_points=100_000)
    loss_plot.show_snapshot(snapshot)
    _paint(loss_plot)
    assert len(loss_plot.running_curve_data()[0]) == 100_000  # all kept...
    drawn_x, drawn_y = loss_plot._running.getData()  # ...few drawn
    width_px = loss_plot._plot.getPlotItem().getViewBox().width()
    assert 0 < len(drawn_x) <= 10 * width_px  # not 100k: a few points per pixel
    assert drawn_y.max() == snapshot.running_loss_y.max()  # peaks survive the downsampling
    calls = []
    monkeypatch.setattr(loss_plot._running, "setData", lambda *a, **k: calls.append(a))
    loss_plot.show_snapshot(snapshot)
    assert calls == []


def test_a_dense_epoch_curve_is_drawn_with_one_mean_point_per_pixel(loss_plot, make_snapshot):
    """4,096 epoch means are all kept, but the thick line is drawn through one point per pixel,
    each the mean of the epochs it covers (a thick line through thousands is slow to stroke)."""
    x = np.arange(1.0, 4097.0)
    y = 0.25 * np.exp(-x / 1000) + 0.01 * np.random.default_rng(0).random(len(x))
    loss_plot.show_snapshot(make_snapshot(epochs=4096, epoch_losses=y, epoch_loss_x=x))
    _paint(loss_plot)
    np.testing.assert_array_equal(loss_plot.epoch_curve_data()[1], y)  # all kept
    drawn_x, drawn_y = loss_plot._epochs.getData()
    width_px = loss_plot._plot.getPlotItem().getViewBox().width()
    assert 0.5 * width_px <= len(drawn_x) <= width_px + 2
    step = len(x) // len(drawn_x)
    assert drawn_y[1] == pytest.approx(y[step:2 * step].mean())  # means, not peaks


# ----------------------------------------------------------------------------- error bars
def test_error_bar_heights_equal_the_position_errors(error_bars, make_snapshot):
    snapshot = make_snapshot(6, 20, 6, n_categories=5)
    error_bars.show_snapshot(snapshot)
    np.testing.assert_array_equal(error_bars.bar_heights(), snapshot.position_errors)
    np.testing.assert_array_equal(error_bars.drawn_heights(), snapshot.position_errors)
    assert error_bars.bar_names() == snapshot.category_names
    assert error_bars.tick_labels() == list(snapshot.category_names)
    low, high = error_bars.y_range()
    assert low == 0.0 and high >= snapshot.position_errors.max()


def test_per_output_view_shows_feature_errors(error_bars, make_snapshot, qtbot):
    snapshot = make_snapshot(6, 20, 6, output_labels=("cons", "vowel", "int", "high", "back",
                                                      "voiced"))
    error_bars.show_snapshot(snapshot)
    qtbot.mouseClick(error_bars.output_button, Qt.MouseButton.LeftButton)
    assert error_bars.mode() == BY_OUTPUT
    np.testing.assert_array_equal(error_bars.bar_heights(), snapshot.feature_errors)
    assert error_bars.bar_names() == snapshot.output_labels
    error_bars.set_mode(BY_POSITION)
    np.testing.assert_array_equal(error_bars.bar_heights(), snapshot.position_errors)


def test_nan_errors_are_empty_bars(error_bars, make_snapshot):
    errors = np.array([0.2, np.nan, 0.1])
    error_bars.show_snapshot(make_snapshot(n_categories=3, position_errors=errors))
    np.testing.assert_array_equal(error_bars.bar_heights(), errors)
    np.testing.assert_array_equal(error_bars.drawn_heights(), [0.2, 0.0, 0.1])
    assert error_bars._bars._brushes[1].color().alpha() == 0
    error_bars.show_snapshot(make_snapshot(n_categories=3, position_errors=np.full(3, np.nan)))
    assert error_bars._message.toPlainText() == "no complete epoch yet"
    assert error_bars.y_range() == (0.0, 1.0)
    error_bars.repaint()


def test_many_categories_get_short_tick_labels(error_bars, make_snapshot):
    error_bars.resize(400, 300)
    snapshot = make_snapshot(n_categories=20)
    error_bars.show_snapshot(snapshot)
    error_bars._update_ticks()
    labels = error_bars.tick_labels()
    assert len(labels) == 20
    assert labels[:3] == ["1", "2", "3"]  # the shared "pos " prefix is dropped


def test_long_category_names_wrap_instead_of_being_cut(error_bars, make_snapshot):
    names = ("predict 2nd bit (random)", "predict XOR bit", "predict next 1st bit (random)")
    error_bars.resize(340, 260)  # the error bars at a 1024×640 window
    error_bars.show_snapshot(make_snapshot(category_names=names))
    error_bars._update_ticks()
    labels = error_bars.tick_labels()
    assert not any("…" in label for label in labels), labels
    # Every word of every name is there (the shared "predict" is said once by the axis).
    for name, label in zip(names, labels, strict=True):
        assert label.split() == name.split()[1:]
    assert any("\n" in label for label in labels)  # it had to wrap at this width


@pytest.mark.parametrize(("task", "title"), [("letters", "letter to predict"),
                                             ("text", "character to predict"),
                                             ("xor", "bit to predict"),
                                             ("sentences", "class of the word to predict")])
def test_error_axis_says_what_a_category_is(error_bars, make_snapshot, task, title):
    """The task says what its categories are (Task.category_axis); the snapshot carries it."""
    axis = tasks.get(task).category_axis
    error_bars.show_snapshot(make_snapshot(task_name=task, category_axis=axis))
    assert error_bars.x_label() == title
    generic = error_bars._x_label(make_snapshot(category_axis=""))  # a task that says nothing
    assert generic == error_bars._x_label(None)
    for name in tasks.names():  # every task says what its bars are
        shown = make_snapshot(category_axis=tasks.get(name).category_axis)
        assert error_bars._x_label(shown) != generic, name
    assert "position in the sequence" not in {generic, title}


def test_word_class_labels_stand_upright_and_whole_when_side_by_side_would_cut_them(
        error_bars, make_snapshot, qtbot):
    names = tasks.get("sentences").category_names
    snapshot = make_snapshot(category_names=names, n_categories=len(names))
    error_bars.resize(440, 420)
    error_bars.show_snapshot(snapshot)
    qtbot.wait(20)
    error_bars._update_ticks()
    assert error_bars.labels_upright()
    assert error_bars.tick_labels() == list(names)  # whole: "NOUN-HUM", not "NOU…"
    error_bars.grab()  # paints the upright labels
    error_bars.resize(340, 170)  # the error bars of a 1024×640 window
    qtbot.wait(20)
    error_bars._update_ticks()
    labels = error_bars.tick_labels()
    assert error_bars.labels_upright() and len(labels) == len(names)
    for name, label in zip(names, labels, strict=True):  # "N-HUM": the class stays readable
        head, _, tail = name.partition("-")
        short = f"{head[0]}-{tail}" if tail else name
        assert label == short or (label.endswith("…") and short.startswith(label[:-1])), label
        assert len(label) >= 5, label
    # One long name among single characters (the text task's "other") does not turn them all.
    names = (*"␣acdefghilmnorst", "other")
    error_bars.show_snapshot(make_snapshot(category_names=names, n_categories=len(names),
                                           generation=2))
    error_bars.resize(420, 300)
    qtbot.wait(20)
    error_bars._update_ticks()
    assert not error_bars.labels_upright() and error_bars.tick_labels()[:16] == list(names[:16])


# ------------------------------------------------------------------------ activation history
def _history(n: int, symbols) -> ActivationHistory:
    rng = np.random.default_rng(0)
    return ActivationHistory(hidden=rng.random((n, 4)), context=rng.random((n, 4)),
                             loss=rng.random(n), steps=np.arange(1000, 1000 + n),
                             symbols=tuple(symbols[i % len(symbols)] for i in range(n)))


def test_history_error_axis_shows_zero_and_the_largest_error_only(qtbot, make_snapshot):
    view = _shown(qtbot, HistoryView(), 900, 180)  # a low dock: rows of a few pixels
    history = _history(100, ("0", "1"))
    view.show_snapshot(make_snapshot(history=history))
    levels = view.plots["loss"].getAxis("left")._tickLevels
    top = float(history.loss.max())
    assert [label for _, label in levels[0]] == ["0", f"{top:.2g}"]
    qtbot.wait(20)
    assert view.plots["hidden"].getAxis("left").labelText in ("hidden", "h")


def test_loss_axis_title_shortens_in_a_low_plot(qtbot):
    view = _shown(qtbot, LossPlotView(), 500, 170)
    view.set_loss_name("mean squared error")
    qtbot.wait(20)
    assert view.y_label() == "loss"
    assert view._plot.getPlotItem().getAxis("left").toolTip() == "loss (mean squared error)"
    view.resize(500, 500)
    qtbot.waitUntil(lambda: view.y_label() == "loss (mean squared error)", timeout=2000)


def test_history_labels_every_input_or_else_step_numbers(qtbot, make_snapshot):
    """Every other label of 0 1 0 1 … would read 0 0 0 0: all inputs, or none."""
    view = _shown(qtbot, HistoryView(), 1300, 260)
    view.show_snapshot(make_snapshot(history=_history(100, ("0", "1"))))
    assert view.axis_labels() == ["0", "1"] * 50
    view.show_snapshot(make_snapshot(history=_history(100, ("(0,1)", "(1,1)"))))
    labels = view.axis_labels()
    assert 0 < len(labels) < 100 and all(label.replace(",", "").isdigit() for label in labels)
    assert "timesteps" in view.info.text()
    view.resize(400, 260)  # narrower, more steps: even one-character inputs no longer fit
    view.show_snapshot(make_snapshot(history=_history(300, ("0", "1"))))
    # Steps counted from 1 as everywhere: the step at index 1000 is the run's 1,001st.
    qtbot.waitUntil(lambda: view.axis_labels() and view.axis_labels()[0] == "1,001")


def test_history_rows_are_named_and_a_clicked_column_is_outlined(qtbot, make_snapshot):
    view = _shown(qtbot, HistoryView(), 1300, 400)
    history = _history(100, ("0", "1"))
    view.show_snapshot(make_snapshot(history=history))
    qtbot.wait(20)
    assert view.row_labels("hidden") == ["h1", "h2", "h3", "h4"]
    assert view.row_labels("context") == ["c1", "c2", "c3", "c4"]
    assert view.marked_column() is None
    with qtbot.waitSignal(view.stepClicked) as clicked:
        view.click_column(40)
    assert clicked.args == [1040] and view.marked_column() == 40
    later = _history(100, ("0", "1"))  # ten steps later: the same step, ten columns left
    later = dataclasses.replace(later, steps=later.steps + 10)
    view.show_snapshot(make_snapshot(history=later))
    assert view.marked_column() == 30
    view.show_snapshot(make_snapshot(history=later, generation=2))  # a new run: no mark
    assert view.marked_column() is None


def test_history_row_names_of_a_big_layer_do_not_run_into_the_next_plot(qtbot, make_snapshot):
    view = _shown(qtbot, HistoryView(), 1366, 230)  # the 150-unit sentence network at 1366
    rng = np.random.default_rng(0)
    history = dataclasses.replace(_history(100, ("0", "1")), hidden=rng.random((100, 150)),
                                  context=rng.random((100, 150)))
    view.show_snapshot(make_snapshot(history=history))
    qtbot.wait(20)
    hidden, context = view.row_labels("hidden"), view.row_labels("context")
    assert hidden[0] == "h1" and context[0] == "c1" and len(hidden) >= 3
    for name in ("hidden", "context"):
        plot = view.plots[name]
        line = QFontMetrics(plot.getAxis("left").style["tickFont"] or QFont()).height()
        row_px = plot.getViewBox().height() / 150
        last = int(view.row_labels(name)[-1][1:])  # h148 → its row's centre from the bottom
        assert (150 - last + 0.5) * row_px >= line / 2, (name, last)  # inside its plot


def test_history_labels_the_text_tasks_characters_at_a_laptop_width(qtbot, make_snapshot):
    view = _shown(qtbot, HistoryView(), 1000, 260)
    text = "the net reads one letter at a time␣"
    view.show_snapshot(make_snapshot(history=_history(100, tuple(text))))
    qtbot.wait(20)
    assert view.axis_labels() == [text[i % len(text)] for i in range(100)]


def test_a_short_history_keeps_the_usual_column_width(qtbot, make_snapshot):
    """Right after a reset a few steps fill the right end; no column stretches across."""
    view = _shown(qtbot, HistoryView(), 1000, 260)
    view.show_snapshot(make_snapshot(history=_history(3, ("0", "1"))))
    assert view.shown_x_range() == pytest.approx((-97.0, 3.0))
    view.show_snapshot(make_snapshot(history=_history(100, ("0", "1"))))
    assert view.shown_x_range() == pytest.approx((0.0, 100.0))


def test_an_empty_history_shows_no_numbers_or_unit_names_on_any_row(qtbot, make_snapshot):
    """After a reset the rows are empty: no 0…1 scale crammed beside them, no h1…/c1…."""
    view = _shown(qtbot, HistoryView(), 1300, 400)
    view.show_snapshot(make_snapshot(history=_history(100, ("0", "1"))))
    assert view.row_labels("hidden") == ["h1", "h2", "h3", "h4"]
    view.show_snapshot(make_snapshot(history=None, generation=2))
    for name in ("hidden", "context", "loss"):
        assert view.plots[name].getAxis("left")._tickLevels == [[]], name
    assert "Press Step or Play" in view.info.text()


def test_a_new_network_reuses_the_label_texts_and_shows_only_its_own(diagram, make_snapshot):
    def visible_labels() -> list[str]:  # every visible text in the scene, not just the known
        return sorted(f"label {item.toPlainText()}"
                      for item in diagram.plot_widget.scene().items()
                      if isinstance(item, pg.TextItem) and item.isVisible())

    def texts_in_scene() -> int:
        return sum(isinstance(item, pg.TextItem)
                   for item in diagram.plot_widget.scene().items())

    big = make_snapshot(6, 20, 6, input_labels=tuple("abcdef"), output_labels=tuple("uvwxyz"))
    diagram.show_snapshot(big)
    made = texts_in_scene()
    assert {"label a", "label z"} <= set(visible_labels())
    diagram.show_snapshot(make_snapshot(1, 4, 1, input_labels=("bit",), output_labels=("next",)))
    shown = visible_labels()
    assert "label bit" in shown and "label next" in shown
    assert not {"label a", "label z"} & set(shown)  # the bigger network's labels are put away
    diagram.show_snapshot(big)
    assert {"label a", "label z"} <= set(visible_labels())
    assert texts_in_scene() == made  # the same texts again, none made or left behind


def test_the_cached_epoch_markers_show_a_new_epoch_at_once(qtbot, make_snapshot):
    """The epoch curves are cached as pixels (they change once an epoch, the running loss
    every frame): a new epoch's marker must still appear in the next picture, A's and B's."""
    view = _shown(qtbot, LossPlotView(), 700, 450)
    x = np.linspace(0.05, 6, 120)
    running = np.full_like(x, 0.1)
    losses = np.array([0.3, 0.2, 0.15, 0.12])
    partner = make_snapshot(epoch_losses=losses * 0.5, running_loss_x=x,
                            running_loss_y=running * 0.5)
    view.show_snapshot(make_snapshot(epoch_losses=losses, running_loss_x=x,
                                     running_loss_y=running, partner=partner,
                                     partner_label="B"))
    _paint(view)
    grown = np.append(losses, 0.28)  # epoch 5, far from every other line
    partner = make_snapshot(epoch_losses=np.append(losses * 0.5, 0.22), running_loss_x=x,
                            running_loss_y=running * 0.5)
    view.show_snapshot(make_snapshot(epoch_losses=grown, running_loss_x=x,
                                     running_loss_y=running, partner=partner,
                                     partner_label="B"))
    plot = view._plot
    image = plot.viewport().grab().toImage()
    box = plot.getPlotItem().getViewBox()
    for value, colour in ((0.28, palette.LOSS_CURVE), (0.22, palette.PARTNER_CURVE)):
        point = plot.mapFromScene(box.mapViewToScene(QPointF(5, value)))
        painted = image.pixelColor(point.x(), point.y())
        expected = pg.mkColor(colour)
        assert max(abs(painted.red() - expected.red()), abs(painted.green() - expected.green()),
                   abs(painted.blue() - expected.blue())) < 40, (value, painted.name())
