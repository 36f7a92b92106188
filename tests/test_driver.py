"""The training driver without Qt: the paths the app's worker takes, checked against a session
driven directly (the reference), bit for bit where the arithmetic is the same."""

from __future__ import annotations

import numpy as np
import pytest

from elman_core import tasks
from elman_core.live.driver import ActivationRing, PendingCommands, TrainingDriver
from elman_core.model.network import PARAMETER_NAMES
from elman_core.model.settings import RunSettings
from elman_core.model.trace import Phase, RunState
from elman_core.training import run_to
from elman_core.training.session import TrainingSession
from tests.support.networks import assert_same_network


def within_limit(values) -> bool:
    """The promise, written out independently of the code: every number within ±1,000,000."""
    return bool(np.all(np.abs(np.asarray(values, dtype=np.float64)) < 1e6))


def make_driver(name: str = "letters", speed=None, **overrides) -> TrainingDriver:
    task = tasks.get(name)
    return TrainingDriver(TrainingSession(task, RunSettings.for_task(task, **overrides)), speed)


def reference(name: str = "letters", **overrides) -> TrainingSession:
    task = tasks.get(name)
    return TrainingSession(task, RunSettings.for_task(task, **overrides))


def ticks_until(driver: TrainingDriver, done, limit: int = 100_000):
    """Tick like the worker's timer until ``done()``; the last traced step seen."""
    trace = None
    for _ in range(limit):
        if done():
            return trace
        result = driver.tick()
        trace = result.trace or trace
    raise AssertionError("the driver never got there")


# ------------------------------------------------------------------------ commands merged
def test_pending_commands_merge_and_stop_overtakes_them():
    pending = PendingCommands()
    wakes = [pending.add("step_back") for _ in range(300)]
    assert wakes == [True] + [False] * 299  # one queued call carries all 300
    assert pending.add("step") is True  # another kind has its own count
    assert pending.take("step_back") == 300 and pending.take("step_back") == 0
    pending.add("step_back", 5)
    pending.stop()
    assert pending.take("step") == 0 and pending.take("step_back") == 0
    assert pending.add("step") is False and pending.stopping


def test_merged_step_backs_equal_single_ones():
    merged, single = make_driver(), make_driver()
    for driver in (merged, single):
        driver.step(40)
    merged.step_back(25)
    for _ in range(25):
        single.step_back(1)
    assert merged.session.global_step == single.session.global_step == 15
    assert_same_network(merged.session.network, single.session.network)
    assert merged.inspected.global_step == single.inspected.global_step == 14


# ------------------------------------------------------------------------ steps and phases
def test_single_steps_are_the_sessions_traced_steps():
    driver, session = make_driver(), reference()
    traces = [session.step() for _ in range(7)]
    trace = driver.step(7)
    np.testing.assert_array_equal(trace.hidden, traces[-1].hidden)
    assert_same_network(driver.session.network, session.network)
    assert driver.inspected.global_step == 6 and driver.latest.row == 6
    assert driver.state == RunState.PAUSED
    history = driver.activation_history()
    assert list(history.steps) == list(range(7))
    assert history.symbols == session.sequence.input_symbols[:7]


def test_phase_mode_walks_one_step_through_its_four_phases():
    driver = make_driver()
    driver.step()
    before = {name: getattr(driver.session.network, name).copy() for name in PARAMETER_NAMES}
    driver.set_phase_mode(True)
    trace = driver.step()
    assert driver.phase == Phase.FORWARD and driver.session.global_step == 2
    for name in PARAMETER_NAMES:  # the weights the forward pass used: those before the update
        np.testing.assert_array_equal(driver.weights_before[name], before[name])
    for phase in (Phase.ERROR, Phase.BACKWARD, Phase.COPY):
        assert driver.step() is trace and driver.phase == phase
    assert driver.session.global_step == 2  # phases are pictures of the same step
    driver.step()
    assert driver.phase == Phase.FORWARD and driver.session.global_step == 3


def test_step_epoch_ends_on_the_epoch_boundary():
    driver = make_driver("xor", sequence_length=30)
    driver.step(4)
    driver.step_epoch()
    session = driver.session
    assert (session.epoch, session.position) == (1, 0)
    assert driver.latest.row == session.steps_per_epoch - 1


# ------------------------------------------------------------------------ step back, peek
def test_step_back_restores_everything_and_shows_the_step_that_led_there():
    driver = make_driver()
    driver.step(10)
    driver.run_steps(450)
    ticks_until(driver, lambda: driver.state != RunState.RUNNING)
    then = driver.session.network.copy()
    losses_then = list(driver.session.epoch_losses)
    driver.run_steps(50)
    ticks_until(driver, lambda: driver.state != RunState.RUNNING)
    assert driver.session.global_step == 510
    before = driver.activation_history()
    assert list(before.steps) == list(range(410, 510))
    assert driver.step_back(50) is not None
    assert driver.state == RunState.PAUSED and driver.session.global_step == 460
    assert_same_network(driver.session.network, then)  # bit for bit, steps_trained too
    assert driver.session.epoch_losses == losses_then
    inspected = driver.inspected
    assert inspected.global_step == 459 and "stepped back 50 steps" in inspected.note
    steps = driver.activation_history().steps
    # Nothing after the present is shown, and the history is full again: the 50 steps before
    # 410 are recomputed from the checkpoints (issue 12: it emptied after ~100 steps back).
    history = driver.activation_history()
    assert list(steps) == list(range(360, 460))
    np.testing.assert_allclose(history.hidden[50:], before.hidden[:50], rtol=0, atol=1e-12)
    assert history.symbols[50:] == before.symbols[:50]
    assert history.predicted[50:] == before.predicted[:50] and len(history.predicted) == 100
    session = driver.session
    epoch, step = divmod(460 - 1, session.steps_per_epoch)  # the step just done, from 1
    assert driver.message == f"Stepped back 50 steps to epoch {epoch + 1}, step {step + 1}."
    assert (session.epoch, session.position) == divmod(460, session.steps_per_epoch)


def test_stepping_back_too_far_changes_nothing_and_says_so():
    driver = make_driver()
    assert driver.step_back(1) is None
    assert driver.session.global_step == 0
    assert [n.level for n in driver.take_notices()] == ["warning"]


def test_peek_recomputes_a_past_step_and_leaves_the_session_bit_for_bit():
    driver, twin = make_driver(), reference()
    traces = [twin.step() for _ in range(30)]
    driver.step(30)
    network_before = driver.session.network.copy()
    history_before = len(driver.session.history)
    assert driver.inspect_step(12)
    np.testing.assert_array_equal(driver.inspected.trace.hidden, traces[12].hidden)
    assert driver.inspected.global_step == 12
    assert driver.session.global_step == 30 and len(driver.session.history) == history_before
    assert_same_network(driver.session.network, network_before)
    assert not driver.inspect_step(30)  # the future cannot be inspected


# ------------------------------------------------------------------------ run-to
@pytest.mark.parametrize(("kind", "value", "condition"), [
    ("symbol", "b", run_to.InputIs("b")),
    ("epoch_end", None, run_to.EpochEnd()),
    ("error", 0.2, run_to.ErrorAbove(0.2)),
])
def test_run_to_stops_where_the_headless_run_to_stops(kind, value, condition):
    driver, twin = make_driver(), reference()
    driver.step(3)
    for _ in range(3):
        twin.step()
    expected = run_to.run_to(twin, condition)
    assert driver.run_to(kind, value)
    trace = ticks_until(driver, lambda: driver.state != RunState.RUNNING)
    assert driver.state == RunState.PAUSED and driver.message.startswith("Stopped at")
    assert driver.session.global_step == twin.global_step
    assert trace.loss == pytest.approx(expected.loss, abs=1e-12)
    np.testing.assert_allclose(driver.session.network.W_hh, twin.network.W_hh, atol=1e-12)
    assert driver.inspected.global_step == twin.global_step - 1


def test_impossible_run_to_changes_nothing():
    driver = make_driver()
    assert not driver.run_to("symbol", "z")
    assert not driver.run_to("epoch", 10**6)
    assert driver.state == RunState.PAUSED and driver.session.global_step == 0
    assert [n.level for n in driver.take_notices()] == ["error", "error"]


# ------------------------------------------------------------------------ running
def test_run_steps_at_full_speed_trains_exactly_that_many_steps():
    driver, twin = make_driver("xor", sequence_length=30), reference("xor", sequence_length=30)
    driver.run_steps(2000)
    ticks_until(driver, lambda: driver.state != RunState.RUNNING)
    assert driver.session.global_step == 2000 and driver.total_steps == 2000
    twin.run(2000 - 2000 % 29)  # whole epochs, then the rest
    while twin.global_step < 2000:
        twin.run(2000 - twin.global_step)
    np.testing.assert_allclose(driver.session.network.W_ih, twin.network.W_ih, atol=1e-12)


def test_slow_motion_ticks_are_single_traced_steps():
    driver = make_driver(speed=10)
    assert driver.tick_interval_ms() == 100
    driver.play()
    results = [driver.tick() for _ in range(3)]
    assert all(r.publish and r.trace is not None for r in results)
    assert driver.session.global_step == 3


def test_finished_training_stops_and_refuses_to_play():
    driver = make_driver("xor", sequence_length=30, epochs=3)
    driver.play()
    ticks_until(driver, lambda: driver.state != RunState.RUNNING)
    assert driver.state == RunState.FINISHED and driver.session.epoch == 3
    driver.take_notices()
    driver.play()
    assert driver.state == RunState.FINISHED and driver.take_notices()[0].level == "info"
    assert driver.apply_settings({"epochs": 5}).error is None
    assert driver.state == RunState.PAUSED  # raised: may continue


# ------------------------------------------------------------------------ divergence guard
@pytest.mark.parametrize("speed", [None, 50])
def test_divergence_stops_on_the_last_sane_step(speed):
    driver = make_driver("xor", speed, output_activation="linear", learning_rate=1e6)
    driver.play()
    ticks_until(driver, lambda: driver.state != RunState.RUNNING)
    assert driver.state == RunState.DIVERGED and "diverged" in driver.message
    network = driver.session.network
    assert all(within_limit(getattr(network, name)) for name in PARAMETER_NAMES)
    assert within_limit(driver.latest.output)
    probe = reference("xor", output_activation="linear", learning_rate=1e6)
    probe.run(driver.session.global_step)
    assert_same_network(probe.network, network)
    with np.errstate(all="ignore"):
        trace = probe.step()  # the very next step is the one that passes the limit
    numbers = [trace.output, [trace.loss], *probe.network.parameters().values()]
    assert not all(within_limit(a) for a in numbers)
    driver.step()  # refused while diverged
    assert driver.session.global_step == probe.global_step - 1
    assert any("diverged" in n.text for n in driver.take_notices())


# ------------------------------------------------------------------------ settings
def test_live_settings_keep_the_run_and_structural_ones_rebuild():
    driver = make_driver()
    driver.step(5)
    session = driver.session
    outcome = driver.apply_settings({"learning_rate": 0.5, "momentum": 0.3})
    assert outcome.error is None and not outcome.rebuilt and driver.session is session
    assert session.network.learning_rate == 0.5 == session.settings.learning_rate
    assert session.network.momentum == 0.3 and session.global_step == 5
    outcome = driver.apply_settings({"n_hidden": 7})
    assert outcome.rebuilt and driver.session is not session
    assert driver.session.network.n_hidden == 7 and driver.session.network.learning_rate == 0.5


@pytest.mark.parametrize(("changes", "words"), [
    ({"n_hidden": 0}, "n_hidden"),
    ({"n_hidden": 5000}, "1,000"),
    ({"momentum": 1.0}, "Momentum"),
    ({"output_activation": "softmax"}, "Softmax"),
    ({"hidden_units": 3}, "unknown setting"),
])
def test_invalid_settings_change_nothing(changes, words):
    driver = make_driver("xor")
    driver.step(2)
    before = driver.session.settings
    outcome = driver.apply_settings(changes)
    assert words in outcome.error and outcome.settings == before
    assert driver.session.settings == before and driver.session.global_step == 2


# ------------------------------------------------------------------------ activation ring
def test_the_activation_ring_keeps_the_newest_and_forgets_the_future():
    ring = ActivationRing(size=5)
    hidden = np.arange(16.0).reshape(8, 2)
    ring.add(hidden, hidden, np.arange(8.0), 100, list("abcdefgh"))
    view = ring.view()
    assert list(view.steps) == [103, 104, 105, 106, 107] and view.symbols == tuple("defgh")
    assert not view.hidden.flags.writeable
    ring.trim(105)  # stepped back to 105
    assert list(ring.view().steps) == [103, 104]
    ring.add(hidden[:1] + 50, hidden[:1], [9.0], 105, ["z"])
    assert list(ring.view().steps) == [103, 104, 105] and ring.view().symbols[-1] == "z"


def test_loading_another_tasks_file_switches_task_and_says_how_far_it_trained(tmp_path):
    from elman_core.files.persistence import save_network

    xor = TrainingDriver(TrainingSession(tasks.get("xor")))
    xor.step_epoch()
    xor.step_epoch()
    path = tmp_path / "xor.npz"
    assert xor.save_network(str(path)).ok
    driver = TrainingDriver(TrainingSession(tasks.get("letters")))
    outcome = driver.load_network(str(path))
    assert outcome.ok and driver.session.task.name == "xor"
    assert "switched to Temporal XOR" in outcome.message
    assert "had trained 2 epochs" in outcome.message and driver.message == outcome.message
    np.testing.assert_array_equal(driver.session.network.W_hh, xor.session.network.W_hh)
    # Metadata is read defensively: odd values are ignored, the runner's "epochs" is read.
    network = xor.session.network
    for extra, told in (({"task": 5, "epochs": "x"}, None), ({"task": "nope", "epochs": 3}, 3),
                        ({"epoch": True}, None)):
        odd = tmp_path / "odd.npz"
        save_network(network, odd, extra)
        outcome = driver.load_network(str(odd))
        assert outcome.ok and driver.session.task.name == "xor", extra
        assert ("had trained" in outcome.message) == (told is not None), extra
        if told is not None:
            assert f"had trained {told} epochs" in outcome.message
        assert driver.session.epoch == (told or 0), extra  # restored, not only reported
        assert driver.session.epoch_losses == [] if told is None else \
            np.isnan(driver.session.epoch_losses).all()  # losses the file does not have


def test_a_loaded_network_counts_its_epochs_on_from_the_file(tmp_path):
    """Issue 12, item 16: status, loss plot and Run to go on from the file's epochs trained."""
    saved = TrainingDriver(TrainingSession(tasks.get("xor")))
    for _ in range(3):
        saved.step_epoch()
    saved.step()  # saved in the middle of epoch 4: three epochs and a step were trained
    path = tmp_path / "xor.npz"
    assert saved.save_network(str(path)).ok
    driver = TrainingDriver(TrainingSession(tasks.get("xor")))
    assert driver.load_network(str(path)).ok
    session, n = driver.session, driver.session.steps_per_epoch
    # Issue 23: the place in the epoch is kept (it was lost before: step 3n shown, 3n+1 done).
    assert (session.epoch, session.position, session.global_step) == (3, 1, 3 * n + 1)
    x, y = driver.epoch_curve()  # the loss curve, at the file's epochs
    assert x.tolist() == [1, 2, 3] and y.tolist() == saved.session.epoch_losses
    assert session.steps_back_available() == 0  # nothing before the load to go back to
    session.run(n // 2)
    x, _ = session.running_loss.arrays()
    assert 3 < x[0] and x[-1] == pytest.approx(3.5, abs=0.05)  # drawn after epoch 3
    assert driver.run_to("epoch", 5)
    ticks_until(driver, lambda: driver.state != RunState.RUNNING)
    assert (session.epoch, len(session.epoch_losses)) == (5, 5)
    assert session.epoch_losses[:3] == saved.session.epoch_losses


def test_run_to_refills_the_history_with_the_steps_before_the_one_it_stopped_on():
    """Run to a loss above a threshold trains in pieces of at most the history's size and goes
    back to the step found: without the refill the history would keep only that piece's steps
    before it (one stretched column when the step is early in its piece)."""
    driver = make_driver("letters")  # full speed: pieces as long as the history
    driver.run_steps(1500)
    ticks_until(driver, lambda: driver.state != RunState.RUNNING)
    for threshold in (0.3, 0.35, 0.4, 0.45):
        assert driver.run_to("error", threshold)
        ticks_until(driver, lambda: driver.state != RunState.RUNNING)
        stopped = driver.inspected.global_step
        history = driver.activation_history()
        np.testing.assert_array_equal(history.steps, np.arange(stopped - 99, stopped + 1))
    session = reference("letters")  # and the history holds the true steps before the stop
    while session.global_step < history.steps[0]:
        session.run(int(history.steps[0]) - session.global_step)
    for k in range(100):
        trace = session.step()
        np.testing.assert_allclose(history.hidden[k], trace.hidden, atol=1e-10)


def test_history_stays_full_while_stepping_back_and_records_the_predictions():
    driver = make_driver("letters")
    driver.run_steps(1500)
    ticks_until(driver, lambda: driver.state != RunState.RUNNING)
    for pressed in range(1, 151):  # issue 12: it emptied after about 105 Shift+← presses
        driver.step_back(1)
        history = driver.activation_history()
        assert len(history) == 100 and history.steps[-1] == 1499 - pressed, pressed
    session = reference("letters")
    while session.global_step < history.steps[0]:
        session.run(int(history.steps[0]) - session.global_step)
    sequence, task = session.sequence, session.task
    for k, step in enumerate(history.steps[:20]):
        trace = session.step()
        row = int(step) % session.steps_per_epoch
        assert history.symbols[k] == sequence.input_symbols[row]
        assert history.targets[k] == sequence.target_symbols[row]
        assert history.predicted[k] == task.decode(trace.output)


# ------------------------------------------------------------------------ hostile files
def test_every_broken_file_is_refused_with_one_line_and_changes_nothing(tmp_path):
    from tests.support.hostile_files import write_hostile_files

    driver = make_driver("xor")
    driver.step(5)
    weights = {name: getattr(driver.session.network, name).copy() for name in PARAMETER_NAMES}
    session = driver.session
    for name, path in write_hostile_files(tmp_path).items():
        outcome = driver.load_network(str(path))
        assert not outcome.ok, name
        assert "\n" not in outcome.message and str(path) in outcome.message, name
        (notice,) = driver.take_notices()
        assert notice.level == "error" and "Nothing changed" in notice.text, name
        assert "internal error" not in notice.text
        assert driver.session is session and session.global_step == 5, name
    for name, value in weights.items():
        np.testing.assert_array_equal(getattr(session.network, name), value)
