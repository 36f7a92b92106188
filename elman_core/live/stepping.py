"""The driver's step-through: single steps and their phases, whole epochs, stepping back and
peeking at a past step.

:class:`StepThrough` is held by :class:`~elman_core.live.driver.TrainingDriver`; it works on the
shared :class:`~elman_core.live.live_run.LiveRun` and trains through the driver's
:class:`~elman_core.live.run_control.RunControl` (traced steps, kernel calls, the divergence
guard, the activation history).
"""

from __future__ import annotations

import dataclasses

import numpy as np

from elman_core.live.live_run import LiveRun
from elman_core.live.run_control import RunControl
from elman_core.model.trace import (
    PARAMETER_NAMES,
    InspectedStep,
    LatestStep,
    Phase,
    RunState,
    StepTrace,
    describe_step,
)


class StepThrough:
    """Step-through commands of the driver (see the module docstring)."""

    def __init__(self, live: LiveRun, control: RunControl) -> None:
        self.live = live
        self.control = control

    def set_phase_mode(self, on: bool) -> None:
        """Step then shows one phase of a timestep at a time (forward, error, backward, copy)."""
        self.live.phase_mode = bool(on)
        if not on:
            self.live.phase = None

    def step(self, count: int = 1) -> StepTrace | None:
        """``count`` traced timesteps (or phases of one, in phase mode); pauses a run first.

        Returns the trace the views should show (the last step's)."""
        live, control = self.live, self.control
        trace = None
        for _ in range(max(int(count), 0)):
            if not control.can_step():
                break
            latest = live.latest.trace if live.latest is not None else None
            if live.phase_mode and live.phase in (Phase.FORWARD, Phase.ERROR, Phase.BACKWARD):
                live.phase = Phase(live.phase + 1)  # the step is done: only the picture moves on
                trace = latest
                continue
            if self._refused_when_finished():
                break
            live.phase = None
            network = live.session.network
            before = {name: getattr(network, name).copy() for name in PARAMETER_NAMES}
            trace = control.traced_step()
            if live.phase_mode and live.state != RunState.DIVERGED:
                live.phase, live.weights_before = Phase.FORWARD, before
            control.after_manual_step()
        return trace

    def step_epoch(self) -> None:
        """Train to the end of the current epoch (pauses a running session first)."""
        live, control = self.live, self.control
        if not control.can_step() or self._refused_when_finished():
            return
        live.phase = None
        session = live.session
        target = session.epoch + 1
        while session.epoch < target and live.state != RunState.DIVERGED:
            if not control.train_steps(session.steps_per_epoch - session.position):
                break
        control.after_manual_step()

    def _refused_when_finished(self) -> bool:
        """Never past the last epoch ("Epoch 601 / 600"): a finished run trains no further
        step until Epochs is raised or the run is reset; says so."""
        live = self.live
        session = live.session
        if not session.finished:
            return False
        live.state = RunState.FINISHED
        live.notify("info", f"Training is finished ({session.settings.epochs:,} epochs). "
                            "Reset (R) to start again, or raise Epochs.")
        return True

    def step_back(self, steps: int) -> StepTrace | None:
        """Go back ``steps`` timesteps (pauses); the inspector shows the step that led here."""
        live = self.live
        session = live.session
        self.control.halt()
        live.phase = None
        with np.errstate(all="ignore"):
            done = session.step_back(steps)
        live.state = RunState.FINISHED if session.finished else RunState.PAUSED
        if done == 0:
            live.notify("warning", "Cannot step back: no earlier steps are remembered "
                                   "(raise the memory cap in the Memory menu).")
            return None
        live.ring.trim(session.global_step)
        self.control.refill_history()
        live.latest, live.inspected, trace = None, None, None
        place = describe_step(session.global_step, session.steps_per_epoch)
        moved = f"{done} step{'s' if done != 1 else ''}"
        if session.steps_back_available() >= 1:
            inspected = self.peek(session.global_step - 1)
            trace = inspected.trace
            live.inspected = dataclasses.replace(
                inspected, note=f"stepped back {moved} to {place}: the step that led here")
            live.latest = LatestStep.of_trace(inspected.position, trace)
        live.message = f"Stepped back {moved} to {place}."
        return trace

    def inspect_step(self, global_step: int) -> bool:
        """Show the trace of a past step; training state is left bit-for-bit."""
        live = self.live
        session = live.session
        earliest = session.global_step - session.steps_back_available()
        if not earliest <= int(global_step) < session.global_step:
            live.notify("warning", f"Step {global_step:,} is no longer remembered: only "
                                   f"steps {earliest:,}–{session.global_step - 1:,} can be "
                                   "inspected.")
            return False
        live.inspected = dataclasses.replace(
            self.peek(int(global_step)), note="a past step, recomputed; training is unchanged")
        return True

    def peek(self, global_step: int) -> InspectedStep:
        """Recompute the trace of a past step, then put everything back exactly as it was."""
        session = self.live.session
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
        return self.live.inspected_of(trace, epoch, row)
