"""What is kept for the views: the recent activations and loss curves of bounded size."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

import numpy as np

from elman_core.model.trace import ActivationHistory, frozen


class HalvingSeries:
    """A curve that keeps growing (a loss over a whole run) in at most ``capacity + 2`` points.

    A long run must not grow the app's memory, nor what a view draws per frame, yet the plot
    should still show the whole run with its shape. So when ``capacity`` points are kept,
    neighbouring ones are merged in pairs (the mean of their y, at the x of the later one) and
    new values are then merged ``factor`` at a time (doubled at each halving) before they are
    kept. Every x stays a true one: a kept point sits at the last x of the values it averages,
    the very first value is kept as it is (where the run started), and the newest values not
    yet a whole group are shown as one more point (their mean, at the latest x). As every kept
    point but the first averages ``factor`` values, :meth:`weights` give back the mean of all.

    The result does not depend on how the values were split into calls of :meth:`add` (groups
    are summed left to right). Arrays handed out never change; :meth:`state` is cheap (the
    buffers' first ``count`` entries never change: a halving makes new ones, and so does the
    first write after a restore).
    """

    def __init__(self, capacity: int = 2048) -> None:
        if capacity < 2 or capacity % 2:
            raise ValueError(f"capacity must be an even number ≥ 2, not {capacity}")
        self.capacity = capacity
        self.reset()

    def reset(self) -> None:
        self.factor = 1  # values per kept group
        self._first: tuple[float, float] | None = None
        self._x, self._y = np.empty(self.capacity), np.empty(self.capacity)
        self.count = 0  # groups kept in _x/_y
        self._shared = False  # _x/_y may be a state's too (after restore): copy before writing
        self._pending = (0.0, 0, 0.0)  # the open group: sum so far, values, last x
        self._handed: tuple[np.ndarray, np.ndarray] | None = None

    def __len__(self) -> int:
        return (self._first is not None) + self.count + (self._pending[1] > 0)

    @property
    def total(self) -> int:
        """How many values were added."""
        return (self._first is not None) + self.count * self.factor + self._pending[1]

    def add(self, x, y) -> None:
        """Values ``y`` at positions ``x`` (rising), after those added before."""
        x, y = np.asarray(x, dtype=np.float64), np.asarray(y, dtype=np.float64)
        if not len(x):
            return
        self._handed = None
        if self._first is None:
            self._first = (float(x[0]), float(y[0]))
            x, y = x[1:], y[1:]
        while len(x):
            total, n, _ = self._pending
            if n or len(x) < self.factor:  # fill the open group, left to right
                take = min(self.factor - n, len(x))
                total = float(np.cumsum(np.concatenate([[total], y[:take]]))[-1])
                self._pending = (total, n + take, float(x[take - 1]))
                x, y = x[take:], y[take:]
                if n + take == self.factor:
                    self._keep(np.array([self._pending[2]]), np.array([total]))
                    self._pending = (0.0, 0, 0.0)
                continue
            groups = min(len(x) // self.factor, self.capacity - self.count)
            whole = groups * self.factor
            sums = np.cumsum(y[:whole].reshape(groups, self.factor), axis=1)[:, -1]
            self._keep(x[self.factor - 1:whole:self.factor], sums)
            x, y = x[whole:], y[whole:]

    def _keep(self, ends: np.ndarray, sums: np.ndarray) -> None:
        """Whole groups (their last x and the sums of their values; never more than there is
        room for); halve when full."""
        if self._shared:  # a later state may hold these buffers with more entries kept
            self._x, self._y, self._shared = self._x.copy(), self._y.copy(), False
        stop = self.count + len(ends)
        self._x[self.count:stop] = ends
        self._y[self.count:stop] = sums / self.factor
        self.count = stop
        if self.count == self.capacity:
            self._halve()

    def _halve(self) -> None:
        x, y = self._x[:self.count], self._y[:self.count]
        self._x, self._y = np.empty(self.capacity), np.empty(self.capacity)  # new: see state()
        self._shared = False
        half = self.count // 2
        self._x[:half] = x[1::2]
        self._y[:half] = (y[0::2] + y[1::2]) / 2
        self.count, self.factor = half, self.factor * 2

    def arrays(self) -> tuple[np.ndarray, np.ndarray]:
        """The points now, as read-only arrays (the same ones while nothing was added)."""
        if self._handed is None:
            first = [] if self._first is None else [self._first]
            total, n, last_x = self._pending
            pending = [(last_x, total / n)] if n else []
            head, tail = np.array(first).reshape(-1, 2), np.array(pending).reshape(-1, 2)
            x = np.concatenate([head[:, 0], self._x[:self.count], tail[:, 0]])
            y = np.concatenate([head[:, 1], self._y[:self.count], tail[:, 1]])
            x.setflags(write=False)
            y.setflags(write=False)
            self._handed = (x, y)
        return self._handed

    def weights(self) -> np.ndarray:
        """How many values each point of :meth:`arrays` averages."""
        return np.concatenate([[1] * (self._first is not None), [self.factor] * self.count,
                               [self._pending[1]] * (self._pending[1] > 0)]).astype(np.int64)

    def state(self) -> tuple:
        """What :meth:`restore` needs to go back to this moment (a few numbers and references)."""
        return self._x, self._y, self.count, self.factor, self._first, self._pending

    def restore(self, state: tuple) -> None:
        # The state's buffers, copied only before the next write (see _keep): checkpoints
        # taken after a step back then share them instead of each holding a copy.
        self._x, self._y, self.count, self.factor, self._first, self._pending = state
        self._shared = True
        self._handed = None


def _outputs(rows: ActivationHistory) -> np.ndarray:
    """The ring's rows always keep their outputs (only the views' copies drop them)."""
    assert rows.outputs is not None
    return rows.outputs


def _fields(rows: ActivationHistory) -> list:
    """The fields as they are (``dataclasses.astuple`` would deep-copy every array)."""
    return [getattr(rows, field.name) for field in dataclasses.fields(rows)]


class ActivationRing:
    """The hidden and context activations, loss, input, target and output of the last ``size``
    steps. Predictions are decoded (``decode``: the task's) once per change, for the views."""

    def __init__(self, size: int = 100) -> None:
        self.size = size
        # outputs (n, O) -> n symbols; None: no predictions
        self.decode: Callable[[np.ndarray], tuple[str, ...]] | None = None
        self.clear()

    def __len__(self) -> int:
        return 0 if self._rows is None else len(self._rows)

    def clear(self) -> None:
        self._rows: ActivationHistory | None = None
        self._view: ActivationHistory | None = None

    def add(self, hidden, context, losses, first_step: int, symbols, outputs=None,
            targets=()) -> None:
        """Steps ``first_step``, ``first_step + 1``…; any kept from there on are replaced."""
        n = len(losses)
        keep = min(n, self.size)
        outputs = np.zeros((n, 0)) if outputs is None else outputs
        targets = tuple(targets) or ("",) * n
        new = ActivationHistory(
            np.asarray(hidden[n - keep:], dtype=np.float64),
            np.asarray(context[n - keep:], dtype=np.float64),
            np.asarray(losses[n - keep:], dtype=np.float64),
            first_step + np.arange(n - keep, n), tuple(symbols[n - keep:]),
            targets[n - keep:], (), np.asarray(outputs[n - keep:], dtype=np.float64))
        self.trim(first_step)
        old = self._rows
        if old is not None and old.hidden.shape[1] == new.hidden.shape[1] \
                and old.context.shape[1] == new.context.shape[1] \
                and _outputs(old).shape[1] == _outputs(new).shape[1]:
            joined: list[Any] = [a + b if isinstance(a, tuple) else np.concatenate([a, b])
                                 for a, b in zip(_fields(old), _fields(new), strict=True)]
            new = ActivationHistory(*joined)
        self._rows = new
        self.trim(None)

    def trim(self, before_step: int | None) -> None:
        """At most ``size`` steps, and (after a step back) only those before ``before_step``."""
        rows, self._view = self._rows, None
        if rows is None:
            return
        end = len(rows) if before_step is None else int(np.searchsorted(rows.steps, before_step))
        start = max(0, end - self.size)
        if (start, end) != (0, len(rows)):
            self._rows = ActivationHistory(
                rows.hidden[start:end], rows.context[start:end], rows.loss[start:end],
                rows.steps[start:end], rows.symbols[start:end], rows.targets[start:end], (),
                _outputs(rows)[start:end])

    def view(self) -> ActivationHistory | None:
        """Read-only copies for the views (made once per change), with the predictions."""
        if self._rows is None:
            return None
        if self._view is None:
            rows = self._rows
            outputs = _outputs(rows)
            predicted = () if self.decode is None or outputs.shape[1] == 0 else \
                self.decode(outputs)
            self._view = ActivationHistory(
                frozen(rows.hidden), frozen(rows.context), frozen(rows.loss),
                frozen(rows.steps).astype(np.int64), tuple(rows.symbols), tuple(rows.targets),
                predicted)
        return self._view
