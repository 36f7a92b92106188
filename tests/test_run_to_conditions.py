"""condition_of: the app's Run-to requests, and the exact refusals the student reads."""

from __future__ import annotations

import math

import pytest

from elman_core import tasks
from elman_core.training.run_to import (
    EpochEnd,
    EpochReached,
    ErrorAbove,
    InputIs,
    condition_of,
)
from elman_core.training.session import TrainingSession, settings_for


def xor_session(epochs: int = 3) -> TrainingSession:
    task = tasks.get("xor")
    return TrainingSession(task, settings_for(task, epochs=epochs, sequence_length=30))


def test_each_kind_makes_its_condition():
    session = xor_session()
    assert condition_of(session, "epoch_end", None) == EpochEnd()
    assert condition_of(session, "epoch", "2") == EpochReached(2)
    assert condition_of(session, "symbol", 1) == InputIs("1")
    assert condition_of(session, "error", "0") == ErrorAbove(0.0)  # 0 is a threshold


def test_the_last_epoch_can_be_run_to_but_not_one_past_it():
    session = xor_session(epochs=3)
    assert condition_of(session, "epoch", 3) == EpochReached(3)
    with pytest.raises(ValueError) as refused:
        condition_of(session, "epoch", 4)
    assert str(refused.value) == "training stops after epoch 3"


@pytest.mark.parametrize("threshold", [-0.1, math.nan, math.inf])
def test_a_threshold_must_be_a_finite_number_at_least_zero(threshold):
    with pytest.raises(ValueError) as refused:
        condition_of(xor_session(), "error", threshold)
    assert str(refused.value) == "the error threshold must be a number ≥ 0"


def test_an_unknown_kind_is_named():
    with pytest.raises(ValueError) as refused:
        condition_of(xor_session(), "lunch", None)
    assert str(refused.value) == "unknown run-to condition 'lunch'"


def test_a_finished_run_says_what_to_do():
    session = xor_session(epochs=1)
    session.run(session.steps_per_epoch)
    assert session.finished
    with pytest.raises(ValueError) as refused:
        condition_of(session, "epoch_end", None)
    assert str(refused.value) == "training is finished (raise Epochs or Reset)"
