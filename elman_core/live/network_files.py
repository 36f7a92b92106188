"""The driver's File commands: save the live network, load one (switching to its task).

:class:`NetworkFiles` is held by :class:`~elman_core.live.driver.TrainingDriver`: it reads and
changes the shared :class:`~elman_core.live.live_run.LiveRun` and installs a loaded network
through the ``swap_in`` it is given (the driver's).
"""

from __future__ import annotations

import math
import zipfile
from collections.abc import Callable
from typing import NamedTuple

from elman_core import tasks
from elman_core.files import limits
from elman_core.files.persistence import load_network as read_network_file
from elman_core.files.persistence import save_network
from elman_core.live.live_run import LiveRun
from elman_core.model.settings import BOUNDS, RunSettings
from elman_core.tasks.base import Task, TaskError
from elman_core.training.session import TrainingSession

# What reading a broken or hostile file can raise: persistence turns what it foresees into a
# NetworkFileError (a ValueError); the rest (numpy's, json's) still only mean "a bad file".
FILE_ERRORS = (ValueError, TaskError, OSError, EOFError, zipfile.BadZipFile, TypeError, KeyError,
               RecursionError, MemoryError)


class FileOutcome(NamedTuple):
    kind: str  # "save" / "load"
    ok: bool
    message: str


def epochs_trained(extra: dict, steps_per_epoch: int) -> int:
    """The epochs a file's network had trained (the headless runner writes ``epochs``, the app
    ``epoch``); 0 when the file does not say or says something impossible."""
    for key in ("epoch", "epochs"):
        value = extra.get(key)
        if (isinstance(value, int) and not isinstance(value, bool)
                and 0 <= value * steps_per_epoch <= limits.MAX_TOTAL_STEPS):
            return value
    return 0


def saved_epoch_losses(extra: dict) -> list[float]:
    """The file's loss per epoch (None where an epoch had none); [] when it has no usable list."""
    losses = extra.get("epoch_losses")
    if not isinstance(losses, list) or not all(
            loss is None or (isinstance(loss, int | float) and not isinstance(loss, bool)
                             and math.isfinite(loss)) for loss in losses):
        return []
    return [math.nan if loss is None else float(loss) for loss in losses]


def _trained_so_far(epochs: int) -> str:
    """" (it had trained 12 epochs; …)": what the loaded run counts on from."""
    if not epochs:
        return ""
    return (f" (it had trained {epochs:,} epoch{'s' if epochs != 1 else ''}; the epochs count "
            "on from there)")


class NetworkFiles:
    """Save and load of the driver (see the module docstring)."""

    def __init__(self, live: LiveRun,
                 swap_in: Callable[[TrainingSession, str], None]) -> None:
        self.live = live
        self.swap_in = swap_in  # installs a loaded session, playing on if a run was playing

    def save_network(self, path: str) -> FileOutcome:
        """Write the live network (and which task it learned) to ``path``."""
        session, network = self.live.session, self.live.session.network
        extra = {"task": session.task.name, "task_title": session.task.title,
                 "epoch": session.epoch, "global_step": session.global_step,
                 "epoch_losses": [loss if math.isfinite(loss) else None
                                  for loss in session.epoch_losses]}
        try:
            save_network(network, path, extra)
        except (ValueError, OSError) as error:  # NetworkFileError is a ValueError
            self.live.notify("error", f"The network was not saved: {error}")
            return FileOutcome("save", False, str(error))
        text = (f"Saved the {network.n_input}-{network.n_hidden}-{network.n_output} network "
                f"(epoch {session.epoch}) to {path}.")
        self.live.notify("info", text)
        return FileOutcome("save", True, text)

    def load_network(self, path: str) -> FileOutcome:
        """Continue from a network read from ``path``; else change nothing.

        A network saved on another task switches to that task (the file names it). The loaded
        network keeps its weights; the new run counts its epochs on from the file's epochs trained
        (with the file's loss per epoch, when it has them).
        """
        current = self.live.session
        try:
            _, extra = read_network_file(path)
            task = self._task_of_file(extra)
            settings = (current.settings if task.name == current.task.name
                        else RunSettings.for_task(task))
            session = TrainingSession.from_file(task, settings, path)
            epochs = epochs_trained(extra, session.steps_per_epoch)
            if epochs >= settings.epochs:  # Play trains on at once, without editing Epochs:
                session.settings = session.settings.replace(  # this run's epochs come after
                    epochs=min(epochs + settings.epochs, int(BOUNDS["epochs"].maximum)))
            session.count_on_from(epochs, saved_epoch_losses(extra))
        except FILE_ERRORS as error:  # NetworkFileError and TaskError are ValueErrors
            problem = str(error) if isinstance(error, ValueError) and str(error) else (
                f"{path}: not a usable Elman Lab network file ({type(error).__name__}: "
                f"{str(error)[:200]})")
            self.live.notify("error", f"The network was not loaded: {problem} Nothing changed.")
            return FileOutcome("load", False, problem)
        network = session.network
        switched = f" (switched to {task.title})" if task.name != current.task.name else ""
        text = (f"Loaded the {network.n_input}-{network.n_hidden}-{network.n_output} network "
                f"from {path}{switched}: training continues from its weights"
                f"{_trained_so_far(epochs)}.")
        if session.finished:
            text += (f" It has trained all {session.settings.epochs:,} epochs of this run: "
                     "raise Epochs to train on.")
        if switched:
            self.live.comparison = None
        self.swap_in(session, text)
        self.live.notify("info", text)
        return FileOutcome("load", True, text)

    def _task_of_file(self, extra: dict) -> Task:
        """The task a network file was saved on (read defensively), else the current one."""
        name = extra.get("task")
        current = self.live.session.task
        if not isinstance(name, str) or name == current.name or name not in tasks.names():
            return current
        return tasks.get(name)
