"""run_to's step budget and the exact threshold of ErrorAbove (mutation-run survivors)."""

from types import SimpleNamespace

import numpy as np

from elman_core import tasks
from elman_core.training.run_to import EpochEnd, ErrorAbove, run_to
from elman_core.training.session import TrainingSession


def test_run_to_a_condition_never_met_stops_after_exactly_max_steps_from_where_it_was():
    session = TrainingSession(tasks.get("letters"))
    session.run(7)  # not from step 0: the budget counts from where run_to starts
    trace = run_to(session, ErrorAbove(float("inf")), max_steps=10, slice_steps=4)
    assert trace is None
    assert session.global_step == 17


def test_error_above_needs_a_loss_strictly_above_the_threshold():
    result = SimpleNamespace(losses=np.array([0.5, 0.25, 0.5, 0.75]))
    assert ErrorAbove(0.5).hit(result) == 3
    assert ErrorAbove(0.75).hit(result) is None


def test_epoch_end_describes_itself_for_the_status_line():
    assert EpochEnd().describe() == "the end of this epoch"
