"""What the training driver's parts share: the session and what the student sees of it.

:class:`~elman_core.live.driver.TrainingDriver` holds its parts — run control
(:mod:`elman_core.live.run_control`), step-through (:mod:`elman_core.live.stepping`) and files
(:mod:`elman_core.live.network_files`) — and hands each the same :class:`LiveRun`. Everything they
read or change in common is a field here, written down once, instead of attributes that each part
finds on a shared ``self``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, NamedTuple

import numpy as np

from elman_core.model.trace import InspectedStep, LatestStep, Phase, RunState, StepTrace
from elman_core.training.recording import ActivationRing
from elman_core.training.session import TrainingSession

if TYPE_CHECKING:  # the partner is built on a LiveRun of its own
    from elman_core.live.partner import Partner

DIVERGED_HINT = "The run diverged. Lower the learning rate, then press Reset (R)."


class Notice(NamedTuple):
    level: str  # "info" / "warning" / "error"
    text: str


@dataclass
class LiveRun:
    """The session being trained and the state of the run around it (one per driver).

    ``install`` starts a new session; the fields after ``phase_mode`` belong to the session
    and are cleared by it, those before outlive it (the student's phase mode, the message).
    """

    session: TrainingSession
    ring: ActivationRing = field(default_factory=ActivationRing)  # the recent activations
    state: RunState = RunState.PAUSED
    message: str = ""  # what just happened, for the status bar
    notices: list[Notice] = field(default_factory=list)  # for the notice bar, taken by the GUI
    partner: Partner | None = None  # network B of the side-by-side mode, kept level with this
    phase_mode: bool = False  # Step shows one phase of a timestep at a time
    latest: LatestStep | None = None  # the latest step trained (None: none yet)
    inspected: InspectedStep | None = None  # the step the inspector shows
    phase: Phase | None = None  # the phase shown (phase mode), None: whole steps
    weights_before: dict[str, np.ndarray] | None = None  # the weights shown in phases 1–2

    def install(self, session: TrainingSession) -> None:
        """A new session, paused at its start, with nothing of the old one shown."""
        self.session = session
        self.state = RunState.PAUSED
        self.latest = None
        self.inspected = None
        self.phase = None
        self.weights_before = None
        self.ring.clear()
        self.ring.decode = session.task.decode_many

    def notify(self, level: str, text: str) -> None:
        self.notices.append(Notice(level, text))

    def refused_when_diverged(self) -> bool:
        """True (with a notice) when the run has diverged: nothing may train it any more."""
        if self.state == RunState.DIVERGED:
            self.notify("warning", DIVERGED_HINT)
            return True
        return False

    def inspected_of(self, trace: StepTrace, epoch: int, row: int) -> InspectedStep:
        """What the inspector shows of ``trace``, the step at ``row`` of ``epoch``."""
        session = self.session
        sequence = session.sequence
        return InspectedStep(
            trace, epoch, row, epoch * session.steps_per_epoch + row,
            sequence.input_symbols[row],
            sequence.target_symbols[row] if sequence.mask[row] else "",
            session.task.decode(trace.output))
