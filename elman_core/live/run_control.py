"""The driver's run control: play, pause, time slices of training, run-to and the divergence guard.

:class:`RunControl` trains the :class:`~elman_core.live.live_run.LiveRun` it is given: a playing
run's time slices (the GIL-free kernel at full speed, one traced step per tick in slow motion),
a run to a condition (through the tested :func:`elman_core.training.run_to.advance`), the traced
steps and kernel calls the step-through commands build on, the activation history they record,
and what happens when a run finishes or diverges.
"""

from __future__ import annotations

import dataclasses
import math
import time
from collections.abc import Sequence
from typing import NamedTuple

import numpy as np

from elman_core.live.live_run import LiveRun
from elman_core.live.pacing import PUBLISH_SLACK, SLICE_SECONDS, Pacer
from elman_core.model.trace import LatestStep, RunState, StepTrace
from elman_core.training import divergence, run_to
from elman_core.training.session import RunResult

# What a run-to runs to (elman_core.training.run_to's conditions).
Condition = run_to.EpochEnd | run_to.EpochReached | run_to.InputIs | run_to.ErrorAbove


class TickResult(NamedTuple):
    publish: bool  # a snapshot is due
    trace: StepTrace | None  # the traced step this tick took, if any


def _targets(sequence, rows: Sequence[int] | np.ndarray) -> list[str]:
    """The symbol each of ``rows`` must predict, "" where it has no target."""
    return [sequence.target_symbols[r] if sequence.mask[r] else "" for r in rows]


class RunControl:
    """Plays, pauses and trains one driver's run (see the module docstring)."""

    def __init__(self, live: LiveRun, speed: float | None = None) -> None:
        self.live = live
        self.pacer = Pacer(speed)
        self.total_steps = 0  # steps trained over all sessions (benchmarks)
        self._condition: Condition | None = None  # the run-to condition being run to
        self._stop_at: int | None = None  # global step at which run_steps pauses

    def new_session(self) -> None:
        """A new session was installed: nothing to run to, its speed to measure again."""
        self._condition = None
        self._stop_at = None
        self.pacer.seconds_per_step = 1e-6

    # ------------------------------------------------------------------ commands
    def play(self) -> None:
        live = self.live
        if live.refused_when_diverged():
            return
        if live.session.finished:
            live.state = RunState.FINISHED
            live.notify("info", f"Training is finished ({live.session.settings.epochs} "
                                "epochs). Reset (R) to start again, or raise Epochs.")
            return
        live.state = RunState.RUNNING
        live.message = ""
        live.phase = None
        self.pacer.restart(self.total_steps)

    def pause(self) -> None:
        live = self.live
        self._stop_at = None
        if self._condition is not None:
            self._condition = None
            live.message = "Run-to cancelled."
        if live.state == RunState.RUNNING:
            live.state = RunState.PAUSED
            self.pacer.stopped()
            live.message = "Paused."

    def run_steps(self, count: int) -> None:
        """Play until ``count`` more steps are trained, then pause (for screenshots, benchmarks)."""
        self._stop_at = self.live.session.global_step + max(int(count), 0)
        self.play()
        if self.live.state != RunState.RUNNING:
            self._stop_at = None  # play refused (finished or diverged)
        elif self.live.session.global_step >= self._stop_at:
            self.pause()

    def set_speed(self, steps_per_second: float | None) -> None:
        """Steps per second, or None for full speed."""
        self.pacer.set_speed(steps_per_second)
        if self.live.state == RunState.RUNNING:
            self.pacer.restart(self.total_steps)

    def run_to(self, kind: str, value) -> bool:
        """Run until a condition holds, then pause exactly on that step.

        ``kind``: "epoch_end", "epoch" (value: epoch number, from 1), "symbol" (value: input
        symbol) or "error" (value: loss threshold). Impossible requests change nothing.
        """
        live = self.live
        if live.refused_when_diverged():
            return False
        try:
            condition = run_to.condition_of(live.session, kind, value)
        except ValueError as error:
            live.notify("error", f"Cannot run to that step: {error}.")
            return False
        self.halt()
        live.phase = None
        self._condition = condition
        live.state = RunState.RUNNING
        live.message = f"Running to {condition.describe()}…"
        self.pacer.restart(self.total_steps)
        return True

    def fail(self, error: BaseException) -> None:
        """An unexpected error in a command: pause with a notice instead of running blind."""
        self.stop()
        self.live.message = f"Training stopped by an internal error: {error!r}"
        self.live.notify("error", self.live.message)

    def stop(self) -> None:
        self.halt()
        if self.live.state == RunState.RUNNING:
            self.live.state = RunState.PAUSED

    # ------------------------------------------------------------------ ticks
    def tick_interval_ms(self) -> int:
        """How often :meth:`tick` should run while RUNNING."""
        return self.pacer.interval_ms(running_to=self._condition is not None)

    def tick(self) -> TickResult:
        """One timer tick of a running session: a time slice of training."""
        live = self.live
        if live.state != RunState.RUNNING:
            return TickResult(False, None)
        return self._training_tick()

    def _training_tick(self) -> TickResult:
        if self._condition is not None:
            return self._run_to_tick(self._condition)
        if self.pacer.traced:
            trace = self.traced_step()
            self.check_limits()
            return TickResult(True, trace)
        seconds, due = self.pacer.this_tick()
        self.train_for(seconds, self._steps_allowed(due))
        self.check_limits()
        return TickResult(self.live.state != RunState.RUNNING or self.pacer.publish_due(), None)

    def _run_to_tick(self, condition: Condition) -> TickResult:
        live = self.live
        session = live.session
        if session.finished:
            self.finish()
            live.message = f"Training finished before {condition.describe()}."
            return TickResult(True, None)
        deadline = time.perf_counter() + SLICE_SECONDS
        trace = None
        while trace is None and live.state != RunState.DIVERGED and not session.finished:
            budget = self.pacer.steps_in(SLICE_SECONDS)
            if condition.steps_before(session) is None:
                # Pieces no longer than a step back reaches, so that the step found can be
                # gone back to (the activation history is refilled when the run stops). Not
                # shorter: each piece is a round of Python that holds the GIL, and 100-step
                # pieces made a run-to twenty times slower than Play and the window sluggish.
                budget = min(budget, session.history.max_steps, self.steps_to_finish())
            with np.errstate(all="ignore"):
                trace = run_to.advance(session, condition, budget, train=self.train_result,
                                       step=self.traced_step)
            if time.perf_counter() >= deadline:
                break
        if live.state == RunState.DIVERGED:
            return TickResult(True, None)
        if trace is not None:
            self.halt()
            live.state = RunState.FINISHED if session.finished else RunState.PAUSED
            live.message = f"Stopped at {condition.describe()}."
            self.refill_history()
            return TickResult(True, trace)
        return TickResult(self.pacer.publish_due(), None)

    def published(self) -> None:
        """The caller published a snapshot now: measure the rate, time the next one."""
        self.pacer.published(self.live.state == RunState.RUNNING, self.total_steps)

    # ------------------------------------------------------------------ training
    def train_for(self, seconds: float, max_steps: int | None) -> None:
        """Kernel training for about ``seconds`` (and at most ``max_steps``)."""
        deadline = time.perf_counter() + seconds
        done = 0
        while max_steps is None or done < max_steps:
            now = time.perf_counter()
            if self.live.session.finished or now >= deadline - (PUBLISH_SLACK if done else 0):
                break  # (not another call for the last few ms: see PUBLISH_SLACK)
            chunk = self.pacer.steps_in(deadline - now)
            if max_steps is not None:
                chunk = min(chunk, max_steps - done)
            chunk = min(chunk, self.steps_to_finish())
            started = time.perf_counter()
            steps = self.train_steps(chunk)
            self.pacer.measured(time.perf_counter() - started, steps)
            done += steps
            if self.live.state == RunState.DIVERGED or steps == 0:
                break

    def train_steps(self, count: int) -> int:
        return self.train_result(count).steps

    def train_result(self, count: int) -> RunResult:
        """Up to ``count`` steps with the kernel, whole epochs in one call; checks divergence
        (a diverged call is undone to the last sane step and counts as no steps)."""
        live = self.live
        session = live.session
        with np.errstate(over="ignore", invalid="ignore"):  # divergence is checked below
            # Only the hidden states the activation history keeps: no work per step trained.
            result = session.run_epochs(count, keep=live.ring.size)
        if result.steps == 0:
            return result
        self.total_steps += result.steps
        if not divergence.result_sane(session.network, result):
            live.latest = divergence.back_to_last_sane_step(session) or live.latest
            self.diverge()
            return dataclasses.replace(result, steps=0, losses=result.losses[:0])
        live.latest = LatestStep.of_run(result, session.sequence.inputs,
                                        session.steps_per_epoch)
        if live.partner is not None:  # network B trains the same rows, inside this slice
            live.partner.follow(session.global_step)
        # Only the steps the activation history keeps: no work per step trained.
        kept = min(result.steps, live.ring.size)
        rows = (result.first_step + np.arange(result.steps - kept, result.steps)
                ) % session.steps_per_epoch
        self.record(result, session.global_step - kept, rows)
        return result

    def record(self, result: RunResult, first_step: int, rows: np.ndarray) -> None:
        """The last ``len(rows)`` steps of ``result`` into the activation history."""
        sequence, kept = self.live.session.sequence, len(rows)
        self.live.ring.add(result.hidden[-kept:], result.context[-kept:],
                           result.losses[-kept:], first_step,
                           [sequence.input_symbols[r] for r in rows], result.output[-kept:],
                           _targets(sequence, rows))

    def traced_step(self) -> StepTrace:
        """One step of the step-by-step path, with its full trace; checks divergence."""
        live = self.live
        session = live.session
        row, epoch = session.position, session.epoch
        with np.errstate(over="ignore", invalid="ignore"):  # divergence is checked below
            trace = session.step()
        self.total_steps += 1
        if divergence.trace_sane(session.network, trace):
            if live.partner is not None:
                live.partner.follow(session.global_step, traced=True)
            live.latest = LatestStep.of_trace(row, trace)
            live.inspected = live.inspected_of(trace, epoch, row)
            live.ring.add(trace.hidden[None], trace.context[None], np.array([trace.loss]),
                          epoch * session.steps_per_epoch + row,
                          [session.sequence.input_symbols[row]], trace.output[None],
                          _targets(session.sequence, [row]))
        else:
            divergence.restore_before(session, session.global_step - 1)
            self.diverge()
        return trace

    def refill_history(self) -> None:
        """Give the activation history back the steps just before here that it no longer holds
        (after a step back, or a run-to that stopped in a short piece): recomputed from the
        checkpoints with the kernel that took them, then everything is put back exactly."""
        session, ring = self.live.session, self.live.ring
        wanted = min(ring.size, session.steps_back_available())
        if wanted <= len(ring):
            return
        end = session.global_step
        state, saved = session.capture(), session.history.saved()
        epoch_losses = list(session.epoch_losses)
        try:
            with np.errstate(all="ignore"):
                session.step_back(wanted)
                while session.global_step < end:
                    first = session.global_step
                    result = session.run(end - first)
                    if result.steps == 0:
                        break
                    rows = (first + np.arange(result.steps)) % session.steps_per_epoch
                    self.record(result, first, rows)
        finally:
            session.restore(state)
            session.history.put_back(saved)
            session.epoch_losses[:] = epoch_losses

    # ------------------------------------------------------------------ state changes
    def diverge(self) -> None:
        live = self.live
        self.halt()
        live.state = RunState.DIVERGED
        live.message = (divergence.message(live.session) + "; shown is the last step before. "
                        "Lower the learning rate, then press Reset (R).")
        live.notify("warning", live.message)

    def halt(self) -> None:
        """Stop running (to a condition, to a step count) without changing the state shown."""
        self._stop_at = None
        self._condition = None
        self.pacer.stopped()

    def can_step(self) -> bool:
        """A manual step may be taken (pausing a run first); False once diverged."""
        if self.live.refused_when_diverged():
            return False
        if self.live.state == RunState.RUNNING:
            self.halt()
            self.live.state = RunState.PAUSED
        return True

    def after_manual_step(self) -> None:
        live = self.live
        if live.state != RunState.DIVERGED:
            live.state = RunState.FINISHED if live.session.finished else RunState.PAUSED
            live.message = ""

    def finish(self) -> None:
        live = self.live
        self.halt()
        live.state = RunState.FINISHED
        session = live.session
        loss = session.epoch_losses[-1] if session.epoch_losses else math.nan
        live.message = f"Finished {session.epoch} epochs — loss {loss:.4f}"
        live.notify("info", live.message)

    def check_limits(self) -> None:
        live = self.live
        if live.state != RunState.RUNNING:
            return
        if live.session.finished:
            self.finish()
        elif self._stop_at is not None and live.session.global_step >= self._stop_at:
            self.halt()
            live.state = RunState.PAUSED
            live.message = f"Trained {live.session.global_step:,} steps."

    def _steps_allowed(self, due: int | None) -> int | None:
        if self._stop_at is None:
            return due
        left = max(self._stop_at - self.live.session.global_step, 0)
        return left if due is None else min(due, left)

    def steps_to_finish(self) -> int:
        session = self.live.session
        return session.settings.epochs * session.steps_per_epoch - session.global_step
