"""What the driver keeps for the views: the recent activations and a thinned loss curve."""

from __future__ import annotations

import dataclasses

import numpy as np

from elman_core.trace import ActivationHistory, frozen


class CurveThinner:
    """A long binned-loss curve cut down to at most about ``max_points`` points for the views.

    Neighbouring bins are merged in blocks of a power-of-two size (the mean of their means, at
    the x of the block's last bin), so the published curve is the same running loss with wider
    bins. Work is incremental: only new bins are merged, except when the block size doubles.
    """

    def __init__(self, max_points: int = 2048) -> None:
        self.max_points = max_points
        self.reset()

    def reset(self) -> None:
        self.factor = 1
        self._x, self._y = np.empty(0), np.empty(0)
        self._consumed = 0  # raw bins already merged into _x/_y

    def thin(self, x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        n = len(x)
        if n < self._consumed:  # the session went back in time
            self.reset()
        factor = self.factor
        while n // factor > self.max_points:
            factor *= 2
        if factor == 1:
            return x, y
        if factor != self.factor:
            self.factor, self._consumed = factor, 0
            self._x, self._y = np.empty(0), np.empty(0)
        end = self._consumed + (n - self._consumed) // factor * factor
        if end > self._consumed:
            blocks = slice(self._consumed, end)
            self._x = np.concatenate([self._x, x[blocks][factor - 1::factor]])
            self._y = np.concatenate([self._y, y[blocks].reshape(-1, factor).mean(axis=1)])
            self._consumed = end
        tail_x, tail_y = x[end:], y[end:]
        if len(tail_x):
            thinned = (np.append(self._x, tail_x[-1]), np.append(self._y, tail_y.mean()))
        else:
            thinned = (self._x.copy(), self._y.copy())
        for array in thinned:
            array.setflags(write=False)
        return thinned


class GrowingSeries:
    """A list of floats that mostly grows (the epoch means), handed to the views as read-only
    arrays without copying the whole list at every snapshot (100k epochs after a minute of XOR).

    New values are written after the part already handed out, which never changes: when the
    list shrank (a step back) or the buffer is full, the values go to a new buffer.
    """

    def __init__(self) -> None:
        self.reset()

    def reset(self) -> None:
        self._buffer = np.empty(0)
        self._count = 0
        self._view = self._read_only(0)

    def array(self, values) -> np.ndarray:
        """``values`` (a sequence of floats) as a read-only float64 array."""
        n = len(values)
        if n == self._count:
            return self._view
        if n < self._count or n > len(self._buffer):
            buffer = np.empty(max(n, 2 * len(self._buffer), 256))
            start = 0 if n < self._count else self._count
            buffer[:start] = self._buffer[:start]
            self._buffer, self._count = buffer, start
        self._buffer[self._count:n] = values[self._count:n]
        self._count = n
        self._view = self._read_only(n)
        return self._view

    def _read_only(self, n: int) -> np.ndarray:
        view = self._buffer[:n]
        view.setflags(write=False)
        return view


def _fields(rows: ActivationHistory) -> list:
    """The fields as they are (``dataclasses.astuple`` would deep-copy every array)."""
    return [getattr(rows, field.name) for field in dataclasses.fields(rows)]


class ActivationRing:
    """The hidden and context activations, loss, input, target and output of the last ``size``
    steps. Predictions are decoded (``decode``: the task's) once per change, for the views."""

    def __init__(self, size: int = 100) -> None:
        self.size = size
        self.decode = None  # output vector -> symbol; None: no predictions
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
                and old.outputs.shape[1] == new.outputs.shape[1]:
            new = ActivationHistory(*(
                a + b if isinstance(a, tuple) else np.concatenate([a, b])
                for a, b in zip(_fields(old), _fields(new), strict=True)))
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
                rows.outputs[start:end])

    def view(self) -> ActivationHistory | None:
        """Read-only copies for the views (made once per change), with the predictions."""
        if self._rows is None:
            return None
        if self._view is None:
            rows = self._rows
            predicted = () if self.decode is None or rows.outputs.shape[1] == 0 else tuple(
                self.decode(output) for output in rows.outputs)
            self._view = ActivationHistory(
                frozen(rows.hidden), frozen(rows.context), frozen(rows.loss),
                frozen(rows.steps).astype(np.int64), tuple(rows.symbols), tuple(rows.targets),
                predicted)
        return self._view
