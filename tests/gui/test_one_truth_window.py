"""One truth per number in the window: one epoch counter for the status bar, the loss label,
the paper figure and the error bars; never past the last epoch; one step shown everywhere."""

from __future__ import annotations

import re

import numpy as np
import pytest
from PySide6.QtCore import QPoint, Qt

from elman_core.live.snapshot import FINISHED
from elman_gui.views.stepping.sequence_tape import GUTTER_PX
from tests.support.gui import rendered_where, running_window

WAIT_MS = 30_000


@pytest.fixture
def window(qtbot):
    with running_window(qtbot, "xor") as window:
        window.trainer.set_settings({"epochs": 3, "sequence_length": 300})
        rendered_where(qtbot, window, lambda s: s.epochs_total == 3 and s.steps_per_epoch < 300
                       and s.generation == window.trainer.requested_generation, WAIT_MS)
        yield window


def test_one_epoch_counter_and_never_past_the_last_epoch(window, qtbot):
    window.figure_tabs.show_view("paper-figure")
    for epoch in (1, 2, 3):
        window.actions_.step_epoch.trigger()
        rendered_where(qtbot, window, lambda s, e=epoch: s.epoch == e, WAIT_MS)
    snapshot = rendered_where(qtbot, window, lambda s: s.state == FINISHED, WAIT_MS)
    assert window.status_labels["epoch"].text() == "Epoch 3 / 3"
    assert window.loss_plot.latest_text().startswith("epoch 3: ")
    assert "(epoch 3)" in window.figure_tabs.paper_figure.title.text()
    assert "(epoch 3)" in window.error_bars.header.text()
    assert "RMS error" in window.error_bars.header.text()
    # E and → after the end: still epoch 3 of 3, and a word why.
    window.actions_.step_epoch.trigger()
    window.actions_.step.trigger()
    qtbot.waitUntil(lambda: "finished" in window.notice_bar.text().lower(), timeout=WAIT_MS)
    assert window.current_snapshot.global_step == snapshot.global_step
    assert window.status_labels["epoch"].text() == "Epoch 3 / 3"


def test_the_error_bars_and_fig_3_read_the_same_measure(window, qtbot):
    for epoch in (1, 2):
        window.actions_.step_epoch.trigger()
        rendered_where(qtbot, window, lambda s, e=epoch: s.epoch == e, WAIT_MS)
    snapshot = window.current_snapshot
    figure = snapshot.paper_figure
    assert figure.panels[0].y_label == "RMS error" == snapshot.error_measure
    axis = window.error_bars._plot.getPlotItem().getAxis("left")
    assert axis.labelText in ("RMS error", "error")


def test_a_step_picked_in_the_history_is_the_step_the_diagram_shows(window, qtbot):
    for _ in range(12):
        window.actions_.step.trigger()
    latest = rendered_where(qtbot, window, lambda s: s.global_step == 12, WAIT_MS)
    window.trainer.inspect_step(4)
    picked = rendered_where(qtbot, window, lambda s: s.inspected is not None
                            and s.inspected.global_step == 4, WAIT_MS)
    np.testing.assert_array_equal(window.diagram.unit_values("hidden"),
                                  picked.inspected.trace.hidden)
    assert not np.array_equal(window.diagram.unit_values("hidden"), latest.hidden)
    header = window.debugger.inspector.header.text()
    assert re.search(r"step 5\b", header), header  # step 4 counted from 0 is "step 5"
    window.actions_.step.trigger()  # a new step: the diagram follows the latest again
    stepped = rendered_where(qtbot, window, lambda s: s.global_step == 13, WAIT_MS)
    np.testing.assert_array_equal(window.diagram.unit_values("hidden"), stepped.hidden)


def test_a_step_clicked_on_the_tape_is_shown_everywhere(window, qtbot):
    for _ in range(8):
        window.actions_.step.trigger()
    rendered_where(qtbot, window, lambda s: s.global_step == 8, WAIT_MS)
    window.resize(1300, 850)
    qtbot.waitUntil(lambda: window.tape.columns_shown() >= 8, timeout=WAIT_MS)
    tape = window.tape
    # The third column from the right: step 5 (steps are numbered from 0).
    n = tape.columns_shown()
    width = (tape.width() - GUTTER_PX) / n
    x = GUTTER_PX + (n - 3) * width + width / 2
    assert tape.step_at(x) == 5
    with qtbot.waitSignal(tape.stepClicked, timeout=WAIT_MS) as clicked:
        qtbot.mouseClick(tape, Qt.MouseButton.LeftButton, pos=QPoint(int(x), tape.height() // 2))
    assert clicked.args == [5]
    picked = rendered_where(qtbot, window, lambda s: s.inspected is not None
                            and s.inspected.global_step == 5, WAIT_MS)
    assert tape.outlined == 5  # outlined on the tape, shown in the diagram and the inspector
    np.testing.assert_array_equal(window.diagram.unit_values("hidden"),
                                  picked.inspected.trace.hidden)


def test_mid_epoch_the_status_bar_names_the_epoch_its_loss_belongs_to(window, qtbot):
    window.actions_.step_epoch.trigger()
    rendered_where(qtbot, window, lambda s: s.epoch == 1, WAIT_MS)
    for _ in range(5):
        window.actions_.step.trigger()
    snapshot = rendered_where(qtbot, window, lambda s: s.epoch == 1 and s.position == 5,
                              WAIT_MS)
    # The step just done is in epoch 2; the loss shown (here, the plot, the error bars) is
    # epoch 1's, and says so with the same number.
    assert window.status_labels["epoch"].text() == "Epoch 2 / 3"
    assert window.status_labels["step"].text().startswith("Step 5 / ")
    latest = snapshot.latest_epoch_loss()
    assert window.status_labels["loss"].text() == f"Loss of epoch 1: {latest:.4f}"
    assert window.loss_plot.latest_text().startswith("epoch 1: ")
    assert "(epoch 1)" in window.error_bars.header.text()


def test_a_step_picked_in_the_inspector_is_shown_in_the_history_tape_and_diagram(window, qtbot):
    for _ in range(10):
        window.actions_.step.trigger()
    latest = rendered_where(qtbot, window, lambda s: s.global_step == 10, WAIT_MS)
    inspector, history = window.debugger.inspector, window.debugger.history
    box = inspector.step_box
    # The box offers the steps the history keeps, counted from 1, and shows the latest.
    assert box.isEnabled() and (box.minimum(), box.maximum()) == (1, 10)
    assert box.value() == 10
    with qtbot.waitSignal(inspector.stepPicked, timeout=WAIT_MS) as picked_signal:
        box.stepBy(-7)  # the ↓ arrow, seven times: step 3 of the run (global step 2)
    assert picked_signal.args == [2]
    picked = rendered_where(qtbot, window, lambda s: s.inspected is not None
                            and s.inspected.global_step == 2, WAIT_MS)
    assert re.search(r"step 3\b", inspector.header.text()), inspector.header.text()
    np.testing.assert_array_equal(window.diagram.unit_values("hidden"),
                                  picked.inspected.trace.hidden)
    assert not np.array_equal(window.diagram.unit_values("hidden"), latest.hidden)
    assert window.tape.outlined == 2
    column = int(np.flatnonzero(history.history.steps == 2)[0])
    assert history.marked_column() == column
    # Picked in the history: the inspector's box follows.
    history.click_column(column + 4)
    rendered_where(qtbot, window, lambda s: s.inspected is not None
                   and s.inspected.global_step == 6, WAIT_MS)
    assert box.value() == 7 and window.tape.outlined == 6
    # Picked on the tape: the box and the history follow.
    window.tape.stepClicked.emit(4)
    rendered_where(qtbot, window, lambda s: s.inspected is not None
                   and s.inspected.global_step == 4, WAIT_MS)
    assert box.value() == 5
    assert history.marked_column() == int(np.flatnonzero(history.history.steps == 4)[0])
