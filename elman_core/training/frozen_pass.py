"""A loaded network's figures at once: one pass over its training sequence, weights frozen.

A network trained before class and loaded has no errors of its own in the new session yet: the
error bars and the paper figure would wait for a whole epoch of training, the hidden space for
steps to be trained. :func:`measure` runs a frozen copy of the network over one epoch of the
session's training sequence (from the context the epoch starts with) and records what it did
as the session's latest complete epoch: the per-step losses and per-unit errors the error bars
and the paper figure are drawn from. The hidden states it returns fill the activation history
(the hidden space). The session's network, epoch and place are not changed.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from elman_core.analysis import metrics
from elman_core.training.session import TrainingSession


class FrozenPass(NamedTuple):
    """What one frozen epoch did, one row per step of the training sequence."""

    first_step: int  # the global step of row 0 (the epoch just completed)
    hidden: np.ndarray  # (T, H)
    context: np.ndarray  # (T, C): the context each step used
    output: np.ndarray  # (T, O)
    losses: np.ndarray  # (T,), NaN where a step has no target


def measure(session: TrainingSession) -> FrozenPass | None:
    """Record a frozen pass as ``session``'s latest complete epoch; None before any epoch
    (a network that has not trained has nothing to show)."""
    if session.epoch == 0 or session.position != 0:
        return None
    sequence, network = session.sequence, session.network.copy()
    resets = session.resets_for_epoch(0)  # the epoch starts from the initial context
    output, hidden, context = network.predict(sequence.inputs, resets, return_hidden=True,
                                              return_context=True)
    losses = metrics.step_losses(output, sequence.targets, sequence.mask,
                                 network.output_activation)
    errors = (output - sequence.targets) ** 2
    errors[~sequence.mask] = np.nan
    for array in (losses, errors):
        array.setflags(write=False)  # a complete epoch's, as the session keeps them
    session.previous_step_losses = losses
    session.previous_unit_errors = errors
    first = (session.epoch - 1) * session.steps_per_epoch
    return FrozenPass(first, hidden, context, output, losses)
