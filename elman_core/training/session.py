"""A network learning one task: the training stream, the place in it, and the loss history.

Both the headless runner and the GUI's trainer thread drive a :class:`TrainingSession`. It is the
only place that knows what an epoch is: where the context is reset, where a BPTT window must end,
and which per-step losses make up the latest epoch's per-position errors.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from elman_core.analysis import metrics
from elman_core.model.network import PARAMETER_NAMES, ElmanNetwork
from elman_core.model.settings import RunSettings
from elman_core.model.trace import StepTrace, frozen
from elman_core.tasks.base import Sequence, Task
from elman_core.training.history import History, SessionState
from elman_core.training.loss_curves import (
    EPOCH_CURVE_POINTS,
    BinnedLoss,
    nan_row_means,
)
from elman_core.training.recording import HalvingSeries


@dataclass(frozen=True)
class RunResult:
    """What one call to :meth:`TrainingSession.run` did (for progress reports and the GUI)."""

    steps: int
    first_step: int  # position in the epoch of the first step run
    losses: np.ndarray  # per-step losses of those steps (NaN where no target)
    # The activations of the last rows of those steps: all of them, unless the caller asked to
    # keep fewer (``keep``); the output at least of the steps of the last epoch trained.
    hidden: np.ndarray  # (rows, H) hidden activations
    output: np.ndarray  # (rows, O) outputs
    context: np.ndarray  # (rows, C) the context each step used (C: H for Elman, O for Jordan)
    epoch_finished: bool
    trace: StepTrace | None = None  # set when the step was a traced one

    @property
    def last_context(self) -> np.ndarray:
        return self.context[-1]


def settings_for(task: Task, **overrides) -> RunSettings:
    """The task's defaults with some fields replaced (checked; unknown names are an error)."""
    return RunSettings.for_task(task, **overrides)


def build_network(task: Task, settings: RunSettings) -> ElmanNetwork:
    return ElmanNetwork(
        task.n_input, settings.n_hidden, task.n_output, settings.learning_rate,
        seed=settings.seed, momentum=settings.momentum,
        hidden_activation=settings.hidden_activation,
        output_activation=settings.output_activation, rule=settings.rule,
        bptt_window=settings.bptt_window, context_init=settings.context_init,
        weight_scale=settings.weight_scale, architecture=settings.architecture,
        context_decay=settings.context_decay,
    )


REPEAT_CACHE_ROWS = 1_000_000  # run_epochs keeps the repeated sequence up to this many rows
# The fields a saved network brings with it (the rest of the settings stay the caller's).
NETWORK_FIELDS = ("n_hidden", "learning_rate", "momentum", "hidden_activation",
                   "output_activation", "rule", "bptt_window", "context_init", "weight_scale",
                   "architecture", "context_decay")


class TrainingSession:
    """Train ``network`` on ``task`` epoch by epoch, one step or many steps at a time.

    The fast path (:meth:`run`) and the traced path (:meth:`step`) reach the same states to
    rounding error (the kernels may reassociate sums): ``run(n)`` equals ``n`` calls of
    ``step()`` within about 1e-12.

    :attr:`settings` is the one source of truth of the run's settings: assigning it hands the
    ones that apply at once (learning rate, momentum, context start value) to the network.
    """

    def __init__(self, task: Task, settings: RunSettings | None = None,
                 network: ElmanNetwork | None = None, sequence: Sequence | None = None) -> None:
        """``sequence``: the training stream, when another session already made it from the
        same task, length and seed (a pair of networks shares one: the same stream, once)."""
        settings = settings if settings is not None else RunSettings.for_task(task)
        settings.check_task(task)
        self.task = task
        self.network = network if network is not None else build_network(task, settings)
        self.settings = settings
        self.sequence: Sequence = sequence if sequence is not None else \
            task.make_sequence(settings.sequence_length, settings.seed)
        if len(self.sequence) == 0:
            raise ValueError("the task produced an empty training sequence")
        self.epoch = 0  # completed epochs
        self.first_epoch = 0  # the epoch this session began at (a loaded network's)
        self.position = 0  # index of the next row in the sequence
        self.epoch_losses: list[float] = []  # mean loss of each completed epoch (see below)
        # None: keep every epoch's mean (the runner's --json has them all); a number: only the
        # latest ones (the app's sessions: a run's memory stays flat, the views draw the curve).
        self.keep_epoch_losses: int | None = None
        self.epoch_curve = HalvingSeries(EPOCH_CURVE_POINTS)  # (epoch, mean loss), bounded
        self.step_losses = np.full(len(self.sequence), np.nan)  # current epoch, filled so far
        self.previous_step_losses: np.ndarray | None = None  # the last complete epoch
        # Squared error per output unit and step (the per-feature error bars), same life cycle.
        self.unit_errors = np.full((len(self.sequence), task.n_output), np.nan)
        self.previous_unit_errors: np.ndarray | None = None
        self.running_loss = BinnedLoss(len(self.sequence))
        self.history = History()
        self._furthest_step = 0  # step-back reach is counted from the furthest step trained
        self._flush_after = self.network.learning_rule.window_ends(self.sequence.resets)
        self._repeated: tuple[np.ndarray, ...] | None = None  # see _repeated_sequence
        # The GUI asks for the latest epoch's errors with every snapshot: (array, result).
        self._epoch_errors_cache: dict[str, tuple[np.ndarray, np.ndarray]] = {}

    def count_on_from(self, epochs: int, epoch_losses: list[float], position: int = 0,
                      step_losses: np.ndarray | None = None) -> None:
        """Number this new session's epochs on from a loaded network's ``epochs`` trained, so
        that the status, the loss plot and Run to go on from there.

        ``epoch_losses``: the file's loss per epoch (its last ``epochs``); earlier epochs the
        file does not know are NaN (drawn as nothing). ``position`` and ``step_losses``: the
        place in the epoch in progress and its losses so far (NaN if unknown).
        """
        if self.global_step:
            raise ValueError("count_on_from is for a session that has not trained yet")
        known = [float(loss) for loss in epoch_losses][-epochs:] if epochs else []
        self.epoch_losses = []
        self._add_epoch_losses(np.array([math.nan] * (epochs - len(known)) + known))
        self.epoch = self.first_epoch = epochs
        if not 0 <= position < self.steps_per_epoch:
            raise ValueError(f"the saved place in the sequence ({position:,}) is beyond this "
                             f"sequence's {self.steps_per_epoch:,} steps")
        self.position = position
        if step_losses is not None:
            self.step_losses[:position] = step_losses
        self.running_loss.first_step = self.global_step
        self._furthest_step = self.global_step

    @property
    def settings(self) -> RunSettings:
        return self._settings

    @settings.setter
    def settings(self, settings: RunSettings) -> None:
        """New settings for this network: only those that apply at once may differ."""
        network = self.network
        network.learning_rate = settings.learning_rate
        network.momentum = settings.momentum
        network.context_init = settings.context_init
        self._settings = settings

    # ---------------------------------------------------------------- queries
    @property
    def steps_per_epoch(self) -> int:
        return len(self.sequence)

    @property
    def finished(self) -> bool:
        return self.epoch >= self.settings.epochs

    @property
    def global_step(self) -> int:
        return self.epoch * self.steps_per_epoch + self.position

    def resets_for_current_epoch(self) -> np.ndarray:
        return self.resets_for_epoch(self.epoch)

    def resets_for_epoch(self, epoch: int) -> np.ndarray:
        resets = np.array(self.sequence.resets, dtype=np.bool_)
        # The first epoch always starts from the initial context; later ones only if asked —
        # except in tasks made of independent short sequences, where every one starts afresh.
        independent_parts = bool(np.any(resets[1:]))
        resets[0] = (epoch == 0 or self.settings.reset_context_each_epoch
                     or independent_parts)
        return resets

    def latest_epoch_losses(self) -> np.ndarray:
        """Per-step losses of the last complete epoch, or of the partial first epoch."""
        if self.previous_step_losses is not None:
            return self.previous_step_losses
        return self.step_losses

    def feature_errors(self) -> np.ndarray:
        """Mean squared error of each output unit over the latest epoch (seeds/000's per-bit)."""
        errors = self.previous_unit_errors if self.previous_unit_errors is not None \
            else self.unit_errors
        cached = self._epoch_errors_cache.get("feature")
        if cached is not None and cached[0] is errors and not errors.flags.writeable:
            return cached[1].copy()  # a finished epoch's (read-only) errors: computed once
        valid = ~np.isnan(errors[:, 0])
        if not np.any(valid):
            return np.full(errors.shape[1], np.nan)
        means = errors[valid].mean(axis=0)
        self._cache_epoch_errors("feature", errors, means)
        return means

    def position_errors(self) -> np.ndarray:
        """Mean loss per position category over the latest epoch (NaN where none yet)."""
        losses = self.latest_epoch_losses()
        cached = self._epoch_errors_cache.get("position")
        if cached is not None and cached[0] is losses and not losses.flags.writeable:
            return cached[1].copy()  # a finished epoch's (read-only) losses: computed once
        means = metrics.position_errors(losses, self.sequence.categories,
                                        len(self.task.category_names))
        self._cache_epoch_errors("position", losses, means)
        return means

    def _cache_epoch_errors(self, kind: str, source: np.ndarray, means: np.ndarray) -> None:
        """Keep ``means`` of a finished epoch's (read-only) arrays; an epoch still being
        filled changes in place, and its array becomes read-only when it ends: never cached."""
        if not source.flags.writeable:
            self._epoch_errors_cache[kind] = (source, means.copy())

    # --------------------------------------------------------------- training
    def step(self) -> StepTrace:
        """One traced timestep at the current position."""
        self.history.push(self.capture())
        t = self.position
        seq = self.sequence
        resets = self.resets_for_current_epoch()
        target = seq.targets[t] if seq.mask[t] else None
        trace = self.network.step(seq.inputs[t], target, reset=bool(resets[t]),
                                  flush=bool(self._flush_after[t]))
        self._record(t, np.array([trace.loss]), trace.output[None])
        self._advance(1)
        return trace

    def run(self, max_steps: int, keep: int | None = None) -> RunResult:
        """Up to ``max_steps`` steps with the compiled kernel, never past the end of the epoch.

        ``keep``: return the hidden states and contexts of the last ``keep`` steps only (the
        kernel then keeps no more; the bookkeeping is the same)."""
        start = self.position
        stop = min(start + max(int(max_steps), 0), self.steps_per_epoch)
        network = self.network
        if stop <= start:
            return RunResult(0, start, np.empty(0), np.empty((0, network.n_hidden)),
                             np.empty((0, network.n_output)), np.empty((0, network.n_context)),
                             False)
        seq = self.sequence
        resets = self.resets_for_current_epoch()
        self.history.push(self.capture())
        # BPTT windows end where the stream says (_flush_after), never where a call ends: a
        # window left open here continues in the next call, so slices train like one call.
        losses, hidden, output, contexts = network.train(
            seq.inputs[start:stop], seq.targets[start:stop], seq.mask[start:stop],
            resets[start:stop], flush=self._flush_after[start:stop], record=True,
            record_rows=_rows_to_record(keep, stop - start), with_context=True,
        )
        self._record(start, losses, output)
        self._advance(stop - start)
        return RunResult(stop - start, start, losses, hidden, output, contexts,
                         self.position == 0)

    def run_epochs(self, max_steps: int, keep: int | None = None) -> RunResult:
        """Like :meth:`run`, but the whole epochs that fit in ``max_steps`` share one kernel call.

        Only from an epoch boundary and with the online rule (anything else is :meth:`run`):
        the result is bit-for-bit that of one run() per epoch, with or without a context reset
        at each epoch start, because a step computes the same wherever a call starts. For a
        trainer thread next to a busy GUI thread: each return from the
        GIL-free kernel may wait for the GIL, so short epochs are better trained many at a time.
        ``keep`` as in :meth:`run` (the outputs of the last epoch are always returned).
        """
        T = self.steps_per_epoch
        epochs = max(int(max_steps), 0) // T
        network = self.network
        resets = [self.resets_for_epoch(self.epoch + e) for e in range(min(epochs, 2))]
        if epochs < 2 or self.position != 0 or not network.learning_rule.epochs_in_one_call:
            return self.run(max_steps, keep)
        inputs, targets, mask = self._repeated_sequence(epochs)
        resets = np.concatenate([resets[0]] + [resets[1]] * (epochs - 1))
        self.history.push(self.capture())
        rows = None if keep is None else (max(int(keep), 1), T)
        losses, hidden, output, contexts = network.train(
            inputs, targets, mask, resets, record=True, record_rows=rows, with_context=True)
        self._record_whole_epochs(losses, output, epochs)
        return RunResult(epochs * T, 0, losses, hidden, output, contexts, True)

    def _record_whole_epochs(self, losses: np.ndarray, output: np.ndarray, epochs: int) -> None:
        """Book ``epochs`` whole epochs at once: their means, and the last one's details.

        The same numbers as :meth:`_record` and :meth:`_advance` once per epoch (means computed
        as ``np.nanmean`` does), without a Python round per epoch: at full speed in the GUI a
        short epoch (XOR's 3,000 steps) trains in about as long as that round took.
        """
        T = self.steps_per_epoch
        means, _ = nan_row_means(losses.reshape(epochs, T))
        self._record(0, losses[(epochs - 1) * T:], output[-T:], running=False)
        self.running_loss.add(losses)
        self._add_epoch_losses(means[:-1])
        self.epoch += epochs - 1
        self._advance(T)  # closes the last epoch: its mean, the latest-epoch errors

    def _repeated_sequence(self, epochs: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Inputs, targets and mask of ``epochs`` epochs in a row (read-only): the front of the
        longest such arrays made so far, not a new copy at every call."""
        rows = epochs * self.steps_per_epoch
        cached = self._repeated
        if cached is None or len(cached[0]) < rows:
            seq = self.sequence
            cached = tuple(_read_only(np.concatenate([a] * epochs))
                           for a in (seq.inputs, seq.targets, seq.mask))
            if rows <= REPEAT_CACHE_ROWS:
                self._repeated = cached
        return tuple(a[:rows] for a in cached)

    def _record(self, start: int, losses: np.ndarray, output: np.ndarray,
                running: bool = True) -> None:
        stop = start + len(losses)
        seq = self.sequence
        self.step_losses[start:stop] = losses
        errors = (output - seq.targets[start:stop]) ** 2
        errors[~seq.mask[start:stop]] = np.nan
        self.unit_errors[start:stop] = errors
        if running:
            self.running_loss.add(losses)

    def run_epoch(self) -> None:
        """Finish the current epoch."""
        target_epoch = self.epoch + 1
        while self.epoch < target_epoch:
            self.run(self.steps_per_epoch)

    def train(self, epochs: int | None = None, on_epoch=None) -> list[float]:
        """Train until ``epochs`` epochs are complete (default: the settings' count)."""
        total = self.settings.epochs if epochs is None else epochs
        while self.epoch < total:
            self.run_epoch()
            if on_epoch is not None:
                on_epoch(self)
        return self.epoch_losses

    def _advance(self, steps: int) -> None:
        self.position += steps
        if self.position >= self.steps_per_epoch:
            self._add_epoch_losses(nan_row_means(self.step_losses[None])[0])
            self.previous_step_losses = self.step_losses
            self.previous_step_losses.setflags(write=False)
            self.step_losses = np.full(self.steps_per_epoch, np.nan)
            self.previous_unit_errors = self.unit_errors
            self.previous_unit_errors.setflags(write=False)
            self.unit_errors = np.full_like(self.previous_unit_errors, np.nan)
            self.position = 0
            self.epoch += 1

    def _add_epoch_losses(self, means: np.ndarray) -> None:
        """The means of the epochs after the ``self.epoch`` completed ones."""
        self.epoch_losses.extend(means.tolist())
        self.epoch_curve.add(self.epoch + np.arange(1, len(means) + 1), means)
        keep = self.keep_epoch_losses
        if keep is not None and len(self.epoch_losses) > 2 * keep:
            del self.epoch_losses[:-keep]

    # ------------------------------------------------------------- step back
    def capture(self) -> SessionState:
        """The present moment, cheap enough to take before every step."""
        net = self.network
        return SessionState(
            self.global_step, self.epoch, self.position,
            {name: frozen(getattr(net, name)) for name in (*PARAMETER_NAMES, "context")},
            {name: frozen(v) for name, v in net.velocity.items()},  # restore() copies them back
            net.learning_rule.capture(), net.steps_trained, self.epoch_curve.state(),
            self.step_losses, self.unit_errors, self.previous_step_losses,
            self.previous_unit_errors,
            self.running_loss.state(),
        )

    def restore(self, state: SessionState) -> None:
        """Put the session back exactly as it was when ``state`` was captured."""
        net = self.network
        for name, value in state.network_arrays.items():
            setattr(net, name, value.copy())
        net.velocity = {name: v.copy() for name, v in state.velocity.items()}
        net.learning_rule.restore(state.bptt_pending)
        net.steps_trained = state.steps_trained
        # The list holds the means of the epochs before ``self.epoch`` (maybe the latest only).
        del self.epoch_losses[max(len(self.epoch_losses) - (self.epoch - state.epoch), 0):]
        self.epoch_curve.restore(state.epoch_curve)
        self.epoch, self.position = state.epoch, state.position
        self.step_losses = state.step_losses.copy()
        self.step_losses[state.position:] = np.nan
        self.unit_errors = state.unit_errors.copy()
        self.unit_errors[state.position:] = np.nan
        self.previous_step_losses = state.previous_step_losses
        self.previous_unit_errors = state.previous_unit_errors
        self.running_loss.restore(state.running_loss)

    def steps_back_available(self) -> int:
        """Reach: ``max_steps`` before the furthest step trained, within the checkpoints kept."""
        self._furthest_step = max(self._furthest_step, self.global_step)
        oldest = self.history.oldest_step()
        reach_from = self._furthest_step - self.history.max_steps
        return 0 if oldest is None else max(0, self.global_step - max(oldest, reach_from))

    def step_back(self, steps: int = 1) -> int:
        """Go back ``steps`` timesteps (as far as the history reaches); returns how many."""
        steps = max(0, min(int(steps), self.steps_back_available()))
        if steps == 0:
            return 0
        target = self.global_step - steps
        state = self.history.latest_at_or_before(target)
        self.restore(state)
        # Replay from the checkpoint with the kernel that took these steps the first time.
        while self.global_step < target:
            self.run(target - self.global_step)
        return steps

    # -------------------------------------------------------------- evaluate
    def evaluate(self, length: int | None = None, seed: int | None = None):
        """Outputs of a frozen copy of the network on the task's evaluation sequence.

        Returns ``(sequence, outputs)``; the training network is not changed.
        """
        length = self.settings.sequence_length if length is None else length
        seed = self.settings.seed if seed is None else seed
        sequence = self.task.evaluation_sequence(length, seed)
        frozen = self.network.copy()
        outputs = frozen.predict(sequence.inputs, sequence.resets)
        return sequence, outputs


def _rows_to_record(keep: int | None, steps: int) -> tuple[int, int] | None:
    """The kernel's (hidden, output) record rows for ``keep``: the kept hidden states (and
    their contexts), and every output (the per-unit errors need them)."""
    return None if keep is None else (max(int(keep), 1), steps)


def _read_only(array: np.ndarray) -> np.ndarray:
    # The kernels are compiled for read-only sequence rows (what run() passes): same types here.
    array.setflags(write=False)
    return array
