"""The run an experiment names for comparison ("compare with the 4-unit default"), computed.

An experiment such as "XOR with 3 hidden units" asks the student to compare with the task's
default network. :class:`ComparisonRun` trains that network — a session of its own, same task and
seed, the named settings — in the trainer thread, kept level with the main run (never ahead of
it), so its loss curve grows beside the student's and shows exactly what the text names, not
whatever run happened to be on screen before (with its lesions or zeroed context).
"""

from __future__ import annotations

import numpy as np

from elman_core.model.settings import RunSettings
from elman_core.model.trace import frozen
from elman_core.training.session import TrainingSession

STEPS_PER_CALL = 200_000  # a timer tick stays short however far behind the comparison is


class ComparisonRun:
    """A run of ``task`` with its defaults changed by ``changes``, called ``label``."""

    def __init__(self, task, changes: dict, label: str) -> None:
        self.session = TrainingSession(task, RunSettings.for_task(task, **dict(changes)))
        self.label = label
        self._curve = frozen(np.empty(0))

    def keep_level_with(self, steps: int) -> bool:
        """Train until it has trained ``steps`` steps too (at most STEPS_PER_CALL now, never
        past its own epochs); whether it trained anything."""
        session = self.session
        end = session.settings.epochs * session.steps_per_epoch
        left = min(int(steps), end) - session.global_step
        if left <= 0:
            return False
        with np.errstate(all="ignore"):  # a diverging comparison just shows its curve
            session.run_epochs(min(left, STEPS_PER_CALL))
        return True

    def curve(self) -> np.ndarray:
        """The mean loss of each of its completed epochs (read-only; a new array when it grew)."""
        losses = self.session.epoch_losses
        if len(self._curve) != len(losses):
            self._curve = frozen(losses)
        return self._curve
