"""The error bars are computed once per finished epoch, and the first epoch's at most every
ERRORS_SECONDS while running (elman_core.live.live_figures)."""

import numpy as np

from elman_core import tasks
from elman_core.live import error_measure
from elman_core.live.live_figures import ERRORS_SECONDS, LiveFigures
from elman_core.model.settings import RunSettings
from elman_core.training.session import TrainingSession


def _same(a, b) -> None:
    for x, y in zip(a[:2], b[:2], strict=True):
        np.testing.assert_array_equal(x, y)
    assert a[2] == b[2]


def test_error_bars_are_reused_only_while_they_cannot_have_changed(monkeypatch):
    task = tasks.get("letters")
    session = TrainingSession(task, RunSettings.for_task(task, sequence_length=100))
    now = [0.0]
    figures = LiveFigures(clock=lambda: now[0])
    calls = []
    compute = error_measure.error_bars
    monkeypatch.setattr(error_measure, "error_bars",
                        lambda s: calls.append(1) or compute(s))
    session.run(50)
    first = figures.error_bars(session, running=True)
    session.run(20)
    # Running, within ERRORS_SECONDS: the first epoch's bars of a moment ago.
    assert figures.error_bars(session, running=True) is first and len(calls) == 1
    # Paused: always the errors as they are.
    _same(figures.error_bars(session, running=False), compute(session))
    now[0] += ERRORS_SECONDS
    session.run(5)
    _same(figures.error_bars(session, running=True), compute(session))
    # A finished epoch: computed once, however often it is asked, running or not.
    session.run(session.steps_per_epoch)
    assert session.epoch == 1
    calls.clear()
    done = figures.error_bars(session, running=False)
    session.run(10)  # the next epoch's first steps do not change the latest complete one
    now[0] += 10
    assert figures.error_bars(session, running=False) is done
    assert figures.error_bars(session, running=True) is done and len(calls) == 1
    _same(done, compute(session))
