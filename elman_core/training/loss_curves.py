"""The live loss curves of a training session, kept at a fixed size however long the run.

:class:`BinnedLoss` is the running per-step loss as one mean per fixed bin of steps; the sizes
below bound every curve a session keeps, so a run of any length keeps its memory and its drawing
cost flat.
"""

from __future__ import annotations

import math

import numpy as np

from elman_core.training.recording import HalvingSeries


def nan_row_means(rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The mean of each row without its NaNs (summed as ``np.nanmean`` sums, so the same bits),
    and how many values each row had; NaN, without a warning, for a row of NaNs only."""
    counted = ~np.isnan(rows)
    counts = counted.sum(axis=1)
    sums = np.where(counted, rows, 0.0).sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(counts > 0, sums / counts, math.nan), counts


# Points of the live loss curves: a run of any length keeps its memory and its drawing cost flat.
RUNNING_LOSS_POINTS = 2048  # (before: 20 a epoch without end, 60 MB after 400 M steps of XOR)
EPOCH_CURVE_POINTS = 4096  # exact (a point per epoch) up to that many epochs
RECENT_EPOCH_LOSSES = 1024  # epoch_losses kept by a session that keeps not all of them


class BinnedLoss:
    """The running per-step loss as one mean per fixed bin of steps, x measured in epochs.

    Bins have a fixed size, so the curve does not depend on how the steps were batched; a long
    run's bins are merged in pairs as it grows
    (:class:`~elman_core.training.recording.HalvingSeries`),
    and the views returned never change afterwards.
    """

    def __init__(self, steps_per_epoch: int, bins_per_epoch: int = 20,
                 points: int = RUNNING_LOSS_POINTS) -> None:
        self.steps_per_epoch = steps_per_epoch
        self.bin_size = max(1, steps_per_epoch // bins_per_epoch)
        self.points = HalvingSeries(points)
        self._open = np.empty(self.bin_size)  # the losses of the bin being filled
        self._steps = 0  # how many of them there are
        self._bins_closed = 0  # including bins without a targeted step (no point drawn)
        self.first_step = 0  # steps trained before this curve began (a loaded network's)

    def add(self, losses: np.ndarray) -> None:
        losses = np.asarray(losses, dtype=np.float64)
        used = 0
        if self._steps:  # first fill the open bin
            used = min(self.bin_size - self._steps, len(losses))
            self._open[self._steps:self._steps + used] = losses[:used]
            self._steps += used
            if self._steps < self.bin_size:
                return
            self._close(self._open[None])
            self._steps = 0
        whole = (len(losses) - used) // self.bin_size
        if whole:  # all complete bins at once: this runs for every chunk the GUI trains
            self._close(losses[used:used + whole * self.bin_size].reshape(whole, self.bin_size))
            used += whole * self.bin_size
        rest = len(losses) - used
        self._open[:rest] = losses[used:]
        self._steps = rest

    def _close(self, bins: np.ndarray) -> None:
        """Add one point per row of ``bins`` (full bins), skipping bins without a target.

        Every bin's mean is computed the same way from a contiguous row, so the curve is the
        same bit for bit however the steps were split into calls of :meth:`add`.
        """
        means, counts = nan_row_means(bins)
        ends = self.first_step + self.bin_size * (self._bins_closed + np.arange(1, len(bins) + 1))
        keep = counts > 0
        self.points.add(ends[keep] / self.steps_per_epoch, means[keep])
        self._bins_closed += len(bins)

    def state(self) -> tuple[tuple, int, int, np.ndarray]:
        """What :meth:`restore` needs to go back to this moment.

        The open bin's whole buffer is kept, so that every state has the same size (the
        step-back history budgets its memory by it)."""
        return self.points.state(), self._bins_closed, self._steps, self._open.copy()

    def restore(self, state: tuple[tuple, int, int, np.ndarray]) -> None:
        points, self._bins_closed, self._steps, open_bin = state
        self.points.restore(points)
        self._open[:] = open_bin

    def arrays(self) -> tuple[np.ndarray, np.ndarray]:
        """Read-only arrays of the points so far (safe to hand to another thread)."""
        return self.points.arrays()
