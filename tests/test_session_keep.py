"""Keeping only the last steps' activations (what the GUI's views show) changes no number.

``ElmanNetwork.train(record_rows=…)`` and ``TrainingSession.run/run_epochs(keep=…)`` let the
trainer thread skip the hidden states of every step it will not show; everything they return
must be the tail of what the full record gives, and all bookkeeping identical bit for bit.

Bit for bit with the online rule. The BPTT kernel's results already vary in the last bit with the
memory alignment of its arrays (two identical sessions in one process differ by 1 ulp in about a
third of runs, before this change too), so BPTT is compared to 1e-12.
"""

from __future__ import annotations

import numpy as np
import pytest

from elman_core import tasks
from elman_core.analysis import metrics
from elman_core.model.settings import RunSettings
from elman_core.training.session import TrainingSession

PARAMETERS = ("W_ih", "W_hh", "W_ho", "b_h", "b_o", "context")
BPTT_ULPS = 1e-12  # see the module docstring


def _equal(a, b, exact: bool = True) -> None:
    if exact:
        np.testing.assert_array_equal(a, b)
    else:
        np.testing.assert_allclose(a, b, rtol=0, atol=BPTT_ULPS)


def _sessions(name: str, **overrides) -> tuple[TrainingSession, TrainingSession]:
    task = tasks.get(name)
    settings = RunSettings.for_task(task, **overrides)
    return TrainingSession(task, settings), TrainingSession(task, settings)


def _assert_same_state(a: TrainingSession, b: TrainingSession, exact: bool = True) -> None:
    for name in PARAMETERS:
        _equal(getattr(a.network, name), getattr(b.network, name), exact)
    assert (a.epoch, a.position) == (b.epoch, b.position)
    _equal(a.epoch_losses, b.epoch_losses, exact)
    _equal(a.step_losses, b.step_losses, exact)
    _equal(a.unit_errors, b.unit_errors, exact)
    for query in ("latest_epoch_losses", "position_errors", "feature_errors"):
        _equal(getattr(a, query)(), getattr(b, query)(), exact)
    for arrays in zip(a.running_loss.arrays(), b.running_loss.arrays(), strict=True):
        _equal(*arrays, exact)


def _assert_tail(kept, full, keep: int, exact: bool = True) -> None:
    rows = min(keep, full.steps)
    assert len(kept.hidden) == len(kept.context) == rows
    _equal(kept.losses, full.losses, exact)
    _equal(kept.hidden, full.hidden[full.steps - rows:], exact)
    _equal(kept.context, full.context[full.steps - rows:], exact)
    _equal(kept.output[-1], full.output[-1], exact)
    _equal(kept.last_context, full.last_context, exact)


@pytest.mark.parametrize("rule", ["online", "bptt"])
@pytest.mark.parametrize("record_rows", [(1, 1), (3, 7), (1, 50), (500, 2)])
def test_train_records_the_tail_of_the_full_record(rule, record_rows):
    full_session, tail_session = _sessions("end-of-sequence", rule=rule)
    seq, resets = full_session.sequence, full_session.resets_for_current_epoch()
    arguments = (seq.inputs, seq.targets, seq.mask, resets)
    losses, hidden, output = full_session.network.train(*arguments, record=True)
    tail = tail_session.network.train(*arguments, record=True, record_rows=record_rows)
    h, o = (min(n, len(seq)) for n in record_rows)
    exact = rule == "online"
    assert (len(tail[1]), len(tail[2])) == (h, o)
    _equal(tail[0], losses, exact)
    _equal(tail[1], hidden[len(seq) - h:], exact)
    _equal(tail[2], output[len(seq) - o:], exact)
    for name in PARAMETERS:
        _equal(getattr(tail_session.network, name), getattr(full_session.network, name), exact)


@pytest.mark.parametrize("name, overrides", [
    ("xor", {}),
    ("end-of-sequence", {"rule": "online"}),  # context resets inside the epoch, NaN losses
    ("letters", {"rule": "bptt", "bptt_window": 4}),
])
@pytest.mark.parametrize("keep", [1, 5, 100_000])
def test_run_keeping_the_last_steps_changes_nothing_else(name, overrides, keep):
    full, kept = _sessions(name, **overrides)
    exact = full.network.rule == "online"
    # Partial slices that cross epoch ends, then single steps, as the trainer thread runs them.
    for chunk in (7, 301, 1, 2 * full.steps_per_epoch, 33):
        a, b = full.run(chunk), kept.run(chunk, keep=keep)
        _assert_tail(b, a, keep, exact)
        _assert_same_state(full, kept, exact)


@pytest.mark.parametrize("forget_context", [False, True])
@pytest.mark.parametrize("keep", [1, 64])
def test_run_epochs_keeping_the_last_steps_changes_nothing_else(forget_context, keep):
    full, kept = _sessions("xor")
    for session in (full, kept):
        session.network.forget_context = forget_context
    for epochs in (3, 5, 2):
        steps = epochs * full.steps_per_epoch + 11
        a, b = full.run_epochs(steps), kept.run_epochs(steps, keep=keep)
        assert a.steps == b.steps == epochs * full.steps_per_epoch
        _assert_tail(b, a, keep)
        np.testing.assert_array_equal(b.output[-full.steps_per_epoch:],
                                      a.output[-full.steps_per_epoch:])
        _assert_same_state(full, kept)


def test_latest_epoch_errors_are_computed_once_per_epoch_and_stay_right():
    session, _ = _sessions("letters")
    T = session.steps_per_epoch

    def fresh() -> tuple[np.ndarray, np.ndarray]:
        errors = session.previous_unit_errors if session.previous_unit_errors is not None \
            else session.unit_errors
        valid = ~np.isnan(errors[:, 0])
        return (metrics.position_errors(session.latest_epoch_losses(),
                                        session.sequence.categories,
                                        len(session.task.category_names)),
                errors[valid].mean(axis=0))

    for steps in (T // 3, T, T, 5, 2 * T):  # a partial first epoch, whole ones, a step back
        session.run_epochs(steps) if steps != 5 else session.step_back(T // 2)
        position, feature = fresh()
        for _ in range(2):  # the second answer comes from the cache
            np.testing.assert_array_equal(session.position_errors(), position)
            np.testing.assert_array_equal(session.feature_errors(), feature)
    session.position_errors()[:] = -1.0  # a caller's change does not reach the cache
    np.testing.assert_array_equal(session.position_errors(), fresh()[0])
