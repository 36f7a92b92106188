"""Issue 12: the window tells the truth once — pace, phase, numbering, Play, messages, texts."""

from __future__ import annotations

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from elman_core import tasks
from elman_core.live.driver import kernels_cached
from elman_core.live.snapshot import FINISHED, PAUSED, RUNNING
from elman_core.training.session import TrainingSession
from elman_gui.panels.controls import SPEED_STOPS, TextTaskDialog
from elman_gui.panels.parameter_panel import APPLY_IDLE, APPLY_PENDING
from elman_gui.panels.status import STATE_MESSAGES
from elman_gui.worker import COMPILING_MESSAGE
from tests.support.gui import rendered_where, running_window

WAIT_MS = 15_000


def newest(window):
    return lambda s: (s.generation == window.trainer.requested_generation
                      and s is window.trainer.latest)


def test_each_task_opens_at_its_watchable_pace_and_reset_brings_it_back(qtbot):
    def record_statuses(window):
        window.statuses = []
        window.trainer.status.connect(window.statuses.append)

    cached = kernels_cached()
    with running_window(qtbot, "xor", prepare=record_statuses) as window:
        # The compile message only when numba really compiles (not with a warm cache).
        assert (COMPILING_MESSAGE in window.statuses) == (not cached)
        stops = {speed: label for label, speed in SPEED_STOPS}
        assert window.speed.label() == stops[tasks.get("xor").opening_speed]
        for name in ("counting", "letters", "alternating", "text"):
            window.choose_task(name)
            rendered_where(qtbot, window, lambda s, n=name: s.task_name == n and newest(window)(s))
            assert window.speed.label() == stops[tasks.get(name).opening_speed], name
            assert f"Opens at {tasks.get(name).opening_speed:,.0f} steps a second" \
                in window.description.toPlainText()
        window.speed_menu.presets["max"].trigger()  # F: full speed, one key away
        assert window.speed.label() == "max"
        window.reset()
        rendered_where(qtbot, window, newest(window))
        assert window.speed.label() == stops[tasks.get("text").opening_speed]


def test_a_screenshot_window_trains_at_full_speed_whatever_the_pace(qtbot):
    from elman_gui.app import create_window

    _, window = create_window("counting", {}, full_speed=True, size=(1024, 640))
    qtbot.addWidget(window)
    try:
        rendered_where(qtbot, window, lambda s: s.task_name == "counting", timeout=120_000)
        QApplication.processEvents()
        assert window.speed.label() == "max" and window.speed.speed() is None
    finally:
        window.close()
        assert window.trainer.thread.wait(5000)


@__import__("pytest").fixture
def window(qtbot):
    with running_window(qtbot, "counting") as window:
        yield window


def test_after_a_run_finishes_space_shows_play(window, qtbot):
    window.trainer.set_settings({"epochs": 2})
    window.speed.set_label("max")
    window.actions_.play_pause.trigger()
    assert window.actions_.play_pause.text() == "Pause"
    rendered_where(qtbot, window, lambda s: s.state == FINISHED)
    assert window.actions_.play_pause.text() == "Play"
    window.actions_.play_pause.trigger()  # Space on a finished run
    assert window.actions_.play_pause.text() == "Pause"  # at once, before the trainer answers
    qtbot.waitUntil(lambda: window.actions_.play_pause.text() == "Play", timeout=WAIT_MS)
    assert window.current_snapshot.state == FINISHED


def test_phase_mode_is_shown_on_step_in_the_diagram_and_in_the_status_bar(window, qtbot):
    assert window.actions_.step.text() == "Step"
    assert not window.status_labels["phase"].isVisible() and window.diagram.phase_banner() == ""
    window.debugger.phases.trigger()
    rendered_where(qtbot, window, lambda s: s.phase_mode)
    assert window.actions_.step.text() == "Step 1/4 ▸"  # short: the toolbar never shifts
    assert "1/4 forward" in window.actions_.step.toolTip()
    assert "Step (→) shows: 1/4 forward" in window.diagram.phase_banner()
    expected = ["2/4 error", "3/4 backward + update", "4/4 copy hidden → context", "1/4 forward"]
    for shown, following in zip(["1/4 forward", *expected[:3]], expected, strict=True):
        window.actions_.step.trigger()
        rendered_where(qtbot, window, lambda s, p=shown: s.phase is not None
                       and f"Phase {p}" == window.status_labels["phase"].text())
        assert window.status_labels["phase"].isVisible()
        assert window.actions_.step.text() == f"Step {following[:3]} ▸"
        assert following in window.actions_.step.toolTip()
        assert f"Shown: phase {shown}." in window.diagram.phase_banner()
    window.debugger.phases.trigger()
    rendered_where(qtbot, window, lambda s: not s.phase_mode)
    assert window.actions_.step.text() == "Step" and window.diagram.phase_banner() == ""
    assert not window.status_labels["phase"].isVisible()


def test_step_back_reach_counts_down_while_stepping_back(window, qtbot):
    window.trainer.run_steps(300)
    rendered_where(qtbot, window, lambda s: s.global_step == 300 and s.state == PAUSED)
    memory = window.debugger.inspector.memory
    assert memory.text().startswith("can go back 300 steps")
    for left in (299, 298, 288):
        window.trainer.step_back(1 if left > 290 else 10)
        rendered_where(qtbot, window, lambda s, n=left: s.steps_back == n)
        assert memory.text().startswith(f"can go back {left} steps")


def test_status_messages_are_never_stale(window, qtbot):
    window.choose_task("alternating")
    rendered_where(qtbot, window, lambda s: s.task_name == "alternating")
    assert window.status_message.text().endswith("a new network.")
    window.actions_.play_pause.trigger()
    rendered_where(qtbot, window, lambda s: s.state == RUNNING)
    assert window.status_message.text() == STATE_MESSAGES[RUNNING]
    window.actions_.play_pause.trigger()
    rendered_where(qtbot, window, lambda s: s.state == PAUSED)
    assert window.status_message.text() == "Paused."


def test_text_task_about_and_edit_text_follow_the_text(window, qtbot):
    own = "abc abd abe " * 7 + "abcdef"  # 90 characters, 7 different ones
    assert len(own) == 90 and len(set(own)) == 7
    window.choose_task("text")
    rendered_where(qtbot, window, lambda s: s.task_name == "text" and newest(window)(s))
    sample = tasks.get("text").text
    assert f"({len(sample)} characters" in window.description.toPlainText()
    seen = {}

    def look_and_answer():
        dialog = QApplication.activeModalWidget()
        assert isinstance(dialog, TextTaskDialog)
        seen["text"] = dialog.text()
        dialog.editor.setPlainText(own)
        dialog.accept()

    QTimer.singleShot(200, look_and_answer)
    window.edit_text()
    assert seen["text"] == sample  # the sample is there to see and edit
    rendered_where(qtbot, window, lambda s: s.n_input == 7 and newest(window)(s))
    assert "(90 characters, 7 different ones)" in window.description.toPlainText()
    QTimer.singleShot(200, look_and_answer)
    window.edit_text()
    assert seen["text"] == own  # opens with the text being learned


def test_sequence_length_says_what_it_counts_and_apply_when_a_network_is_built(window, qtbot):
    window.choose_task("letters")
    snapshot = rendered_where(qtbot, window, lambda s: s.task_name == "letters"
                              and newest(window)(s))
    panel = window.parameters
    steps = TrainingSession(tasks.get("letters")).steps_per_epoch
    assert snapshot.steps_per_epoch == steps
    assert panel.length_note.text() == (
        f"300 consonants (each with its vowels) per sequence: an epoch has {steps:,} steps.")
    assert panel.apply_button.text() == APPLY_IDLE and not panel.apply_button.isEnabled()
    assert "applies at once" in panel.live_note.text()
    panel.learning_rate.setValue(0.2)  # a live field: applies at once, no Apply
    rendered_where(qtbot, window, lambda s: abs(s.learning_rate - 0.2) < 1e-12)
    assert panel.apply_button.text() == APPLY_IDLE
    panel.n_hidden.setValue(7)
    assert panel.apply_button.text() == APPLY_PENDING and panel.apply_button.isEnabled()
    assert panel.n_hidden.styleSheet() and not panel.seed.styleSheet()
    panel.apply_button.click()
    rendered_where(qtbot, window, lambda s: s.n_hidden == 7 and newest(window)(s))
    qtbot.waitUntil(lambda: panel.apply_button.text() == APPLY_IDLE, timeout=WAIT_MS)


def test_the_sequence_tape_shows_inputs_targets_and_guesses_as_training_goes(window, qtbot):
    window.choose_task("letters")
    rendered_where(qtbot, window, lambda s: s.task_name == "letters" and newest(window)(s))
    assert window.tape.cells() == []
    window.trainer.run_steps(500)
    snapshot = rendered_where(qtbot, window, lambda s: s.global_step == 500 and s.state == PAUSED)
    cells = window.tape.cells()
    assert 10 <= len(cells) <= 100
    session = TrainingSession(tasks.get("letters"))
    outputs = []
    while session.global_step < 500:
        outputs.extend(session.run(500 - session.global_step).output)
    sequence, task = session.sequence, session.task
    for k, (seen, target, guess) in enumerate(cells):
        step = 500 - len(cells) + k
        assert seen == sequence.input_symbols[step]
        assert target == sequence.target_symbols[step]
        assert guess == task.decode(outputs[step])
    assert cells[-1] == (snapshot.input_symbol, snapshot.target_symbol, snapshot.predicted_symbol)
    window.actions_.step.trigger()  # it moves with the training
    rendered_where(qtbot, window, lambda s: s.global_step == 501)
    assert window.tape.cells()[:-1] == cells[1:]
