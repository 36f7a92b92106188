"""When a run has diverged: the one rule both front-ends use.

A weight, output or loss beyond ±:data:`DIVERGENCE_LIMIT` means the run has diverged: the MSE or
cross-entropy loss of a working network is below about 10 and its weights stay within hundreds,
while a learning rate that is too large drives them to 1e150 and then to infinity and NaN. The
app pauses on the last step within the limit; the runner stops with an error instead of printing
``nan``.
"""

from __future__ import annotations

import numpy as np

from elman_core.model.network import ElmanNetwork
from elman_core.model.trace import LatestStep, StepTrace, describe_step
from elman_core.training.session import RunResult, TrainingSession

DIVERGENCE_LIMIT = 1e6
REPLAY_CHUNK = 256  # after a divergence: replay in pieces this long, then step by step
REPLAY_LIMIT = 100_000  # pieces at most (a kernel call is never longer than a few million steps)


def within_limit(values) -> bool:
    """Finite and below DIVERGENCE_LIMIT in size: numbers a picture can still be made of."""
    values = np.asarray(values)
    if values.size == 0:
        return True
    # Checked after every kernel call, on every weight matrix. The sum of squares settles the
    # usual case exactly (each |v| is at most its square root; a NaN or infinity makes it NaN
    # or infinite, which compares False): np.vdot keeps the GIL, while min and max of a large
    # matrix let it go and the trainer thread then waits for the GUI thread to hand it back.
    flat = values.ravel()
    if np.vdot(flat, flat) < DIVERGENCE_LIMIT ** 2:
        return True
    # Else exactly: two reductions and no temporary array; a NaN makes min and max NaN.
    return bool(-DIVERGENCE_LIMIT < values.min() and values.max() < DIVERGENCE_LIMIT)


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
    place = describe_step(session.global_step + 1, session.steps_per_epoch)  # the next step
    return (f"Training diverged: at {place} the weights "
            f"or errors would pass ±{DIVERGENCE_LIMIT:,.0f} (learning rate "
            f"{session.network.learning_rate:g})")


def restore_before(session: TrainingSession, global_step: int) -> bool:
    """Put the session back to its newest checkpoint at or before ``global_step``."""
    state = session.history.latest_at_or_before(global_step)
    if state is None:
        return False
    session.restore(state)
    return True


def back_to_last_sane_step(session: TrainingSession) -> LatestStep | None:
    """Replay a kernel call that blew up and stop just before the step that did it.

    Returns that last sane step, so the views show numbers all within DIVERGENCE_LIMIT instead
    of infinities or 150-digit ones (the loss curve ends there too). If the checkpoint is gone
    the session stays as it is and None is returned: the caller shows its last sane picture.
    """
    if not restore_before(session, session.global_step - 1):
        return None
    network, latest = session.network, None
    with np.errstate(all="ignore"):
        for _ in range(REPLAY_LIMIT):  # the kernel in short pieces up to the bad one...
            before = session.global_step
            result = session.run(REPLAY_CHUNK)
            if result.steps == 0 or not result_sane(network, result):
                restore_before(session, before)
                break
            latest = LatestStep.of_run(result, session.sequence.inputs, session.steps_per_epoch)
        for _ in range(REPLAY_CHUNK):  # ...then that piece one traced step at a time
            row = session.position
            trace = session.step()
            if not trace_sane(network, trace):
                restore_before(session, session.global_step - 1)
                break
            latest = LatestStep.of_trace(row, trace)
    return latest
