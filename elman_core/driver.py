"""Everything the app asks of training, as plain Qt-free code (Orange3's optimiser pattern).

:class:`TrainingDriver` owns a :class:`~elman_core.session.TrainingSession` and turns the
student's commands into training: play a time slice (the GIL-free kernel at full speed, one
traced step per tick in slow motion), single steps and their phases, whole epochs, step back,
run to a condition (through the tested :func:`elman_core.run_to.advance`), peek at a past step,
the activation history and the divergence guard. It keeps the run's state and the message and
notices for the student; the GUI's worker thread only adds a timer and signals, and makes its
snapshot from the plain data here (:attr:`latest`, :meth:`activation_history`, …).

:class:`PendingCommands` merges step commands that pile up in the worker's queue (holding ←
queues hundreds of them) and lets a stop request overtake everything queued.
"""

from __future__ import annotations

import dataclasses
import math
import threading
import time
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

from elman_core import divergence, run_to, tasks
from elman_core.divergence import DIVERGENCE_LIMIT
from elman_core.persistence import save_network
from elman_core.session import RunResult, TrainingSession
from elman_core.settings import RunSettings
from elman_core.tasks.base import TaskError
from elman_core.trace import (
    PARAMETER_NAMES,
    ActivationHistory,
    InspectedStep,
    Phase,
    RunState,
    StepTrace,
    frozen,
)

SLICE_SECONDS = 0.012  # kernel work per timer tick at full speed
PUBLISH_HZ = 40  # snapshots per second while running fast (the views paint the newest)
PUBLISH_SLACK = 0.001  # a tick ending this close before a snapshot is due publishes it
TRACED_MAX_RATE = 100  # at or below this many steps/s every step is traced and published
BATCH_TICK_MS = 16  # timer period for limited fast speeds
RATE_WINDOW_SECONDS = 0.5  # steps/s is measured over about this long
REPLAY_CHUNK = 256  # after a divergence: replay in pieces this long, then step by step
REPLAY_LIMIT = 100_000  # pieces at most (a kernel call is never longer than a few million steps)

DIVERGED_HINT = "The run diverged. Lower the learning rate, then press Reset (R)."
__all__ = ["DIVERGENCE_LIMIT", "TrainingDriver", "PendingCommands", "warm_up_kernels"]


class Notice(NamedTuple):
    level: str  # "info" / "warning" / "error"
    text: str


class SettingsOutcome(NamedTuple):
    settings: RunSettings  # in force afterwards
    rebuilt: bool  # a new network (a new run)
    error: str | None  # why nothing changed, or None


class FileOutcome(NamedTuple):
    kind: str  # "save" / "load"
    ok: bool
    message: str


class TickResult(NamedTuple):
    publish: bool  # a snapshot is due
    trace: StepTrace | None  # the traced step this tick took, if any


@dataclass(frozen=True)
class LatestStep:
    """What the views show as "the step just taken"."""

    row: int
    input: np.ndarray
    context: np.ndarray
    hidden: np.ndarray
    output: np.ndarray
    trace: StepTrace | None


def warm_up_kernels() -> None:
    """Compile (or load from numba's disk cache) the training kernels for both learning rules,
    on a tiny real session, so they are specialised for exactly the app's argument types."""
    task = tasks.get("alternating")
    for rule in ("online", "bptt"):
        settings = RunSettings.for_task(task, rule=rule, n_hidden=1, sequence_length=4, epochs=1)
        session = TrainingSession(task, settings)
        session.run(session.steps_per_epoch)


class PendingCommands:
    """Step commands queued for the worker, merged, and the stop flag that overtakes them.

    The sending thread calls :meth:`add`; it returns True only for the first command of its kind
    since the worker last took them, so one queued call carries them all. The worker's slot
    calls :meth:`take` and runs the total once: N queued ``step_back(1)`` become one
    ``step_back(N)``. After :meth:`stop`, :meth:`take` returns 0 and :attr:`stopping` is set,
    so every command still queued returns at once.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._counts: dict[str, int] = {}
        self.stopping = False

    def add(self, kind: str, count: int = 1) -> bool:
        with self._lock:
            first = kind not in self._counts
            self._counts[kind] = self._counts.get(kind, 0) + int(count)
            return first and not self.stopping

    def take(self, kind: str) -> int:
        with self._lock:
            return 0 if self.stopping else self._counts.pop(kind, 0)

    def stop(self) -> None:
        with self._lock:
            self.stopping = True
            self._counts.clear()


class CurveThinner:
    """A long binned-loss curve cut down to at most about ``max_points`` points for the views.

    Neighbouring bins are merged in blocks of a power-of-two size (the mean of their means, at
    the x of the block's last bin), so the published curve is the same running loss with wider
    bins. Work is incremental: only new bins are merged, except when the block size doubles.
    """

    def __init__(self, max_points: int = 2048) -> None:
        self.max_points = max_points
        self.reset()

    def reset(self) -> None:
        self.factor = 1
        self._x, self._y = np.empty(0), np.empty(0)
        self._consumed = 0  # raw bins already merged into _x/_y

    def thin(self, x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        n = len(x)
        if n < self._consumed:  # the session went back in time
            self.reset()
        factor = self.factor
        while n // factor > self.max_points:
            factor *= 2
        if factor == 1:
            return x, y
        if factor != self.factor:
            self.factor, self._consumed = factor, 0
            self._x, self._y = np.empty(0), np.empty(0)
        end = self._consumed + (n - self._consumed) // factor * factor
        if end > self._consumed:
            blocks = slice(self._consumed, end)
            self._x = np.concatenate([self._x, x[blocks][factor - 1::factor]])
            self._y = np.concatenate([self._y, y[blocks].reshape(-1, factor).mean(axis=1)])
            self._consumed = end
        tail_x, tail_y = x[end:], y[end:]
        if len(tail_x):
            thinned = (np.append(self._x, tail_x[-1]), np.append(self._y, tail_y.mean()))
        else:
            thinned = (self._x.copy(), self._y.copy())
        for array in thinned:
            array.setflags(write=False)
        return thinned


class ActivationRing:
    """The hidden and context activations, loss and input of the last ``size`` steps."""

    def __init__(self, size: int = 100) -> None:
        self.size = size
        self.clear()

    def clear(self) -> None:
        self._rows: ActivationHistory | None = None
        self._view: ActivationHistory | None = None

    def add(self, hidden, context, losses, first_step: int, symbols) -> None:
        """Steps ``first_step``, ``first_step + 1``…; any kept from there on are replaced."""
        n = len(losses)
        keep = min(n, self.size)
        new = ActivationHistory(
            np.asarray(hidden[n - keep:], dtype=np.float64),
            np.asarray(context[n - keep:], dtype=np.float64),
            np.asarray(losses[n - keep:], dtype=np.float64),
            first_step + np.arange(n - keep, n), tuple(symbols[n - keep:]))
        self.trim(first_step)
        old = self._rows
        if old is not None and old.hidden.shape[1] == new.hidden.shape[1]:
            new = ActivationHistory(*(
                a + b if isinstance(a, tuple) else np.concatenate([a, b])
                for a, b in zip(dataclasses.astuple(old), dataclasses.astuple(new), strict=True)))
        self._rows = new
        self.trim(None)

    def trim(self, before_step: int | None) -> None:
        """At most ``size`` steps, and (after a step back) only those before ``before_step``."""
        rows, self._view = self._rows, None
        if rows is None:
            return
        end = len(rows) if before_step is None else int(np.searchsorted(rows.steps, before_step))
        start = max(0, end - self.size)
        if (start, end) != (0, len(rows)):
            self._rows = ActivationHistory(
                rows.hidden[start:end], rows.context[start:end], rows.loss[start:end],
                rows.steps[start:end], rows.symbols[start:end])

    def view(self) -> ActivationHistory | None:
        """Read-only copies for the views (made once per change)."""
        if self._rows is None:
            return None
        if self._view is None:
            rows = self._rows
            self._view = ActivationHistory(
                frozen(rows.hidden), frozen(rows.context), frozen(rows.loss),
                frozen(rows.steps).astype(np.int64), tuple(rows.symbols))
        return self._view


class TrainingDriver:
    """The training a student commands, on one session at a time; returns plain data.

    After every command the caller reads :attr:`state`, :attr:`message`, :meth:`take_notices`
    and, while :attr:`state` is RUNNING, calls :meth:`tick` every :meth:`tick_interval_ms`.
    """

    def __init__(self, session: TrainingSession, speed: float | None = None) -> None:
        self.speed = speed  # steps per second, None for full speed
        self.total_steps = 0  # steps trained over all sessions (benchmarks)
        self.forget_context = False
        self.lesioned: set[int] = set()
        self.memory_limit: int | None = None  # checkpoint memory cap set by the student
        self.phase_mode = False
        self.ring = ActivationRing()
        self.thinner = CurveThinner()
        self.steps_per_second = 0.0
        self.message = ""
        self._notices: list[Notice] = []
        self._last_publish = 0.0
        self.install(session)

    # ------------------------------------------------------------------ sessions
    def install(self, session: TrainingSession) -> None:
        """A new session (new task, rebuilt or loaded network, reset), paused at its start."""
        network = session.network
        network.forget_context = self.forget_context
        self.lesioned = {u for u in self.lesioned if u < network.n_hidden}
        network.lesioned[list(self.lesioned)] = True
        if self.memory_limit is not None:
            session.history.memory_limit = self.memory_limit
        self.session = session
        self.state = RunState.PAUSED
        self.latest: LatestStep | None = None
        self.inspected: InspectedStep | None = None
        self.phase: Phase | None = None
        self.weights_before: dict[str, np.ndarray] | None = None  # shown in phases 1–2
        self._condition = None  # the run-to condition being run to
        self._stop_at: int | None = None  # global step at which run_steps pauses
        self._seconds_per_step = 1e-6  # a new network: measure again
        self._credit, self._last_tick, self._rate_mark = 0.0, 0.0, (0.0, 0)
        self.ring.clear()
        self.thinner.reset()
        self._epoch_losses = np.empty(0)
        self.input_symbols = tuple(dict.fromkeys(session.sequence.input_symbols))

    def swap_in(self, session: TrainingSession, message: str) -> None:
        """Install ``session`` and keep playing if a run was playing."""
        was_running = self.state == RunState.RUNNING
        self._halt()
        self.install(session)
        self.message = message
        if was_running:
            self.play()

    def reset(self) -> None:
        """Back to epoch 0 with the same task and settings: the same seed gives the same run."""
        self._halt()
        self.install(TrainingSession(self.session.task, self.session.settings))
        self.message = "Reset: the same weights as the start of the run."

    def set_task(self, name: str, options: dict) -> bool:
        """A new task with its default settings; a bad task leaves everything as it was."""
        try:
            task = tasks.get(name, **dict(options or {}))
            session = TrainingSession(task)
        except (TaskError, ValueError) as error:
            self._notify("error", str(error))
            return False
        self.swap_in(session, f"{task.title}: a new network.")
        return True

    def apply_settings(self, changes: dict) -> SettingsOutcome:
        """Settings that apply at once change the live run; the others build a new network.

        Anything invalid changes nothing and says why (the old settings stay in force).
        """
        session = self.session
        try:
            settings = session.settings.replace(**dict(changes or {}))
            settings.check_task(session.task)
            rebuilt = None
            if RunSettings.needs_new_network(settings.changed(session.settings)):
                rebuilt = TrainingSession(session.task, settings)
        except (TaskError, ValueError, TypeError) as error:
            return SettingsOutcome(session.settings, False, f"Settings not applied: {error}")
        if rebuilt is not None:
            self.swap_in(rebuilt, "Settings applied: a new network.")
            return SettingsOutcome(settings, True, None)
        session.settings = settings
        if self.state == RunState.FINISHED and not session.finished:
            self.state = RunState.PAUSED
            self.message = f"Epochs raised to {settings.epochs}: press Play to continue."
        elif self.state in (RunState.PAUSED, RunState.RUNNING) and session.finished:
            self._finish()
        return SettingsOutcome(settings, False, None)

    def save_network(self, path: str) -> FileOutcome:
        """Write the live network (and which task it learned) to ``path``."""
        session, network = self.session, self.session.network
        extra = {"task": session.task.name, "task_title": session.task.title,
                 "epoch": session.epoch, "global_step": session.global_step}
        try:
            save_network(network, path, extra)
        except (ValueError, OSError) as error:  # NetworkFileError is a ValueError
            self._notify("error", f"The network was not saved: {error}")
            return FileOutcome("save", False, str(error))
        text = (f"Saved the {network.n_input}-{network.n_hidden}-{network.n_output} network "
                f"(epoch {session.epoch}) to {path}.")
        self._notify("info", text)
        return FileOutcome("save", True, text)

    def load_network(self, path: str) -> FileOutcome:
        """Continue from a network read from ``path`` if it fits the task; else change nothing.

        The loaded network keeps its weights; the epoch count of the new run starts at 0.
        """
        try:
            session = TrainingSession.from_file(self.session.task, self.session.settings, path)
        except (ValueError, TaskError, OSError) as error:
            self._notify("error", f"The network was not loaded: {error} Nothing changed.")
            return FileOutcome("load", False, str(error))
        network = session.network
        text = (f"Loaded the {network.n_input}-{network.n_hidden}-{network.n_output} network "
                f"from {path}: training continues from its weights.")
        self.swap_in(session, text)
        self._notify("info", text)
        return FileOutcome("load", True, text)

    # ------------------------------------------------------------------ experiments
    def set_lesion(self, unit: int, on: bool) -> None:
        """Hold hidden unit ``unit`` at 0 (a lesion) or give it back."""
        if 0 <= unit < self.session.network.n_hidden:
            (self.lesioned.add if on else self.lesioned.discard)(unit)
            self.session.network.lesioned[unit] = bool(on)

    def set_forget_context(self, on: bool) -> None:
        """The no-memory experiment: the context is zeroed before every step."""
        self.forget_context = self.session.network.forget_context = bool(on)

    def set_history_length(self, steps: int) -> None:
        """Keep the activations of the last ``steps`` timesteps."""
        self.ring.size = max(1, int(steps))
        self.ring.trim(None)

    def set_memory_limit(self, megabytes: float) -> None:
        """The memory cap of the step-back checkpoints."""
        self.memory_limit = max(1, int(float(megabytes) * 2**20))
        self.session.history.set_memory_limit(self.memory_limit, self.session.global_step)

    def set_phase_mode(self, on: bool) -> None:
        """Step then shows one phase of a timestep at a time (forward, error, backward, copy)."""
        self.phase_mode = bool(on)
        if not on:
            self.phase = None

    def set_speed(self, steps_per_second) -> None:
        """Steps per second, or None for full speed."""
        speed = None if steps_per_second is None else float(steps_per_second)
        self.speed = speed if speed is None or speed > 0 else None
        if self.state == RunState.RUNNING:
            self._restart_clock()

    # ------------------------------------------------------------------ run control
    def play(self) -> None:
        if self._refused_when_diverged():
            return
        if self.session.finished:
            self.state = RunState.FINISHED
            self._notify("info", f"Training is finished ({self.session.settings.epochs} "
                                 "epochs). Reset (R) to start again, or raise Epochs.")
            return
        self.state = RunState.RUNNING
        self.message = ""
        self.phase = None
        self._restart_clock()

    def pause(self) -> None:
        self._stop_at = None
        if self._condition is not None:
            self._condition = None
            self.message = "Run-to cancelled."
        if self.state == RunState.RUNNING:
            self.state = RunState.PAUSED
            self.steps_per_second = 0.0
            self.message = "Paused."

    def run_steps(self, count: int) -> None:
        """Play until ``count`` more steps are trained, then pause (for screenshots, benchmarks)."""
        self._stop_at = self.session.global_step + max(int(count), 0)
        self.play()
        if self.state != RunState.RUNNING:
            self._stop_at = None  # play refused (finished or diverged)
        elif self.session.global_step >= self._stop_at:
            self.pause()

    def tick_interval_ms(self) -> int:
        """How often :meth:`tick` should run while RUNNING."""
        speed = self.speed
        if self._condition is not None or speed is None:
            return 0
        if speed <= TRACED_MAX_RATE:
            return max(1, round(1000 / speed))
        return BATCH_TICK_MS

    def tick(self) -> TickResult:
        """One timer tick of a running session: a time slice of training."""
        if self.state != RunState.RUNNING:
            return TickResult(False, None)
        if self._condition is not None:
            return self._run_to_tick()
        now = time.perf_counter()
        speed = self.speed
        if speed is not None and speed <= TRACED_MAX_RATE:
            trace = self._traced_step()
            self._check_limits()
            return TickResult(True, trace)
        if speed is None:
            self.train_for(self._slice_seconds(now), self._steps_allowed(None))
        else:
            self._credit = min(self._credit + speed * (now - self._last_tick), speed)
            due = int(self._credit)
            self._credit -= due
            self.train_for(SLICE_SECONDS, self._steps_allowed(due))
        self._last_tick = now
        self._check_limits()
        return TickResult(self.state != RunState.RUNNING or self._publish_due(), None)

    def published(self) -> None:
        """The caller published a snapshot now: measure the rate, time the next one."""
        now = time.perf_counter()
        self._last_publish = now
        if self.state != RunState.RUNNING:
            self.steps_per_second = 0.0
            return
        since, steps_then = self._rate_mark
        if now - since >= RATE_WINDOW_SECONDS:
            self.steps_per_second = (self.total_steps - steps_then) / (now - since)
            self._rate_mark = (now, self.total_steps)

    def fail(self, error: BaseException) -> None:
        """An unexpected error in a command: pause with a notice instead of running blind."""
        self._halt()
        if self.state == RunState.RUNNING:
            self.state = RunState.PAUSED
        self.message = f"Training stopped by an internal error: {error!r}"
        self._notify("error", self.message)

    def stop(self) -> None:
        self._halt()
        if self.state == RunState.RUNNING:
            self.state = RunState.PAUSED

    # ------------------------------------------------------------------ stepping
    def step(self, count: int = 1) -> StepTrace | None:
        """``count`` traced timesteps (or phases of one, in phase mode); pauses a run first.

        Returns the trace the views should show (the last step's)."""
        trace = None
        for _ in range(max(int(count), 0)):
            if not self._can_step():
                break
            latest = self.latest.trace if self.latest is not None else None
            if self.phase_mode and self.phase in (Phase.FORWARD, Phase.ERROR, Phase.BACKWARD):
                self.phase = Phase(self.phase + 1)  # the step is done: only the picture moves on
                trace = latest
                continue
            self.phase = None
            network = self.session.network
            before = {name: getattr(network, name).copy() for name in PARAMETER_NAMES}
            trace = self._traced_step()
            if self.phase_mode and self.state != RunState.DIVERGED:
                self.phase, self.weights_before = Phase.FORWARD, before
            self._after_manual_step()
        return trace

    def step_epoch(self) -> None:
        """Train to the end of the current epoch (pauses a running session first)."""
        if not self._can_step():
            return
        self.phase = None
        session = self.session
        target = session.epoch + 1
        while session.epoch < target and self.state != RunState.DIVERGED:
            if not self._train_steps(session.steps_per_epoch - session.position):
                break
        self._after_manual_step()

    def step_back(self, steps: int) -> StepTrace | None:
        """Go back ``steps`` timesteps (pauses); the inspector shows the step that led here."""
        session = self.session
        self._halt()
        self.phase = None
        with np.errstate(all="ignore"):
            done = session.step_back(steps)
        self.state = RunState.FINISHED if session.finished else RunState.PAUSED
        if done == 0:
            self._notify("warning", "Cannot step back: no earlier steps are remembered "
                                    "(raise the memory cap in the Memory menu).")
            return None
        self.ring.trim(session.global_step)
        self.latest, self.inspected, trace = None, None, None
        place = f"epoch {session.epoch}, step {session.position}"
        moved = f"{done} step{'s' if done != 1 else ''}"
        if session.steps_back_available() >= 1:
            inspected = self.peek(session.global_step - 1)
            trace = inspected.trace
            self.inspected = dataclasses.replace(
                inspected, note=f"stepped back {moved} to {place}: the step that led here")
            self.latest = LatestStep(inspected.position, trace.input, trace.context,
                                     trace.hidden, trace.output, trace)
        self.message = f"Stepped back {moved} to {place}."
        return trace

    def inspect_step(self, global_step: int) -> bool:
        """Show the trace of a past step; training state is left bit-for-bit."""
        session = self.session
        earliest = session.global_step - session.steps_back_available()
        if not earliest <= int(global_step) < session.global_step:
            self._notify("warning", f"Step {global_step:,} is no longer remembered: only "
                                    f"steps {earliest:,}–{session.global_step - 1:,} can be "
                                    "inspected.")
            return False
        self.inspected = dataclasses.replace(
            self.peek(int(global_step)), note="a past step, recomputed; training is unchanged")
        return True

    def peek(self, global_step: int) -> InspectedStep:
        """Recompute the trace of a past step, then put everything back exactly as it was."""
        session = self.session
        state, saved = session.capture(), session.history.saved()
        epoch_losses = list(session.epoch_losses)
        try:
            with np.errstate(all="ignore"):
                session.step_back(session.global_step - global_step)
                epoch, row = session.epoch, session.position
                trace = session.step()
        finally:
            session.restore(state)
            session.history.put_back(saved)
            session.epoch_losses[:] = epoch_losses
        return self._inspected_of(trace, epoch, row)

    # ------------------------------------------------------------------ run to
    def run_to(self, kind: str, value) -> bool:
        """Run until a condition holds, then pause exactly on that step.

        ``kind``: "epoch_end", "epoch" (value: epoch number, from 1), "symbol" (value: input
        symbol) or "error" (value: loss threshold). Impossible requests change nothing.
        """
        if self._refused_when_diverged():
            return False
        try:
            condition = self._condition_of(kind, value)
        except ValueError as error:
            self._notify("error", f"Cannot run to that step: {error}.")
            return False
        self._halt()
        self.phase = None
        self._condition = condition
        self.state = RunState.RUNNING
        self.message = f"Running to {condition.describe()}…"
        self._rate_mark = (time.perf_counter(), self.total_steps)
        return True

    def _condition_of(self, kind: str, value):
        session = self.session
        if kind == "epoch_end":
            condition = run_to.EpochEnd()
        elif kind == "epoch":
            condition = run_to.EpochReached(int(value))
            if condition.epoch > session.settings.epochs:
                raise ValueError(f"training stops after epoch {session.settings.epochs}")
        elif kind == "symbol":
            condition = run_to.InputIs(str(value))
        elif kind == "error":
            condition = run_to.ErrorAbove(float(value))
            if not math.isfinite(condition.threshold) or condition.threshold < 0:
                raise ValueError("the error threshold must be a number ≥ 0")
        else:
            raise ValueError(f"unknown run-to condition {kind!r}")
        condition.steps_before(session)  # a clear error if it can never be reached
        if session.finished:
            raise ValueError("training is finished (raise Epochs or Reset)")
        return condition

    def _run_to_tick(self) -> TickResult:
        session, condition = self.session, self._condition
        if session.finished:
            self._finish()
            self.message = f"Training finished before {condition.describe()}."
            return TickResult(True, None)
        deadline = time.perf_counter() + SLICE_SECONDS
        trace = None
        while trace is None and self.state != RunState.DIVERGED and not session.finished:
            budget = max(1, int(SLICE_SECONDS / self._seconds_per_step))
            if condition.steps_before(session) is None:
                # Short pieces: the step found is then still in the activation history.
                budget = min(budget, self.ring.size, session.history.max_steps,
                             self._steps_to_finish())
            with np.errstate(all="ignore"):
                trace = run_to.advance(session, condition, budget, train=self._train_result,
                                       step=self._traced_step)
            if time.perf_counter() >= deadline:
                break
        if self.state == RunState.DIVERGED:
            return TickResult(True, None)
        if trace is not None:
            self._halt()
            self.state = RunState.FINISHED if session.finished else RunState.PAUSED
            self.message = f"Stopped at {condition.describe()}."
            return TickResult(True, trace)
        return TickResult(self._publish_due(), None)

    # ------------------------------------------------------------------ plain data for views
    def take_notices(self) -> list[Notice]:
        notices, self._notices = self._notices, []
        return notices

    def activation_history(self) -> ActivationHistory | None:
        return self.ring.view()

    def loss_curve(self) -> tuple[np.ndarray, np.ndarray]:
        """The running loss, thinned to a few thousand points."""
        return self.thinner.thin(*self.session.running_loss.arrays())

    def epoch_losses(self) -> np.ndarray:
        """The mean loss of every completed epoch (a new read-only array only when it grew)."""
        if len(self._epoch_losses) != len(self.session.epoch_losses):
            self._epoch_losses = frozen(self.session.epoch_losses)
        return self._epoch_losses

    def weights_sane(self) -> bool:
        return divergence.weights_sane(self.session.network)

    # ------------------------------------------------------------------ training
    def train_for(self, seconds: float, max_steps: int | None) -> None:
        """Kernel training for about ``seconds`` (and at most ``max_steps``)."""
        deadline = time.perf_counter() + seconds
        done = 0
        while max_steps is None or done < max_steps:
            now = time.perf_counter()
            if now >= deadline or self.session.finished:
                break
            chunk = max(1, int((deadline - now) / self._seconds_per_step))
            if max_steps is not None:
                chunk = min(chunk, max_steps - done)
            chunk = min(chunk, self._steps_to_finish())
            started = time.perf_counter()
            steps = self._train_steps(chunk)
            if steps:
                elapsed = time.perf_counter() - started
                # Follow the fastest recent calls: a slow one mostly waited for the GIL on its
                # way out of the kernel, and smaller chunks would only mean more such waits.
                self._seconds_per_step = min(elapsed / steps, 1.05 * self._seconds_per_step)
            done += steps
            if self.state == RunState.DIVERGED or steps == 0:
                break

    def _train_steps(self, count: int) -> int:
        return self._train_result(count).steps

    def _train_result(self, count: int) -> RunResult:
        """Up to ``count`` steps with the kernel, whole epochs in one call; checks divergence
        (a diverged call is undone to the last sane step and counts as no steps)."""
        session = self.session
        with np.errstate(over="ignore", invalid="ignore"):  # divergence is checked below
            result = session.run_epochs(count)
        if result.steps == 0:
            return result
        self.total_steps += result.steps
        if not divergence.result_sane(session.network, result):
            self._back_to_last_sane_step()
            self._diverge()
            return dataclasses.replace(result, steps=0, losses=result.losses[:0])
        self.latest = self._latest_of(result)
        # Only the steps the activation history keeps: no work per step trained.
        kept = min(result.steps, self.ring.size)
        rows = (result.first_step + np.arange(result.steps - kept, result.steps)
                ) % session.steps_per_epoch
        symbols = session.sequence.input_symbols
        self.ring.add(result.hidden[-kept:], result.context[-kept:], result.losses[-kept:],
                      session.global_step - kept, [symbols[r] for r in rows])
        return result

    def _traced_step(self) -> StepTrace:
        session = self.session
        row, epoch = session.position, session.epoch
        with np.errstate(over="ignore", invalid="ignore"):  # divergence is checked below
            trace = session.step()
        self.total_steps += 1
        if divergence.trace_sane(session.network, trace):
            self.latest = LatestStep(row, trace.input, trace.context, trace.hidden,
                                     trace.output, trace)
            self.inspected = self._inspected_of(trace, epoch, row)
            self.ring.add(trace.hidden[None], trace.context[None], np.array([trace.loss]),
                          epoch * session.steps_per_epoch + row,
                          [session.sequence.input_symbols[row]])
        else:
            self._restore_before(session.global_step - 1)
            self._diverge()
        return trace

    def _latest_of(self, result: RunResult) -> LatestStep:
        row = (result.first_step + result.steps - 1) % self.session.steps_per_epoch
        return LatestStep(row, self.session.sequence.inputs[row], result.last_context,
                          result.hidden[-1], result.output[-1], result.trace)

    def _inspected_of(self, trace: StepTrace, epoch: int, row: int) -> InspectedStep:
        session = self.session
        sequence = session.sequence
        return InspectedStep(
            trace, epoch, row, epoch * session.steps_per_epoch + row,
            sequence.input_symbols[row],
            sequence.target_symbols[row] if sequence.mask[row] else "",
            session.task.decode(trace.output))

    # ------------------------------------------------------------------ divergence guard
    def _restore_before(self, global_step: int) -> bool:
        """Put the session back to its newest checkpoint at or before ``global_step``."""
        state = self.session.history.latest_at_or_before(global_step)
        if state is None:
            return False
        self.session.restore(state)
        return True

    def _back_to_last_sane_step(self) -> None:
        """Replay a kernel call that blew up and stop just before the step that did it.

        The views then show the last step whose numbers were all within DIVERGENCE_LIMIT
        instead of infinities or 150-digit numbers; the loss curve ends there too. If the
        checkpoint is gone, the session stays as it is and the last sane picture is shown.
        """
        session = self.session
        if not self._restore_before(session.global_step - 1):
            return
        self.latest = None
        network = session.network
        with np.errstate(all="ignore"):
            for _ in range(REPLAY_LIMIT):  # the kernel in short pieces up to the bad one...
                before = session.global_step
                result = session.run(REPLAY_CHUNK)
                if result.steps == 0 or not divergence.result_sane(network, result):
                    self._restore_before(before)
                    break
                self.latest = self._latest_of(result)
            for _ in range(REPLAY_CHUNK):  # ...then that piece one traced step at a time
                row = session.position
                trace = session.step()
                if not divergence.trace_sane(network, trace):
                    self._restore_before(session.global_step - 1)
                    return
                self.latest = LatestStep(row, trace.input, trace.context, trace.hidden,
                                         trace.output, trace)

    def _diverge(self) -> None:
        self._halt()
        self.state = RunState.DIVERGED
        self.message = (divergence.message(self.session) + "; shown is the last step before. "
                        "Lower the learning rate, then press Reset (R).")
        self._notify("warning", self.message)

    # ------------------------------------------------------------------ bookkeeping
    def _notify(self, level: str, text: str) -> None:
        self._notices.append(Notice(level, text))

    def _refused_when_diverged(self) -> bool:
        if self.state == RunState.DIVERGED:
            self._notify("warning", DIVERGED_HINT)
            return True
        return False

    def _restart_clock(self) -> None:
        self._last_tick = time.perf_counter()
        self._credit = 0.0
        self._rate_mark = (self._last_tick, self.total_steps)

    def _halt(self) -> None:
        self._stop_at = None
        self._condition = None
        self.steps_per_second = 0.0

    def _can_step(self) -> bool:
        if self._refused_when_diverged():
            return False
        if self.state == RunState.RUNNING:
            self._halt()
            self.state = RunState.PAUSED
        return True

    def _after_manual_step(self) -> None:
        if self.state != RunState.DIVERGED:
            self.state = RunState.FINISHED if self.session.finished else RunState.PAUSED
            self.message = ""

    def _finish(self) -> None:
        self._halt()
        self.state = RunState.FINISHED
        session = self.session
        loss = session.epoch_losses[-1] if session.epoch_losses else math.nan
        self.message = f"Finished {session.epoch} epochs — loss {loss:.4f}"
        self._notify("info", self.message)

    def _check_limits(self) -> None:
        if self.state != RunState.RUNNING:
            return
        if self.session.finished:
            self._finish()
        elif self._stop_at is not None and self.session.global_step >= self._stop_at:
            self._halt()
            self.state = RunState.PAUSED
            self.message = f"Trained {self.session.global_step:,} steps."

    def _publish_due(self) -> bool:
        return time.perf_counter() >= self._last_publish + 1 / PUBLISH_HZ - PUBLISH_SLACK

    def _slice_seconds(self, now: float) -> float:
        """How long this tick trains: at most SLICE_SECONDS, and the ticks up to the next
        snapshot share the time equally, so the last one ends when the snapshot is due.

        Snapshots then leave at a steady PUBLISH_HZ, instead of on whichever tick first ends
        past the due time (which would halve the rate when a tick is a little short of it).
        """
        left = self._last_publish + 1 / PUBLISH_HZ - now
        if left <= PUBLISH_SLACK:
            return SLICE_SECONDS
        return left / math.ceil(left / SLICE_SECONDS)

    def _steps_allowed(self, due: int | None) -> int | None:
        if self._stop_at is None:
            return due
        left = max(self._stop_at - self.session.global_step, 0)
        return left if due is None else min(due, left)

    def _steps_to_finish(self) -> int:
        session = self.session
        return session.settings.epochs * session.steps_per_epoch - session.global_step
