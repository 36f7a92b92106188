"""The main window as a student drives it: keys, toolbar, task selector, parameter panel."""

from __future__ import annotations

import time

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractButton, QAbstractSpinBox, QComboBox, QSlider

import elman_core
from elman_core import tasks
from elman_core.live.snapshot import DIVERGED, FINISHED, PAUSED, RUNNING
from elman_core.training.session import TrainingSession
from elman_gui.panels.controls import TextTaskDialog
from tests.support.gui import rendered_where as shared_rendered_where
from tests.support.gui import running_window

WAIT_MS = 10_000


@pytest.fixture
def window(qtbot):
    def record_renders(window):
        window.rendered = []
        window.snapshotRendered.connect(window.rendered.append)

    with running_window(qtbot, "xor", prepare=record_renders) as window:
        yield window


def rendered_where(qtbot, window, condition, timeout=WAIT_MS):
    return shared_rendered_where(qtbot, window, condition, timeout)


def test_window_shows_the_task_and_its_state(window):
    snapshot = window.current_snapshot
    assert window.windowTitle() == f"Elman Lab {elman_core.__version__}"
    assert snapshot.task_name == "xor" and window.selector.current_name() == "xor"
    assert "XOR" in window.description.toPlainText()
    status = {key: label.text() for key, label in window.status_labels.items()}
    assert status["epoch"] == "Epoch 0 / 600" and status["step"] == "Step 0 / 2,999"
    assert "Paused" in status["state"]
    assert window.diagram.unit_values("hidden").shape == (4,)


def test_step_renders_exactly_that_steps_activations(window, qtbot):
    reference = TrainingSession(tasks.get("xor"))
    for count in (1, 2, 3):
        window.actions_.step.trigger()
        snapshot = rendered_where(qtbot, window, lambda s, c=count: s.global_step == c)
        trace = reference.step()
        np.testing.assert_array_equal(snapshot.trace.hidden, trace.hidden)
        np.testing.assert_array_equal(snapshot.hidden, trace.hidden)
        np.testing.assert_array_equal(snapshot.output, trace.output)
        np.testing.assert_array_equal(window.diagram.unit_values("hidden"), trace.hidden)
        np.testing.assert_array_equal(window.diagram.unit_values("context"), trace.context)
    assert window.status_labels["step"].text() == "Step 3 / 2,999"


def test_keyboard_shortcuts_drive_training(window, qtbot):
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=WAIT_MS)
    qtbot.keyClick(window.diagram, Qt.Key.Key_Right)
    rendered_where(qtbot, window, lambda s: s.global_step == 1)
    qtbot.keyClick(window.diagram, Qt.Key.Key_S)
    rendered_where(qtbot, window, lambda s: s.global_step == 2)
    qtbot.keyClick(window.diagram, Qt.Key.Key_E)
    rendered_where(qtbot, window, lambda s: s.epoch == 1 and s.position == 0)
    qtbot.keyClick(window.diagram, Qt.Key.Key_Space)
    rendered_where(qtbot, window, lambda s: s.state == RUNNING)
    qtbot.keyClick(window.diagram, Qt.Key.Key_Space)
    rendered_where(qtbot, window, lambda s: s.state == PAUSED)
    qtbot.keyClick(window.diagram, Qt.Key.Key_R)
    snapshot = rendered_where(qtbot, window, lambda s: s.generation == 1)
    assert (snapshot.epoch, snapshot.position) == (0, 0)


def test_play_then_pause_stops_the_timestep_and_the_repaints(window, qtbot):
    window.speed.set_label("1k/s")
    window.actions_.play_pause.trigger()
    rendered_where(qtbot, window, lambda s: s.state == RUNNING and s.global_step > 100)
    assert window.actions_.play_pause.text() == "Pause"
    window.actions_.play_pause.trigger()
    paused = rendered_where(qtbot, window, lambda s: s.state == PAUSED)
    frames = window.frames_painted
    qtbot.wait(300)
    assert window.current_snapshot.global_step == paused.global_step > 100
    assert window.frames_painted == frames  # nothing new: no repaint
    assert window.actions_.play_pause.text() == "Play"


def test_the_play_button_changes_once_per_play_not_once_per_frame(window, qtbot):
    """Every snapshot tells the controls whether training runs: only a change of state may
    touch the button (a new icon repaints the toolbar, at 40 frames a second)."""
    changes = []
    window.actions_.play_pause.changed.connect(lambda: changes.append(1))
    window.speed.set_label("1k/s")
    window.actions_.play_pause.trigger()
    first = rendered_where(qtbot, window, lambda s: s.state == RUNNING)
    rendered_where(qtbot, window, lambda s: s.global_step > first.global_step + 100)
    assert window.frames_painted > 3 and len(changes) <= 2  # the text and the icon, once


def test_swapping_task_while_running_never_shows_the_old_task_again(window, qtbot):
    window.speed.set_label("max")
    window.actions_.play_pause.trigger()
    rendered_where(qtbot, window, lambda s: s.state == RUNNING and s.global_step > 0)
    index = window.selector.findData("letters")
    window.selector.setCurrentIndex(index)
    window.selector.activated.emit(index)
    swap_at = len(window.rendered)
    snapshot = rendered_where(qtbot, window, lambda s: s.task_name == "letters"
                              and s.global_step > 2000)
    assert (snapshot.n_input, snapshot.n_hidden, snapshot.n_output) == (6, 20, 6)
    # It kept playing. Letters' 200 epochs (181k steps) take under 0.1 s at full speed, so the
    # first frame painted after the swap may already show the whole run trained.
    assert snapshot.state == RUNNING or (
        snapshot.state == FINISHED
        and snapshot.global_step == snapshot.epochs_total * snapshot.steps_per_epoch)
    assert window.diagram.unit_values("hidden").shape == (20,)
    assert {s.task_name for s in window.rendered[swap_at:]} == {"letters"}
    assert window.error_bars.bar_names()[:3] == ("b", "d", "g")


def test_random_actions_end_in_a_consistent_state(window, qtbot):
    rng = np.random.default_rng(2024)
    names = ["xor", "letters", "alternating", "counting", "end-of-sequence", "text"]
    notices = []
    window.trainer.notice.connect(lambda level, text: notices.append(text))
    actions = window.actions_
    for _ in range(500):
        choice = rng.integers(7)
        if choice == 0:
            actions.play_pause.trigger()
        elif choice == 1:
            window.trainer.pause()
        elif choice == 2:
            actions.step.trigger()
        elif choice == 3:
            window.choose_task(names[rng.integers(len(names))])
        elif choice == 4:
            actions.reset.trigger()
        elif choice == 5:
            window.parameters.learning_rate.setValue(float(rng.choice([0.01, 0.1, 0.3, 1.0])))
        else:
            window.speed.slider.setValue(int(rng.integers(window.speed.slider.maximum() + 1)))
        qtbot.wait(int(rng.integers(0, 4)))
    window.trainer.pause()
    window.actions_.reset.trigger()
    final = rendered_where(qtbot, window,
                           lambda s: s.generation == window.trainer.requested_generation)
    qtbot.wait(200)  # anything still in flight arrives and is painted
    window.paint_newest()
    final = window.current_snapshot
    assert (final.epoch, final.position, final.global_step) == (0, 0, 0)
    assert final.state == PAUSED and final.generation == window.trainer.requested_generation
    assert window.trainer.requested_generation > 50
    generations = [s.generation for s in window.rendered]
    assert generations == sorted(generations)
    assert not [text for text in notices if "internal error" in text]
    assert window.trainer.thread.isRunning()


def test_invalid_parameters_are_refused_with_a_message(window, qtbot):
    window.actions_.step.trigger()
    before = rendered_where(qtbot, window, lambda s: s.global_step == 1)
    panel = window.parameters
    panel.output_activation.setCurrentIndex(panel.output_activation.findData("softmax"))
    assert panel.apply_button.isEnabled()
    panel.apply_button.click()
    qtbot.waitUntil(lambda: panel.message.isVisible(), timeout=WAIT_MS)
    assert "Softmax" in panel.message.text()
    assert window.notice_bar.level == "error" and "Softmax" in window.notice_bar.text()
    qtbot.waitUntil(lambda: panel.output_activation.currentData() == "sigmoid", timeout=WAIT_MS)
    snapshot = rendered_where(qtbot, window, lambda s: s is not before)
    assert snapshot.global_step == 1 and snapshot.n_hidden == 4
    np.testing.assert_array_equal(snapshot.W_ho, before.W_ho)
    assert not panel.apply_button.isEnabled()


def test_structural_change_rebuilds_and_live_change_does_not(window, qtbot):
    panel = window.parameters
    panel.n_hidden.setValue(7)
    panel.apply_button.click()
    snapshot = rendered_where(qtbot, window, lambda s: s.n_hidden == 7)
    assert snapshot.generation == 1 and snapshot.global_step == 0
    panel.learning_rate.setValue(0.25)
    snapshot = rendered_where(qtbot, window, lambda s: s.learning_rate == 0.25)
    assert snapshot.generation == 1


def test_a_huge_learning_rate_diverges_and_the_app_recovers(window, qtbot):
    panel = window.parameters
    panel.output_activation.setCurrentIndex(panel.output_activation.findData("linear"))
    panel.apply_button.click()
    rendered_where(qtbot, window, lambda s: s.generation == 1)
    panel.learning_rate.setValue(1000.0)
    window.speed.set_label("max")
    window.actions_.play_pause.trigger()
    snapshot = rendered_where(qtbot, window, lambda s: s.state == DIVERGED)
    assert "diverged" in window.notice_bar.text() and window.notice_bar.level == "warning"
    assert "Diverged" in window.status_labels["state"].text()
    for name in ("W_ih", "W_hh", "W_ho", "b_h", "b_o", "context"):
        assert np.all(np.isfinite(getattr(snapshot, name)))
    assert np.all(np.isfinite(window.diagram.unit_values("context")))
    panel.learning_rate.setValue(0.1)
    window.actions_.reset.trigger()
    rendered_where(qtbot, window, lambda s: s.state == PAUSED and s.generation == 2)
    window.actions_.play_pause.trigger()
    rendered_where(qtbot, window, lambda s: s.state == RUNNING and s.global_step > 1000)


def test_training_stops_by_itself_after_the_epochs(window, qtbot):
    window.choose_task("alternating")
    rendered_where(qtbot, window, lambda s: s.task_name == "alternating")
    qtbot.waitUntil(lambda: window.parameters.epochs.value() == 200, timeout=WAIT_MS)
    window.parameters.epochs.setValue(5)
    window.speed.set_label("max")
    window.actions_.play_pause.trigger()
    snapshot = rendered_where(qtbot, window, lambda s: s.state == FINISHED)
    assert snapshot.epoch == 5
    assert window.status_message.text().startswith("Finished 5 epochs — loss ")
    assert window.status_labels["epoch"].text() == "Epoch 5 / 5"
    n = snapshot.steps_per_epoch  # the last step done, not "Step 0" of an epoch never begun
    assert window.status_labels["step"].text() == f"Step {n:,} / {n:,}"


def test_clicking_a_hidden_unit_lesions_it(window, qtbot):
    window.diagram.unitClicked.emit("hidden", 2)
    rendered_where(qtbot, window, lambda s: s.lesioned == (2,))
    window.actions_.step.trigger()
    snapshot = rendered_where(qtbot, window, lambda s: s.global_step == 1)
    assert snapshot.hidden[2] == 0.0
    window.diagram.unitClicked.emit("hidden", 2)
    rendered_where(qtbot, window, lambda s: s.lesioned == ())


def test_the_text_dialog_explains_a_bad_text(qtbot):
    dialog = TextTaskDialog("   ")
    qtbot.addWidget(dialog)
    dialog.accept()
    assert dialog.error.isVisibleTo(dialog) and "empty" in dialog.error.text()
    assert dialog.result() == 0
    dialog.editor.setPlainText("a cat sat on a mat")
    dialog.accept()
    assert dialog.result() == 1


def test_own_text_trains_on_that_text(window, qtbot):
    window.shown.text_options = {"text": "abcabcabd"}
    window.choose_task("text")
    snapshot = rendered_where(qtbot, window, lambda s: s.task_name == "text")
    assert snapshot.n_input == 4 and window.selector.current_name() == "text"


def test_every_control_explains_itself(window):
    widgets = window.findChildren(QAbstractButton) + window.findChildren(QAbstractSpinBox) \
        + window.findChildren(QComboBox) + window.findChildren(QSlider)
    missing = [w for w in widgets if w.isVisible() and not w.toolTip()
               and not w.objectName().startswith("qt_")  # Qt's own dock buttons
               and not (w.parent() and w.parent().toolTip())]
    assert not missing, [w.text() if hasattr(w, "text") else w for w in missing]
    for action in window.actions_.__dict__.values():
        if hasattr(action, "toolTip"):
            assert len(action.toolTip()) > 20
    assert [a.shortcut().toString() for a in (window.actions_.play_pause, window.actions_.step,
                                              window.actions_.step_epoch, window.actions_.reset)] \
        == ["Space", "Right", "E", "R"]


def test_closing_while_training_ends_the_thread_quickly(window, qtbot, qtlog):
    window.speed.set_label("max")
    window.actions_.play_pause.trigger()
    rendered_where(qtbot, window, lambda s: s.state == RUNNING and s.global_step > 1000)
    started = time.perf_counter()
    window.close()
    assert window.trainer.thread.isFinished()
    assert time.perf_counter() - started < 1.0
    assert not [r for r in qtlog.records if "QThread" in r.message or "Timer" in r.message]


def test_every_view_is_painted_through_the_snapshot_view_list(window, qtbot):
    """The window repaints what is registered in snapshot_views, each with the same snapshot;
    one more view registered there is painted too, with no other change to the window."""
    from elman_gui.views.snapshot_view import SnapshotView

    assert all(isinstance(view, SnapshotView) for view in window.snapshot_views)
    assert {window.diagram, window.loss_plot, window.error_bars, window.tape, window.figure_tabs,
            window.debugger, window.status} <= set(window.snapshot_views)

    class Recording:
        def __init__(self):
            self.seen = []

        def show_snapshot(self, snapshot):
            self.seen.append(snapshot)

    extra = Recording()
    window.snapshot_views.append(extra)
    window.actions_.step.trigger()
    snapshot = rendered_where(qtbot, window, lambda s: s.global_step == 1)
    assert extra.seen[-1] is snapshot is window.current_snapshot
