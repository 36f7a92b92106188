"""Network B of the side-by-side mode, kept level with the driver's network step for step.

:class:`Partner` is the second network of :mod:`elman_core.training.pair`, live: the driver's
session is network A, and after A trains (a traced step, a kernel call of a playing run or a
run-to) :meth:`Partner.follow` trains B on the same rows up to the same step — a traced step
when A took one, the kernel otherwise — and after A steps back B steps back too. B has the
run machinery A has (its own :class:`~elman_core.live.live_run.LiveRun`, run control, activation
history, divergence guard, figures), so :meth:`Partner.snapshot` is a full
:class:`~elman_core.live.snapshot.Snapshot` of B, drawn by the same views.

B's training happens in the trainer thread inside A's time slices, so the pacing measures
both: at full speed the pair trains as fast as the two kernels allow, and the window's frame
rate stays that of one network.
"""

from __future__ import annotations

import dataclasses
from typing import Any

import numpy as np

from elman_core.live.live_figures import LiveFigures
from elman_core.live.live_run import LiveRun, Notice
from elman_core.live.run_control import RunControl
from elman_core.live.snapshot import Snapshot, build_snapshot
from elman_core.live.stepping import StepThrough
from elman_core.model.trace import ActivationHistory, RunState
from elman_core.tasks.base import TaskError
from elman_core.training.loss_curves import RECENT_EPOCH_LOSSES
from elman_core.training.pair import PairError, describe, partner_session
from elman_core.training.session import TrainingSession


class Partner:
    """Network B for the driver's fresh session ``a`` (see the module docstring).

    :class:`~elman_core.training.pair.PairError` if ``changes`` cannot be compared.
    """

    phase = None  # B is shown whole steps (the phases are A's, in the inspector)
    weights_before = None
    inspected = None
    phase_mode = False

    def __init__(self, a: TrainingSession, changes: dict[str, Any], ring_size: int,
                 label: str = "") -> None:
        session = partner_session(a, changes)
        session.keep_epoch_losses = RECENT_EPOCH_LOSSES
        session.history.memory_limit = a.history.memory_limit
        self.changes = dict(changes)
        self.label = label or describe(self.changes)  # "n_hidden=20", or a name
        self.live = LiveRun(session)
        self.live.install(session)
        self.live.ring.size = ring_size
        self.control = RunControl(self.live)
        self.stepping = StepThrough(self.live, self.control)
        self.figures = LiveFigures()
        self.lesioned: set[int] = set()
        self.stage_marks: tuple[tuple[float, str], ...] = ()
        self.input_symbols = tuple(dict.fromkeys(session.sequence.input_symbols))
        self.task_description = session.task.describe(session.sequence)
        self.running = False  # A is playing (B's own state says paused, finished, diverged)

    # ---------------------------------------------------------------- what build_snapshot reads
    @property
    def session(self) -> TrainingSession:
        return self.live.session

    @property
    def latest(self):
        return self.live.latest

    @property
    def state(self) -> RunState:
        state = self.live.state
        if state == RunState.PAUSED and self.running and not self.session.finished:
            return RunState.RUNNING
        return state

    @property
    def message(self) -> str:
        return self.live.message

    @property
    def forget_context(self) -> bool:
        return bool(self.session.network.forget_context)

    @property
    def steps_per_second(self) -> float:
        return 0.0  # the status bar shows the pair's speed (A's)

    def loss_curve(self) -> tuple[np.ndarray, np.ndarray]:
        return self.session.running_loss.arrays()

    def epoch_curve(self) -> tuple[np.ndarray, np.ndarray]:
        return self.session.epoch_curve.arrays()

    def activation_history(self) -> ActivationHistory | None:
        return self.live.ring.view()

    def figure_data(self):
        running = self.running
        figure = self.figures.paper_figure(self.session, running)
        space = self.figures.hidden_space(self.session.task, self.activation_history(),
                                          self.input_symbols, running)
        return figure, space

    # ---------------------------------------------------------------- keeping level
    def follow(self, step: int, traced: bool = False) -> None:
        """Train B (or take it back) to global step ``step``, at most to its own end; a
        traced step when A took one step traced. A diverged B stays where it was."""
        session, control = self.session, self.control
        target = min(int(step), session.settings.epochs * session.steps_per_epoch)
        if session.global_step > target:
            self.stepping.step_back(session.global_step - target)
            return
        if self.live.state == RunState.DIVERGED:
            return
        if traced and target - session.global_step == 1:
            control.traced_step()
        while session.global_step < target and self.live.state != RunState.DIVERGED:
            if control.train_steps(target - session.global_step) == 0:
                break
        if self.live.state != RunState.DIVERGED:
            self.live.state = RunState.FINISHED if session.finished else RunState.PAUSED

    def steps_back_available(self) -> int:
        return self.session.steps_back_available()

    def take_notices(self) -> list[Notice]:
        """B's notices, said to be B's."""
        notices, self.live.notices = self.live.notices, []
        return [Notice(level, f"Network B: {text}") for level, text in notices
                if not text.startswith("Cannot step back")]

    def snapshot(self, generation: int, traced: bool = False) -> Snapshot:
        """B's picture; ``traced``: with B's trace of the step just taken (when A's has)."""
        latest = self.live.latest
        trace = latest.trace if traced and latest is not None else None
        return build_snapshot(self, generation, trace)

    def beside(self, snapshot: Snapshot, a: LiveRun) -> Snapshot:
        """A's ``snapshot`` with B's beside it, B brought level with A's run ``a`` first (and
        B's notices handed to A's, for the student)."""
        self.running = a.state == RunState.RUNNING
        self.follow(a.session.global_step)
        a.notices += self.take_notices()
        partner = self.snapshot(snapshot.generation, traced=snapshot.trace is not None)
        return dataclasses.replace(snapshot, partner=partner, partner_label=self.label)


class SideBySide:
    """The side-by-side mode of a driver: the difference chosen (None: one network), which
    every new network of the run (reset, new settings, new task) gets a network B for."""

    def __init__(self) -> None:
        self.changes: dict[str, Any] | None = None
        self.label = ""  # what B is called ("the 4-unit default"; "": its changes)

    def start(self, session: TrainingSession, changes: dict[str, Any], ring_size: int,
              live: LiveRun, label: str = "") -> Partner | None:
        """Network B for the fresh ``session``, and the mode on; None (with a notice on
        ``live``) if ``changes`` cannot be compared, and nothing changes."""
        try:
            partner = Partner(session, changes, ring_size, label)
        except (PairError, TaskError, ValueError) as error:
            live.notify("error", f"Cannot compare: {error}")
            return None
        self.changes, self.label = dict(changes), label
        return partner

    def partner_for(self, session: TrainingSession, ring_size: int,
                    live: LiveRun) -> Partner | None:
        """Network B for a new ``session`` while the mode is on (None outside it). A session it
        cannot go with (a loaded network, a task the difference does not fit) ends the mode,
        said on ``live``."""
        if self.changes is None:
            return None
        why = "a loaded network is compared from its start only" if session.global_step else ""
        if not why:
            try:
                return Partner(session, self.changes, ring_size, self.label)
            except (PairError, TaskError, ValueError) as error:
                why = str(error)
        self.changes = None
        live.notify("info", f"Back to one network: {why}.")
        return None
