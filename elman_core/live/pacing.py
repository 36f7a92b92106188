"""How fast a playing run trains: the work per timer tick, when a snapshot is due, steps/s.

At full speed every tick trains a time slice of about :data:`SLICE_SECONDS` with the compiled
kernel and at most :data:`PUBLISH_HZ` snapshots a second leave; above :data:`TRACED_MAX_RATE`
steps/s a limited speed trains the steps that fell due since the last tick; at or below it
every tick is one traced step, published, so the student sees every step.
"""

from __future__ import annotations

import math
import time

# Kernel work per timer tick at full speed: one slice per snapshot (at PUBLISH_HZ). Each return
# from the GIL-free kernel waits for the GIL, so fewer, longer slices train more (12 ms before).
SLICE_SECONDS = 0.025
PUBLISH_HZ = 40  # snapshots per second while running fast (the views paint the newest)
# A tick ending this close before a snapshot is due publishes it, and a kernel call is not
# started for less than this: each return from the kernel may wait for the GIL, and a second,
# short call per tick had two 31-150-31 networks side by side make 2.8 calls a tick, not 2.
PUBLISH_SLACK = 0.004
TRACED_MAX_RATE = 100  # at or below this many steps/s every step is traced and published
BATCH_TICK_MS = 16  # timer period for limited fast speeds
RATE_WINDOW_SECONDS = 0.5  # steps/s is measured over about this long
GIL_WAIT_SECONDS = 0.01  # the longest a return from the kernel waits for the GIL (2 × 5 ms)


class Pacer:
    """The clock of a playing run: slices, the kernel's measured speed, publishing, steps/s."""

    def __init__(self, speed: float | None = None) -> None:
        self.speed = speed  # steps per second, None for full speed
        self.steps_per_second = 0.0  # measured, for the status bar
        self.seconds_per_step = 1e-6  # the kernel's, learned from its calls
        self._credit = 0.0  # steps due at a limited speed, not yet trained
        self._last_tick = 0.0
        self._next_publish = 0.0  # when the next snapshot is due
        self._rate_mark = (0.0, 0)  # (time, total steps) where the steps/s window began

    def set_speed(self, steps_per_second) -> None:
        speed = None if steps_per_second is None else float(steps_per_second)
        self.speed = speed if speed is None or speed > 0 else None

    @property
    def traced(self) -> bool:
        """Slow motion: every tick is one traced step."""
        return self.speed is not None and self.speed <= TRACED_MAX_RATE

    def interval_ms(self, running_to: bool) -> int:
        """The timer period: as fast as possible at full speed or when running to a step."""
        if running_to or self.speed is None:
            return 0
        return max(1, round(1000 / self.speed)) if self.traced else BATCH_TICK_MS

    def restart(self, total_steps: int) -> None:
        """Play was pressed (or the speed changed): nothing is owed, steps/s measured afresh."""
        self._last_tick = time.perf_counter()
        self._credit = 0.0
        self._rate_mark = (self._last_tick, total_steps)

    def stopped(self) -> None:
        self.steps_per_second = 0.0

    def this_tick(self) -> tuple[float, int | None]:
        """Seconds to train in this tick, and the most steps (None: no limit but time)."""
        now = time.perf_counter()
        if self.speed is None:
            seconds, due = self._slice_seconds(now), None
        else:
            self._credit = min(self._credit + self.speed * (now - self._last_tick), self.speed)
            due = int(self._credit)
            self._credit -= due
            seconds = SLICE_SECONDS
        self._last_tick = now
        return seconds, due

    def steps_in(self, seconds: float) -> int:
        """About how many kernel steps fit in ``seconds`` (at least one)."""
        return max(1, int(seconds / self.seconds_per_step))

    def measured(self, elapsed: float, steps: int) -> None:
        """A kernel call of ``steps`` took ``elapsed`` seconds.

        Follow the fastest recent calls: a slow one mostly waited for the GIL on its way out of
        the kernel, and smaller chunks would only mean more such waits. But a wait for the GIL
        is at most a switch interval or two: a call slower than that allows is slow itself
        (a large network, two networks side by side, a busy machine), and is followed at once,
        not 5 % per call (from the first guess of 1 µs a step, 31-150-31 took 70 calls)."""
        if steps:
            kernel_only = (elapsed - GIL_WAIT_SECONDS) / steps
            self.seconds_per_step = min(elapsed / steps,
                                        max(1.05 * self.seconds_per_step, kernel_only))

    def published(self, running: bool, total_steps: int) -> None:
        """A snapshot left now: time the next one, update steps/s."""
        now = time.perf_counter()
        period = 1 / PUBLISH_HZ
        # On a fixed beat: a snapshot that left a little late (its tick overran, or waited for
        # the GIL) does not push back the next one, so the rate holds at PUBLISH_HZ instead of
        # drifting to 1 / (period + lateness) (33/s for two 31-150-31 networks). An early one
        # (a command's) or one late by a whole period starts the beat again from now.
        on_beat = self._next_publish - PUBLISH_SLACK <= now < self._next_publish + period
        self._next_publish = self._next_publish + period if on_beat else now + period
        if not running:
            self.steps_per_second = 0.0
            return
        since, steps_then = self._rate_mark
        if now - since >= RATE_WINDOW_SECONDS:
            self.steps_per_second = (total_steps - steps_then) / (now - since)
            self._rate_mark = (now, total_steps)

    def publish_due(self) -> bool:
        return time.perf_counter() >= self._next_publish - PUBLISH_SLACK

    def _slice_seconds(self, now: float) -> float:
        """At most SLICE_SECONDS, and the ticks up to the next snapshot share the time equally,
        so the last one ends when the snapshot is due.

        Snapshots then leave at a steady PUBLISH_HZ, instead of on whichever tick first ends
        past the due time (which would halve the rate when a tick is a little short of it).
        """
        left = self._next_publish - now
        if left <= PUBLISH_SLACK:
            return SLICE_SECONDS
        return left / math.ceil((left - PUBLISH_SLACK) / SLICE_SECONDS)
