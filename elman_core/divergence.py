"""When a run has diverged: the one rule both front-ends use.

A weight, output or loss beyond ±:data:`DIVERGENCE_LIMIT` means the run has diverged: the MSE or
cross-entropy loss of a working network is below about 10 and its weights stay within hundreds,
while a learning rate that is too large drives them to 1e150 and then to infinity and NaN. The
app pauses on the last step within the limit; the runner stops with an error instead of printing
``nan``.
"""

from __future__ import annotations

import numpy as np

from elman_core.network import ElmanNetwork
from elman_core.session import RunResult, TrainingSession
from elman_core.trace import StepTrace

DIVERGENCE_LIMIT = 1e6


def within_limit(values) -> bool:
    """Finite and below DIVERGENCE_LIMIT in size: numbers a picture can still be made of."""
    return bool(np.all(np.abs(values) < DIVERGENCE_LIMIT))  # NaN compares False too


def weights_sane(network: ElmanNetwork) -> bool:
    return all(within_limit(w) for w in network.parameters().values())


def result_sane(network: ElmanNetwork, result: RunResult) -> bool:
    """The network after a kernel call, the call's last output and every loss it measured."""
    targeted = ~np.isnan(result.losses)
    return (weights_sane(network) and (result.steps == 0 or within_limit(result.output[-1]))
            and within_limit(result.losses[targeted]))


def trace_sane(network: ElmanNetwork, trace: StepTrace) -> bool:
    return ((trace.target is None or within_limit(trace.loss)) and weights_sane(network)
            and within_limit(trace.output))


def epoch_sane(session: TrainingSession) -> bool:
    """The network and the mean loss of the last complete epoch (the runner's check)."""
    losses = session.epoch_losses
    return weights_sane(session.network) and (not losses or within_limit(losses[-1]))


def message(session: TrainingSession) -> str:
    """What the student reads when a run has diverged."""
    return (f"Training diverged: at epoch {session.epoch}, step {session.position} the weights "
            f"or errors would pass ±{DIVERGENCE_LIMIT:,.0f} (learning rate "
            f"{session.network.learning_rate:g})")
