"""What every learning rule is: how a step and a kernel call change the weights, and the state a
rule keeps between steps (BPTT's open window).

A network holds one rule object (:attr:`ElmanNetwork.learning_rule`), made from its settings
(``rule``, ``bptt_window``) by :func:`elman_core.model.rules.make`. The network computes the
forward pass and the output and hidden deltas; the rule decides what to do with them. Nothing
outside this package asks which rule it is: it asks the rule.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np

if TYPE_CHECKING:  # the network holds its rule: only its type here, no import loop
    from elman_core.model.network import ElmanNetwork

# One step the rule keeps for a later update: (input, context, hidden, output delta).
PendingStep = tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]
Changes = dict[str, np.ndarray]  # parameter name -> the change applied to it


class LearningRule(ABC):
    """A learning rule of one network: its step update, its kernel and its pending state."""

    name: ClassVar[str]  # as in the settings and in network files ("online", "bptt")
    title: ClassVar[str]  # as the parameter panel lists it
    has_window: ClassVar[bool] = False  # the BPTT window setting applies to it
    # Its kernel may train many whole epochs in one call (TrainingSession.run_epochs): a
    # rule whose updates wait for the end of a window cannot, since a window ends with the data.
    epochs_in_one_call: ClassVar[bool] = False

    def __init__(self, window: int | None = None) -> None:
        self.window = window
        # The steps waiting for an update (BPTT's open window); always empty for a rule that
        # updates after every step. Saved with the network and restored on stepping back.
        self.pending: list[PendingStep] = []

    # ------------------------------------------------------------------ the step path
    def before_reset(self, network: ElmanNetwork) -> None:  # noqa: B027 (most rules: nothing)
        """A new segment starts (the context is reset): nothing may leak into it."""

    @abstractmethod
    def step_update(self, network: ElmanNetwork, x: np.ndarray, context: np.ndarray,
                    hidden: np.ndarray, delta_output: np.ndarray, delta_hidden: np.ndarray,
                    has_target: bool, flush: bool) -> Changes | None:
        """After one traced step: update the weights (returning the changes) or wait (None).

        ``delta_hidden`` is the hidden delta of this step alone (the error not propagated
        through the context); ``flush``: the segment ends after this step."""

    def window_ends(self, resets: np.ndarray) -> np.ndarray:
        """flush[t]: a window ends after row t of a stream with these context resets (the
        window is full, the next row resets, or the stream ends); what :meth:`train` and
        :meth:`step_update` take as ``flush``, so that windows follow the data, not the calls.
        A rule without a window ignores it."""
        n = len(resets)
        ends = np.zeros(n, dtype=np.bool_)
        if n == 0:
            return ends
        ends[-1] = True
        ends[:-1] |= np.asarray(resets[1:], dtype=np.bool_)
        if self.window is not None:
            count = 0
            for t in range(n):
                if resets[t]:
                    count = 0
                count += 1
                if count >= self.window:
                    ends[t] = True
                    count = 0
        return ends

    # ------------------------------------------------------------------ the kernel path
    @staticmethod
    @abstractmethod
    def kernel() -> Any:
        """The compiled kernel, a numba dispatcher (imported on first use: numba is slow to
        import)."""

    @abstractmethod
    def train(self, network: ElmanNetwork, arguments: tuple, flush: np.ndarray,
              losses: np.ndarray, hidden_record: np.ndarray, output_record: np.ndarray,
              context_record: np.ndarray) -> None:
        """Train on the rows in ``arguments`` (the network's parameters, momentum buffers,
        context, the sequence and the settings, as every kernel takes them) with the kernel;
        exactly what :meth:`step_update` after each row would do."""

    # ------------------------------------------------------------------ pending state
    def capture(self) -> tuple[PendingStep, ...]:
        """The pending steps now (for stepping back); the arrays are never written again."""
        return tuple(self.pending)

    def restore(self, pending) -> None:
        """Put back pending steps taken by :meth:`capture` or read from a network file."""
        self.pending = list(pending)

    def copy(self) -> LearningRule:
        twin = type(self)(self.window)
        twin.pending = list(self.pending)
        return twin
