"""The training kernels made ready before the student needs them (compiled, or loaded from
numba's disk cache), and whether that will be a real compile."""

from __future__ import annotations

import os

from elman_core import tasks
from elman_core.model import rules
from elman_core.model.settings import RunSettings
from elman_core.training.session import TrainingSession


def kernels_cached() -> bool:
    """Whether numba's disk cache already holds both training kernels (a start then only loads
    them, in about a second, and "compiling" would be untrue). Imports numba."""
    try:
        return all(os.path.exists(rule.kernel()._cache._cache_file._index_path)
                   for rule in rules.rules())
    except AttributeError:  # another numba's private layout: assume a compile
        return False


def warm_up_kernels(rule_names: tuple[str, ...] = rules.RULES) -> None:
    """Compile (or load from numba's disk cache) the training kernels for the learning rules
    (both by default), on a tiny real session, so they are specialised for exactly the app's
    argument types."""
    task = tasks.get("alternating")
    for rule in rule_names:
        settings = RunSettings.for_task(task, rule=rule, n_hidden=1, sequence_length=4, epochs=1)
        session = TrainingSession(task, settings)
        session.run(session.steps_per_epoch)
