"""The driver's side-by-side mode (elman_core.live.partner) without Qt: network B kept level
with A through steps, play, run-to and step back, and checked against a pair driven directly."""

from __future__ import annotations

import numpy as np

from elman_core import tasks
from elman_core.live.driver import TrainingDriver
from elman_core.model.network import PARAMETER_NAMES
from elman_core.model.settings import RunSettings
from elman_core.model.trace import RunState
from elman_core.training.pair import NetworkPair
from elman_core.training.session import TrainingSession
from tests.support.networks import assert_same_network


def make_driver(name: str, **overrides) -> TrainingDriver:
    task = tasks.get(name)
    return TrainingDriver(TrainingSession(task, RunSettings.for_task(task, **overrides)))


def ticks_until(driver: TrainingDriver, done, limit: int = 100_000) -> None:
    """Tick like the worker's timer until ``done()``."""
    for _ in range(limit):
        if done():
            return
        driver.tick()
    raise AssertionError("the driver never got there")


def _level(driver) -> tuple[int, int]:
    return driver.session.global_step, driver.partner.session.global_step


def test_entering_starts_both_afresh_and_every_command_moves_both_step_for_step():
    driver = make_driver("letters", epochs=3, sequence_length=300)
    driver.step(7)
    assert driver.set_partner({"n_hidden": 9, "learning_rate": 0.3})
    snapshot = driver.snapshot(1)
    assert snapshot.global_step == 0 and snapshot.partner.global_step == 0
    assert (snapshot.n_hidden, snapshot.partner.n_hidden) == (20, 9)
    assert snapshot.partner_label == "n_hidden=9, learning_rate=0.3"
    driver.step(3)
    assert _level(driver) == (3, 3)
    driver.play()
    ticks_until(driver, lambda: driver.session.global_step > 500)
    driver.pause()
    assert _level(driver) == (driver.session.global_step,) * 2
    stop = driver.session.global_step
    driver.step_back(40)
    snapshot = driver.snapshot(2)
    assert snapshot.global_step == snapshot.partner.global_step == stop - 40
    assert driver.run_to("epoch_end", None)
    ticks_until(driver, lambda: driver.state != RunState.RUNNING)
    steps = driver.session.steps_per_epoch
    end = (stop - 40) // steps * steps + steps  # the end of the epoch stepped back into
    assert _level(driver) == (end, end)
    # The same moves on a pair driven directly: exactly the same two networks.
    task = driver.session.task
    pair = NetworkPair(task, driver.session.settings, {"n_hidden": 9, "learning_rate": 0.3})
    pair.run_to(end)
    for live, direct in zip((driver.session, driver.partner.session), pair.sides, strict=True):
        for name in PARAMETER_NAMES:
            np.testing.assert_allclose(getattr(live.network, name),
                                       getattr(direct.network, name), rtol=0, atol=1e-10)
    # B's picture is its own: its loss curve, errors and hidden states.
    snapshot = driver.snapshot(3)
    assert len(snapshot.partner.epoch_losses) == end // steps
    assert snapshot.partner.epoch_losses[-1] != snapshot.epoch_losses[-1]
    assert snapshot.partner.history is not None and snapshot.partner.history.hidden.shape[1] == 9
    # Leaving: one network again, where A was.
    assert driver.set_partner(None)
    snapshot = driver.snapshot(4)
    assert snapshot.partner is None and snapshot.global_step == end


def test_a_partner_with_no_difference_stays_the_very_same_network():
    driver = make_driver("xor", epochs=2, sequence_length=300)
    driver.set_partner({"n_hidden": driver.session.settings.n_hidden})
    driver.step(4)
    driver.play()
    ticks_until(driver, lambda: driver.session.global_step > 350)
    driver.pause()
    driver.step_back(25)
    driver.step(2)
    driver.snapshot(1)
    assert_same_network(driver.session.network, driver.partner.session.network)
    assert driver.partner.session.epoch_losses == driver.session.epoch_losses


def test_traced_steps_of_a_give_traced_steps_of_b():
    driver = make_driver("letters")
    driver.set_partner({"forget_context": True})
    trace = driver.step(2)
    snapshot = driver.snapshot(1, trace)
    assert snapshot.trace is not None and snapshot.partner.trace is not None
    assert np.all(snapshot.partner.trace.context == 0)  # B's context zeroed, A's not
    assert np.any(snapshot.trace.context != 0)
    np.testing.assert_array_equal(snapshot.trace.input, snapshot.partner.trace.input)


def test_a_bad_difference_is_said_and_changes_nothing():
    driver = make_driver("xor")
    driver.step(5)
    session = driver.session
    assert not driver.set_partner({"task": "letters"})
    assert driver.session is session and driver.partner is None and session.global_step == 5
    assert any("Cannot compare" in text for _, text in driver.take_notices())


def test_the_mode_outlives_a_reset_and_ends_with_a_task_it_does_not_fit():
    driver = make_driver("grammar", sequence_length=30)
    driver.set_partner({"task": "starting-small-memory"})
    driver.step(2)
    driver.reset()
    assert driver.partner is not None and _level(driver) == (0, 0)
    driver.set_task("xor", {})
    assert driver.partner is None
    assert any("Back to one network" in text for _, text in driver.take_notices())


def test_b_diverging_stops_b_only_and_says_so():
    # A long run for A: however the ticks fall on a slow or busy machine, A must not finish
    # (50 epochs once did, in the tick in which B diverged) before B's divergence is seen.
    driver = make_driver("end-of-sequence", epochs=100_000)
    driver.set_partner({"learning_rate": 1000.0})
    driver.play()
    ticks_until(driver, lambda: driver.partner.live.state == RunState.DIVERGED
                or driver.state != RunState.RUNNING)
    snapshot = driver.snapshot(1)
    assert snapshot.partner.state == RunState.DIVERGED and driver.state == RunState.RUNNING
    assert any(text.startswith("Network B: Training diverged")
               for _, text in driver.take_notices())
    assert tasks.get("end-of-sequence")  # A goes on training
    before = driver.session.global_step
    ticks_until(driver, lambda: driver.session.global_step > before)


def test_b_is_kept_level_by_a_whole_epoch_even_one_in_which_a_diverges():
    driver = make_driver("xor", sequence_length=30)
    driver.set_partner({"n_hidden": 4})
    driver.step_epoch()
    snapshot = driver.snapshot(1)
    steps = driver.session.steps_per_epoch
    assert snapshot.global_step == snapshot.partner.global_step == steps
    # A diverges at its second step (kept is the first); B, which does not, stops there too.
    diverging = make_driver("xor", sequence_length=3000, output_activation="linear",
                            learning_rate=1e6)
    diverging.set_partner({"output_activation": "sigmoid", "learning_rate": 0.5})
    diverging.step_epoch()
    assert diverging.state == RunState.DIVERGED and diverging.session.global_step >= 1
    snapshot = diverging.snapshot(1)
    assert snapshot.partner.state != RunState.DIVERGED
    assert snapshot.partner.global_step == diverging.session.global_step
