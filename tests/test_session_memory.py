"""A long run in the app keeps its memory flat: the loss curves and epoch means are bounded,
while the runner (``--json``) still keeps every epoch's mean."""

from __future__ import annotations

import numpy as np

from elman_core import tasks
from elman_core.live.driver import TrainingDriver
from elman_core.training.loss_curves import (
    EPOCH_CURVE_POINTS,
    RECENT_EPOCH_LOSSES,
    RUNNING_LOSS_POINTS,
)
from elman_core.training.session import TrainingSession, settings_for

EPOCHS = 2 * EPOCH_CURVE_POINTS + 321  # past two halvings of the epoch curve


def long_xor_run(keep: int | None) -> TrainingSession:
    task = tasks.get("xor")
    session = TrainingSession(task, settings_for(task, sequence_length=30, epochs=EPOCHS))
    session.keep_epoch_losses = keep
    while session.epoch < EPOCHS:  # uneven slices, as the app's trainer thread trains
        session.run_epochs(min(29 * 97 + 5, (EPOCHS - session.epoch) * 29) or 29)
    return session


def test_a_long_app_run_keeps_its_curves_and_epoch_means_bounded_and_true():
    app, runner = long_xor_run(RECENT_EPOCH_LOSSES), long_xor_run(None)
    assert len(runner.epoch_losses) == runner.epoch == EPOCHS  # --json has every epoch
    assert RECENT_EPOCH_LOSSES <= len(app.epoch_losses) <= 2 * RECENT_EPOCH_LOSSES
    assert app.epoch_losses == runner.epoch_losses[-len(app.epoch_losses):]
    x, y = app.epoch_curve.arrays()
    assert len(x) <= EPOCH_CURVE_POINTS + 2 and (x[0], x[-1]) == (1, EPOCHS)
    np.testing.assert_allclose(np.average(y, weights=app.epoch_curve.weights()),
                               np.mean(runner.epoch_losses), rtol=1e-12)
    running_x, _ = app.running_loss.arrays()
    assert len(running_x) <= RUNNING_LOSS_POINTS + 2 and running_x[-1] == EPOCHS
    # every bin of the run is in it (XOR: every step has a target)
    assert app.running_loss.points.total == app.global_step // app.running_loss.bin_size


def test_a_step_back_across_a_halving_puts_the_curves_back_exactly():
    task = tasks.get("xor")
    session = TrainingSession(task, settings_for(task, sequence_length=30, epochs=10**6))
    session.keep_epoch_losses = RECENT_EPOCH_LOSSES
    while session.epoch_curve.factor == 1:  # up to just before the epoch curve halves
        session.run_epochs(29 * 64)
    while session.epoch_curve.factor == 2:
        before = [a.copy() for curve in (session.epoch_curve, session.running_loss)
                  for a in curve.arrays()]
        latest = session.epoch_losses[-1]
        session.run(29)  # one epoch in one chunk: a checkpoint before it
        if session.epoch_curve.factor == 4:
            break
    assert session.step_back(29) == 29
    after = [a for curve in (session.epoch_curve, session.running_loss) for a in curve.arrays()]
    for a, b in zip(before, after, strict=True):
        np.testing.assert_array_equal(a, b)
    assert session.epoch_losses[-1] == latest


def test_the_driver_bounds_its_sessions_epoch_means():
    driver = TrainingDriver(TrainingSession(tasks.get("xor")))
    assert driver.session.keep_epoch_losses == RECENT_EPOCH_LOSSES
    x, y = driver.epoch_curve()
    assert len(x) == len(y) == 0
