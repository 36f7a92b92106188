"""Everything the app asks of training, as plain Qt-free code (Orange3's optimiser pattern).

:class:`TrainingDriver` owns a :class:`~elman_core.training.session.TrainingSession` and turns the
student's commands into training. It is composed of parts that share one
:class:`~elman_core.live.live_run.LiveRun` (the session and the run's state, written down in one
place):

- run control (:mod:`elman_core.live.run_control`): play a time slice (the GIL-free kernel at
  full speed, one traced step per tick in slow motion), run to a condition, the divergence guard;
- step-through (:mod:`elman_core.live.stepping`): single steps and their phases, whole epochs,
  step back, peek at a past step;
- files (:mod:`elman_core.live.network_files`): save and load.

The driver itself swaps sessions (task, settings, reset), runs the experiments (lesions, no
memory, side by side) and the figures, and builds the :class:`~elman_core.live.snapshot.Snapshot`
the views draw (:meth:`TrainingDriver.snapshot`). The GUI's worker thread only adds a timer and
signals. :class:`~elman_core.live.pending.PendingCommands` merges step commands that pile up in
the worker's queue and lets a stop request overtake everything queued.
"""

from __future__ import annotations

from typing import Generic, NamedTuple, TypeVar, overload

import numpy as np

from elman_core import tasks
from elman_core.analysis import word_clusters
from elman_core.analysis.figure_records import HiddenSpace, PaperFigure
from elman_core.live import experiments
from elman_core.live.live_figures import LiveFigures
from elman_core.live.live_run import DIVERGED_HINT, LiveRun, Notice
from elman_core.live.network_files import FileOutcome, NetworkFiles
from elman_core.live.partner import Partner, SideBySide
from elman_core.live.pending import PendingCommands
from elman_core.live.run_control import RunControl, TickResult
from elman_core.live.snapshot import Snapshot, build_snapshot, diverged_copy
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
from elman_core.training import divergence, frozen_pass
from elman_core.training.divergence import DIVERGENCE_LIMIT
from elman_core.training.loss_curves import RECENT_EPOCH_LOSSES
from elman_core.training.recording import ActivationRing
from elman_core.training.session import TrainingSession
from elman_core.training.warm_up import kernels_cached, warm_up_kernels

__all__ = ["DIVERGED_HINT", "DIVERGENCE_LIMIT", "ActivationRing", "FileOutcome", "Notice",
           "PendingCommands", "TickResult", "TrainingDriver", "kernels_cached",
           "warm_up_kernels"]

T = TypeVar("T")


class _Shared(Generic[T]):
    """A driver attribute that is a field of its :class:`LiveRun` (read and written there), so
    callers keep writing ``driver.state`` while the parts share one object."""

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    @overload
    def __get__(self, driver: None, owner: type) -> _Shared[T]: ...
    @overload
    def __get__(self, driver: TrainingDriver, owner: type) -> T: ...
    def __get__(self, driver, owner=None):
        return self if driver is None else getattr(driver.live, self.name)

    def __set__(self, driver: TrainingDriver, value: T) -> None:
        setattr(driver.live, self.name, value)


class SettingsOutcome(NamedTuple):
    settings: RunSettings  # in force afterwards
    rebuilt: bool  # a new network (a new run)
    error: str | None  # why nothing changed, or None


MAX_MARKED_EPOCHS = 20  # a staged curriculum repeated more often is marked this many times


class TrainingDriver:
    """The training a student commands, on one session at a time; returns plain data.

    After every command the caller reads :attr:`state`, :attr:`message`, :meth:`take_notices`
    and, while :attr:`state` is RUNNING, calls :meth:`tick` every :meth:`tick_interval_ms`.
    """

    session: _Shared[TrainingSession] = _Shared()
    state: _Shared[RunState] = _Shared()
    message: _Shared[str] = _Shared()
    latest: _Shared[LatestStep | None] = _Shared()
    inspected: _Shared[InspectedStep | None] = _Shared()
    phase: _Shared[Phase | None] = _Shared()
    phase_mode: _Shared[bool] = _Shared()
    weights_before: _Shared[dict[str, np.ndarray] | None] = _Shared()
    partner: _Shared[Partner | None] = _Shared()
    ring: _Shared[ActivationRing] = _Shared()

    def __init__(self, session: TrainingSession, speed: float | None = None) -> None:
        self.live = LiveRun(session)
        self.control = RunControl(self.live, speed)
        self.stepping = StepThrough(self.live, self.control)
        self.files = NetworkFiles(self.live, self.swap_in_loaded)
        self.forget_context = False
        self.lesioned: set[int] = set()
        self.memory_limit: int | None = None  # checkpoint memory cap set by the student
        self.figures = LiveFigures()  # the paper figure, hidden space and word clusters
        self.side_by_side = SideBySide()  # the difference chosen, for every new network
        self._last_sane: Snapshot | None = None  # shown again, marked diverged, if it diverges
        self.install(session)

    # ------------------------------------------------------------------ sessions
    def install(self, session: TrainingSession, partner: Partner | None = None) -> None:
        """A new session (new task, rebuilt or loaded network, reset), paused at its start;
        in the side-by-side mode with a new network B beside it (``partner``, or made here)."""
        network = session.network
        # Experiments belong to a network: the old one's end here; a loaded network brings its own.
        if hasattr(self, "live"):
            text = experiments.ended_notice(self.lesioned, self.forget_context)
            if text:
                self.live.notify("info", text)
        self.forget_context = bool(network.forget_context)
        self.lesioned = {int(u) for u in np.flatnonzero(network.lesioned)}
        if self.memory_limit is not None:
            session.history.memory_limit = self.memory_limit
        # The app's run may go on for hours: its curves are bounded, so the list need not be.
        session.keep_epoch_losses = RECENT_EPOCH_LOSSES
        self.live.install(session)
        self.live.partner = partner or self.side_by_side.partner_for(session, self.ring.size,
                                                                     self.live)
        self.control.new_session()
        self.figures.clear()
        self.stage_marks = stage_marks(session)
        self.input_symbols = tuple(dict.fromkeys(session.sequence.input_symbols))
        self.task_description = session.task.describe(session.sequence)  # About this run

    def swap_in(self, session: TrainingSession, message: str,
                partner: Partner | None = None) -> None:
        """Install ``session`` (and ``partner``) and keep playing if a run was playing."""
        was_running = self.state == RunState.RUNNING
        self.control.halt()
        self.install(session, partner)
        self.message = message
        if was_running:
            self.play()

    def swap_in_loaded(self, session: TrainingSession, message: str) -> None:
        """:meth:`swap_in` of a loaded network: its lesions and context switch become the
        run's (the menus show them), instead of the run's being laid on it."""
        network = session.network
        self.forget_context = bool(network.forget_context)
        self.lesioned = {int(unit) for unit in np.flatnonzero(network.lesioned)}
        self.swap_in(session, message)

    def reset(self) -> None:
        """Back to epoch 0 with the same task and settings: the same seed gives the same run."""
        self.control.halt()
        self.install(TrainingSession(self.session.task, self.session.settings))
        self.message = "Reset: the same weights as the start of the run."

    def set_task(self, name: str, options: dict) -> bool:
        """A new task with its default settings; a bad task leaves everything as it was."""
        try:
            task = tasks.get(name, **dict(options or {}))
            session = TrainingSession(task)
        except (TaskError, ValueError) as error:
            self.live.notify("error", str(error))
            return False
        self.swap_in(session, f"{task.title}: a new network.")
        return True

    # ------------------------------------------------------------------ side by side
    def set_partner(self, changes: dict | None, label: str = "") -> bool:
        """The side-by-side mode: network B, this run changed by ``changes``
        (:mod:`elman_core.training.pair`); both start again from step 0 on the same stream.
        ``label``: what B is called (default: its changes). None: back to one network. A
        difference that cannot be compared changes nothing."""
        if changes is None:
            if self.partner is not None:
                self.side_by_side.changes, self.partner = None, None
                self.message = "Back to one network."
            return True
        fresh = TrainingSession(self.session.task, self.session.settings)
        fresh.history.memory_limit = self.session.history.memory_limit
        partner = self.side_by_side.start(fresh, dict(changes), self.ring.size, self.live,
                                          label)
        if partner is not None:
            self.swap_in(fresh, f"Side by side: A and B ({partner.label}) from step 0, on the "
                                "same stream.", partner)
        return partner is not None

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
            # Short: the status bar of a 1024-pixel window shows about 60 characters.
            return SettingsOutcome(session.settings, False, f"Not applied: {error}")
        if rebuilt is not None:
            self.swap_in(rebuilt, "Settings applied: a new network.")
            return SettingsOutcome(settings, True, None)
        session.settings = settings
        if self.partner is not None:  # B takes A's live changes, except its own difference
            partner = self.partner.session
            partner.settings = partner.settings.replace(**{
                name: getattr(settings, name) for name in settings.changed(partner.settings)
                if name in changes and name not in (self.side_by_side.changes or {})})
        if self.state == RunState.FINISHED and not session.finished:
            self.state = RunState.PAUSED
            self.message = f"Epochs raised to {settings.epochs}: press Play to continue."
        elif self.state in (RunState.PAUSED, RunState.RUNNING) and session.finished:
            self.control.finish()
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
        if self.partner is not None:
            self.partner.live.ring.size = self.ring.size
            self.partner.live.ring.trim(None)

    def set_memory_limit(self, megabytes: float) -> None:
        """The memory cap of the step-back checkpoints."""
        self.memory_limit = max(1, int(float(megabytes) * 2**20))
        self.session.history.set_memory_limit(self.memory_limit, self.session.global_step)

    # ------------------------------------------------------------------ run control
    def play(self) -> None:
        self.control.play()

    def pause(self) -> None:
        self.control.pause()

    def run_steps(self, count: int) -> None:
        """Play until ``count`` more steps are trained, then pause (for screenshots, benchmarks)."""
        self.control.run_steps(count)

    def run_to(self, kind: str, value) -> bool:
        """Run until a condition holds, then pause exactly on that step (see
        :meth:`RunControl.run_to`); False if impossible (nothing changes)."""
        return self.control.run_to(kind, value)

    def set_speed(self, steps_per_second: float | None) -> None:
        """Steps per second, or None for full speed."""
        self.control.set_speed(steps_per_second)

    @property
    def steps_per_second(self) -> float:
        return self.control.pacer.steps_per_second

    @property
    def total_steps(self) -> int:
        """Steps trained over all sessions (benchmarks)."""
        return self.control.total_steps

    def tick_interval_ms(self) -> int:
        """How often :meth:`tick` should run while RUNNING."""
        return self.control.tick_interval_ms()

    def tick(self) -> TickResult:
        """One timer tick of a running session: a time slice of training."""
        return self.control.tick()

    def published(self) -> None:
        """The caller published a snapshot now: measure the rate, time the next one."""
        self.control.published()

    def fail(self, error: BaseException) -> None:
        """An unexpected error in a command: pause with a notice instead of running blind."""
        self.control.fail(error)

    def stop(self) -> None:
        self.control.stop()

    def train_for(self, seconds: float, max_steps: int | None) -> None:
        """Kernel training for about ``seconds`` (and at most ``max_steps``)."""
        self.control.train_for(seconds, max_steps)

    # ------------------------------------------------------------------ step-through
    def set_phase_mode(self, on: bool) -> None:
        """Step then shows one phase of a timestep at a time (forward, error, backward, copy)."""
        self.stepping.set_phase_mode(on)

    def step(self, count: int = 1) -> StepTrace | None:
        """``count`` traced timesteps (or phases of one); returns the trace to show."""
        return self.stepping.step(count)

    def step_epoch(self) -> None:
        """Train to the end of the current epoch (pauses a running session first)."""
        self.stepping.step_epoch()

    def step_back(self, steps: int) -> StepTrace | None:
        """Go back ``steps`` timesteps (pauses); returns the step that led here, if known.
        Side by side, no further than network B can go back too."""
        partner = self.partner
        if partner is not None:
            ahead = partner.session.global_step - self.session.global_step  # B finished first
            steps = min(int(steps), max(partner.steps_back_available() + ahead, 0))
        trace = self.stepping.step_back(steps)
        if partner is not None:
            partner.follow(self.session.global_step)
        return trace

    def inspect_step(self, global_step: int) -> bool:
        """Show the trace of a past step; training state is left bit-for-bit."""
        return self.stepping.inspect_step(global_step)

    def peek(self, global_step: int) -> InspectedStep:
        """Recompute the trace of a past step, then put everything back exactly as it was."""
        return self.stepping.peek(global_step)

    # ------------------------------------------------------------------ files
    def save_network(self, path: str) -> FileOutcome:
        """Write the live network (and which task it learned) to ``path``."""
        return self.files.save_network(path)

    def load_network(self, path: str) -> FileOutcome:
        """Continue from a network read from ``path`` (switching to its task); else nothing.
        A trained network's figures are shown at once (:meth:`_show_loaded_figures`)."""
        outcome = self.files.load_network(path)
        if outcome.ok:
            self._show_loaded_figures()
        return outcome

    def _show_loaded_figures(self) -> None:
        """A trained network's figures at once, from a frozen pass over one epoch: the error
        bars, the paper figure, the hidden space; the word tasks' dendrogram is due too."""
        session = self.session
        done = frozen_pass.measure(session)
        if done is None:
            return
        steps = len(done.losses)
        kept = min(steps, self.ring.size)
        rows = np.arange(steps - kept, steps)
        sequence = session.sequence
        self.ring.add(done.hidden[rows], done.context[rows], done.losses[rows],
                      done.first_step + steps - kept, [sequence.input_symbols[r] for r in rows],
                      done.output[rows],
                      [sequence.target_symbols[r] if sequence.mask[r] else "" for r in rows])
        self.figures.cluster_when_loaded()

    # ------------------------------------------------------------------ plain data for views
    def snapshot(self, generation: int, trace: StepTrace | None = None) -> Snapshot:
        """The immutable picture of the run now, stamped with ``generation``; ``trace``: the
        traced step just taken. Diverged weights are never drawn: the last sane picture is
        shown again, marked diverged."""
        sane = self.weights_sane()
        if self.state == RunState.DIVERGED and self._last_sane is not None and not sane:
            snapshot = diverged_copy(self._last_sane, self, generation)
        else:
            snapshot = build_snapshot(self, generation, trace)
        if self.partner is not None:  # B level with A (after a step back, anything)
            snapshot = self.partner.beside(snapshot, self.live)
        if sane:
            self._last_sane = snapshot
        return snapshot

    def take_notices(self) -> list[Notice]:
        notices, self.live.notices = self.live.notices, []
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

    def figure_data(self) -> tuple[PaperFigure | None, HiddenSpace | None]:
        """The paper figure and the hidden space now (recomputed at most a few times a second
        while running)."""
        running = self.state == RunState.RUNNING
        figure = self.figures.paper_figure(self.session, running)
        space = self.figures.hidden_space(self.session.task, self.activation_history(),
                                          self.input_symbols, running)
        return figure, space

    # ------------------------------------------------------------------ word clusters
    def begin_clustering(self) -> bool:
        """Say that the words are about to be clustered; False (with a notice) if the task
        has no words. The caller publishes, then calls :meth:`cluster_hidden_states`."""
        if not word_clusters.supports(self.session.task):
            self.live.notify("info", "Clustering the hidden states is for the word tasks "
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

    def trace_sentences(self, texts: list[str], pcs: tuple[int, int]) -> None:
        """The hidden-space view's trajectory mode: typed sentences traced on frozen PCs;
        a bad request is a notice and changes nothing."""
        try:
            traced = self.figures.trace(self.session, list(texts), (pcs[0], pcs[1]))
        except ValueError as error:  # TaskError is one: a word outside the lexicon
            self.live.notify("warning", str(error))
            return
        self.message = (f"Traced {len(traced.figure.paths)} sentence(s) on PC {pcs[0]} × "
                        f"PC {pcs[1]} at step {traced.global_step:,}.")

    def clusters_due(self) -> bool:
        """A words or sentences run has just finished, or a trained network of one was loaded:
        cluster it once, automatically."""
        return self.state in (RunState.FINISHED, RunState.PAUSED) \
            and self.figures.clusters_due(self.session)

    def weights_sane(self) -> bool:
        return divergence.weights_sane(self.session.network)


def stage_marks(session: TrainingSession) -> tuple[tuple[float, str], ...]:
    """Where a staged task's stages start, in epochs as the loss plot's x (every epoch's)."""
    stages = getattr(session.task, "stages", None)
    if stages is None:
        return ()
    settings, steps = session.settings, session.steps_per_epoch
    marks = stages(settings.sequence_length, settings.seed)
    epochs = min(settings.epochs, MAX_MARKED_EPOCHS)
    return tuple((epoch + stage.row / steps, stage.label) for epoch in range(epochs)
                 for stage in marks)
