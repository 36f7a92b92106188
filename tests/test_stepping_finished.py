"""Stepping a finished run trains nothing and says why, word for word (mutation survivors)."""

import pytest

from elman_core import tasks
from elman_core.live.driver import TrainingDriver
from elman_core.model.settings import RunSettings
from elman_core.model.trace import RunState
from elman_core.training.session import TrainingSession


@pytest.mark.parametrize("how", ["step", "step_epoch"])
def test_stepping_a_finished_run_is_refused_with_the_reason(how):
    task = tasks.get("xor")
    session = TrainingSession(task, RunSettings.for_task(task, sequence_length=30, epochs=2))
    for _ in range(4):  # run() stops at each epoch's end
        if not session.finished:
            session.run(session.steps_per_epoch)
    assert session.finished
    driver = TrainingDriver(session, None)
    driver.take_notices()
    before = session.global_step
    getattr(driver, how)()
    assert session.global_step == before
    assert driver.state == RunState.FINISHED
    assert driver.take_notices() == [("info", "Training is finished (2 epochs). "
                                              "Reset (R) to start again, or raise Epochs.")]
