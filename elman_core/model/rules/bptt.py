"""Backpropagation through time: the error flows back through the context over a window of steps
(or the whole segment between context resets), and the weights change once per window."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from elman_core.model import activations as act
from elman_core.model.rules.base import Changes, LearningRule
from elman_core.model.trace import PARAMETER_NAMES

if TYPE_CHECKING:
    from elman_core.model.network import ElmanNetwork


class BpttRule(LearningRule):
    """Steps wait in :attr:`pending` until the window is full or the segment ends."""

    name = "bptt"
    title = "BPTT"
    has_window = True

    def before_reset(self, network: ElmanNetwork) -> None:
        if self.pending:
            self.update(network)  # a new segment starts: the old window must not leak into it

    def step_update(self, network: ElmanNetwork, x: np.ndarray, context: np.ndarray,
                    hidden: np.ndarray, delta_output: np.ndarray, delta_hidden: np.ndarray,
                    has_target: bool, flush: bool) -> Changes | None:
        self.pending.append((x, context, hidden, delta_output))
        window_full = self.window is not None and len(self.pending) >= self.window
        return self.update(network) if (window_full or flush) else None

    def update(self, network: ElmanNetwork) -> Changes:
        """Backpropagate through the pending window (weights fixed within it) and update once."""
        window, self.pending = self.pending, []
        gradients = {name: np.zeros_like(getattr(network, name)) for name in PARAMETER_NAMES}
        hidden_kind = act.code(network.hidden_activation, act.HIDDEN_ACTIVATIONS,
                               "hidden activation")
        output_kind = act.code(network.output_activation, act.OUTPUT_ACTIVATIONS,
                               "output activation")
        architecture = network.architecture
        # dE/dcontext(t+1), arriving from later steps; the architecture says where it goes:
        # Elman's into hidden(t), Jordan's into output(t) (and a share μ on to context(t)).
        from_future = np.zeros(network.n_context)
        for x, context, hidden, delta_output in reversed(window):
            # The weights are fixed within the window: this is the output the step had.
            output = act.output_activation(output_kind, network.W_ho @ hidden + network.b_o)
            to_output, to_hidden = architecture.back_through_copy(from_future, output,
                                                                  output_kind)
            if to_output is not None:
                delta_output = delta_output + to_output
            gradients["W_ho"] += np.outer(delta_output, hidden)
            gradients["b_o"] += delta_output
            into_hidden = network.W_ho.T @ delta_output
            if to_hidden is not None:
                into_hidden = into_hidden + to_hidden
            dz = into_hidden * act.hidden_derivative(hidden_kind, hidden)
            dz[network.lesioned] = 0.0
            gradients["W_ih"] += np.outer(dz, x)
            gradients["W_hh"] += np.outer(dz, context)
            gradients["b_h"] += dz
            from_future = network.W_hh.T @ dz + architecture.decay * from_future
            if network.forget_context:
                from_future = np.zeros(network.n_context)  # the context was zeroed, not copied
        return network.apply_gradients(gradients)

    @staticmethod
    def kernel() -> Any:
        from elman_core.model import kernels_bptt

        return kernels_bptt.train_bptt

    def train(self, network: ElmanNetwork, arguments: tuple, flush: np.ndarray,
              losses: np.ndarray, hidden_record: np.ndarray, output_record: np.ndarray,
              context_record: np.ndarray) -> None:
        window = self.window if self.window is not None else 0
        buffers, n_pending = self._buffers(network, len(flush))
        still_open = self.kernel()(*arguments, window, flush, *buffers, n_pending,
                                   losses, hidden_record, output_record, context_record)
        # Row views of fresh buffers: nothing writes them again.
        self.pending = list(zip(*(buffer[:still_open] for buffer in buffers), strict=True))

    def _buffers(self, network: ElmanNetwork, steps: int) -> tuple[tuple[np.ndarray, ...], int]:
        """Window buffers (inputs, contexts, hiddens, output deltas) for a call of ``steps``
        rows, holding the steps of the window left open so far at their first rows."""
        pending = self.pending
        rows = len(pending) + steps
        if self.window is not None:  # a window closes when full (after one more step at
            rows = min(rows, max(self.window, len(pending) + 1))  # most, if shrunk since)
        widths = (network.n_input, network.n_context, network.n_hidden, network.n_output)
        buffers = tuple(np.empty((rows, width)) for width in widths)
        if pending:
            for index, buffer in enumerate(buffers):
                buffer[:len(pending)] = [step[index] for step in pending]
        return buffers, len(pending)
