"""Step-through in detail: phases walked several at a time and cleared by every other command,
step counts of zero, a step past the end or into divergence, and the words of stepping back and
of inspecting a forgotten step (each test was written against mutants of ``stepping.py`` that
survived the driver tests; network B kept level by a whole epoch is in test_driver_partner.py)."""

from __future__ import annotations

import numpy as np

from elman_core import tasks
from elman_core.live.driver import TrainingDriver
from elman_core.model.settings import RunSettings
from elman_core.model.trace import Phase, RunState
from elman_core.training.session import TrainingSession

DIVERGING = {"output_activation": "linear", "learning_rate": 1e6}  # diverges in a few steps


def make_driver(name: str = "xor", **overrides) -> TrainingDriver:
    task = tasks.get(name)
    return TrainingDriver(TrainingSession(task, RunSettings.for_task(task, **overrides)), None)


def test_a_step_count_walks_that_many_phases_and_every_other_command_clears_the_phase():
    driver = make_driver()
    driver.set_phase_mode(True)
    trace = driver.step()
    assert driver.phase == Phase.FORWARD
    assert driver.step(3) is trace and driver.phase == Phase.COPY  # three phases, one step
    assert driver.session.global_step == 1
    driver.step()
    driver.set_phase_mode(False)  # whole steps again: no phase shown
    assert driver.phase is None and driver.session.global_step == 2
    driver.step()
    assert driver.phase is None and driver.weights_before is not None  # from the phase step
    driver.set_phase_mode(True)
    driver.step()
    driver.step_epoch()
    assert driver.phase is None
    driver.step()
    assert driver.phase == Phase.FORWARD
    driver.step_back(1)
    assert driver.phase is None


def test_a_step_count_of_zero_or_less_trains_nothing_and_shows_nothing():
    driver = make_driver()
    assert driver.step(0) is None and driver.step(-3) is None
    assert driver.session.global_step == 0 and driver.latest is None
    driver.stepping.step()  # the step-through's own default: one step
    assert driver.session.global_step == 1


def test_stepping_past_the_end_shows_the_last_step_trained():
    driver = make_driver(sequence_length=6, epochs=1)
    last = driver.step(10)
    assert driver.session.global_step == driver.session.steps_per_epoch  # no further
    assert last is not None and driver.latest.trace is last
    assert driver.state == RunState.FINISHED


def test_stepping_into_divergence_stops_there_shows_that_step_and_no_phase():
    driver = make_driver(**DIVERGING)
    driver.set_phase_mode(True)
    trace = driver.step(10_000)
    assert driver.state == RunState.DIVERGED
    assert trace is not None and not np.all(np.isfinite(trace.output) & (abs(trace.output) < 1e6))
    assert driver.phase is None  # no phases of a step that was undone


def test_stepping_back_one_step_says_so_in_the_singular_and_shows_the_step_before():
    driver = make_driver()
    driver.step(2)
    assert driver.step_back(1) is not None
    assert driver.message == "Stepped back 1 step to epoch 1, step 1."
    assert driver.inspected.global_step == 0  # the only step left to show
    assert driver.latest.row == 0 and driver.latest.trace is driver.inspected.trace  # shown
    assert driver.inspected.note == "stepped back 1 step to epoch 1, step 1: the step that led here"
    assert list(driver.activation_history().steps) == [0]  # the undone step is gone
    driver.step(3)
    driver.step_back(3)
    assert driver.message == "Stepped back 3 steps to epoch 1, step 1."


def test_stepping_back_with_nothing_remembered_says_what_to_do_and_keeps_a_finished_run_finished():
    driver = make_driver(sequence_length=6, epochs=1)
    driver.step(6)
    driver.take_notices()
    driver.session.history.clear()  # as after loading a finished network: no checkpoints
    assert driver.step_back(1) is None
    assert driver.state == RunState.FINISHED
    assert [tuple(n) for n in driver.take_notices()] == [(
        "warning", "Cannot step back: no earlier steps are remembered (raise the memory cap in "
                   "the Memory menu).")]


def test_a_forgotten_step_is_refused_with_the_steps_that_can_be_inspected():
    driver = make_driver()
    driver.session.history.max_steps = 5
    driver.step(1205)
    driver.take_notices()
    assert not driver.inspect_step(1199)
    assert [tuple(n) for n in driver.take_notices()] == [(
        "warning", "Step 1,199 is no longer remembered: only steps 1,200–1,204 can be inspected.")]
    assert driver.inspect_step(1200) and driver.inspected.global_step == 1200
    assert driver.inspected.note == "a past step, recomputed; training is unchanged"
    assert driver.inspect_step(1204) and not driver.inspect_step(1205)
