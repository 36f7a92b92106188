"""Step back in time: checkpoints of a training session, kept within a memory budget.

A checkpoint is taken before every traced step and before every compiled chunk. To go back to a
step inside a chunk, the session restores the chunk's checkpoint and replays the chunk's first
steps with the same compiled kernel — the same arithmetic in the same order, so the state is
bit-for-bit the one it had.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass

import numpy as np

DEFAULT_MEMORY_LIMIT = 64 * 2**20  # bytes; adjustable in the app
DEFAULT_MAX_STEPS = 1000


@dataclass(frozen=True)
class SessionState:
    """Everything needed to put a TrainingSession back to one moment.

    Network arrays are copies. The per-epoch loss arrays are *references*: entries before
    ``position`` never change after the checkpoint, and later ones are NaN again on restore.
    """

    global_step: int
    epoch: int
    position: int
    network_arrays: dict[str, np.ndarray]
    velocity: dict[str, np.ndarray]
    bptt_pending: tuple
    steps_trained: int
    epoch_curve: tuple  # HalvingSeries.state() of the session's epoch curve
    step_losses: np.ndarray
    unit_errors: np.ndarray
    previous_step_losses: np.ndarray | None
    previous_unit_errors: np.ndarray | None
    running_loss: tuple  # BinnedLoss.state(): (points' state, bins closed, open bin: size, losses)

    @property
    def nbytes(self) -> int:
        arrays = [*self.network_arrays.values(), *self.velocity.values(), self.running_loss[-1]]
        return sum(a.nbytes for a in arrays) + 512


class History:
    """The checkpoints of the last ``max_steps`` timesteps, never more than ``memory_limit``."""

    def __init__(self, memory_limit: int = DEFAULT_MEMORY_LIMIT,
                 max_steps: int = DEFAULT_MAX_STEPS) -> None:
        self.memory_limit = int(memory_limit)
        self.max_steps = int(max_steps)
        self._states: deque[SessionState] = deque()
        self._bytes = 0

    def __len__(self) -> int:
        return len(self._states)

    @property
    def nbytes(self) -> int:
        return self._bytes

    def clear(self) -> None:
        self._states.clear()
        self._bytes = 0

    def push(self, state: SessionState) -> None:
        # A newer timeline replaces anything recorded at or after this step (after a step back).
        while self._states and self._states[-1].global_step >= state.global_step:
            self._bytes -= self._states.pop().nbytes
        self._states.append(state)
        self._bytes += state.nbytes
        self._evict(state.global_step)

    def set_memory_limit(self, limit: int, now: int) -> None:
        """A new memory cap (bytes); checkpoints over it are dropped, oldest first."""
        self.memory_limit = int(limit)
        self._evict(now)

    def _evict(self, now: int) -> None:
        """Drop the checkpoints no longer needed: the step taken after the one at ``now``
        ends at ``now + 1`` or later, and going ``max_steps`` back from there needs no
        checkpoint older than ``now + 1 - max_steps`` — so single steps keep exactly
        ``max_steps`` of them."""
        states = self._states
        while len(states) > 1 and (
            self._bytes > self.memory_limit or states[1].global_step <= now + 1 - self.max_steps
        ):
            self._bytes -= states.popleft().nbytes

    def saved(self) -> tuple:
        """The checkpoints as they are now, for :meth:`put_back` (a peek into the past)."""
        return deque(self._states), self._bytes

    def put_back(self, saved: tuple) -> None:
        self._states, self._bytes = deque(saved[0]), saved[1]

    def oldest_step(self) -> int | None:
        return self._states[0].global_step if self._states else None

    def latest_at_or_before(self, global_step: int) -> SessionState | None:
        for state in reversed(self._states):
            if state.global_step <= global_step:
                return state
        return None

    def capacity_steps(self, state_bytes: int) -> int:
        """How many single steps back fit in the budget for checkpoints of this size."""
        return max(1, min(self.max_steps, self.memory_limit // max(state_bytes, 1)))
