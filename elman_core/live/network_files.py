"""The driver's File commands: save the live network, load one (switching to its task).

Both go through :mod:`elman_core.training.saved_run`, the format the headless runner uses too,
so a network saved here continues exactly in ``main.py train --load`` and the other way round.

:class:`NetworkFiles` is held by :class:`~elman_core.live.driver.TrainingDriver`: it reads and
changes the shared :class:`~elman_core.live.live_run.LiveRun` and installs a loaded network
through the ``swap_in`` it is given (the driver's, which takes the file's lesions and context
switch as the run's).
"""

from __future__ import annotations

import zipfile
from collections.abc import Callable
from typing import NamedTuple

from elman_core.live.live_run import LiveRun
from elman_core.model.settings import BOUNDS, RunSettings
from elman_core.tasks.base import TaskError
from elman_core.training import saved_run
from elman_core.training.session import TrainingSession

# What reading a broken or hostile file can raise: persistence turns what it foresees into a
# NetworkFileError (a ValueError); the rest (numpy's, json's) still only mean "a bad file".
FILE_ERRORS = (ValueError, TaskError, OSError, EOFError, zipfile.BadZipFile, TypeError, KeyError,
               RecursionError, MemoryError)


class FileOutcome(NamedTuple):
    kind: str  # "save" / "load"
    ok: bool
    message: str


def _trained_so_far(session: TrainingSession) -> str:
    """" (it had trained 12 epochs and 40 steps; …)": what the loaded run counts on from."""
    epochs, steps = session.epoch, session.position
    if not epochs and not steps:
        return ""
    done = f"{epochs:,} epoch{'s' if epochs != 1 else ''}"
    if steps:
        done += f" and {steps:,} step{'s' if steps != 1 else ''}"
    return f" (it had trained {done}; it goes on from step {session.global_step:,})"


class NetworkFiles:
    """Save and load of the driver (see the module docstring)."""

    def __init__(self, live: LiveRun,
                 swap_in: Callable[[TrainingSession, str], None]) -> None:
        self.live = live
        self.swap_in = swap_in  # installs a loaded session, playing on if a run was playing

    def save_network(self, path: str) -> FileOutcome:
        """Write the live network and its run's place (the runner's format) to ``path``."""
        session, network = self.live.session, self.live.session.network
        try:
            saved_run.save(session, path)
        except (ValueError, OSError) as error:  # NetworkFileError is a ValueError
            self.live.notify("error", f"The network was not saved: {error}")
            return FileOutcome("save", False, str(error))
        text = (f"Saved the {network.n_input}-{network.n_hidden}-{network.n_output} network "
                f"(epoch {session.epoch}, step {session.global_step:,}) to {path}.")
        self.live.notify("info", text)
        return FileOutcome("save", True, text)

    def load_network(self, path: str) -> FileOutcome:
        """Continue from a network read from ``path`` exactly where it was saved; else change
        nothing.

        A network saved on another task switches to that task (the file names it). The run
        goes on with the file's settings, epoch, place in the sequence, lesions and context
        switch; an older file that lacks some of them says which.
        """
        current = self.live.session
        try:
            network, saved, _ = saved_run.read(path)
            task = saved_run.task_of(saved, current.task)
            base = (current.settings if task.name == current.task.name
                    else RunSettings.for_task(task))
            saved_run.check_fits(network, task, saved, path)
            settings = saved_run.settings_for(network, saved, base)
            if saved.epoch >= settings.epochs:  # Play trains on at once, without editing Epochs:
                settings = settings.replace(  # this run's epochs come after
                    epochs=min(saved.epoch + settings.epochs, int(BOUNDS["epochs"].maximum)))
            session = saved_run.resume(task, network, saved, settings)
        except FILE_ERRORS as error:  # NetworkFileError and TaskError are ValueErrors
            problem = str(error) if isinstance(error, ValueError) and str(error) else (
                f"{path}: not a usable Elman Lab network file ({type(error).__name__}: "
                f"{str(error)[:200]})")
            if str(path) not in problem:
                problem = f"{path}: {problem}"
            self.live.notify("error", f"The network was not loaded: {problem} Nothing changed.")
            return FileOutcome("load", False, problem)
        switched = f" (switched to {task.title})" if task.name != current.task.name else ""
        text = (f"Loaded the {network.n_input}-{network.n_hidden}-{network.n_output} network "
                f"from {path}{switched}: training continues from its weights"
                f"{_trained_so_far(session)}.")
        if session.finished:
            text += (f" It has trained all {session.settings.epochs:,} epochs of this run: "
                     "raise Epochs to train on.")
        self.swap_in(session, text)
        self.live.notify("info", text)
        if saved.missing:
            self.live.notify("warning", saved.notice())
        return FileOutcome("load", True, text + (" " + saved.notice() if saved.missing else ""))
