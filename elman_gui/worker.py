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
from PySide6.QtCore import QObject, QThread, QTimer, Signal, Slot

from elman_core import tasks
from elman_core.network import validate_learning_rate
from elman_core.session import TrainingSession, settings_for
from elman_core.tasks.base import Task, TaskDefaults, TaskError
from elman_core.trace import StepTrace
from elman_gui.snapshot import DIVERGED, FINISHED, PAUSED, RUNNING, Snapshot

SLICE_SECONDS = 0.012  # kernel work per timer tick at full speed
PUBLISH_HZ = 40  # at most this many snapshots per second while running fast
TRACED_MAX_RATE = 100  # at or below this many steps/s every step is traced and published
BATCH_TICK_MS = 16  # timer period for limited fast speeds
RATE_WINDOW_SECONDS = 0.5  # steps/s is measured over about this long
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
    ``set_context_init(value)``, ``stop``.
    """

    snapshotReady = Signal(object)  # Snapshot
    settingsChanged = Signal(int, object)  # generation, TaskDefaults now in force
    notice = Signal(str, str)  # level ("info" / "warning" / "error"), text for the student
    settingsRejected = Signal(str)  # why set_settings changed nothing
    status = Signal(str)  # background work in progress ("" when done)
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
        self._schedule()
        self._publish()

    @Slot()
    def pause(self) -> None:
        self._stop_at = None
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
        trace = self._traced_step()
        self._after_manual_step()
        self._publish(trace)

    @Slot()
    @_reported
    def step_epoch(self) -> None:
        """Train to the end of the current epoch (pauses a running session first)."""
        if not self._can_step():
            return
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
        self._message = (f"Training diverged: at epoch {session.epoch}, step "
                         f"{session.position} the weights would become infinite (learning rate "
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
        if speed is not None and speed <= TRACED_MAX_RATE:
            trace = self._traced_step()
            self._check_limits()
            self._publish(trace)
            return
        if speed is None:
            self._train_for(SLICE_SECONDS, self._steps_allowed(None))
        else:
            self._credit = min(self._credit + speed * (now - self._last_tick), speed)
            due = int(self._credit)
            self._credit -= due
            self._train_for(SLICE_SECONDS, self._steps_allowed(due))
        self._last_tick = now
        self._check_limits()
        if self.state != RUNNING or time.perf_counter() - self._last_publish >= 0.9 / PUBLISH_HZ:
            self._publish()

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
        if self._result_finite(result):
            self._latest = self._latest_of(result)
        else:
            self._back_to_last_finite_step()
            self._diverge()
        return result.steps

    def _traced_step(self) -> StepTrace:
        row = self.session.position
        with np.errstate(over="ignore", invalid="ignore"):  # divergence is checked below
            trace = self.session.step()
        self.total_steps += 1
        if self._trace_finite(trace):
            self._latest = _LatestStep(row, trace.input, trace.context, trace.hidden,
                                       trace.output, trace)
        else:
            self._restore_before(self.session.global_step - 1)
            self._diverge()
        return trace

    def _latest_of(self, result) -> _LatestStep:
        row = (result.first_step + result.steps - 1) % self.session.steps_per_epoch
        return _LatestStep(row, self.session.sequence.inputs[row], result.last_context,
                           result.hidden[-1], result.output[-1], result.trace)

    def _result_finite(self, result) -> bool:
        targeted = ~np.isnan(result.losses)
        return bool(self._weights_finite() and np.all(np.isfinite(result.output[-1]))
                    and np.all(np.isfinite(result.losses[targeted])))

    def _trace_finite(self, trace: StepTrace) -> bool:
        finite_loss = trace.target is None or math.isfinite(trace.loss)
        return bool(finite_loss and self._weights_finite() and np.all(np.isfinite(trace.output)))

    def _restore_before(self, global_step: int) -> bool:
        """Put the session back to its newest checkpoint at or before ``global_step``."""
        state = self.session.history.latest_at_or_before(global_step)
        if state is None:
            return False
        self.session.restore(state)
        return True

    def _back_to_last_finite_step(self) -> None:
        """Replay a kernel call that blew up and stop just before the step that did it.

        The views then show the last step whose numbers were all finite (huge weights, saturated
        units) instead of infinities; the loss curve ends there too. If the checkpoint is gone,
        the session stays as it is and the last finite picture is shown instead.
        """
        session = self.session
        if not self._restore_before(session.global_step - 1):
            return
        self._latest = None
        with np.errstate(all="ignore"):
            for _ in range(REPLAY_LIMIT):  # the kernel in short pieces up to the bad one...
                before = session.global_step
                result = session.run(REPLAY_CHUNK)
                if result.steps == 0 or not self._result_finite(result):
                    self._restore_before(before)
                    break
                self._latest = self._latest_of(result)
            for _ in range(REPLAY_CHUNK):  # ...then that piece one traced step at a time
                row = session.position
                trace = session.step()
                if not self._trace_finite(trace):
                    self._restore_before(session.global_step - 1)
                    return
                self._latest = _LatestStep(row, trace.input, trace.context, trace.hidden,
                                           trace.output, trace)

    def _weights_finite(self) -> bool:
        network = self.session.network
        return all(np.all(np.isfinite(w)) for w in
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
                and not self._weights_finite()):
            # Never draw garbage: the last finite picture, marked as diverged.
            snapshot = dataclasses.replace(
                self._last_snapshot, generation=self.generation, state=DIVERGED,
                steps_per_second=0.0, message=self._message,
                lesioned=tuple(sorted(self._lesioned)))
        else:
            snapshot = self._build_snapshot(trace)
        if self._weights_finite():
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
        return Snapshot(
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
    _stop = Signal()

    def __init__(self, task_name: str = "xor", task_options: dict | None = None,
                 speed: float | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
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
        ):
            command.connect(slot)
        worker.snapshotReady.connect(self._on_snapshot)
        worker.settingsChanged.connect(self._on_settings)
        worker.notice.connect(self.notice)
        worker.settingsRejected.connect(self.settingsRejected)
        worker.status.connect(self._on_status)

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
