"""Commands queued for the trainer thread: merged while they wait, dropped once closing begins."""

from __future__ import annotations

import threading


class PendingCommands:
    """Step commands queued for the worker, merged, and the stop flag that overtakes them.

    The sending thread calls :meth:`add`; it returns True only for the first command of its kind
    since the worker last took them, so one queued call carries them all. The worker's slot
    calls :meth:`take` and runs the total once: N queued ``step_back(1)`` become one
    ``step_back(N)``. After :meth:`stop`, :meth:`take` returns 0 and :attr:`stopping` is set,
    so every command still queued returns at once.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._counts: dict[str, int] = {}
        self.stopping = False

    def add(self, kind: str, count: int = 1) -> bool:
        with self._lock:
            first = kind not in self._counts
            self._counts[kind] = self._counts.get(kind, 0) + int(count)
            return first and not self.stopping

    def take(self, kind: str) -> int:
        with self._lock:
            return 0 if self.stopping else self._counts.pop(kind, 0)

    def unless_stopping(self, action) -> bool:
        """Call ``action()`` only if no stop was requested, with the stop held off meanwhile
        (another thread then knows the worker still exists). True if it was called."""
        with self._lock:
            if self.stopping:
                return False
            action()
            return True

    def stop(self) -> None:
        with self._lock:
            self.stopping = True
            self._counts.clear()
