"""One saved-run format for the app and the runner: where training is, and how to go on exactly.

A network file (:mod:`elman_core.files.persistence`) holds the network — weights, momentum,
context, lesions, the context switch, the rule's pending state. This module adds the run's
place, the same from the app and from ``main.py train``: the task (and its options, e.g. the
text), every setting (seed and sequence length included), the epoch, the position in the
sequence, the global step, the loss per epoch and the step losses of the epoch in progress.
:func:`resume` builds a session that continues bit for bit as if never interrupted.

Files of version 1 still load: the app's kept the epoch and its losses, the runner's the epoch,
position, seed, length and context reset. :attr:`SavedRun.missing` says in words what such a
file does not record; the settings it lacks come from the caller's (the task's defaults).
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from elman_core import tasks
from elman_core.files import limits, persistence
from elman_core.model.network import ElmanNetwork
from elman_core.model.settings import NAMES, RunSettings, SettingsError
from elman_core.tasks.base import Task
from elman_core.training.session import NETWORK_FIELDS, TrainingSession


class SavedRunError(ValueError):
    """A network file whose run record cannot be used; the message names the file and why."""


@dataclass(frozen=True)
class SavedRun:
    """Where a saved network's training was (what the file says; see :func:`read`)."""

    task: str | None  # the task's name, None if the file does not say
    task_options: dict
    settings: dict  # RunSettings fields the file records (all of them from version 2)
    epoch: int
    position: int
    epoch_losses: list[float]  # the latest epochs' mean losses (NaN: none)
    step_losses: np.ndarray | None  # the epoch in progress, its first ``position`` losses
    missing: tuple[str, ...] = field(default=())  # what an older file does not record

    def notice(self) -> str:
        """One sentence on what an older file lacks ("" for a complete one)."""
        if not self.missing:
            return ""
        return (f"This file is from an older Elman Lab and does not record "
                f"{_listed(self.missing)}; those come from the current settings.")


# ------------------------------------------------------------------------------------ save
def run_record(session: TrainingSession) -> tuple[dict, np.ndarray]:
    """The ``run`` section of a network file and the step losses of the epoch in progress."""
    task = session.task
    options = {name: getattr(task, name) for name in tasks.options(task.name)
               if hasattr(task, name)}
    record = {
        "task": task.name, "task_title": task.title, "task_options": options,
        "settings": {name: getattr(session.settings, name) for name in NAMES},
        "epoch": session.epoch, "position": session.position,
        "global_step": session.global_step,
        "epoch_losses": [loss if math.isfinite(loss) else None
                         for loss in session.epoch_losses],
    }
    return record, session.step_losses[:session.position].copy()


def writer(session: TrainingSession, path: Path, extra: dict | None = None):
    """``writer(stream)`` of the session's network file (for ``atomic_io.write_together``)."""
    record, step_losses = run_record(session)
    return persistence.network_writer(session.network, Path(path), extra, record, step_losses)


def save(session: TrainingSession, path: str | os.PathLike, extra: dict | None = None) -> Path:
    """Write the session's network and run to ``path`` (atomically; NetworkFileError)."""
    record, step_losses = run_record(session)
    return persistence.save_network(session.network, path, extra, record, step_losses)


# ------------------------------------------------------------------------------------ read
def read(path: str | os.PathLike) -> tuple[ElmanNetwork, SavedRun, dict]:
    """The network, its run and the file's ``extra`` (NetworkFileError, SavedRunError)."""
    loaded = persistence.read_network_file(path)
    if loaded.run is not None:
        saved = _from_record(loaded.run, loaded.step_losses, path)
    else:
        saved = _from_version_1(loaded.extra, path)
    return loaded.network, saved, loaded.extra


def _from_record(run: dict, step_losses, path) -> SavedRun:
    def fail(problem: str) -> SavedRunError:
        return SavedRunError(f"{path}: {problem}")

    settings = run.get("settings")
    if not isinstance(settings, dict) or set(settings) - set(NAMES):
        raise fail("the saved settings are not a table of known settings")
    options = run.get("task_options", {})
    if not isinstance(options, dict) or not all(isinstance(k, str) for k in options):
        raise fail("the saved task options are not a table")
    epoch, position = _count(run, "epoch", fail), _count(run, "position", fail)
    if step_losses is not None and len(step_losses) != position:
        raise fail(f"{len(step_losses):,} step losses are stored for position {position:,}")
    task = run.get("task")
    return SavedRun(task if isinstance(task, str) else None, options, dict(settings), epoch,
                    position, _losses(run.get("epoch_losses"), fail), step_losses)


def _from_version_1(extra: dict, path) -> SavedRun:
    """A version 1 file: the app wrote ``epoch``, the runner ``epochs`` and its resume keys.

    Read defensively, as before: a value of the wrong kind counts as not recorded."""
    checks = {
        "seed": lambda v: _whole(v) and 0 <= v <= limits.MAX_SEED,
        "sequence_length": lambda v: _whole(v) and 1 <= v <= limits.MAX_SEQUENCE_LENGTH,
        "reset_context_each_epoch": lambda v: isinstance(v, bool),
        "epoch": lambda v: _whole(v) and 0 <= v <= limits.MAX_TOTAL_STEPS,
        "position": lambda v: _whole(v) and 0 <= v <= limits.MAX_TOTAL_STEPS,
        "task": lambda v: isinstance(v, str),
    }
    extra = dict(extra)
    if "epoch" not in extra and "epochs" in extra:
        extra["epoch"] = extra["epochs"]  # the runner's name for it
    known = {key: extra[key] for key, valid in checks.items()
             if key in extra and valid(extra[key])}
    settings = {key: known[key] for key in ("seed", "sequence_length",
                                            "reset_context_each_epoch") if key in known}
    missing = [words for key, words in (
        ("task", "the task"), ("epoch", "the epochs trained"),
        ("position", "the place in the sequence"), ("seed", "the seed"),
        ("sequence_length", "the sequence length"),
        ("reset_context_each_epoch", "whether the context is reset each epoch"))
        if key not in known]
    if known.get("position"):
        missing.append("the losses of the epoch in progress")
    try:
        losses = _losses(extra.get("epoch_losses", []), lambda problem: ValueError(problem))
    except ValueError:
        losses = []
    return SavedRun(known.get("task"), {}, settings, known.get("epoch", 0),
                    known.get("position", 0), losses, None, tuple(missing))


def _whole(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _count(table: dict, key: str, fail) -> int:
    value = table.get(key)
    if not isinstance(value, int) or isinstance(value, bool) or not (
            0 <= value <= limits.MAX_TOTAL_STEPS):
        raise fail(f"the saved {key} is not a whole number from 0 to "
                   f"{limits.MAX_TOTAL_STEPS:,} ({limits.shown(value)})")
    return value


def _losses(values, fail) -> list[float]:
    if values is None:
        return []
    if not isinstance(values, list) or not all(
            v is None or (isinstance(v, int | float) and not isinstance(v, bool)
                          and math.isfinite(v)) for v in values):
        raise fail("the saved epoch losses are not a list of numbers")
    return [math.nan if v is None else float(v) for v in values]


def _listed(items) -> str:
    items = list(items)
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " or " + items[-1]


# ---------------------------------------------------------------------------------- resume
def task_of(saved: SavedRun, current: Task) -> Task:
    """The task the file was saved on (with its options, e.g. the text), else ``current``."""
    if saved.task is None or saved.task not in tasks.names():
        return current
    if saved.task == current.name and not saved.task_options:
        return current
    return tasks.get(saved.task, **saved.task_options)


def check_fits(network: ElmanNetwork, task: Task, saved: SavedRun, path) -> None:
    """ValueError naming the file if ``network`` has not ``task``'s inputs and outputs."""
    if (network.n_input, network.n_output) != (task.n_input, task.n_output):
        saved_for = saved.task or "another task"
        raise SavedRunError(
            f"{path}: this {network.n_input}-{network.n_hidden}-{network.n_output} network was "
            f"trained on {saved_for}; {task.title} needs {task.n_input} inputs and "
            f"{task.n_output} outputs. Choose that task first.")


def settings_for(network: ElmanNetwork, saved: SavedRun, base: RunSettings,
                 changes: dict | None = None) -> RunSettings:
    """The run's settings: ``base``, then what the file records, then the network's own
    (hidden units, rule…), then ``changes`` (a runner's options). SettingsError if invalid."""
    values = {name: value for name, value in saved.settings.items() if name in NAMES}
    values.update({name: getattr(network.config, name) for name in NETWORK_FIELDS})
    values.update(changes or {})
    return base.replace(**values)


def resume(task: Task, network: ElmanNetwork, saved: SavedRun,
           settings: RunSettings) -> TrainingSession:
    """A session going on from the file's place exactly: same sequence, epoch, position,
    epoch losses and the epoch in progress's step losses. ValueError if the place is not in
    this sequence."""
    session = TrainingSession(task, settings, network=network)
    session.count_on_from(saved.epoch, saved.epoch_losses, saved.position, saved.step_losses)
    return session


__all__ = ["SavedRun", "SavedRunError", "SettingsError", "check_fits", "read", "resume",
           "run_record", "save", "settings_for", "task_of", "writer"]
