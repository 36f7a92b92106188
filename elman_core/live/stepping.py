"""The debugger's half of the training driver: single steps and their phases, whole epochs,
stepping back and peeking at a past step.

:class:`StepThrough` is mixed into :class:`~elman_core.live.driver.TrainingDriver` and works on its
state: ``session``, ``state``, ``latest``, ``inspected``, ``phase``, ``ring`` and the driver's
training and bookkeeping methods (``_traced_step``, ``_train_steps``, ``_can_step``…).
"""

from __future__ import annotations

import dataclasses

import numpy as np

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

    def set_phase_mode(self, on: bool) -> None:
        """Step then shows one phase of a timestep at a time (forward, error, backward, copy)."""
        self.phase_mode = bool(on)
        if not on:
            self.phase = None

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
            if self._refused_when_finished():
                break
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
        if not self._can_step() or self._refused_when_finished():
            return
        self.phase = None
        session = self.session
        target = session.epoch + 1
        while session.epoch < target and self.state != RunState.DIVERGED:
            if not self._train_steps(session.steps_per_epoch - session.position):
                break
        if self.comparison is not None:
            self.comparison.keep_level_with(session.global_step)
        self._after_manual_step()

    def _refused_when_finished(self) -> bool:
        """Never past the last epoch ("Epoch 601 / 600"): a finished run trains no further
        step until Epochs is raised or the run is reset; says so."""
        session = self.session
        if not session.finished:
            return False
        self.state = RunState.FINISHED
        self._notify("info", f"Training is finished ({session.settings.epochs:,} epochs). "
                             "Reset (R) to start again, or raise Epochs.")
        return True

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
        self.refill_history()
        self.latest, self.inspected, trace = None, None, None
        place = describe_step(session.global_step, session.steps_per_epoch)
        moved = f"{done} step{'s' if done != 1 else ''}"
        if session.steps_back_available() >= 1:
            inspected = self.peek(session.global_step - 1)
            trace = inspected.trace
            self.inspected = dataclasses.replace(
                inspected, note=f"stepped back {moved} to {place}: the step that led here")
            self.latest = LatestStep.of_trace(inspected.position, trace)
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

    def refill_history(self) -> None:
        """Give the activation history back the steps just before here that it no longer holds
        (after a step back, or a run-to that stopped in a short piece): recomputed from the
        checkpoints with the kernel that took them, then everything is put back exactly."""
        session, ring = self.session, self.ring
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
                    self._record(result, first, rows)
        finally:
            session.restore(state)
            session.history.put_back(saved)
            session.epoch_losses[:] = epoch_losses

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

    def _inspected_of(self, trace: StepTrace, epoch: int, row: int) -> InspectedStep:
        session = self.session
        sequence = session.sequence
        return InspectedStep(
            trace, epoch, row, epoch * session.steps_per_epoch + row,
            sequence.input_symbols[row],
            sequence.target_symbols[row] if sequence.mask[row] else "",
            session.task.decode(trace.output))
