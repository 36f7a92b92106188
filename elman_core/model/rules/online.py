"""Elman's rule (and seeds/000's), the default: after every timestep, backpropagate the error one
step — not through the context — and update every weight."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from elman_core.model.rules.base import Changes, LearningRule

if TYPE_CHECKING:
    from elman_core.model.network import ElmanNetwork


class OnlineRule(LearningRule):
    """One-step backpropagation and an update after every step with a target."""

    name = "online"
    title = "Elman (1-step)"
    epochs_in_one_call = True

    def step_update(self, network: ElmanNetwork, x: np.ndarray, context: np.ndarray,
                    hidden: np.ndarray, delta_output: np.ndarray, delta_hidden: np.ndarray,
                    has_target: bool, flush: bool) -> Changes | None:
        if not has_target:
            return None
        gradients = {
            "W_ho": np.outer(delta_output, hidden),
            "b_o": delta_output,
            "W_ih": np.outer(delta_hidden, x),
            "W_hh": np.outer(delta_hidden, context),
            "b_h": delta_hidden,
        }
        return network.apply_gradients(gradients)

    @staticmethod
    def kernel() -> Any:
        from elman_core.model import kernels

        return kernels.train_online

    def train(self, network: ElmanNetwork, arguments: tuple, flush: np.ndarray,
              losses: np.ndarray, hidden_record: np.ndarray, output_record: np.ndarray,
              context_record: np.ndarray) -> None:
        self.kernel()(*arguments, losses, hidden_record, output_record,  # flush: no window
                      context_record)
