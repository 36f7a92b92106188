"""Run-to conditions stop exactly on the step they name, with that step's trace."""

import numpy as np
import pytest

from elman_core import tasks
from elman_core.training.run_to import EpochEnd, EpochReached, ErrorAbove, InputIs, run_to
from elman_core.training.session import TrainingSession, settings_for


def letters_session():
    return TrainingSession(tasks.get("letters"))


def test_run_to_epoch_end_stops_on_the_last_step_of_the_epoch():
    session = letters_session()
    session.run(17)
    trace = run_to(session, EpochEnd())
    assert (session.epoch, session.position) == (1, 0)
    last = session.steps_per_epoch - 1
    np.testing.assert_array_equal(trace.input, session.sequence.inputs[last])


def test_run_to_symbol_stops_on_the_next_b():
    session = letters_session()
    session.run(40)
    symbols = session.sequence.input_symbols
    expected = next(t for t in range(40, len(symbols)) if symbols[t] == "b")
    trace = run_to(session, InputIs("b"))
    assert session.position == expected + 1
    np.testing.assert_array_equal(trace.input, session.sequence.inputs[expected])
    assert symbols[session.position - 1] == "b"


def test_run_to_symbol_that_never_occurs_is_a_clear_error():
    with pytest.raises(ValueError, match="never occurs"):
        run_to(letters_session(), InputIs("z"))


def test_run_to_error_above_threshold_stops_on_the_first_such_step():
    task = tasks.get("xor")
    reference = TrainingSession(task)
    reference.run_epoch()
    reference.run_epoch()
    losses = reference.previous_step_losses  # the second epoch, as the kernel computed it
    threshold = float(np.quantile(losses, 0.999))  # rare: the hit lies deep inside a slice
    first = int(np.flatnonzero(losses > threshold)[0])
    assert first > 300  # so the session must step back into a compiled slice to reach it

    session = TrainingSession(task)
    session.run_epoch()
    trace = run_to(session, ErrorAbove(threshold), slice_steps=300)
    assert (session.epoch, session.position) == (1, first + 1)
    assert trace.loss > threshold
    assert trace.loss == pytest.approx(losses[first], abs=1e-12)
    assert not np.any(session.step_losses[:first] > threshold)


def test_run_to_epoch_n():
    task = tasks.get("xor")
    session = TrainingSession(task, settings_for(task, sequence_length=300))
    trace = run_to(session, EpochReached(5), slice_steps=100)
    assert (session.epoch, session.position) == (5, 0)
    assert len(session.epoch_losses) == 5
    assert trace is not None
    with pytest.raises(ValueError, match="already complete"):
        run_to(session, EpochReached(3))
