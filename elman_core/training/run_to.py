"""Run until something happens, then stop exactly on that step with its full trace.

Each condition says how many steps may run before the step it waits for (when that is known in
advance, like the next ``b``), or recognises the step afterwards (like an error above a
threshold), in which case the session steps back to it. Either way the final step is a traced
one, so the inspector shows exactly the step the condition names. ``advance`` does one bounded
slice of work, so a GUI thread can interleave it with painting.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from elman_core.model.trace import StepTrace
from elman_core.training.session import RunResult, TrainingSession


@dataclass(frozen=True)
class EpochEnd:
    """The step that completes the current epoch."""

    def describe(self) -> str:
        return "the end of this epoch"

    def steps_before(self, session: TrainingSession) -> int | None:
        return session.steps_per_epoch - session.position - 1


@dataclass(frozen=True)
class EpochReached:
    """The step that completes epoch ``epoch`` (counting from 1)."""

    epoch: int

    def describe(self) -> str:
        return f"the end of epoch {self.epoch}"

    def steps_before(self, session: TrainingSession) -> int | None:
        remaining = self.epoch * session.steps_per_epoch - session.global_step - 1
        if remaining < 0:
            raise ValueError(f"epoch {self.epoch} is already complete")
        return remaining


@dataclass(frozen=True)
class InputIs:
    """The next step whose input is ``symbol`` (e.g. the next ``b``)."""

    symbol: str

    def describe(self) -> str:
        return f"the next input {self.symbol!r}"

    def steps_before(self, session: TrainingSession) -> int | None:
        symbols = session.sequence.input_symbols
        n = len(symbols)
        for offset in range(n):
            if symbols[(session.position + offset) % n] == self.symbol:
                return offset
        raise ValueError(f"the input {self.symbol!r} never occurs in this task's sequence")


@dataclass(frozen=True)
class ErrorAbove:
    """The next step whose loss exceeds ``threshold``."""

    threshold: float

    def describe(self) -> str:
        return f"the next step with error above {self.threshold:g}"

    def steps_before(self, session: TrainingSession) -> int | None:
        return None  # only known once the step has run

    def hit(self, result: RunResult) -> int | None:
        above = np.flatnonzero(result.losses > self.threshold)
        return int(above[0]) if len(above) else None


def condition_of(session: TrainingSession, kind: str, value):
    """The condition the app names by ``kind`` ("epoch_end", "epoch" N, "symbol" s, "error" x);
    a ValueError if it is malformed or can never be reached from where ``session`` is."""
    condition: EpochEnd | EpochReached | InputIs | ErrorAbove
    if kind == "epoch_end":
        condition = EpochEnd()
    elif kind == "epoch":
        condition = EpochReached(int(value))
        if condition.epoch > session.settings.epochs:
            raise ValueError(f"training stops after epoch {session.settings.epochs}")
    elif kind == "symbol":
        condition = InputIs(str(value))
    elif kind == "error":
        condition = ErrorAbove(float(value))
        if not math.isfinite(condition.threshold) or condition.threshold < 0:
            raise ValueError("the error threshold must be a number ≥ 0")
    else:
        raise ValueError(f"unknown run-to condition {kind!r}")
    condition.steps_before(session)  # a clear error if it can never be reached
    if session.finished:
        raise ValueError("training is finished (raise Epochs or Reset)")
    return condition


def advance(session: TrainingSession, condition, budget: int, *,
            train: Callable[[int], RunResult] | None = None,
            step: Callable[[], StepTrace] | None = None) -> StepTrace | None:
    """Run at most about ``budget`` steps towards ``condition``; the trace once it is reached.

    ``train(n)`` and ``step()`` default to the session's own; the app's driver passes its
    versions, which also watch for divergence and record the activations.
    """
    train = session.run if train is None else train
    step = session.step if step is None else step
    before = condition.steps_before(session)
    if before == 0:
        return step()
    result = train(budget if before is None else min(budget, before))
    if before is None:
        hit = condition.hit(result)
        if hit is not None:
            session.step_back(result.steps - hit)
            return step()
    return None


def run_to(session: TrainingSession, condition, max_steps: int = 10**8,
           slice_steps: int = 100_000) -> StepTrace | None:
    """Headless: run until ``condition`` (or ``max_steps``); the trace of the step it stopped on."""
    start = session.global_step
    while session.global_step - start < max_steps:
        budget = min(slice_steps, max_steps - (session.global_step - start))
        trace = advance(session, condition, budget)
        if trace is not None:
            return trace
    return None
