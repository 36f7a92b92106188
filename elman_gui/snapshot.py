"""The immutable picture of training that the trainer thread hands to the views.

The worker builds one after every step, pause, reset and swap, and at most ~30–60 times a second
while running; the main thread keeps only the newest and views repaint from it. Arrays inside are
read-only copies (or views the worker never writes again), so nothing here can race.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from elman_core.trace import StepTrace

# Training states shown in the status bar and used to enable controls.
PAUSED, RUNNING, FINISHED, DIVERGED = "paused", "running", "finished", "diverged"


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


@dataclass(frozen=True)
class ActivationHistory:
    """The last timesteps, oldest first; read-only arrays."""

    hidden: np.ndarray  # (n, H)
    context: np.ndarray  # (n, H)
    loss: np.ndarray  # (n,) NaN where no target
    steps: np.ndarray  # (n,) global step of each
    symbols: tuple[str, ...]  # input symbol of each

    def __len__(self) -> int:
        return len(self.steps)


@dataclass(frozen=True)
class Snapshot:
    generation: int  # bumped by every reset / task swap / rebuild: older snapshots are stale
    task_name: str
    task_title: str
    task_description: str
    input_labels: tuple[str, ...]
    output_labels: tuple[str, ...]
    category_names: tuple[str, ...]
    n_input: int
    n_hidden: int
    n_output: int
    epoch: int  # completed epochs
    epochs_total: int
    position: int  # index of the next step within the epoch
    steps_per_epoch: int
    global_step: int  # steps trained since the last reset
    state: str  # PAUSED / RUNNING / FINISHED / DIVERGED
    steps_per_second: float
    learning_rate: float
    # Parameters after the latest step.
    W_ih: np.ndarray
    W_hh: np.ndarray
    W_ho: np.ndarray
    b_h: np.ndarray
    b_o: np.ndarray
    # The latest step (None before the first step of a run).
    input: np.ndarray | None
    context: np.ndarray  # the context that step used (= hidden at t−1), or the current one
    hidden: np.ndarray | None
    output: np.ndarray | None
    target: np.ndarray | None
    input_symbol: str
    target_symbol: str
    predicted_symbol: str
    trace: StepTrace | None  # the full trace when the latest action was a single step
    # Learning curves and per-position errors.
    epoch_losses: np.ndarray  # mean loss of each completed epoch
    running_loss_x: np.ndarray  # binned per-step loss, x in (fractional) epochs
    running_loss_y: np.ndarray
    position_errors: np.ndarray  # one per category, latest epoch (NaN: no data yet)
    feature_errors: np.ndarray  # one per output unit, latest epoch
    lesioned: tuple[int, ...]
    message: str = ""  # what just happened, for the status bar ("Finished 600 epochs", …)
    # Step-through debugging (all optional: defaults describe "nothing to inspect").
    inspected: InspectedStep | None = None  # the step the inspector shows, with its own place
    phase: int | None = None  # 1 forward, 2 error, 3 backward + update, 4 copy; None: whole steps
    history: ActivationHistory | None = None  # the last N timesteps (hidden, context, loss)
    steps_back: int = 0  # how many steps back the checkpoints reach
    history_bytes: int = 0  # memory the checkpoints use
    history_limit: int = 0  # their memory cap (bytes)
    input_symbols: tuple[str, ...] = ()  # the distinct inputs of the training sequence

    @property
    def fractional_epoch(self) -> float:
        return self.epoch + self.position / max(self.steps_per_epoch, 1)
