"""Step-through debugging of the context, driven through the main window."""

from __future__ import annotations

import numpy as np
import pytest

from elman_core import tasks
from elman_core.live.snapshot import PAUSED
from elman_core.training import run_to
from elman_core.training.session import TrainingSession
from tests.support.gui import rendered_where as shared_rendered_where
from tests.support.gui import running_window

WAIT_MS = 10_000
WEIGHTS = ("W_ih", "W_hh", "W_ho", "b_h", "b_o")


@pytest.fixture
def window(qtbot):
    def record_notices(window):
        window.notices = []
        window.trainer.notice.connect(
            lambda level, text: window.notices.append((level, text)))

    with running_window(qtbot, "letters", size=(1400, 900), prepare=record_notices,
                        set_speed=False) as window:
        yield window


def rendered_where(qtbot, window, condition, timeout=WAIT_MS):
    return shared_rendered_where(qtbot, window, condition, timeout)


def step_to(qtbot, window, count):
    start = window.current_snapshot.global_step
    for i in range(count):
        window.actions_.step.trigger()
        rendered_where(qtbot, window, lambda s, n=start + i + 1: s.global_step == n)
    return window.current_snapshot


def weights(snapshot_or_network):
    return {name: np.array(getattr(snapshot_or_network, name)) for name in WEIGHTS}


def assert_weights_equal(a, b):
    for name in WEIGHTS:
        np.testing.assert_array_equal(a[name], b[name], err_msg=name)


def test_inspector_shows_the_numbers_of_the_step_it_names(window, qtbot):
    reference = TrainingSession(tasks.get("letters"))
    snapshot = step_to(qtbot, window, 3)
    for _ in range(3):
        trace = reference.step()
    inspected = window.debugger.inspector.inspected
    assert inspected is snapshot.inspected and inspected.trace is snapshot.trace
    assert (inspected.epoch, inspected.position, inspected.global_step) == (0, 2, 2)
    for name in ("input", "context", "hidden_net", "hidden", "output", "target", "error",
                 "delta_output", "delta_hidden", "dW_ih", "dW_hh", "dW_ho"):
        np.testing.assert_array_equal(getattr(inspected.trace, name), getattr(trace, name),
                                      err_msg=name)
    assert inspected.trace.loss == trace.loss
    assert inspected.input_symbol == reference.sequence.input_symbols[2]
    header = window.debugger.inspector.header_text()
    assert header.startswith("epoch 1, step 3 (step 3 of the run)")  # the third step, done
    text = window.debugger.inspector.text.toPlainText()
    assert f"{trace.loss:#.4g}" in text and f"{trace.hidden[0]:#.4g}" in text
    assert "= hidden at t−1" in text
    dump = window.debugger.inspector.dump()
    assert f"{trace.dW_hh[0, 0]:.6g}" in dump
    heatmap = window.debugger.inspector.heatmaps["dW_hh"]
    assert heatmap.value_at(1, 2) == f"c3 → h2: Δw = {float(trace.dW_hh[1, 2])!r}"
    largest = float(np.abs(trace.dW_hh).max())
    assert heatmap.scale() == (-largest, largest)  # the colour bar's range
    assert "can go back 3 steps" in window.debugger.inspector.memory.text()


def test_inspector_wraps_between_numbers_never_inside_one(window, qtbot):
    step_to(qtbot, window, 2)
    window.debugger.inspector_dock.raise_()
    text = window.debugger.inspector.text
    text.resize(230, 400)  # narrower than a letters vector of 20 hidden units
    qtbot.waitUntil(lambda: text.isVisible() and text.toPlainText() != "", timeout=WAIT_MS)
    qtbot.wait(50)  # laid out at its new width
    assert text.viewport().width() < 240
    wrapped = 0
    block = text.document().begin()
    while block.isValid():
        text.document().documentLayout().blockBoundingRect(block)  # lays the block out
        layout = block.layout()
        lines = [block.text()[layout.lineAt(i).textStart():][:layout.lineAt(i).textLength()]
                 for i in range(layout.lineCount())]
        wrapped += len(lines) > 1
        # Cutting inside a number would split one token into two.
        assert " ".join(lines).split() == block.text().split(), lines
        block = block.next()
    assert wrapped >= 3  # the hidden vectors did wrap
    for value in window.current_snapshot.hidden:  # fixed significant digits
        assert f"{value:#.4g}" in text.toPlainText()


def test_phases_reach_the_same_state_as_a_whole_step(window, qtbot):
    reference = TrainingSession(tasks.get("letters"))
    before = weights(reference.network)
    window.debugger.phases.setChecked(True)
    window.actions_.step.trigger()
    first = rendered_where(qtbot, window, lambda s: s.phase == 1)
    assert first.global_step == 1
    assert_weights_equal(weights(first), before)  # forward: the weights before the update
    assert window.diagram.phase_opacities()[0] == 1.0
    assert "2  ERROR" not in window.debugger.inspector.text.toPlainText()
    trace = reference.step()
    for phase in (2, 3, 4):
        window.actions_.step.trigger()
        snapshot = rendered_where(qtbot, window, lambda s, p=phase: s.phase == p)
        assert snapshot.global_step == 1
    assert window.diagram.phase_opacities() == (0.15, 1.0)  # copy links glow
    after = weights(reference.network)
    for name in WEIGHTS:
        np.testing.assert_allclose(getattr(snapshot, name), after[name], rtol=0, atol=1e-15)
    np.testing.assert_array_equal(snapshot.context, trace.hidden)
    assert "4  COPY HIDDEN → CONTEXT" in window.debugger.inspector.text.toPlainText()
    window.actions_.step.trigger()  # the next timestep starts again at phase 1
    snapshot = rendered_where(qtbot, window, lambda s: s.global_step == 2 and s.phase == 1)
    assert_weights_equal(weights(snapshot), after)


def test_step_back_and_forward_is_bit_identical(window, qtbot):
    step_to(qtbot, window, 8)
    later = weights(window.current_snapshot)
    window.debugger.step_back.trigger()
    back = rendered_where(qtbot, window, lambda s: s.global_step == 7)
    assert back.inspected.global_step == 6 and "stepped back" in back.inspected.note
    window.trainer.step_back(4)
    back = rendered_where(qtbot, window, lambda s: s.global_step == 3)
    assert len(back.history) == 3 and list(back.history.steps) == [0, 1, 2]
    assert back.steps_back == 3
    snapshot = step_to(qtbot, window, 5)
    assert snapshot.global_step == 8
    assert_weights_equal(weights(snapshot), later)


def test_run_to_the_next_b(window, qtbot):
    window.trainer.run_to("symbol", "b")
    snapshot = rendered_where(qtbot, window, lambda s: s.state == PAUSED
                              and s.message.startswith("Stopped"))
    sequence = TrainingSession(tasks.get("letters")).sequence
    first_b = list(sequence.input_symbols).index("b")
    assert snapshot.inspected.input_symbol == "b"
    assert snapshot.inspected.position == first_b
    assert snapshot.position == first_b + 1 and snapshot.global_step == first_b + 1
    assert window.debugger.inspector.header_text().startswith(f"epoch 1, step {first_b + 1} (")


def test_run_to_error_threshold_and_epoch(window, qtbot):
    window.trainer.run_to("error", 0.45)
    snapshot = rendered_where(qtbot, window, lambda s: s.state == PAUSED
                              and s.message.startswith("Stopped"))
    reference = TrainingSession(tasks.get("letters"))
    trace = run_to.run_to(reference, run_to.ErrorAbove(0.45))
    assert snapshot.global_step == reference.global_step > 1000
    assert snapshot.inspected.global_step == reference.global_step - 1
    assert snapshot.inspected.trace.loss > 0.45
    np.testing.assert_allclose(snapshot.inspected.trace.output, trace.output, atol=1e-12)
    earlier = snapshot.history.loss[:-1]
    assert len(earlier) > 10 and not np.any(earlier > 0.45)  # the first such step
    assert snapshot.history.steps[-1] == snapshot.inspected.global_step
    target = snapshot.epoch + 2
    window.trainer.run_to("epoch", target)
    snapshot = rendered_where(qtbot, window, lambda s, e=target: s.state == PAUSED
                              and s.epoch == e)
    assert snapshot.position == 0
    at_end = snapshot.global_step
    assert (snapshot.inspected.epoch, snapshot.inspected.position) == (
        target - 1, snapshot.steps_per_epoch - 1)
    # The history shows the 100 steps up to there (it was refilled, never one stretched column).
    assert len(snapshot.history) == 100 and snapshot.history.steps[-1] == at_end - 1
    # One numbering: the status bar, the inspector and the history name the same step.
    n = snapshot.steps_per_epoch
    status = window.status_labels
    assert status["epoch"].text().startswith(f"Epoch {target} /")
    assert status["step"].text() == f"Step {n} / {n}"
    assert window.debugger.inspector.header_text().startswith(f"epoch {target}, step {n} (")
    history = window.debugger.history
    qtbot.waitUntil(lambda: history.history is snapshot.history)
    history.click_column(len(snapshot.history) - 1)
    assert history.info.text().startswith(f"Inspecting epoch {target}, step {n} ")
    at = snapshot.global_step
    window.trainer.run_to("epoch", 1)
    window.trainer.run_to("symbol", "z")
    qtbot.waitUntil(lambda: len(window.notices) >= 2, timeout=WAIT_MS)
    assert "already complete" in window.notices[-2][1]
    assert "never occurs" in window.notices[-1][1]
    assert window.trainer.latest.global_step == at


def test_clicking_a_history_column_shows_that_past_step(window, qtbot):
    window.trainer.run_steps(1500)
    snapshot = rendered_where(qtbot, window, lambda s: s.state == PAUSED
                              and s.global_step == 1500)
    history = window.debugger.history
    qtbot.waitUntil(lambda: history.history is snapshot.history)
    assert len(snapshot.history) == 100 and snapshot.history.steps[-1] == 1499
    column = 40
    step = int(snapshot.history.steps[column])
    history.click_column(column)
    shown = rendered_where(qtbot, window, lambda s: s.inspected is not None
                           and s.inspected.global_step == step)
    assert shown.inspected.input_symbol == history.column_labels()[column]
    np.testing.assert_allclose(shown.inspected.trace.hidden, snapshot.history.hidden[column],
                               rtol=0, atol=1e-12)
    assert shown.global_step == 1500
    assert_weights_equal(weights(shown), weights(snapshot))
    np.testing.assert_array_equal(shown.epoch_losses, snapshot.epoch_losses)
    assert shown.steps_back == snapshot.steps_back
    # Training goes on exactly as if nothing had been inspected.
    reference = TrainingSession(tasks.get("letters"))
    worker_session = window.trainer.worker.session
    assert worker_session.global_step == 1500
    next_step = step_to(qtbot, window, 1)
    while reference.global_step < 1500:
        reference.run(1500 - reference.global_step)
    trace = reference.step()
    np.testing.assert_allclose(next_step.trace.hidden, trace.hidden, rtol=0, atol=1e-12)


def test_zero_context_and_lesion_show_at_once(window, qtbot):
    snapshot = step_to(qtbot, window, 3)
    assert np.any(snapshot.inspected.trace.context != 0)
    window.actions_.forget_context.setChecked(True)
    snapshot = step_to(qtbot, window, 3)
    assert not np.any(snapshot.inspected.trace.context)
    assert not np.any(snapshot.history.context[-3:])
    assert np.any(snapshot.history.context[1:3])
    window.actions_.forget_context.setChecked(False)
    window.diagram.unitClicked.emit("hidden", 3)
    rendered_where(qtbot, window, lambda s: s.lesioned == (3,))
    snapshot = step_to(qtbot, window, 3)
    assert np.any(snapshot.inspected.trace.context != 0)
    assert snapshot.inspected.trace.hidden[3] == 0.0
    assert np.all(snapshot.history.hidden[-3:, 3] == 0.0)
    assert np.all(snapshot.history.hidden[-3:, 2] != 0.0)


def test_context_init_menu_and_task_swap_clear_the_debugger(window, qtbot):
    window.debugger.context_init[0.5].trigger()
    qtbot.waitUntil(lambda: window.shown.settings is not None
                    and window.shown.settings.context_init == 0.5, timeout=WAIT_MS)
    snapshot = step_to(qtbot, window, 2)
    assert np.all(snapshot.history.context[0] == 0.5)  # the first step starts from 0.5
    assert window.debugger.inspector.inspected is not None
    window.choose_task("xor")
    snapshot = rendered_where(qtbot, window, lambda s: s.task_name == "xor")
    assert snapshot.inspected is None and snapshot.history is None
    assert window.debugger.inspector.inspected is None
    assert window.debugger.history.column_labels() == ()
    assert window.debugger.inspector.text.toPlainText() == ""
