"""Everything the app asks of training, as plain Qt-free code (Orange3's optimiser pattern).

:class:`TrainingDriver` owns a :class:`~elman_core.training.session.TrainingSession` and turns the
student's commands into training: play a time slice (the GIL-free kernel at full speed, one
traced step per tick in slow motion), single steps and their phases, whole epochs, step back,
run to a condition (through the tested :func:`elman_core.training.run_to.advance`), peek at a past
step,
the activation history and the divergence guard. It keeps the run's state and the message and
notices for the student; the GUI's worker thread only adds a timer and signals, and makes its
snapshot from the plain data here (:attr:`latest`, :meth:`activation_history`, …).

Its parts live next to it: the step-through commands (:mod:`elman_core.live.stepping`), the pace of
a playing run (:mod:`elman_core.live.pacing`), the recent activations and the thinned loss curve
(:mod:`elman_core.training.recording`), the divergence rule
(:mod:`elman_core.training.divergence`), and
:class:`~elman_core.live.pending.PendingCommands`, which merges step commands that pile up in the
worker's queue and lets a stop request overtake everything queued.
"""

from __future__ import annotations

import dataclasses
import math
import time
from typing import NamedTuple

import numpy as np

from elman_core import tasks
from elman_core.analysis import word_clusters
from elman_core.live import experiments
from elman_core.live.live_figures import LiveFigures
from elman_core.live.network_files import FileOutcome, NetworkFiles
from elman_core.live.pacing import SLICE_SECONDS, Pacer
from elman_core.live.pending import PendingCommands
from elman_core.live.stepping import StepThrough
from elman_core.model.settings import RunSettings
from elman_core.model.trace import (
    ActivationHistory,
    InspectedStep,
    LatestStep,
    Phase,
    RunState,
    StepTrace,
)
from elman_core.tasks.base import TaskError
from elman_core.training import divergence, run_to
from elman_core.training.comparison import ComparisonRun
from elman_core.training.divergence import DIVERGENCE_LIMIT
from elman_core.training.recording import ActivationRing
from elman_core.training.session import RECENT_EPOCH_LOSSES, RunResult, TrainingSession
from elman_core.training.warm_up import kernels_cached, warm_up_kernels

DIVERGED_HINT = "The run diverged. Lower the learning rate, then press Reset (R)."
__all__ = ["DIVERGENCE_LIMIT", "FileOutcome", "TrainingDriver", "PendingCommands",
           "kernels_cached", "warm_up_kernels"]


class Notice(NamedTuple):
    level: str  # "info" / "warning" / "error"
    text: str


class SettingsOutcome(NamedTuple):
    settings: RunSettings  # in force afterwards
    rebuilt: bool  # a new network (a new run)
    error: str | None  # why nothing changed, or None


class TickResult(NamedTuple):
    publish: bool  # a snapshot is due
    trace: StepTrace | None  # the traced step this tick took, if any


def _targets(sequence, rows) -> list[str]:
    """The symbol each of ``rows`` must predict, "" where it has no target."""
    return [sequence.target_symbols[r] if sequence.mask[r] else "" for r in rows]


class TrainingDriver(StepThrough, NetworkFiles):
    """The training a student commands, on one session at a time; returns plain data.

    After every command the caller reads :attr:`state`, :attr:`message`, :meth:`take_notices`
    and, while :attr:`state` is RUNNING, calls :meth:`tick` every :meth:`tick_interval_ms`.
    """

    def __init__(self, session: TrainingSession, speed: float | None = None) -> None:
        self.pacer = Pacer(speed)
        self.total_steps = 0  # steps trained over all sessions (benchmarks)
        self.forget_context = False
        self.lesioned: set[int] = set()
        self.memory_limit: int | None = None  # checkpoint memory cap set by the student
        self.phase_mode = False
        self.ring = ActivationRing()
        self.comparison: ComparisonRun | None = None  # the run an experiment compares with
        self.figures = LiveFigures()  # the paper figure, hidden space and word clusters
        self.message = ""
        self._notices: list[Notice] = []
        self.install(session)

    # ------------------------------------------------------------------ sessions
    def install(self, session: TrainingSession) -> None:
        """A new session (new task, rebuilt or loaded network, reset), paused at its start."""
        network = session.network
        # Experiments belong to a network: the old one's end here; a loaded network brings its own.
        if getattr(self, "session", None) is not None:
            self._notify_if(experiments.ended_notice(self.lesioned, self.forget_context))
        self.forget_context = bool(network.forget_context)
        self.lesioned = {int(u) for u in np.flatnonzero(network.lesioned)}
        if self.memory_limit is not None:
            session.history.memory_limit = self.memory_limit
        # The app's run may go on for hours: its curves are bounded, so the list need not be.
        session.keep_epoch_losses = RECENT_EPOCH_LOSSES
        self.session = session
        self.state = RunState.PAUSED
        self.latest: LatestStep | None = None
        self.inspected: InspectedStep | None = None
        self.phase: Phase | None = None
        self.weights_before: dict[str, np.ndarray] | None = None  # shown in phases 1–2
        self._condition = None  # the run-to condition being run to
        self._stop_at: int | None = None  # global step at which run_steps pauses
        self.pacer.seconds_per_step = 1e-6  # a new network: measure again
        self.ring.clear()
        self.ring.decode = session.task.decode_many
        self.figures.clear()
        self.input_symbols = tuple(dict.fromkeys(session.sequence.input_symbols))
        self.task_description = session.task.describe(session.sequence)  # About this run

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
        self.comparison = None  # it belonged to the task left
        self.swap_in(session, f"{task.title}: a new network.")
        return True

    def set_comparison(self, changes: dict | None, label: str = "") -> None:
        """Compute a run of this task's defaults changed by ``changes`` beside the main run
        (an experiment's "compare with the 4-unit default"); None: no comparison."""
        self.comparison = None if changes is None else ComparisonRun(
            self.session.task, dict(changes), label)
        if self.comparison is not None:
            self.comparison.keep_level_with(self.session.global_step)

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

    def set_speed(self, steps_per_second) -> None:
        """Steps per second, or None for full speed."""
        self.pacer.set_speed(steps_per_second)
        if self.state == RunState.RUNNING:
            self.pacer.restart(self.total_steps)

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
        self.pacer.restart(self.total_steps)

    def pause(self) -> None:
        self._stop_at = None
        if self._condition is not None:
            self._condition = None
            self.message = "Run-to cancelled."
        if self.state == RunState.RUNNING:
            self.state = RunState.PAUSED
            self.pacer.stopped()
            self.message = "Paused."

    def run_steps(self, count: int) -> None:
        """Play until ``count`` more steps are trained, then pause (for screenshots, benchmarks)."""
        self._stop_at = self.session.global_step + max(int(count), 0)
        self.play()
        if self.state != RunState.RUNNING:
            self._stop_at = None  # play refused (finished or diverged)
        elif self.session.global_step >= self._stop_at:
            self.pause()

    @property
    def steps_per_second(self) -> float:
        return self.pacer.steps_per_second

    def tick_interval_ms(self) -> int:
        """How often :meth:`tick` should run while RUNNING."""
        return self.pacer.interval_ms(running_to=self._condition is not None)

    def tick(self) -> TickResult:
        """One timer tick of a running session: a time slice of training."""
        if self.state != RunState.RUNNING:
            return TickResult(False, None)
        result = self._training_tick()
        if self.comparison is not None:
            self.comparison.keep_level_with(self.session.global_step)
        return result

    def _training_tick(self) -> TickResult:
        if self._condition is not None:
            return self._run_to_tick()
        if self.pacer.traced:
            trace = self._traced_step()
            self._check_limits()
            return TickResult(True, trace)
        seconds, due = self.pacer.this_tick()
        self.train_for(seconds, self._steps_allowed(due))
        self._check_limits()
        return TickResult(self.state != RunState.RUNNING or self.pacer.publish_due(), None)

    def published(self) -> None:
        """The caller published a snapshot now: measure the rate, time the next one."""
        self.pacer.published(self.state == RunState.RUNNING, self.total_steps)

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

    # ------------------------------------------------------------------ run to
    def run_to(self, kind: str, value) -> bool:
        """Run until a condition holds, then pause exactly on that step.

        ``kind``: "epoch_end", "epoch" (value: epoch number, from 1), "symbol" (value: input
        symbol) or "error" (value: loss threshold). Impossible requests change nothing.
        """
        if self._refused_when_diverged():
            return False
        try:
            condition = run_to.condition_of(self.session, kind, value)
        except ValueError as error:
            self._notify("error", f"Cannot run to that step: {error}.")
            return False
        self._halt()
        self.phase = None
        self._condition = condition
        self.state = RunState.RUNNING
        self.message = f"Running to {condition.describe()}…"
        self.pacer.restart(self.total_steps)
        return True

    def _run_to_tick(self) -> TickResult:
        session, condition = self.session, self._condition
        if session.finished:
            self._finish()
            self.message = f"Training finished before {condition.describe()}."
            return TickResult(True, None)
        deadline = time.perf_counter() + SLICE_SECONDS
        trace = None
        while trace is None and self.state != RunState.DIVERGED and not session.finished:
            budget = self.pacer.steps_in(SLICE_SECONDS)
            if condition.steps_before(session) is None:
                # Pieces no longer than a step back reaches, so that the step found can be
                # gone back to (the activation history is refilled when the run stops). Not
                # shorter: each piece is a round of Python that holds the GIL, and 100-step
                # pieces made a run-to twenty times slower than Play and the window sluggish.
                budget = min(budget, session.history.max_steps, self._steps_to_finish())
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
            self.refill_history()
            return TickResult(True, trace)
        return TickResult(self.pacer.publish_due(), None)

    # ------------------------------------------------------------------ plain data for views
    def take_notices(self) -> list[Notice]:
        notices, self._notices = self._notices, []
        return notices

    def activation_history(self) -> ActivationHistory | None:
        return self.ring.view()

    def loss_curve(self) -> tuple[np.ndarray, np.ndarray]:
        """The running loss, in at most a few thousand points (read-only)."""
        return self.session.running_loss.arrays()

    def epoch_curve(self) -> tuple[np.ndarray, np.ndarray]:
        """Epoch numbers and the mean loss of each completed epoch: one point per epoch up to
        a few thousand, then each point the mean of a group ending there (read-only arrays,
        new ones only when it grew)."""
        return self.session.epoch_curve.arrays()

    def figure_data(self):
        """The paper figure and the hidden space now (recomputed at most a few times a second
        while running): ``(PaperFigure | None, HiddenSpace | None)``."""
        running = self.state == RunState.RUNNING
        figure = self.figures.paper_figure(self.session, running)
        space = self.figures.hidden_space(self.session.task.name, self.activation_history(),
                                          self.input_symbols, running)
        return figure, space

    # ------------------------------------------------------------------ word clusters
    def begin_clustering(self) -> bool:
        """Say that the words are about to be clustered; False (with a notice) if the task
        has no words. The caller publishes, then calls :meth:`cluster_hidden_states`."""
        if not word_clusters.supports(self.session.task.name):
            self._notify("info", "Clustering the hidden states is for the word tasks "
                                 "(Word boundaries, Lexical classes).")
            return False
        self.figures.clustering = True
        self.message = "Clustering the hidden states: one frozen pass over the corpus…"
        return True

    def cluster_hidden_states(self) -> None:
        """Figs. 7 and 8: freeze the weights, run the training stream once more, average the
        hidden vectors per word and cluster them (a second or two for the sentences)."""
        try:
            clusters = self.figures.cluster(self.session)
        finally:
            self.figures.clustering = False
        self.message = (f"Clustered the hidden states at step {clusters.global_step:,}: "
                        "see the Dendrogram tab.")

    def clusters_due(self) -> bool:
        """A words or sentences run has just finished, or a trained network of one was loaded:
        cluster it once, automatically."""
        return (self.state == RunState.FINISHED or self.state == RunState.PAUSED) \
            and self.figures.clusters_due(self.session)

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
            chunk = self.pacer.steps_in(deadline - now)
            if max_steps is not None:
                chunk = min(chunk, max_steps - done)
            chunk = min(chunk, self._steps_to_finish())
            started = time.perf_counter()
            steps = self._train_steps(chunk)
            self.pacer.measured(time.perf_counter() - started, steps)
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
            # Only the hidden states the activation history keeps: no work per step trained.
            result = session.run_epochs(count, keep=self.ring.size)
        if result.steps == 0:
            return result
        self.total_steps += result.steps
        if not divergence.result_sane(session.network, result):
            self._back_to_last_sane_step()
            self._diverge()
            return dataclasses.replace(result, steps=0, losses=result.losses[:0])
        self.latest = LatestStep.of_run(result, session.sequence.inputs,
                                        session.steps_per_epoch)
        # Only the steps the activation history keeps: no work per step trained.
        kept = min(result.steps, self.ring.size)
        rows = (result.first_step + np.arange(result.steps - kept, result.steps)
                ) % session.steps_per_epoch
        self._record(result, session.global_step - kept, rows)
        return result

    def _record(self, result: RunResult, first_step: int, rows: np.ndarray) -> None:
        """The last ``len(rows)`` steps of ``result`` into the activation history."""
        sequence, kept = self.session.sequence, len(rows)
        self.ring.add(result.hidden[-kept:], result.context[-kept:], result.losses[-kept:],
                      first_step, [sequence.input_symbols[r] for r in rows],
                      result.output[-kept:], _targets(sequence, rows))

    def _traced_step(self) -> StepTrace:
        session = self.session
        row, epoch = session.position, session.epoch
        with np.errstate(over="ignore", invalid="ignore"):  # divergence is checked below
            trace = session.step()
        self.total_steps += 1
        if divergence.trace_sane(session.network, trace):
            self.latest = LatestStep.of_trace(row, trace)
            self.inspected = self._inspected_of(trace, epoch, row)
            self.ring.add(trace.hidden[None], trace.context[None], np.array([trace.loss]),
                          epoch * session.steps_per_epoch + row,
                          [session.sequence.input_symbols[row]], trace.output[None],
                          _targets(session.sequence, [row]))
        else:
            divergence.restore_before(session, session.global_step - 1)
            self._diverge()
        return trace

    # ------------------------------------------------------------------ divergence guard
    def _back_to_last_sane_step(self) -> None:
        self.latest = divergence.back_to_last_sane_step(self.session) or self.latest

    def _diverge(self) -> None:
        self._halt()
        self.state = RunState.DIVERGED
        self.message = (divergence.message(self.session) + "; shown is the last step before. "
                        "Lower the learning rate, then press Reset (R).")
        self._notify("warning", self.message)

    # ------------------------------------------------------------------ bookkeeping
    def _notify(self, level: str, text: str) -> None:
        self._notices.append(Notice(level, text))

    def _notify_if(self, text: str) -> None:
        if text:
            self._notify("info", text)

    def _refused_when_diverged(self) -> bool:
        if self.state == RunState.DIVERGED:
            self._notify("warning", DIVERGED_HINT)
            return True
        return False

    def _halt(self) -> None:
        self._stop_at = None
        self._condition = None
        self.pacer.stopped()

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

    def _steps_allowed(self, due: int | None) -> int | None:
        if self._stop_at is None:
            return due
        left = max(self._stop_at - self.session.global_step, 0)
        return left if due is None else min(due, left)

    def _steps_to_finish(self) -> int:
        session = self.session
        return session.settings.epochs * session.steps_per_epoch - session.global_step
