"""Two networks on one stream (elman_core.training.pair): the same rows, step for step."""

import numpy as np
import pytest

from elman_core import tasks
from elman_core.model.network import PARAMETER_NAMES
from elman_core.model.settings import RunSettings
from elman_core.training.pair import (
    NetworkPair,
    PairError,
    keys,
    parse_changes,
    same_stream,
)
from elman_core.training.session import TrainingSession


def _xor(epochs=3, **overrides):
    task = tasks.get("xor")
    return task, RunSettings.for_task(task, epochs=epochs, **overrides)


def _letters(epochs=2):
    task = tasks.get("letters")
    return task, RunSettings.for_task(task, epochs=epochs, sequence_length=300)


def _weights(session: TrainingSession) -> dict[str, np.ndarray]:
    net = session.network
    return {name: getattr(net, name) for name in (*PARAMETER_NAMES, "context")}


def _same_network(x: TrainingSession, y: TrainingSession) -> None:
    for name, value in _weights(x).items():
        assert np.array_equal(value, _weights(y)[name]), name
    assert x.global_step == y.global_step
    assert x.epoch_losses == y.epoch_losses
    np.testing.assert_array_equal(x.step_losses, y.step_losses)


def _moves(target) -> None:
    """Steps, fast runs across an epoch boundary, step back, run to: on a pair or a session."""
    for _ in range(5):
        target.step()
    if isinstance(target, NetworkPair):
        target.advance(400)
        target.step_back(37)
        target.run_to(target.global_step + 700)
    else:
        target.run(400 - target.position + 5)  # ends at 405 like the pair (epoch of 300)
        while target.global_step < 405:
            target.run(405 - target.global_step)
        target.step_back(37)
        stop = target.global_step + 700
        while target.global_step < stop:
            target.run(stop - target.global_step)


def test_a_pair_with_identical_settings_is_two_identical_networks_and_equals_a_lone_run():
    task, settings = _letters()
    pair = NetworkPair(task, settings, {"n_hidden": settings.n_hidden})  # a change to the same
    _moves(pair)
    assert pair.global_step == 5 + 400 - 37 + 700
    _same_network(pair.a, pair.b)
    # And both are exactly what the one network of an ordinary run reaches by the same moves.
    lone = TrainingSession(task, settings)
    _moves(lone)
    _same_network(pair.a, lone)


def _record_rows(session: TrainingSession, rows: list) -> None:
    """Keep every row the session's network is trained on (traced or kernel steps)."""
    net = session.network
    train, step = net.train, net.step

    def recording_train(inputs, targets, mask, resets, *args, **kwargs):
        rows.append((np.array(inputs), np.array(targets), np.array(mask), np.array(resets)))
        return train(inputs, targets, mask, resets, *args, **kwargs)

    def recording_step(x, target, reset=False, **kwargs):
        none = target is None
        rows.append((np.array(x)[None], np.zeros((1, net.n_output)) if none
                     else np.array(target)[None], np.array([not none]), np.array([reset])))
        return step(x, target, reset=reset, **kwargs)

    net.train, net.step = recording_train, recording_step


@pytest.mark.parametrize("changes", [{"n_hidden": 7}, {"rule": "bptt", "bptt_window": 5},
                                     {"learning_rate": 0.3, "forget_context": True},
                                     {"reset_context_each_epoch": False}])
def test_both_networks_are_trained_on_exactly_the_same_rows_in_the_same_order(changes):
    task, settings = _letters(epochs=3)
    pair = NetworkPair(task, settings, changes)
    assert pair.shares_stream and same_stream(pair)
    seen: tuple[list, list] = ([], [])
    for side, rows in zip(pair.sides, seen, strict=True):
        _record_rows(side, rows)
    for _ in range(3):
        pair.step()
    pair.advance(250)
    pair.step()
    pair.run_to(pair.end)
    joined = [[np.concatenate([row[k] for row in rows]) for k in range(4)] for rows in seen]
    assert len(joined[0][0]) == pair.end == 3 * pair.a.steps_per_epoch
    expected_resets = np.concatenate([pair.a.resets_for_epoch(e) for e in range(3)])
    for k, (a, b) in enumerate(zip(*joined, strict=True)):
        if k == 1:  # targets: only where the mask says there is one
            a, b = a[joined[0][2]], b[joined[1][2]]
        if k == 3 and "reset_context_each_epoch" in changes:
            # The one change that is about resets: B keeps its context across epochs.
            np.testing.assert_array_equal(a, expected_resets)
            assert not b[pair.a.steps_per_epoch] and a[pair.a.steps_per_epoch]
            continue
        np.testing.assert_array_equal(a, b)
    np.testing.assert_array_equal(joined[0][0], np.concatenate([pair.a.sequence.inputs] * 3))


def test_the_differences_take_effect_and_the_weights_come_from_each_networks_settings():
    task, settings = _xor()
    pair = NetworkPair(task, settings, parse_changes(
        ["n_hidden=6", "learning_rate=0.5", "forget_context=true"]))
    assert (pair.a.network.n_hidden, pair.b.network.n_hidden) == (4, 6)
    assert (pair.a.network.learning_rate, pair.b.network.learning_rate) == (0.1, 0.5)
    assert (pair.a.network.forget_context, pair.b.network.forget_context) == (False, True)
    # B's weights are what its own settings build with the shared seed.
    alone = TrainingSession(task, settings.replace(n_hidden=6, learning_rate=0.5))
    for name in PARAMETER_NAMES:
        np.testing.assert_array_equal(getattr(pair.b.network, name), getattr(alone.network, name))
    trace_a, trace_b = pair.step()
    pair.step()
    assert np.any(pair.a.network.context != 0)
    trace_a, trace_b = pair.step()
    assert np.all(trace_b.context == 0) and np.any(trace_a.context != 0)


def test_step_back_moves_both_and_training_on_replays_exactly():
    task, settings = _letters()
    pair = NetworkPair(task, settings, {"n_hidden": 9, "rule": "bptt", "bptt_window": 4})
    pair.advance(350)
    straight = NetworkPair(task, settings, {"n_hidden": 9, "rule": "bptt", "bptt_window": 4})
    straight.advance(350)
    assert pair.step_back(120) == 120
    assert pair.a.global_step == pair.b.global_step == 230
    pair.advance(120)
    for x, y in zip(pair.sides, straight.sides, strict=True):
        for name, value in _weights(x).items():
            np.testing.assert_allclose(value, _weights(y)[name], rtol=0, atol=1e-12)


def test_a_shorter_run_waits_at_its_end_and_steps_back_with_the_pair():
    task, settings = _xor(epochs=1, sequence_length=300)  # within step back's reach
    pair = NetworkPair(task, settings, {"epochs": 2})
    steps = pair.a.steps_per_epoch
    pair.run_to(pair.end)
    assert (pair.a.global_step, pair.b.global_step, pair.end) == (steps, 2 * steps, 2 * steps)
    assert pair.finished and pair.step() == (None, None)
    pair.step_back(10)
    assert (pair.a.global_step, pair.b.global_step) == (steps, 2 * steps - 10)
    assert pair.step_back(steps + 5) == steps + 5
    assert pair.a.global_step == pair.b.global_step == steps - 15


def test_starting_small_against_the_plain_grammar_has_its_own_stream_and_the_same_seed():
    task = tasks.get("grammar")
    settings = RunSettings.for_task(task, sequence_length=50, epochs=1, seed=5, n_hidden=12)
    pair = NetworkPair(task, settings, parse_changes(["task=starting-small-memory"]))
    assert pair.b.task.name == "starting-small-memory" and not pair.shares_stream
    # A's own choices go with it (hidden units, seed); B's curriculum is its task's.
    assert (pair.b.settings.n_hidden, pair.b.settings.seed) == (12, 5)
    assert pair.b.settings.sequence_length == pair.b.task.defaults.sequence_length


@pytest.mark.parametrize(("items", "fragment"), [
    (["n_hiden=5"], "unknown key 'n_hiden'"),
    (["seed=3"], "seed cannot differ"),
    (["sequence_length=30"], "same stream"),
    (["n_hidden"], "is not KEY=VALUE"),
    (["n_hidden="], "is not KEY=VALUE"),
    (["n_hidden=5", "n_hidden=6"], "given twice"),
])
def test_bad_keys_are_named(items, fragment):
    with pytest.raises(PairError, match=fragment):
        parse_changes(items)


@pytest.mark.parametrize(("items", "fragment"), [
    (["n_hidden=abc"], "Hidden units"),
    (["n_hidden=0"], "Hidden units"),
    (["rule=fast"], "unknown learning rule 'fast'"),
    (["learning_rate=-1"], "learning rate"),
    (["forget_context=2"], "true or false"),
    (["task=letters"], "same inputs and outputs"),
    (["task=nope"], "Unknown task 'nope'"),
])
def test_bad_values_are_named_and_build_nothing(items, fragment):
    task, settings = _xor()
    with pytest.raises(PairError, match=fragment):
        NetworkPair(task, settings, parse_changes(items))


def test_values_are_typed_as_the_command_line_means_them():
    assert parse_changes(["n_hidden=20", "learning_rate=0.05", "bptt_window=none",
                          "forget_context=yes", "rule=bptt"]) == {
        "n_hidden": 20, "learning_rate": 0.05, "bptt_window": None, "forget_context": True,
        "rule": "bptt"}
    assert "forget_context" in keys() and "n_hidden" in keys() and "seed" not in keys()
