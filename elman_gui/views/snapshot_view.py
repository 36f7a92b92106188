"""The one thing the window asks of everything that draws the run: show this snapshot."""

from __future__ import annotations

from typing import Protocol, runtime_checkable

from elman_core.live.snapshot import Snapshot


@runtime_checkable
class SnapshotView(Protocol):
    """Anything the window repaints from each new snapshot (a view, a panel, a feature).

    The method is ``show_snapshot``, not ``show``: a QWidget already has ``show()``.
    ``show_snapshot`` must only read the snapshot (it is shared, immutable) and must be quick:
    it runs in the GUI thread at up to the screen rate.
    """

    def show_snapshot(self, snapshot: Snapshot) -> None: ...
