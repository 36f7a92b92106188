"""The records of training that cross threads: every number of one timestep (StepTrace), the
state of a run, the phases of a step, an inspected step and the recent activations."""

from __future__ import annotations

from dataclasses import dataclass, fields
from enum import IntEnum, StrEnum

import numpy as np

PARAMETER_NAMES = ("W_ih", "W_hh", "W_ho", "b_h", "b_o")  # the network's weights and biases


def frozen(array) -> np.ndarray:
    """A read-only float64 copy: safe to hand to another thread.

    Copied through ``bytes``, which holds the GIL while it copies. NumPy's own copy lets the GIL
    go for an array of over 500 numbers, and the trainer thread must then wait until the GUI
    thread hands it back, once per array of every snapshot; this copy is as fast."""
    source = np.asarray(array, dtype=np.float64)
    return np.frombuffer(source.tobytes(), dtype=np.float64).reshape(source.shape)


@dataclass(frozen=True)
class StepTrace:
    """One timestep, frozen. Arrays are private read-only copies, so a trace never changes.

    ``target``/``error`` are None and ``loss`` is NaN on a step without a target (masked).
    The parameter changes are what was *added* to each array this step (zeros when no update
    happened, e.g. in the middle of a BPTT window).
    """

    input: np.ndarray
    # The context the step used: hidden(t−1) (Elman) or μ·context(t−1) + output(t−1) (Jordan),
    # or the reset value.
    context: np.ndarray
    hidden_net: np.ndarray
    hidden: np.ndarray
    output_net: np.ndarray
    output: np.ndarray
    target: np.ndarray | None
    error: np.ndarray | None  # output − target
    loss: float
    delta_output: np.ndarray
    delta_hidden: np.ndarray
    dW_ih: np.ndarray
    dW_hh: np.ndarray
    dW_ho: np.ndarray
    db_h: np.ndarray
    db_o: np.ndarray
    updated: bool  # whether weights changed at this step
    context_was_reset: bool = False
    next_context: np.ndarray | None = None  # the context the step leaves for the next one

    def __post_init__(self) -> None:
        for f in fields(self):
            value = getattr(self, f.name)
            if isinstance(value, np.ndarray):
                frozen = np.array(value, dtype=np.float64, copy=True)
                frozen.setflags(write=False)
                object.__setattr__(self, f.name, frozen)


class RunState(StrEnum):
    """Where a training run is; equal to its plain string ("paused", …) for the views."""

    PAUSED = "paused"
    RUNNING = "running"
    FINISHED = "finished"
    DIVERGED = "diverged"


class Phase(IntEnum):
    """The part of a timestep shown when stepping phase by phase (the debugger's Phase mode)."""

    FORWARD = 1  # input and context → hidden → output, weights as before the step
    ERROR = 2  # output − target, still the old weights
    BACKWARD = 3  # deltas and the weight update
    COPY = 4  # hidden copied into the context


PHASE_WORDS = {Phase.FORWARD: "forward", Phase.ERROR: "error",
               Phase.BACKWARD: "backward + update", Phase.COPY: "copy hidden → context"}


def phase_name(phase: int, copy_words: str | None = None) -> str:
    """"2/4 error": a phase as the status bar, the diagram and the inspector name it.

    ``copy_words`` names the copy phase for the network's architecture (a snapshot's
    ``copy_words``, e.g. "copy output → context"); by default Elman's."""
    words = PHASE_WORDS[Phase(phase)]
    if Phase(phase) == Phase.COPY and copy_words:
        words = copy_words
    return f"{int(phase)}/4 {words}"


def next_phase(phase: int | None) -> Phase:
    """The phase the next Step shows in phase mode (after the copy, a new timestep begins)."""
    return Phase.FORWARD if phase in (None, Phase.COPY) else Phase(int(phase) + 1)


@dataclass(frozen=True)
class InspectedStep:
    """One timestep's trace and where it was taken (the inspector names exactly this step)."""

    trace: StepTrace
    epoch: int  # completed epochs before the step
    position: int  # its row in the epoch
    global_step: int  # epoch * steps_per_epoch + position
    input_symbol: str
    target_symbol: str
    predicted_symbol: str
    note: str = ""  # e.g. "stepped back to …", "past step (training unchanged)"

    def place(self) -> str:
        """"epoch e, step s", numbered as everywhere (:func:`step_place`): this step is done."""
        return f"epoch {self.epoch + 1:,}, step {self.position + 1:,}"


@dataclass(frozen=True)
class ActivationHistory:
    """The last timesteps, oldest first; read-only arrays."""

    hidden: np.ndarray  # (n, H)
    context: np.ndarray  # (n, C): C = H (Elman) or O (Jordan)
    loss: np.ndarray  # (n,) NaN where no target
    steps: np.ndarray  # (n,) global step of each
    symbols: tuple[str, ...]  # input symbol of each
    # What the sequence tape shows (empty when not recorded): the symbol each step had to
    # predict ("" without a target) and the one the network predicted.
    targets: tuple[str, ...] = ()
    predicted: tuple[str, ...] = ()
    outputs: np.ndarray | None = None  # (n, O) outputs (the ring keeps them; views get None)

    def __len__(self) -> int:
        return len(self.steps)


@dataclass(frozen=True)
class LatestStep:
    """What the views show as "the step just taken" (a traced step or a kernel call's last)."""

    row: int  # its row in the epoch
    input: np.ndarray
    context: np.ndarray
    hidden: np.ndarray
    output: np.ndarray
    trace: StepTrace | None

    @classmethod
    def of_trace(cls, row: int, trace: StepTrace) -> LatestStep:
        return cls(row, trace.input, trace.context, trace.hidden, trace.output, trace)

    @classmethod
    def of_run(cls, result, inputs: np.ndarray, steps_per_epoch: int) -> LatestStep:
        """The last step of a kernel call (a session's RunResult) on rows ``inputs``."""
        row = (result.first_step + result.steps - 1) % steps_per_epoch
        return cls(row, inputs[row], result.last_context, result.hidden[-1], result.output[-1],
                   result.trace)


def step_place(steps_done: int, steps_per_epoch: int) -> tuple[int, int]:
    """The one numbering every view uses: (epoch, step) of the step *just done*, both from 1.

    After 3 steps of epoch 1 that is (1, 3); the last step of epoch 450 is (450, n); before any
    step it is (0, 0). ``steps_done`` counts the steps trained since the run's start.
    """
    steps_done, n = int(steps_done), max(int(steps_per_epoch), 1)
    if steps_done <= 0:
        return 0, 0
    return (steps_done - 1) // n + 1, (steps_done - 1) % n + 1


def describe_step(steps_done: int, steps_per_epoch: int) -> str:
    """"epoch e, step s" of the step just done (see :func:`step_place`)."""
    epoch, step = step_place(steps_done, steps_per_epoch)
    return f"epoch {epoch:,}, step {step:,}"
