"""Axis ranges that move in steps: the data moves, the axes hold still.

pyqtgraph's auto-range fits the axes tightly to the data, so while a network trains the axes
change on every frame: the student sees the tick labels flicker instead of the curve fall, and
every axis with its grid is redrawn each time — much of the GUI thread's work at full speed.
A steady range has round ends and some headroom, and changes only when the data leaves it or
shrinks to less than half of it.
"""

from __future__ import annotations

import math

import pyqtgraph as pg

HEADROOM = 0.1  # of the data's span, added on each side before rounding out
MIN_FILL = 0.5  # refit once the data covers less than this fraction of the range
_NICE_STEPS = (1.0, 2.0, 2.5, 5.0, 10.0)


def nice_step(span: float) -> float:
    """A round step (1, 2, 2.5 or 5 × 10ⁿ) cutting ``span`` into about five parts."""
    rough = span / 5
    power = 10.0 ** math.floor(math.log10(rough))
    return next(step * power for step in _NICE_STEPS if step * power >= rough * (1 - 1e-9))


def steady_range(low: float, high: float, current: tuple[float, float] | None = None,
                 ) -> tuple[float, float]:
    """The range to show data spanning ``low``…``high``, given the ``current`` one.

    Keeps ``current`` while it holds the data and the data fills at least half of it.
    Otherwise: the data plus HEADROOM, rounded out to a :func:`nice_step`, never crossing
    zero when the data does not (a loss or an epoch count is never drawn below zero).
    """
    if current is not None:
        shown_low, shown_high = current
        shown = shown_high - shown_low
        if shown_low <= low and high <= shown_high and high - low >= MIN_FILL * shown > 0:
            return shown_low, shown_high
    span = high - low
    if span <= 0:  # one value (or a flat curve): a small range around it
        span = abs(high) * 0.2 or 1.0
        low, high = low - span / 2, high + span / 2
    margin = HEADROOM * span
    padded_low, padded_high = low - margin, high + margin
    # "At or above zero" allows for a curve's bounds reaching a pen's width below it.
    if low > -margin / 2 and padded_low < 0:
        padded_low = 0.0
    if high < margin / 2 and padded_high > 0:
        padded_high = 0.0
    step = nice_step(padded_high - padded_low)
    return math.floor(padded_low / step) * step, math.ceil(padded_high / step) * step


class SteadyViewBox(pg.ViewBox):
    """A ViewBox whose auto-range is :func:`steady_range`.

    Everything else is pyqtgraph's: zooming or panning with the mouse turns auto-range off for
    that axis, and the "A" button in the corner turns it back on.
    """

    top_reserve = 0.0  # the top share of the height kept free of data (for a legend there)
    x_reach: float | None = None  # the x range reaches at least this far, with or without data

    def _room_on_top(self, low: float, high: float, wanted: tuple[float, float]
                     ) -> tuple[float, float]:
        """``wanted``, raised until the data stays below the reserved top share."""
        share = 1 - self.top_reserve
        for _ in range(4):  # a raised top may round the bottom down: check again
            bottom, top = wanted
            if high <= bottom + share * (top - bottom):
                break
            wanted = steady_range(low, bottom + (high - bottom) / share)
        return wanted

    def updateAutoRange(self) -> None:  # noqa: N802 (pyqtgraph's name)
        if self._updatingRange or not any(self.state["autoRange"]):
            return
        self._updatingRange = True  # setRange can call back in here
        try:
            bounds = self.childrenBounds()
            current = self.viewRange()
            changes = {}
            for axis, key in ((0, "xRange"), (1, "yRange")):
                if self.state["autoRange"][axis] is False:
                    continue
                if axis == 0 and self.x_reach is not None:
                    low, high = bounds[0] or (0.0, self.x_reach)
                    high = max(high, self.x_reach)
                elif bounds[axis] is None:
                    continue
                else:
                    low, high = bounds[axis]
                if not (math.isfinite(low) and math.isfinite(high)):
                    continue
                wanted = steady_range(low, high, tuple(current[axis]))
                if axis == 1 and self.top_reserve > 0:
                    wanted = self._room_on_top(low, high, wanted)
                if wanted != tuple(current[axis]):
                    changes[key] = wanted
            if changes:
                self.setRange(padding=0.0, disableAutoRange=False, **changes)
        finally:
            self._autoRangeNeedsUpdate = False
            self._updatingRange = False
