"""Python's cycle collector, run only in the GUI thread (in the trainer thread it can deadlock)."""

from __future__ import annotations

import gc

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


def freeze_long_lived_objects() -> None:
    """Take every object alive now out of the cycle collector's reach (``gc.freeze``).

    Once the kernels are ready, most objects in the process are numba's, LLVM's, Qt's and
    pyqtgraph's and live until exit (about 200,000). Every full collection walked them all:
    0.3–0.5 s of the GUI thread on a loaded machine, seen as stalls in the chaos test. Frozen,
    they are skipped; objects made later (snapshots, plot items) are collected as before.
    """
    gc.freeze()
