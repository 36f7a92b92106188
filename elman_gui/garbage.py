"""Python's cycle collector, run only in the GUI thread (in the trainer thread it can deadlock)."""

from __future__ import annotations

from pyqtgraph.util.garbage_collector import GarbageCollector

_garbage_collector: GarbageCollector | None = None


def collect_garbage_in_gui_thread() -> None:
    """Collect Python's reference cycles only in the GUI thread, on a timer (once per process).

    Python runs its cycle collector in whichever thread happens to allocate. In the trainer
    thread, garbage holding Qt widgets (a closed dialog, an old window) would have its C++
    destructors run there, and that can deadlock: seen in CI as the trainer thread waiting for
    the GIL inside ~QObject while the GUI thread, holding the GIL, waited for that object's
    lock. pyqtgraph's GarbageCollector turns automatic collection off and collects from a
    QTimer in the thread that creates it: call this from the GUI thread.
    """
    global _garbage_collector
    if _garbage_collector is None:
        _garbage_collector = GarbageCollector(interval=1.0)
