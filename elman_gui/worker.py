"""The trainer thread: a worker that owns the training session, and the main thread's handle on it.

:class:`TrainerWorker` lives in a ``QThread``. Only it touches the network. The GUI drives it with
queued signals (through :class:`Trainer`, the main-thread handle) and gets back immutable
:class:`~elman_gui.snapshot.Snapshot` objects.

Run mode is a ``QTimer`` owned by the worker (created in the worker thread, in :meth:`start`):

* full speed — every tick trains a time slice of about :data:`SLICE_SECONDS` with the compiled
  kernel (it releases the GIL, so the GUI keeps painting) and publishes at most
  :data:`PUBLISH_HZ` snapshots a second;
* fast but limited (more than :data:`TRACED_MAX_RATE` steps/s) — the kernel trains the steps that
  fell due since the last tick;
* slow motion (up to :data:`TRACED_MAX_RATE` steps/s) — every tick is one traced step, published,
  so the student sees every step.

A generation number guards against stale pictures (napari's pattern): the main thread bumps it
with every reset, task swap and rebuild it asks for, the worker stamps it on every snapshot it
publishes afterwards, and :class:`Trainer` drops any snapshot older than the last request.
"""

from __future__ import annotations

import dataclasses
import functools
import math
import time
import traceback
from dataclasses import dataclass

import numpy as np
from pyqtgraph.util.garbage_collector import GarbageCollector
from PySide6.QtCore import QObject, QThread, QTimer, Signal, Slot

from elman_core import run_to as run_to_core
from elman_core import tasks
from elman_core.network import validate_learning_rate
from elman_core.session import TrainingSession, settings_for
from elman_core.tasks.base import Task, TaskDefaults, TaskError
from elman_core.trace import StepTrace
from elman_gui.snapshot import (
    DIVERGED,
    FINISHED,
    PAUSED,
    RUNNING,
    ActivationHistory,
    InspectedStep,
    Snapshot,
)

SLICE_SECONDS = 0.012  # kernel work per timer tick at full speed
PUBLISH_HZ = 40  # snapshots per second while running fast (the views paint the newest)
PUBLISH_SLACK = 0.001  # a tick ending this close before a snapshot is due publishes it
TRACED_MAX_RATE = 100  # at or below this many steps/s every step is traced and published
BATCH_TICK_MS = 16  # timer period for limited fast speeds
RATE_WINDOW_SECONDS = 0.5  # steps/s is measured over about this long
# A weight, output or loss this large means the run has diverged (an MSE or cross-entropy loss
# of a working network is below about 10; weights stay within hundreds): pause before it.
DIVERGENCE_LIMIT = 1e6
REPLAY_CHUNK = 256  # after a divergence: replay in pieces this long, then step by step
REPLAY_LIMIT = 100_000  # pieces at most (a kernel call is never longer than a few million steps)
WARM_UP_DELAY_MS = 250  # after the first snapshot, before compiling the kernels

# Settings that need a new network (and a new generation); the others apply to the live network.
STRUCTURAL_SETTINGS = frozenset({
    "n_hidden", "seed", "sequence_length", "rule", "bptt_window", "hidden_activation",
    "output_activation", "weight_scale",
})
LIVE_SETTINGS = frozenset({
    "learning_rate", "momentum", "epochs", "context_init", "reset_context_each_epoch",
})

COMPILING_MESSAGE = "Compiling the fast trainer (first run only)…"
DIVERGED_HINT = "The run diverged. Lower the learning rate, then press Reset (R)."


def warm_up_kernels() -> None:
    """Compile (or load from numba's disk cache) the training kernels for both learning rules.

    Runs a real :class:`TrainingSession` on a tiny task so the kernels are specialised for exactly
    the argument types the app's training uses (read-only sequence rows, writable resets).
    """
    task = tasks.get("alternating")
    for rule in ("online", "bptt"):
        settings = settings_for(task, rule=rule, n_hidden=1, sequence_length=4, epochs=1)
        session = TrainingSession(task, settings)
        session.run(session.steps_per_epoch)


def check_settings(task: Task, settings: TaskDefaults) -> None:
    """Reject settings a network could be built from but that make no sense for this task."""
    if settings.output_activation == "softmax" and task.n_output < 2:
        raise ValueError(
            f"Softmax output needs at least two output units; {task.title} has "
            f"{task.n_output}. Use sigmoid or linear output."
        )
    if settings.epochs < 1:
        raise ValueError(f"Epochs must be at least 1 (got {settings.epochs}).")
    if not (0.0 <= settings.momentum < 1.0):
        raise ValueError(f"Momentum must be in [0, 1) (got {settings.momentum}).")
    validate_learning_rate(settings.learning_rate)
    if not math.isfinite(settings.context_init):
        raise ValueError("The context's initial value must be a finite number.")


@dataclass(frozen=True)
class _LatestStep:
    """What the views show as "the step just taken"."""

    row: int
    input: np.ndarray
    context: np.ndarray
    hidden: np.ndarray
    output: np.ndarray
    trace: StepTrace | None


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


def _reported(method):
    """Run a command; an unexpected error pauses training with a notice instead of vanishing."""

    @functools.wraps(method)
    def guarded(self, *args):
        try:
            return method(self, *args)
        except Exception as error:  # a bug must not leave the app running blind
            self._halt()
            self.state = PAUSED if self.state == RUNNING else self.state
            self._message = f"Training stopped by an internal error: {error!r}"
            self.notice.emit("error", self._message)
            traceback.print_exc()
            if self.session is not None:
                self._publish()
        return None

    return guarded


def _within_limit(values) -> bool:
    """Finite and below DIVERGENCE_LIMIT in size: numbers a picture can still be made of."""
    return bool(np.all(np.abs(values) < DIVERGENCE_LIMIT))  # NaN compares False too


def _frozen(array: np.ndarray) -> np.ndarray:
    copy = np.array(array, dtype=np.float64, copy=True)
    copy.setflags(write=False)
    return copy


class TrainerWorker(QObject):
    """Owns the :class:`TrainingSession`; every method below runs in the trainer thread.

    Slots (commands): ``start``, ``play``, ``pause``, ``step``, ``step_epoch``,
    ``run_steps(n)``, ``reset(generation)``, ``set_task(name, options, generation)``,
    ``set_settings(changes, generation)``, ``set_speed(steps_per_second | None)``,
    ``set_lesion(unit, on)``, ``set_forget_context(on)``, ``set_reset_each_epoch(on)``,
    ``set_context_init(value)``, ``save_network(path)``, ``load_network(path, generation)``,
    ``stop``.
    """

    snapshotReady = Signal(object)  # Snapshot
    settingsChanged = Signal(int, object)  # generation, TaskDefaults now in force
    notice = Signal(str, str)  # level ("info" / "warning" / "error"), text for the student
    settingsRejected = Signal(str)  # why set_settings changed nothing
    status = Signal(str)  # background work in progress ("" when done)
    fileDone = Signal(str, bool, str)  # "save" / "load", succeeded, message
    stopped = Signal()

    def __init__(self, task_name: str = "xor", task_options: dict | None = None,
                 speed: float | None = None) -> None:
        super().__init__()  # no parent: it is moved to its thread
        self._initial_task = (task_name, dict(task_options or {}))
        self._speed = speed
        self.session: TrainingSession | None = None
        self.generation = 0
        self.state = PAUSED
        self.total_steps = 0  # steps trained by this worker over all sessions (benchmarks)
        self._timer: QTimer | None = None
        self._message = ""
        self._latest: _LatestStep | None = None
        self._forget_context = False
        self._lesioned: set[int] = set()
        self._stop_at: int | None = None  # global step at which run_steps pauses
        self._seconds_per_step = 1e-6
        self._credit = 0.0  # steps due at a limited speed, not yet trained
        self._last_tick = 0.0
        self._last_publish = 0.0
        self._rate_mark = (0.0, 0)  # (time, total_steps) where the steps/s window began
        self._steps_per_second = 0.0
        self._last_snapshot: Snapshot | None = None
        self._epoch_losses = np.empty(0)
        self._thinner = CurveThinner()
        # Step-through debugging: the inspected step, phases, run-to, the activation history.
        self._inspected: InspectedStep | None = None
        self._phase_mode = False
        self._phase: int | None = None  # the phase shown of the latest traced step
        self._pre_weights: tuple | None = None  # the parameters before that step (phases 1–2)
        self._run_to = None  # a run_to condition being run to
        self._memory_limit: int | None = None  # checkpoint memory cap set by the student
        self._ring_size = 100
        self._last_result = None
        self._clear_ring()

    # ------------------------------------------------------------------ life cycle
    @Slot()
    def start(self) -> None:
        """Build the first session, publish it, then compile the kernels (connected to started)."""
        self._timer = QTimer(self)
        self._timer.timeout.connect(self._tick)
        name, options = self._initial_task
        try:
            task = tasks.get(name, **options)
        except TaskError as error:
            self.notice.emit("error", f"{error} Opening Temporal XOR instead.")
            task = tasks.get("xor")
        self._install(TrainingSession(task))
        self._message = "Ready: press Play (Space) or Step (→)."
        self._publish()
        self.settingsChanged.emit(self.generation, self.session.settings)
        self.status.emit(COMPILING_MESSAGE)
        # Importing numba holds the GIL for about a second: let the window paint its first
        # picture before that. A command arriving meanwhile runs first (and compiles if needed).
        QTimer.singleShot(WARM_UP_DELAY_MS, self, self._warm_up)

    @Slot()
    def _warm_up(self) -> None:
        try:
            warm_up_kernels()
        except Exception as error:  # the app stays usable: single steps need no kernel
            self.notice.emit("error", f"The fast trainer could not be prepared: {error}")
        self.status.emit("")

    @Slot()
    def stop(self) -> None:
        """Stop the timer here, in its own thread, and end the thread's event loop."""
        if self._timer is not None:
            self._timer.stop()
        self.state = PAUSED if self.state == RUNNING else self.state
        self.stopped.emit()
        QThread.currentThread().quit()

    # ------------------------------------------------------------------ commands
    @Slot()
    @_reported
    def play(self) -> None:
        if self.state == DIVERGED:
            self.notice.emit("warning", DIVERGED_HINT)
            return
        if self.session.finished:
            self.state = FINISHED
            self.notice.emit("info", f"Training is finished ({self.session.settings.epochs} "
                                     "epochs). Reset (R) to start again, or raise Epochs.")
            self._publish()
            return
        self.state = RUNNING
        self._message = ""
        self._phase = None
        self._schedule()
        self._publish()

    @Slot()
    def pause(self) -> None:
        self._stop_at = None
        if self._run_to is not None:
            self._run_to = None
            self._message = "Run-to cancelled."
        if self.state == RUNNING:
            self._timer.stop()
            self.state = PAUSED
            self._steps_per_second = 0.0
            self._message = "Paused."
        self._publish()

    @Slot()
    @_reported
    def step(self) -> None:
        """One traced timestep (pauses a running session first)."""
        if not self._can_step():
            return
        if self._phase_mode and self._phase in (1, 2, 3):
            self._phase += 1  # the step itself is done: only the picture moves on
            self._publish(self._latest.trace if self._latest is not None else None)
            return
        self._phase = None
        network = self.session.network
        before = tuple(np.array(getattr(network, name), copy=True)
                       for name in ("W_ih", "W_hh", "W_ho", "b_h", "b_o"))
        trace = self._traced_step()
        if self._phase_mode and self.state != DIVERGED:
            self._phase, self._pre_weights = 1, before
        self._after_manual_step()
        self._publish(trace)

    @Slot()
    @_reported
    def step_epoch(self) -> None:
        """Train to the end of the current epoch (pauses a running session first)."""
        if not self._can_step():
            return
        self._phase = None
        target = self.session.epoch + 1
        while self.session.epoch < target and self.state != DIVERGED:
            if not self._train_steps(self.session.steps_per_epoch - self.session.position):
                break
        self._after_manual_step()
        self._publish()

    @Slot(int)
    @_reported
    def run_steps(self, count: int) -> None:
        """Play until ``count`` more steps are trained, then pause (for screenshots, benchmarks)."""
        self._stop_at = self.session.global_step + max(int(count), 0)
        self.play()
        if self.state != RUNNING:
            self._stop_at = None  # play refused (finished or diverged)
        elif self.session.global_step >= self._stop_at:
            self.pause()

    @Slot(int)
    @_reported
    def reset(self, generation: int) -> None:
        """Back to epoch 0 with the same task and settings: the same seed gives the same run."""
        self._adopt(generation)
        self._halt()
        self._install(TrainingSession(self.session.task, self.session.settings))
        self._message = "Reset: the same weights as the start of the run."
        self._publish()

    @Slot(str, object, int)
    @_reported
    def set_task(self, name: str, options: object, generation: int) -> None:
        """Switch task (keeps running if it was); a TaskError leaves the session untouched."""
        self._adopt(generation)
        try:
            task = tasks.get(name, **dict(options or {}))
            session = TrainingSession(task)
        except (TaskError, ValueError) as error:
            self.notice.emit("error", str(error))
            self.settingsChanged.emit(self.generation, self.session.settings)
            self._publish()
            return
        self._swap_in(session, f"{task.title}: a new network.")

    @Slot(object, int)
    @_reported
    def set_settings(self, changes: object, generation: int) -> None:
        """Apply settings; structural ones rebuild the network, the rest apply live.

        Invalid values are rejected with a notice and the old settings stay in force.
        """
        self._adopt(generation)
        session = self.session
        changes = dict(changes or {})
        try:
            settings_for(session.task, **changes)  # a clear error for unknown names
            merged = dataclasses.replace(session.settings, **changes)
            check_settings(session.task, merged)
            changed = {k for k in changes if getattr(merged, k) != getattr(session.settings, k)}
            rebuilt = None
            if changed & STRUCTURAL_SETTINGS:
                rebuilt = TrainingSession(session.task, merged)
        except (TaskError, ValueError, TypeError) as error:
            self.settingsRejected.emit(f"Settings not applied: {error}")
            self.settingsChanged.emit(self.generation, session.settings)
            self._publish()
            return
        if rebuilt is not None:
            self._swap_in(rebuilt, "Settings applied: a new network.")
        else:
            self._apply_live(merged)
            self.settingsChanged.emit(self.generation, merged)
            self._publish()

    @Slot(object)
    def set_speed(self, steps_per_second: object) -> None:
        """Steps per second, or None for full speed."""
        speed = None if steps_per_second is None else float(steps_per_second)
        self._speed = speed if speed is None or speed > 0 else None
        if self.state == RUNNING:
            self._schedule()

    @Slot(int, bool)
    @_reported
    def set_lesion(self, unit: int, on: bool) -> None:
        """Hold hidden unit ``unit`` at 0 (a lesion) or give it back."""
        if not 0 <= unit < self.session.network.n_hidden:
            return
        (self._lesioned.add if on else self._lesioned.discard)(unit)
        self.session.network.lesioned[unit] = bool(on)
        self._publish()

    @Slot(bool)
    @_reported
    def set_forget_context(self, on: bool) -> None:
        """The no-memory experiment: the context is zeroed before every step."""
        self._forget_context = bool(on)
        self.session.network.forget_context = self._forget_context
        self._publish()

    @Slot(bool)
    def set_reset_each_epoch(self, on: bool) -> None:
        self.set_settings({"reset_context_each_epoch": bool(on)}, self.generation)

    @Slot(float)
    def set_context_init(self, value: float) -> None:
        self.set_settings({"context_init": float(value)}, self.generation)

    @Slot(str)
    @_reported
    def save_network(self, path: str) -> None:
        """Write the live network (and which task it learned) to ``path``; a notice says how."""
        session = self.session
        extra = {"task": session.task.name, "task_title": session.task.title,
                 "epoch": session.epoch, "global_step": session.global_step}
        try:
            session.network.save(path, extra)
        except (ValueError, OSError) as error:  # NetworkFileError is a ValueError
            self.notice.emit("error", f"The network was not saved: {error}")
            self.fileDone.emit("save", False, str(error))
            return
        text = (f"Saved the {session.network.n_input}-{session.network.n_hidden}-"
                f"{session.network.n_output} network (epoch {session.epoch}) to {path}.")
        self.notice.emit("info", text)
        self.fileDone.emit("save", True, text)

    @Slot(str, int)
    @_reported
    def load_network(self, path: str, generation: int) -> None:
        """Swap in a network read from ``path`` if it fits the current task; else change nothing.

        The file is read into a *new* network first; a broken or mismatched file leaves the
        session exactly as it was. The loaded network keeps its weights; the epoch count of
        the new run starts at 0.
        """
        from elman_core.network import ElmanNetwork

        self._adopt(generation)
        task = self.session.task
        try:
            network, extra = ElmanNetwork.load(path)
            if (network.n_input, network.n_output) != (task.n_input, task.n_output):
                saved_for = extra.get("task_title") or extra.get("task") or "another task"
                raise ValueError(
                    f"{path}: this {network.n_input}-{network.n_hidden}-{network.n_output} "
                    f"network was trained on {saved_for}; {task.title} needs "
                    f"{task.n_input} inputs and {task.n_output} outputs. Choose that task first.")
            config = network.config
            settings = dataclasses.replace(
                self.session.settings, n_hidden=config.n_hidden,
                learning_rate=config.learning_rate, momentum=config.momentum,
                hidden_activation=config.hidden_activation,
                output_activation=config.output_activation, rule=config.rule,
                bptt_window=config.bptt_window, context_init=config.context_init,
                weight_scale=config.weight_scale)
            check_settings(task, settings)
            session = TrainingSession(task, settings, network=network)
        except (ValueError, TaskError, OSError) as error:
            self.notice.emit("error", f"The network was not loaded: {error} Nothing changed.")
            self.fileDone.emit("load", False, str(error))
            self.settingsChanged.emit(self.generation, self.session.settings)
            self._publish()
            return
        text = (f"Loaded the {network.n_input}-{network.n_hidden}-{network.n_output} network "
                f"from {path}: training continues from its weights.")
        self._swap_in(session, text)
        self.notice.emit("info", text)
        self.fileDone.emit("load", True, text)

    # ------------------------------------------------------------------ step-through debugging
    @Slot(bool)
    @_reported
    def set_phase_mode(self, on: bool) -> None:
        """Step then shows one phase of a timestep at a time (forward, error, backward, copy)."""
        self._phase_mode = bool(on)
        if not on:
            self._phase = None
        self._publish(self._latest.trace if self._latest is not None else None)

    @Slot(int)
    @_reported
    def set_history_length(self, steps: int) -> None:
        """Keep the activations of the last ``steps`` timesteps."""
        self._ring_size = max(1, int(steps))
        self._trim_ring(None)
        self._publish()

    @Slot(float)
    @_reported
    def set_memory_limit(self, megabytes: float) -> None:
        """The memory cap of the step-back checkpoints."""
        self._memory_limit = max(1, int(float(megabytes) * 2**20))
        history = self.session.history
        history.memory_limit = self._memory_limit
        history._evict(self.session.global_step)
        self._publish()

    @Slot(int)
    @_reported
    def step_back(self, steps: int) -> None:
        """Go back ``steps`` timesteps (pauses); the inspector shows the step that led here."""
        session = self.session
        if self.state == RUNNING:
            self._halt()
        self._run_to, self._phase = None, None
        with np.errstate(all="ignore"):
            done = session.step_back(steps)
        if done == 0:
            self.state = FINISHED if session.finished else PAUSED
            self.notice.emit("warning", "Cannot step back: no earlier steps are remembered "
                                        "(raise the memory cap in the Memory menu).")
            self._publish()
            return
        self.state = FINISHED if session.finished else PAUSED
        self._trim_ring(session.global_step)
        self._latest = None
        place = f"epoch {session.epoch}, step {session.position}"
        trace = None
        if session.steps_back_available() >= 1:
            inspected = self._peek(session.global_step - 1)
            trace = inspected.trace
            self._inspected = dataclasses.replace(
                inspected, note=f"stepped back {done} step{'s' if done != 1 else ''} to "
                                f"{place}: the step that led here")
            self._latest = _LatestStep(inspected.position, trace.input, trace.context,
                                       trace.hidden, trace.output, trace)
        else:
            self._inspected = None
        self._message = f"Stepped back {done} step{'s' if done != 1 else ''} to {place}."
        self._publish(trace)

    @Slot(int)
    @_reported
    def inspect_step(self, global_step: int) -> None:
        """Show the trace of a past step in the inspector; training state is left bit-for-bit."""
        session = self.session
        earliest = session.global_step - session.steps_back_available()
        if not earliest <= int(global_step) < session.global_step:
            self.notice.emit("warning", f"Step {global_step:,} is no longer remembered: only "
                                        f"steps {earliest:,}–{session.global_step - 1:,} can "
                                        "be inspected.")
            return
        inspected = self._peek(int(global_step))
        self._inspected = dataclasses.replace(
            inspected, note="a past step, recomputed; training is unchanged")
        self._publish()

    @Slot(str, object)
    @_reported
    def run_to(self, kind: str, value: object) -> None:
        """Run until a condition holds, then pause exactly on that step.

        ``kind``: "epoch_end", "epoch" (value: epoch number, from 1), "symbol" (value: input
        symbol) or "error" (value: loss threshold). Impossible requests change nothing.
        """
        session = self.session
        if self.state == DIVERGED:
            self.notice.emit("warning", DIVERGED_HINT)
            return
        try:
            if kind == "epoch_end":
                condition = run_to_core.EpochEnd()
            elif kind == "epoch":
                condition = run_to_core.EpochReached(int(value))
                if condition.epoch > session.settings.epochs:
                    raise ValueError(f"training stops after epoch {session.settings.epochs}")
            elif kind == "symbol":
                condition = run_to_core.InputIs(str(value))
            elif kind == "error":
                condition = run_to_core.ErrorAbove(float(value))
                if not math.isfinite(condition.threshold) or condition.threshold < 0:
                    raise ValueError("the error threshold must be a number ≥ 0")
            else:
                raise ValueError(f"unknown run-to condition {kind!r}")
            condition.steps_before(session)  # a clear error if it can never be reached
            if session.finished:
                raise ValueError("training is finished (raise Epochs or Reset)")
        except ValueError as error:
            self.notice.emit("error", f"Cannot run to that step: {error}.")
            self._publish()
            return
        if self.state == RUNNING:
            self._halt()
        self._phase = None
        self._run_to = condition
        self.state = RUNNING
        self._message = f"Running to {condition.describe()}…"
        self._timer.setInterval(0)
        self._rate_mark = (time.perf_counter(), self.total_steps)
        self._timer.start()
        self._publish()

    def _run_to_tick(self) -> None:
        session, condition = self.session, self._run_to
        if session.finished:
            self._finish()
            self._message = f"Training finished before {condition.describe()}."
            self._publish()
            return
        deadline = time.perf_counter() + SLICE_SECONDS
        trace = None
        while trace is None and self.state != DIVERGED and not session.finished:
            trace = self._run_to_slice(condition)
            if time.perf_counter() >= deadline:
                break
        if self.state == DIVERGED:
            self._publish()
            return
        if trace is not None:
            self._halt()
            self.state = FINISHED if session.finished else PAUSED
            self._message = f"Stopped at {condition.describe()}."
            self._publish(trace)
        elif time.perf_counter() >= self._next_publish() - PUBLISH_SLACK:
            self._publish()

    def _run_to_slice(self, condition) -> StepTrace | None:
        """One kernel call towards ``condition`` (run_to.advance, feeding the history too)."""
        session = self.session
        before = condition.steps_before(session)
        budget = max(1, int(SLICE_SECONDS / self._seconds_per_step))
        if before == 0:
            return self._traced_step()
        if before is not None:
            self._train_steps(min(budget, before))
            return None
        # Short pieces: the step found is then still in the activation history's window.
        budget = min(budget, self._ring_size, session.history.max_steps, self._steps_to_finish())
        if self._train_steps(budget) and self.state != DIVERGED:
            result = self._last_result
            hit = condition.hit(result)
            if hit is not None:
                with np.errstate(all="ignore"):
                    session.step_back(result.steps - hit)
                self._trim_ring(session.global_step)
                return self._traced_step()
        return None

    def _inspected_of(self, trace: StepTrace, epoch: int, row: int) -> InspectedStep:
        session = self.session
        sequence = session.sequence
        return InspectedStep(
            trace, epoch, row, epoch * session.steps_per_epoch + row,
            sequence.input_symbols[row], sequence.target_symbols[row] if sequence.mask[row]
            else "", session.task.decode(trace.output))

    def _peek(self, global_step: int) -> InspectedStep:
        """Recompute the trace of a past step, then put everything back exactly as it was."""
        session = self.session
        history = session.history
        state = session.capture()
        kept = (type(history._states)(history._states), history._bytes,
                list(session.epoch_losses))
        try:
            with np.errstate(all="ignore"):
                session.step_back(session.global_step - global_step)
                epoch, row = session.epoch, session.position
                trace = session.step()
        finally:
            session.restore(state)
            history._states, history._bytes = kept[0], kept[1]
            session.epoch_losses[:] = kept[2]
        return self._inspected_of(trace, epoch, row)

    def _clear_ring(self) -> None:
        self._ring = None  # (hidden, context, loss, steps, symbols)
        self._ring_snapshot: ActivationHistory | None = None

    def _feed_ring(self, hidden, context, losses, first_global: int, first_row: int) -> None:
        n = len(losses)
        keep = min(n, self._ring_size)
        offsets = np.arange(n - keep, n)
        rows = (first_row + offsets) % self.session.steps_per_epoch
        symbols = self.session.sequence.input_symbols
        new = (np.asarray(hidden[n - keep:], dtype=np.float64),
               np.asarray(context[n - keep:], dtype=np.float64),
               np.asarray(losses[n - keep:], dtype=np.float64), first_global + offsets,
               tuple(symbols[r] for r in rows))
        if self._ring is None or self._ring[0].shape[1] != new[0].shape[1]:
            self._ring = new
        else:
            self._ring = tuple(old + add if isinstance(old, tuple) else np.concatenate([old, add])
                               for old, add in zip(self._ring, new, strict=True))
        self._trim_ring(None)

    def _trim_ring(self, before_step: int | None) -> None:
        """Keep at most the ring size, and (after a step back) only steps before ``before_step``."""
        ring = self._ring
        self._ring_snapshot = None
        if ring is None:
            return
        end = len(ring[3]) if before_step is None else int(np.searchsorted(ring[3], before_step))
        start = max(0, end - self._ring_size)
        self._ring = tuple(part[start:end] for part in ring)

    def _history_snapshot(self) -> ActivationHistory | None:
        if self._ring is None:
            return None
        if self._ring_snapshot is None:
            hidden, context, loss, steps, symbols = self._ring
            self._ring_snapshot = ActivationHistory(
                _frozen(hidden), _frozen(context), _frozen(loss), _frozen(steps).astype(np.int64),
                tuple(symbols))
        return self._ring_snapshot

    # ------------------------------------------------------------------ state changes
    def _adopt(self, generation: int) -> None:
        self.generation = max(self.generation, int(generation))

    def _install(self, session: TrainingSession) -> None:
        network = session.network
        network.forget_context = self._forget_context
        self._lesioned = {u for u in self._lesioned if u < network.n_hidden}
        network.lesioned[list(self._lesioned)] = True
        self.session = session
        self._seconds_per_step = 1e-6  # a new network: measure again
        self._latest = None
        self._stop_at = None
        self._last_snapshot = None
        self._epoch_losses = np.empty(0)
        self._thinner.reset()
        self.state = PAUSED
        self._inspected, self._phase, self._run_to = None, None, None
        self._clear_ring()
        if self._memory_limit is not None:
            session.history.memory_limit = self._memory_limit
        self._input_symbols = tuple(dict.fromkeys(session.sequence.input_symbols))

    def _swap_in(self, session: TrainingSession, message: str) -> None:
        """A new session (new task or rebuilt network): keep playing if we were."""
        was_running = self.state == RUNNING
        self._halt()
        self._install(session)
        self._message = message
        self.settingsChanged.emit(self.generation, session.settings)
        if was_running:
            self.play()
        else:
            self._publish()

    def _apply_live(self, settings: TaskDefaults) -> None:
        session, network = self.session, self.session.network
        session.settings = settings
        session.reset_context_each_epoch = settings.reset_context_each_epoch
        network.learning_rate = settings.learning_rate
        network.momentum = settings.momentum
        network.context_init = settings.context_init
        if self.state == FINISHED and not session.finished:
            self.state = PAUSED
            self._message = f"Epochs raised to {settings.epochs}: press Play to continue."
        elif self.state in (PAUSED, RUNNING) and session.finished:
            self._finish()

    def _halt(self) -> None:
        if self._timer is not None:
            self._timer.stop()
        self._stop_at = None
        self._run_to = None
        self._steps_per_second = 0.0

    def _can_step(self) -> bool:
        if self.state == DIVERGED:
            self.notice.emit("warning", DIVERGED_HINT)
            return False
        if self.state == RUNNING:
            self._halt()
            self.state = PAUSED
        return True

    def _after_manual_step(self) -> None:
        if self.state == DIVERGED:
            return
        self.state = FINISHED if self.session.finished else PAUSED
        self._message = ""

    def _finish(self) -> None:
        self._halt()
        self.state = FINISHED
        session = self.session
        loss = session.epoch_losses[-1] if session.epoch_losses else math.nan
        self._message = f"Finished {session.epoch} epochs — loss {loss:.4f}"
        self.notice.emit("info", self._message)

    def _diverge(self) -> None:
        self._halt()
        self.state = DIVERGED
        session = self.session
        self._message = (
            f"Training diverged: at epoch {session.epoch}, step {session.position} the weights "
            f"or errors would pass ±{DIVERGENCE_LIMIT:,.0f} (learning rate "
            f"{session.network.learning_rate:g}); shown is the last step before. "
            "Lower the learning rate, then press Reset (R).")
        self.notice.emit("warning", self._message)

    # ------------------------------------------------------------------ training
    def _schedule(self) -> None:
        speed = self._speed
        if speed is None:
            interval = 0
        elif speed <= TRACED_MAX_RATE:
            interval = max(1, round(1000 / speed))
        else:
            interval = BATCH_TICK_MS
        self._timer.setInterval(interval)
        self._last_tick = time.perf_counter()
        self._credit = 0.0
        self._rate_mark = (self._last_tick, self.total_steps)
        if not self._timer.isActive():
            self._timer.start()

    @Slot()
    @_reported
    def _tick(self) -> None:
        if self.state != RUNNING:
            self._timer.stop()
            return
        now = time.perf_counter()
        speed = self._speed
        if self._run_to is not None:
            self._run_to_tick()
            return
        if speed is not None and speed <= TRACED_MAX_RATE:
            trace = self._traced_step()
            self._check_limits()
            self._publish(trace)
            return
        if speed is None:
            self._train_for(self._slice_seconds(now), self._steps_allowed(None))
        else:
            self._credit = min(self._credit + speed * (now - self._last_tick), speed)
            due = int(self._credit)
            self._credit -= due
            self._train_for(SLICE_SECONDS, self._steps_allowed(due))
        self._last_tick = now
        self._check_limits()
        if self.state != RUNNING or time.perf_counter() >= self._next_publish() - PUBLISH_SLACK:
            self._publish()

    def _next_publish(self) -> float:
        return self._last_publish + 1 / PUBLISH_HZ

    def _slice_seconds(self, now: float) -> float:
        """How long this tick trains: at most SLICE_SECONDS, and the ticks up to the next
        snapshot share the time equally, so the last one ends when the snapshot is due.

        Snapshots then leave at a steady PUBLISH_HZ, instead of on whichever tick first ends
        past the due time (which would halve the rate when a tick is a little short of it).
        """
        left = self._next_publish() - now
        if left <= PUBLISH_SLACK:
            return SLICE_SECONDS
        return left / math.ceil(left / SLICE_SECONDS)

    def _steps_allowed(self, due: int | None) -> int | None:
        if self._stop_at is None:
            return due
        left = max(self._stop_at - self.session.global_step, 0)
        return left if due is None else min(due, left)

    def _check_limits(self) -> None:
        if self.state != RUNNING:
            return
        if self.session.finished:
            self._finish()
        elif self._stop_at is not None and self.session.global_step >= self._stop_at:
            self._halt()
            self.state = PAUSED
            self._message = f"Trained {self.session.global_step:,} steps."

    def _train_for(self, seconds: float, max_steps: int | None) -> None:
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
            if self.state == DIVERGED or steps == 0:
                break

    def _steps_to_finish(self) -> int:
        session = self.session
        return session.settings.epochs * session.steps_per_epoch - session.global_step

    def _train_steps(self, count: int) -> int:
        """Up to ``count`` steps with the kernel, whole epochs in one call; checks divergence."""
        with np.errstate(over="ignore", invalid="ignore"):  # divergence is checked below
            result = self.session.run_epochs(count)
        if result.steps == 0:
            return 0
        self.total_steps += result.steps
        self._last_result = result
        if self._result_sane(result):
            self._latest = self._latest_of(result)
            self._feed_ring(result.hidden, result.context, result.losses,
                            self.session.global_step - result.steps, result.first_step)
        else:
            self._back_to_last_sane_step()
            self._diverge()
        return result.steps

    def _traced_step(self) -> StepTrace:
        row, epoch = self.session.position, self.session.epoch
        with np.errstate(over="ignore", invalid="ignore"):  # divergence is checked below
            trace = self.session.step()
        self.total_steps += 1
        if self._trace_sane(trace):
            self._latest = _LatestStep(row, trace.input, trace.context, trace.hidden,
                                       trace.output, trace)
            self._inspected = self._inspected_of(trace, epoch, row)
            self._feed_ring(trace.hidden[None], trace.context[None], np.array([trace.loss]),
                            epoch * self.session.steps_per_epoch + row, row)
        else:
            self._restore_before(self.session.global_step - 1)
            self._diverge()
        return trace

    def _latest_of(self, result) -> _LatestStep:
        row = (result.first_step + result.steps - 1) % self.session.steps_per_epoch
        return _LatestStep(row, self.session.sequence.inputs[row], result.last_context,
                           result.hidden[-1], result.output[-1], result.trace)

    def _result_sane(self, result) -> bool:
        targeted = ~np.isnan(result.losses)
        return (self._weights_sane() and _within_limit(result.output[-1])
                and _within_limit(result.losses[targeted]))

    def _trace_sane(self, trace: StepTrace) -> bool:
        return ((trace.target is None or _within_limit(trace.loss)) and self._weights_sane()
                and _within_limit(trace.output))

    def _restore_before(self, global_step: int) -> bool:
        """Put the session back to its newest checkpoint at or before ``global_step``."""
        state = self.session.history.latest_at_or_before(global_step)
        if state is None:
            return False
        self.session.restore(state)
        return True

    def _back_to_last_sane_step(self) -> None:
        """Replay a kernel call that blew up and stop just before the step that did it.

        The views then show the last step whose numbers were all within DIVERGENCE_LIMIT (large
        weights, saturated units) instead of infinities or 150-digit numbers; the loss curve ends
        there too. If the checkpoint is gone, the session stays as it is and the last sane
        picture is shown instead.
        """
        session = self.session
        if not self._restore_before(session.global_step - 1):
            return
        self._latest = None
        with np.errstate(all="ignore"):
            for _ in range(REPLAY_LIMIT):  # the kernel in short pieces up to the bad one...
                before = session.global_step
                result = session.run(REPLAY_CHUNK)
                if result.steps == 0 or not self._result_sane(result):
                    self._restore_before(before)
                    break
                self._latest = self._latest_of(result)
            for _ in range(REPLAY_CHUNK):  # ...then that piece one traced step at a time
                row = session.position
                trace = session.step()
                if not self._trace_sane(trace):
                    self._restore_before(session.global_step - 1)
                    return
                self._latest = _LatestStep(row, trace.input, trace.context, trace.hidden,
                                           trace.output, trace)

    def _weights_sane(self) -> bool:
        network = self.session.network
        return all(_within_limit(w) for w in
                   (network.W_ih, network.W_hh, network.W_ho, network.b_h, network.b_o))

    # ------------------------------------------------------------------ publishing
    def _measure_rate(self, now: float) -> None:
        if self.state != RUNNING:
            self._steps_per_second = 0.0
            return
        since, steps_then = self._rate_mark
        if now - since >= RATE_WINDOW_SECONDS:
            self._steps_per_second = (self.total_steps - steps_then) / (now - since)
            self._rate_mark = (now, self.total_steps)

    def _publish(self, trace: StepTrace | None = None) -> None:
        now = time.perf_counter()
        self._last_publish = now
        self._measure_rate(now)
        if (self.state == DIVERGED and self._last_snapshot is not None
                and not self._weights_sane()):
            # Never draw garbage: the last sane picture, marked as diverged.
            snapshot = dataclasses.replace(
                self._last_snapshot, generation=self.generation, state=DIVERGED,
                steps_per_second=0.0, message=self._message,
                lesioned=tuple(sorted(self._lesioned)))
        else:
            snapshot = self._build_snapshot(trace)
        if self._weights_sane():
            self._last_snapshot = snapshot
        self.snapshotReady.emit(snapshot)

    def _build_snapshot(self, trace: StepTrace | None) -> Snapshot:
        session, task, network = self.session, self.session.task, self.session.network
        sequence = session.sequence
        latest = self._latest
        if latest is None:
            step_arrays = (None, _frozen(network.context), None, None, None)
            symbols = ("", "", "")
        else:
            row = latest.row
            target = sequence.targets[row] if sequence.mask[row] else None
            step_arrays = (_frozen(latest.input), _frozen(latest.context),
                           _frozen(latest.hidden), _frozen(latest.output),
                           None if target is None else _frozen(target))
            symbols = (sequence.input_symbols[row], sequence.target_symbols[row],
                       task.decode(latest.output))
        if len(self._epoch_losses) != len(session.epoch_losses):
            self._epoch_losses = _frozen(session.epoch_losses)
        loss_x, loss_y = self._thinner.thin(*session.running_loss.arrays())
        snapshot = Snapshot(
            generation=self.generation,
            task_name=task.name, task_title=task.title, task_description=task.description,
            input_labels=tuple(task.input_labels), output_labels=tuple(task.output_labels),
            category_names=tuple(task.category_names),
            n_input=network.n_input, n_hidden=network.n_hidden, n_output=network.n_output,
            epoch=session.epoch, epochs_total=session.settings.epochs,
            position=session.position, steps_per_epoch=session.steps_per_epoch,
            global_step=session.global_step, state=self.state,
            steps_per_second=self._steps_per_second, learning_rate=network.learning_rate,
            W_ih=_frozen(network.W_ih), W_hh=_frozen(network.W_hh), W_ho=_frozen(network.W_ho),
            b_h=_frozen(network.b_h), b_o=_frozen(network.b_o),
            input=step_arrays[0], context=step_arrays[1], hidden=step_arrays[2],
            output=step_arrays[3], target=step_arrays[4],
            input_symbol=symbols[0], target_symbol=symbols[1], predicted_symbol=symbols[2],
            trace=trace if latest is not None and latest.trace is trace else None,
            epoch_losses=self._epoch_losses,
            running_loss_x=loss_x, running_loss_y=loss_y,
            position_errors=_frozen(session.position_errors()),
            feature_errors=_frozen(session.feature_errors()),
            lesioned=tuple(sorted(self._lesioned)),
            message=self._message,
        )
        return dataclasses.replace(snapshot, **self._debug_fields())

    def _debug_fields(self) -> dict:
        session, network = self.session, self.session.network
        fields = dict(
            inspected=self._inspected, phase=self._phase, history=self._history_snapshot(),
            steps_back=session.steps_back_available(), history_bytes=session.history.nbytes,
            history_limit=session.history.memory_limit, input_symbols=self._input_symbols)
        if self._phase in (1, 2) and self._pre_weights is not None:
            # Forward pass and error: the weights are still those before the update.
            fields.update(zip(("W_ih", "W_hh", "W_ho", "b_h", "b_o"),
                              (_frozen(w) for w in self._pre_weights), strict=True))
        elif self._phase == 4:
            fields["context"] = _frozen(network.context)  # hidden copied into the context
        return fields


_garbage_collector: GarbageCollector | None = None


def collect_garbage_in_gui_thread() -> None:
    """Collect Python's reference cycles only in the GUI thread, on a timer (once per process).

    Python runs its cycle collector in whichever thread happens to allocate. In the trainer
    thread, garbage holding Qt widgets (a closed dialog, an old window) would have its C++
    destructors run there, and that can deadlock: seen in CI as the trainer thread waiting for
    the GIL inside ~QObject while the GUI thread, holding the GIL, waited for that object's
    lock. pyqtgraph's GarbageCollector turns automatic collection off and collects from a
    QTimer in the thread that creates it: call this from the GUI thread.
    """
    global _garbage_collector
    if _garbage_collector is None:
        _garbage_collector = GarbageCollector(interval=1.0)


class Trainer(QObject):
    """The main thread's handle on the trainer thread.

    Every method sends a queued command; nothing here touches the network. ``snapshotReady``
    re-emits only snapshots of the latest requested generation, so a picture of a task the
    student has already left is never shown.
    """

    snapshotReady = Signal(object)
    settingsChanged = Signal(object)  # TaskDefaults in force (current generation only)
    notice = Signal(str, str)
    settingsRejected = Signal(str)
    status = Signal(str)
    fileDone = Signal(str, bool, str)  # "save" / "load", succeeded, message

    # Commands, connected to the worker's slots (queued: the worker lives in another thread).
    _play = Signal()
    _pause = Signal()
    _step = Signal()
    _step_epoch = Signal()
    _run_steps = Signal(int)
    _reset = Signal(int)
    _set_task = Signal(str, object, int)
    _set_settings = Signal(object, int)
    _set_speed = Signal(object)
    _set_lesion = Signal(int, bool)
    _set_forget_context = Signal(bool)
    _set_reset_each_epoch = Signal(bool)
    _set_context_init = Signal(float)
    _step_back = Signal(int)
    _run_to = Signal(str, object)
    _inspect_step = Signal(int)
    _set_phase_mode = Signal(bool)
    _set_history_length = Signal(int)
    _set_memory_limit = Signal(float)
    _save_network = Signal(str)
    _load_network = Signal(str, int)
    _stop = Signal()

    def __init__(self, task_name: str = "xor", task_options: dict | None = None,
                 speed: float | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        collect_garbage_in_gui_thread()
        self.task_name, self.task_options = task_name, dict(task_options or {})
        self.requested_generation = 0
        self.ready = False  # the kernels are compiled (or loaded from the cache)
        self.latest: Snapshot | None = None
        self.dropped = 0  # stale snapshots dropped (for tests and curiosity)
        self._closed = False
        self.thread = QThread()
        self.thread.setObjectName("trainer")
        self.worker = TrainerWorker(task_name, task_options, speed)
        self.worker.moveToThread(self.thread)
        self.thread.started.connect(self.worker.start)
        self.thread.finished.connect(self.worker.deleteLater)
        worker = self.worker
        for command, slot in (
            (self._play, worker.play), (self._pause, worker.pause), (self._step, worker.step),
            (self._step_epoch, worker.step_epoch), (self._run_steps, worker.run_steps),
            (self._reset, worker.reset), (self._set_task, worker.set_task),
            (self._set_settings, worker.set_settings), (self._set_speed, worker.set_speed),
            (self._set_lesion, worker.set_lesion),
            (self._set_forget_context, worker.set_forget_context),
            (self._set_reset_each_epoch, worker.set_reset_each_epoch),
            (self._set_context_init, worker.set_context_init), (self._stop, worker.stop),
            (self._save_network, worker.save_network), (self._load_network, worker.load_network),
        ):
            command.connect(slot)
        for command, slot in (
            (self._step_back, worker.step_back), (self._run_to, worker.run_to),
            (self._inspect_step, worker.inspect_step),
            (self._set_phase_mode, worker.set_phase_mode),
            (self._set_history_length, worker.set_history_length),
            (self._set_memory_limit, worker.set_memory_limit),
        ):
            command.connect(slot)
        worker.snapshotReady.connect(self._on_snapshot)
        worker.settingsChanged.connect(self._on_settings)
        worker.notice.connect(self.notice)
        worker.settingsRejected.connect(self.settingsRejected)
        worker.status.connect(self._on_status)
        worker.fileDone.connect(self.fileDone)

    def start(self) -> None:
        if not self._closed:
            self.thread.start()

    # commands
    def play(self) -> None:
        self._play.emit()

    def pause(self) -> None:
        self._pause.emit()

    def step(self) -> None:
        self._step.emit()

    def step_epoch(self) -> None:
        self._step_epoch.emit()

    def run_steps(self, count: int) -> None:
        self._run_steps.emit(int(count))

    def reset(self) -> None:
        self._reset.emit(self._next_generation())

    def set_task(self, name: str, options: dict | None = None) -> None:
        self._set_task.emit(name, dict(options or {}), self._next_generation())

    def set_settings(self, changes: dict) -> None:
        """Structural changes start a new generation; live ones keep the current one."""
        generation = self.requested_generation
        if set(changes) & STRUCTURAL_SETTINGS:
            generation = self._next_generation()
        self._set_settings.emit(dict(changes), generation)

    def set_speed(self, steps_per_second: float | None) -> None:
        self._set_speed.emit(steps_per_second)

    def set_lesion(self, unit: int, on: bool) -> None:
        self._set_lesion.emit(int(unit), bool(on))

    def set_forget_context(self, on: bool) -> None:
        self._set_forget_context.emit(bool(on))

    def set_reset_each_epoch(self, on: bool) -> None:
        self._set_reset_each_epoch.emit(bool(on))

    def set_context_init(self, value: float) -> None:
        self._set_context_init.emit(float(value))

    def save_network(self, path: str) -> None:
        """Save the live network to ``path`` (in the trainer thread); ``fileDone`` reports."""
        self._save_network.emit(str(path))

    def load_network(self, path: str) -> None:
        """Load a network from ``path``; only a file that fits the task starts a new run."""
        self._load_network.emit(str(path), self._next_generation())

    def step_back(self, steps: int = 1) -> None:
        self._step_back.emit(int(steps))

    def run_to(self, kind: str, value: object = None) -> None:
        self._run_to.emit(str(kind), value)

    def inspect_step(self, global_step: int) -> None:
        self._inspect_step.emit(int(global_step))

    def set_phase_mode(self, on: bool) -> None:
        self._set_phase_mode.emit(bool(on))

    def set_history_length(self, steps: int) -> None:
        self._set_history_length.emit(int(steps))

    def set_memory_limit(self, megabytes: float) -> None:
        self._set_memory_limit.emit(float(megabytes))

    def close(self, timeout_ms: int = 1000) -> bool:
        """Stop the worker in its own thread and wait for the thread to end."""
        self._closed = True
        if not self.thread.isRunning():
            return True
        self._stop.emit()
        finished = self.thread.wait(timeout_ms)
        if not finished:  # e.g. still compiling: a thread must never be destroyed while running
            self.thread.quit()
            finished = self.thread.wait()
        return finished

    # results
    def _next_generation(self) -> int:
        self.requested_generation += 1
        return self.requested_generation

    @Slot(object)
    def _on_snapshot(self, snapshot: Snapshot) -> None:
        if snapshot.generation < self.requested_generation:
            self.dropped += 1
            return
        self.latest = snapshot
        self.snapshotReady.emit(snapshot)

    @Slot(str)
    def _on_status(self, text: str) -> None:
        self.ready = not text
        self.status.emit(text)

    @Slot(int, object)
    def _on_settings(self, generation: int, settings: TaskDefaults) -> None:
        if generation >= self.requested_generation:
            self.settingsChanged.emit(settings)
