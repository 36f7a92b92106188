"""Guards against a Qt binding that corrupts the interpreter (PySide6 6.12.0 on Python 3.11).

That release dropped one reference to ``True`` per ``Signal.emit`` and to ``None`` per Python
``paint`` override; after a few seconds of live plotting the interpreter aborted. The pin in
pyproject.toml excludes it; this test fails if a leaking binding ever comes back.
"""

import sys

from PySide6.QtCore import QObject, Signal


class Emitter(QObject):
    ping = Signal(int)


def test_emitting_signals_keeps_reference_counts_of_singletons(qtbot):
    emitter = Emitter()
    received = []
    emitter.ping.connect(received.append)
    before_true, before_none = sys.getrefcount(True), sys.getrefcount(None)
    for i in range(2000):
        emitter.ping.emit(i)
    assert len(received) == 2000
    # Immortal objects (Python ≥ 3.12) report a constant huge count; mortal ones must not drop.
    assert sys.getrefcount(True) >= before_true - 50
    assert sys.getrefcount(None) >= before_none - 50
