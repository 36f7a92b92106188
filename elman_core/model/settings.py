"""The settings of a training run: one model, validated once, here.

:class:`RunSettings` is what the parameter panel shows, what the runner's options fill in, what
the trainer thread applies and what a network is built from. It checks every field when it is
made, so a ``RunSettings`` that exists is a valid one, and it says itself which fields apply to
the running network at once (:data:`LIVE`) and which need a new network (:data:`STRUCTURAL`).

Every field that makes the program allocate memory or time has an upper bound in
:data:`BOUNDS` — sized for a teacher's laptop, not for a cluster — and every message names the
field and its bound, so a front-end can show it as it is.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass
from typing import NamedTuple, Protocol

from elman_core.model import activations as act
from elman_core.model import architectures


class Task(Protocol):
    """What the settings need of a task (elman_core.tasks.base.Task, which imports this
    module: naming it here would be an import loop)."""

    # Read-only properties, so a frozen dataclass's fields (the tasks') satisfy them.
    @property
    def title(self) -> str: ...
    @property
    def n_output(self) -> int: ...
    @property
    def defaults(self) -> RunSettings: ...


class SettingsError(ValueError):
    """A setting out of its bounds, of the wrong kind, or unknown; ``field`` names it."""

    def __init__(self, field: str | None, message: str) -> None:
        super().__init__(message)
        self.field = field


class Bound(NamedTuple):
    """The allowed range of one numeric setting."""

    label: str  # how a person calls the setting, e.g. "Hidden units"
    minimum: float
    maximum: float
    integer: bool = False
    above_minimum: bool = False  # the minimum itself is not allowed (learning rate > 0)
    below_maximum: bool = False  # the maximum itself is not allowed (momentum < 1)

    def describe(self) -> str:
        low = f"{'>' if self.above_minimum else '≥'} {_number(self.minimum)}"
        high = f"{'<' if self.below_maximum else '≤'} {_number(self.maximum)}"
        kind = "a whole number" if self.integer else "a number"
        return f"{kind} {low} and {high}"


def shown(value: object) -> str:
    """A value as typed, shortened if it is absurdly long (a 10**30 stays readable)."""
    if isinstance(value, float):
        text = f"{value:.12g}"
    else:
        text = f"{value}" if isinstance(value, int) else repr(value)
    return text if len(text) <= 24 else f"{text[:10]}…({len(text)} digits)"


def _number(value: float) -> str:
    return f"{value:,.0f}" if value == int(value) else f"{value:g}"


# The one table of limits. Memory grows with hidden units (weights H², the kernels' scratch),
# sequence length (every row's inputs, targets and per-step errors are kept) and epochs (the
# running-loss curve keeps about 20 points per epoch).
BOUNDS: dict[str, Bound] = {
    "n_hidden": Bound("Hidden units", 1, 1000, integer=True),
    "sequence_length": Bound("Sequence length", 1, 200_000, integer=True),
    "epochs": Bound("Epochs", 1, 1_000_000, integer=True),
    "seed": Bound("Seed", 0, 2**32 - 1, integer=True),
    "bptt_window": Bound("BPTT window", 1, 10_000, integer=True),
    "learning_rate": Bound("The learning rate", 0.0, 1e6, above_minimum=True),
    "momentum": Bound("Momentum", 0.0, 1.0, below_maximum=True),
    "context_init": Bound("The context start value", -1000.0, 1000.0),
    "weight_scale": Bound("Weight scale", 0.0, 100.0),
    "context_decay": Bound("Context decay", 0.0, 1.0, below_maximum=True),
}
# Settings chosen from a list: (the allowed names, how the message calls the setting).
CHOICES: dict[str, tuple[tuple[str, ...], str]] = {
    "rule": (act.RULES, "learning rule"),
    "architecture": (architectures.ARCHITECTURES, "architecture"),
    "hidden_activation": (act.HIDDEN_ACTIVATIONS, "hidden activation"),
    "output_activation": (act.OUTPUT_ACTIVATIONS, "output activation"),
}


def check(name: str, value):
    """``value`` if it is allowed for setting ``name`` (as an int or float), else SettingsError."""
    if name in CHOICES:
        allowed, what = CHOICES[name]
        if value not in allowed:
            raise SettingsError(name, f"unknown {what} {value!r}; choose one of: "
                                      f"{', '.join(allowed)}")
        return value
    if name == "bptt_window" and value is None:
        return None  # the whole segment between context resets
    if name == "reset_context_each_epoch":
        if not isinstance(value, bool):
            raise SettingsError(name, f"reset_context_each_epoch must be True or False "
                                      f"(got {shown(value)})")
        return value
    bound = BOUNDS[name]
    where = f"{bound.label} ({name}) must be {bound.describe()}"
    if isinstance(value, bool | str) or not hasattr(value, "__float__"):
        raise SettingsError(name, f"{where} (got {shown(value)})")
    number = float(value)
    if bound.integer and math.isfinite(number) and number == int(number):
        number = int(value)
    elif bound.integer:
        raise SettingsError(name, f"{where} (got {shown(value)})")
    too_low = number <= bound.minimum if bound.above_minimum else number < bound.minimum
    too_high = number >= bound.maximum if bound.below_maximum else number > bound.maximum
    if not math.isfinite(number) or too_low or too_high:
        raise SettingsError(name, f"{where} (got {shown(value)})")
    return number


def check_architecture(name: str, decay: float) -> None:
    """An architecture and a context decay that go together (the decay is Jordan's only)."""
    try:
        architectures.make(name, decay)
    except ValueError as exc:
        raise SettingsError("context_decay", str(exc)) from None


@dataclass(frozen=True)
class RunSettings:
    """Every setting of a run, valid by construction (see :func:`check` and :data:`BOUNDS`)."""

    n_hidden: int
    learning_rate: float
    epochs: int
    sequence_length: int
    seed: int = 42
    context_init: float = 0.0
    rule: str = "online"  # "online" (Elman's rule) or "bptt"
    bptt_window: int | None = None  # None: the whole segment between context resets
    hidden_activation: str = "sigmoid"
    output_activation: str = "sigmoid"
    momentum: float = 0.0
    weight_scale: float = 0.1
    reset_context_each_epoch: bool = True
    architecture: str = "elman"  # "elman" (context = hidden) or "jordan" (context = output)
    context_decay: float = 0.0  # Jordan's μ: context(t) = μ·context(t−1) + output(t−1)

    def __post_init__(self) -> None:
        for field in dataclasses.fields(self):
            object.__setattr__(self, field.name, check(field.name, getattr(self, field.name)))
        check_architecture(self.architecture, self.context_decay)

    @classmethod
    def for_task(cls, task: Task, **overrides) -> RunSettings:
        """The task's defaults with some fields replaced; unknown names are a clear error."""
        return task.defaults.replace(**overrides)

    def replace(self, **changes) -> RunSettings:
        """A copy with ``changes`` applied (all checked; unknown names are a SettingsError)."""
        unknown = sorted(set(changes) - set(NAMES))
        if unknown:
            raise SettingsError(unknown[0], f"unknown setting(s): {', '.join(unknown)}")
        return dataclasses.replace(self, **changes)

    def check_task(self, task: Task) -> None:
        """Settings valid in general but not for this task (softmax on a single output)."""
        if self.output_activation == "softmax" and task.n_output < 2:
            raise SettingsError(
                "output_activation",
                f"Softmax output needs at least two output units; {task.title} has "
                f"{task.n_output}. Use sigmoid or linear output.")

    def changed(self, other: RunSettings) -> set[str]:
        """The names of the fields that differ from ``other``."""
        return {name for name in NAMES if getattr(self, name) != getattr(other, name)}

    @staticmethod
    def needs_new_network(names) -> bool:
        """Whether changing these fields needs a new network (and a fresh run)."""
        return bool(set(names) & STRUCTURAL)


NAMES = tuple(field.name for field in dataclasses.fields(RunSettings))
# Settings that apply to the running network at once; all others need a new network.
LIVE = frozenset({"learning_rate", "momentum", "epochs", "context_init",
                  "reset_context_each_epoch"})
STRUCTURAL = frozenset(NAMES) - LIVE
