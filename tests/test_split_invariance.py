"""Training does not depend on how its steps are split into calls: bit for bit, every rule.

The GUI trains in time slices and the headless runner an epoch at a time; both must reach the
same weights. Random split points (numpy, several seeds) stand in for property-based testing.
"""

from __future__ import annotations

import numpy as np
import pytest

from elman_core import tasks
from elman_core.model.network import PARAMETER_NAMES, ElmanNetwork
from elman_core.training.session import TrainingSession, settings_for

RULES = {
    "online": {},
    "online-momentum": {"momentum": 0.5},
    "online-tanh-softmax": {"hidden_activation": "tanh", "output_activation": "softmax"},
    "bptt-window-7": {"rule": "bptt", "bptt_window": 7, "momentum": 0.3},
    "bptt-per-sequence": {"rule": "bptt", "learning_rate": 0.02},
}


def stream(seed: int, length: int = 1200):
    rng = np.random.default_rng(seed)
    X = (rng.random((length, 6)) < 0.5).astype(float)
    Y = (rng.random((length, 3)) < 0.5).astype(float)
    mask = rng.random(length) < 0.85
    resets = rng.random(length) < 0.01
    resets[0] = True
    # The windows end where the stream says: before each reset and at its end.
    flush = np.zeros(length, dtype=bool)
    flush[:-1] = resets[1:]
    flush[-1] = True
    return X, Y, mask, resets, flush


def random_cuts(rng: np.random.Generator, length: int) -> list[int]:
    """0, some random interior split points (including single-step calls), length."""
    inner = rng.choice(np.arange(1, length), size=rng.integers(5, 40), replace=False)
    inner = np.concatenate([inner, inner[:3] + 1])  # some calls of exactly one step
    return [0, *sorted({int(c) for c in inner if c < length}), length]


def state(net: ElmanNetwork) -> dict[str, np.ndarray]:
    arrays = {name: getattr(net, name) for name in PARAMETER_NAMES}
    arrays |= {f"velocity {name}": v for name, v in net.velocity.items()}
    return arrays | {"context": net.context}


def assert_identical(a: ElmanNetwork, b: ElmanNetwork) -> None:
    for name, value in state(a).items():
        np.testing.assert_array_equal(value, state(b)[name], err_msg=name)
    assert len(a.learning_rule.pending) == len(b.learning_rule.pending)


@pytest.mark.parametrize("rule", list(RULES))
@pytest.mark.parametrize("seed", [0, 1, 2, 3])
def test_network_train_split_anywhere_equals_one_call(rule, seed):
    X, Y, mask, resets, flush = stream(seed)
    # A hidden layer big enough for vectorised sums of different shapes to round differently.
    whole = ElmanNetwork(6, 23, 3, **{"learning_rate": 0.2, **RULES[rule]}, seed=seed)
    whole.lesioned[2] = True
    pieces = whole.copy()
    whole_losses = whole.train(X, Y, mask, resets, flush=flush)
    losses = []
    for a, b in zip(*(lambda c: (c[:-1], c[1:]))(random_cuts(np.random.default_rng(seed),
                                                             len(X))), strict=True):
        losses.append(pieces.train(X[a:b], Y[a:b], mask[a:b], resets[a:b], flush=flush[a:b]))
    np.testing.assert_array_equal(np.concatenate(losses), whole_losses)
    assert_identical(pieces, whole)
    # Not two idle networks: the weights moved.
    assert np.max(np.abs(whole.W_hh - ElmanNetwork(6, 23, 3, seed=seed).W_hh)) > 1e-3


def test_an_open_window_continues_into_the_next_call_and_matches_the_step_path():
    """A BPTT window left open by one call is finished by the next, as step() would."""
    X, Y, mask, resets, flush = stream(5, 300)
    fast = ElmanNetwork(6, 6, 3, 0.1, seed=5, rule="bptt", bptt_window=None, momentum=0.4)
    slow = fast.copy()
    fast.train(X[:100], Y[:100], mask[:100], resets[:100], flush=flush[:100])
    opened = int(np.flatnonzero(resets[:100])[-1])
    # The segment since the last reset is open.
    assert len(fast.learning_rule.pending) == 100 - opened
    fast.train(X[100:], Y[100:], mask[100:], resets[100:], flush=flush[100:])
    for t in range(len(X)):
        slow.step(X[t], Y[t] if mask[t] else None, reset=bool(resets[t]), flush=bool(flush[t]))
    for name, value in state(fast).items():
        np.testing.assert_allclose(value, state(slow)[name], rtol=0, atol=1e-10, err_msg=name)
    assert not fast.learning_rule.pending and not slow.learning_rule.pending


@pytest.mark.parametrize("rule", ["online", "bptt-window-7", "bptt-per-sequence"])
@pytest.mark.parametrize("reset_each_epoch", [True, False])
def test_session_runs_in_random_slices_equal_whole_epochs(rule, reset_each_epoch):
    """The GUI's time slices (run(n) with any n) and the runner's epochs (train()) agree."""
    task = tasks.get("letters")
    settings = settings_for(task, epochs=3, seed=4, sequence_length=100,
                            reset_context_each_epoch=reset_each_epoch, **RULES[rule])
    runner = TrainingSession(task, settings)
    runner.train()
    gui = TrainingSession(task, settings)
    rng = np.random.default_rng(9)
    while not gui.finished:
        gui.run(int(rng.integers(1, 120)))
    assert_identical(gui.network, runner.network)
    assert gui.epoch_losses == runner.epoch_losses
    assert np.max(np.abs(gui.network.W_hh - TrainingSession(task, settings).network.W_hh)) > 1e-4


@pytest.mark.parametrize("reset_each_epoch", [True, False])
def test_many_epochs_in_one_call_equal_one_call_per_epoch(reset_each_epoch):
    """The app books many short epochs per kernel call (run_epochs): the same bits as one call
    per epoch, also when the context runs on across epochs."""
    task = tasks.get("letters")
    settings = settings_for(task, epochs=7, seed=3, sequence_length=100,
                            reset_context_each_epoch=reset_each_epoch)
    batched, single = TrainingSession(task, settings), TrainingSession(task, settings)
    result = batched.run_epochs(7 * batched.steps_per_epoch)
    assert result.steps == 7 * batched.steps_per_epoch  # really one call for all seven
    single.train()
    assert_identical(batched.network, single.network)
    assert batched.epoch_losses == single.epoch_losses
