"""One truth per number: never past the last epoch; the error bars in the figures' measure."""

from __future__ import annotations

import numpy as np

from elman_core import tasks
from elman_core.live import error_measure
from elman_core.live.driver import TrainingDriver
from elman_core.model.settings import RunSettings
from elman_core.model.trace import RunState
from elman_core.training.session import TrainingSession


def finished_driver(epochs: int = 2) -> TrainingDriver:
    task = tasks.get("xor")
    driver = TrainingDriver(TrainingSession(task, RunSettings.for_task(
        task, epochs=epochs, sequence_length=300)))
    for _ in range(epochs):
        driver.step_epoch()
    assert driver.state == RunState.FINISHED
    driver.take_notices()
    return driver


def test_step_and_step_epoch_never_go_past_the_last_epoch():
    driver = finished_driver()
    end = driver.session.global_step
    driver.step_epoch()
    driver.step(3)
    assert driver.session.global_step == end and driver.session.epoch == 2
    assert driver.state == RunState.FINISHED
    assert any("finished" in text for _, text in driver.take_notices())
    driver.apply_settings({"epochs": 3})  # raised: it trains on
    driver.step_epoch()
    assert driver.session.epoch == 3


def test_the_error_bars_use_the_figures_rms_error():
    driver = finished_driver(3)
    session = driver.session
    position, per_unit, name = error_measure.error_bars(session)
    assert name == "RMS error"
    errors = session.previous_unit_errors  # (T, 1): squared error of the one output
    rms = np.sqrt(errors[:, 0])  # one output unit: a step's RMS error is |error|
    for k in range(3):
        steps = session.sequence.categories == k
        assert np.isclose(position[k], np.nanmean(rms[steps]), rtol=1e-12)
    assert np.isclose(per_unit[0], np.nanmean(rms), rtol=1e-12)
    # The same number as Fig. 3 at the XOR bit: its 12-position curve averages |error| too.
    figure, _ = driver.figure_data()
    assert "RMS" in figure.panels[0].y_label


def test_softmax_outputs_keep_their_cross_entropy_named_so():
    task = tasks.get("letters")
    session = TrainingSession(task, RunSettings.for_task(task, output_activation="softmax",
                                                         sequence_length=50))
    session.run(session.steps_per_epoch)
    position, _, name = error_measure.error_bars(session)
    assert name == "cross-entropy"
    np.testing.assert_array_equal(position, session.position_errors())
