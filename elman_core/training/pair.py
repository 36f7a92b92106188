"""Two networks trained on the same stream, step for step, differing in what the student picks.

Network A is the run as its settings say; network B is A changed by a few settings named as
``KEY=VALUE`` (:func:`parse_changes`): any :class:`~elman_core.model.settings.RunSettings` field
by its name (``n_hidden``, ``learning_rate``, ``rule``, and whatever setting a new architecture
brings), plus two that are not settings:

* ``forget_context``: B's context is zeroed before every step (a network without memory);
* ``task``: B learns another task with the same inputs and outputs — starting small
  (``starting-small-input`` / ``starting-small-memory``) against the plain ``grammar``. Here the
  curriculum *is* the difference, so B's stream is its own (same seed); B's settings are that
  task's defaults with the settings A was given beyond its own task's defaults.

The settings that make the stream (``seed``, ``sequence_length``) cannot differ: both networks
see exactly the same rows in the same order (one :class:`~elman_core.tasks.base.Sequence`,
shared). Each network's starting weights come from its own settings (the same seed), so a pair
that differs in nothing is two identical networks.

:class:`NetworkPair` moves both together: a step, a run of steps, step back, run to a step. A
network whose run is shorter (fewer epochs, a shorter curriculum) waits at its end.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable
from typing import Any

import numpy as np

from elman_core import tasks
from elman_core.model.settings import NAMES, RunSettings, SettingsError
from elman_core.model.trace import StepTrace
from elman_core.tasks.base import Task, TaskError
from elman_core.training.session import TrainingSession

STREAM_KEYS = ("seed", "sequence_length")  # they make the stream the two networks share
NOT_SETTINGS = ("forget_context", "task")  # keys of a difference that are not RunSettings


class PairError(ValueError):
    """A difference that cannot be compared (unknown key, bad value), in plain words."""


def keys() -> tuple[str, ...]:
    """Every key a difference may name."""
    return tuple(name for name in NAMES if name not in STREAM_KEYS) + NOT_SETTINGS


def parse_value(text: str) -> Any:
    """A value as typed on a command line: none, true/false, a whole number, a number, or a
    word (the settings model checks it against the key's own bounds and choices)."""
    word = text.strip()
    lower = word.lower()
    if lower in ("none", "null"):
        return None
    if lower in ("true", "yes", "on"):
        return True
    if lower in ("false", "no", "off"):
        return False
    for kind in (int, float):
        try:
            return kind(word)
        except ValueError:
            pass
    return word


def parse_changes(items: Iterable[str]) -> dict[str, Any]:
    """``["n_hidden=20", "rule=bptt"]`` → ``{"n_hidden": 20, "rule": "bptt"}`` (keys checked
    here, values when the pair is made)."""
    changes: dict[str, Any] = {}
    for item in items:
        key, equals, value = item.partition("=")
        key = key.strip().replace("-", "_")
        if not equals or not key or not value.strip():
            raise PairError(f"{item!r} is not KEY=VALUE (for example n_hidden=20)")
        if key in changes:
            raise PairError(f"{key} is given twice")
        changes[key] = parse_value(value)
    check_keys(changes)
    return changes


def check_keys(changes: dict[str, Any]) -> None:
    """A clear error for a key that is unknown or would change the shared stream."""
    for key in changes:
        if key in STREAM_KEYS:
            raise PairError(f"{key} cannot differ: both networks learn the same stream "
                            f"(set it for both with the run's own option)")
        if key not in keys():
            raise PairError(f"unknown key {key!r}; choose from: {', '.join(keys())}")


def describe(changes: dict[str, Any]) -> str:
    """"n_hidden=20, rule=bptt": the difference as the student named it."""
    return ", ".join(f"{key}={value}" for key, value in changes.items())


class NetworkPair:
    """Network A (``task``, ``settings``) and network B (A changed by ``changes``), in step.

    ``forget_context``: A's context is zeroed (B's too, unless ``changes`` says otherwise).
    """

    def __init__(self, task: Task, settings: RunSettings, changes: dict[str, Any],
                 forget_context: bool = False) -> None:
        check_keys(changes)
        self.changes = dict(changes)
        self.a = TrainingSession(task, settings)
        self.a.network.forget_context = bool(forget_context)
        self.b = partner_session(self.a, self.changes)
        self.shares_stream = self.b.sequence is self.a.sequence

    @property
    def sides(self) -> tuple[TrainingSession, TrainingSession]:
        return self.a, self.b

    # ---------------------------------------------------------------- queries
    @property
    def global_step(self) -> int:
        """Steps the pair has taken (a network past its own end stays at its end)."""
        return max(side.global_step for side in self.sides)

    @property
    def end(self) -> int:
        """The step at which both have finished."""
        return max(_end(side) for side in self.sides)

    @property
    def finished(self) -> bool:
        return all(side.finished for side in self.sides)

    def steps_back_available(self) -> int:
        """How far both can go back together (each within its own checkpoints)."""
        step = self.global_step
        return max(0, min(side.steps_back_available() + step - side.global_step
                          for side in self.sides))

    # --------------------------------------------------------------- training
    def step(self) -> tuple[StepTrace | None, StepTrace | None]:
        """One traced timestep of each network that has not finished (None for one that has)."""
        if self.finished:
            return None, None
        return (self.a.step() if not self.a.finished else None,
                self.b.step() if not self.b.finished else None)

    def advance(self, steps: int) -> int:
        """``steps`` more steps of both with the fast kernels (never past the end); returns how
        many the pair moved."""
        start = self.global_step
        self.run_to(start + max(int(steps), 0))
        return self.global_step - start

    def run_to(self, step: int) -> None:
        """Train both up to global step ``step`` (each at most to its own end)."""
        for side in self.sides:
            target = min(int(step), _end(side))
            while side.global_step < target:
                side.run_epochs(target - side.global_step)

    def train(self, on_chunk: Callable[[NetworkPair], None] | None = None) -> None:
        """Train both to their ends, an epoch of A at a time; ``on_chunk`` after each."""
        chunk = self.a.steps_per_epoch
        while not self.finished:
            self.advance(chunk)
            if on_chunk is not None:
                on_chunk(self)

    def step_back(self, steps: int = 1) -> int:
        """Both go back ``steps`` timesteps (as far as both can); returns how many."""
        steps = max(0, min(int(steps), self.steps_back_available()))
        target = self.global_step - steps
        for side in self.sides:
            if side.global_step > target:
                side.step_back(side.global_step - target)
        return steps


def partner_session(a: TrainingSession, changes: dict[str, Any]) -> TrainingSession:
    """Network B for the (untrained) session ``a``: its settings changed by ``changes``, on
    ``a``'s very stream unless the task differs; its context zeroed as ``a``'s is, unless
    ``changes`` says. A :class:`PairError` says what is wrong."""
    check_keys(changes)
    task_b, settings_b = _second_run(a.task, a.settings, changes)
    same_stream = task_b is a.task
    b = TrainingSession(task_b, settings_b, sequence=a.sequence if same_stream else None)
    forget = changes.get("forget_context", bool(a.network.forget_context))
    if not isinstance(forget, bool):
        raise PairError(f"forget_context must be true or false (got {forget!r})")
    b.network.forget_context = forget
    return b


def _end(session: TrainingSession) -> int:
    return session.settings.epochs * session.steps_per_epoch


def _second_run(task: Task, settings: RunSettings,
                changes: dict[str, Any]) -> tuple[Task, RunSettings]:
    """B's task and settings: A's changed by ``changes`` (checked, with a clear message)."""
    overrides = {k: v for k, v in changes.items() if k not in NOT_SETTINGS}
    task_b, base = task, settings
    name = changes.get("task")
    if name is not None and name != task.name:
        try:
            task_b = tasks.get(str(name))
        except TaskError as error:
            raise PairError(f"task={name}: {error}") from None
        if (task_b.n_input, task_b.n_output) != (task.n_input, task.n_output):
            raise PairError(
                f"task={name}: its network is {task_b.n_input} inputs and {task_b.n_output} "
                f"outputs, {task.name}'s {task.n_input} and {task.n_output}: only tasks with "
                "the same inputs and outputs can be compared")
        given = {field: getattr(settings, field) for field in settings.changed(task.defaults)
                 if field != "sequence_length"}  # the length counts the task's own units
        base = task_b.defaults.replace(**given)
    try:
        settings_b = base.replace(**overrides)
        settings_b.check_task(task_b)
    except (SettingsError, TypeError) as error:
        raise PairError(str(error)) from None
    return task_b, settings_b


def same_stream(pair: NetworkPair) -> bool:
    """Whether both networks are trained on identical rows (inputs, targets, mask, resets)."""
    a, b = pair.a.sequence, pair.b.sequence
    return all(np.array_equal(getattr(a, f.name), getattr(b, f.name))
               for f in dataclasses.fields(a) if isinstance(getattr(a, f.name), np.ndarray))
