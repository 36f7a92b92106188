"""Ctrl-C in the terminal quits the app: the window closes as if the student closed it.

Python runs a signal handler only when the main thread next runs Python code, and while Qt's
event loop waits nothing does: the default handler's ``KeyboardInterrupt`` used to surface,
with a traceback, in whatever slot ran next (often the repaint timer), and the app went on.
Here the C-level handler also writes a byte to a socket (``signal.set_wakeup_fd``) that a
``QSocketNotifier`` watches: the event loop wakes at once, Python runs the handler, and that
closes every window from the event loop, as the window's ✕ would (a modal dialog's own loop
ends with its dialog). Closing the main window stops the trainer thread and ends the app, and
the program exits with status 130 (128 + SIGINT, what a shell reports for a program ended by
Ctrl-C). A second Ctrl-C ends the process at once.

(Quitting the event loops at once instead, and closing the window after them, crashed now and
then at exit: widgets torn down with layout events still queued call into Python overrides.)
"""

from __future__ import annotations

import signal
import socket

from PySide6.QtCore import QObject, QSocketNotifier, QTimer
from PySide6.QtWidgets import QApplication

INTERRUPTED_EXIT_CODE = 130


class _InterruptWatcher(QObject):
    """Owns the socket pair: the write end is Python's wakeup file, the read end is watched."""

    def __init__(self, app: QApplication) -> None:
        super().__init__(app)
        self.interrupted = False
        self._read, self._write = socket.socketpair()
        for end in (self._read, self._write):
            end.setblocking(False)
        self._notifier = QSocketNotifier(self._read.fileno(), QSocketNotifier.Type.Read, self)
        self._notifier.activated.connect(self._drain)

    def install(self) -> None:
        signal.set_wakeup_fd(self._write.fileno(), warn_on_full_buffer=False)
        signal.signal(signal.SIGINT, self._on_interrupt)

    def _drain(self) -> None:
        """Empty the socket. Python runs the handler around this slot: that is its purpose."""
        try:
            while self._read.recv(512):
                pass
        except OSError:  # nothing more to read
            pass

    def _on_interrupt(self, _signum, _frame) -> None:
        """Runs between two bytecodes of whatever Python code runs now (a paint, say): only
        note it, and close the windows from the event loop, as a click on ✕ would."""
        self.interrupted = True
        signal.signal(signal.SIGINT, signal.SIG_DFL)  # a second Ctrl-C ends the process
        QTimer.singleShot(0, QApplication.closeAllWindows)


_watcher: _InterruptWatcher | None = None


def quit_on_ctrl_c(app: QApplication) -> None:
    """From now on Ctrl-C quits ``app`` (call from the main thread, once the app exists)."""
    global _watcher
    if _watcher is None:
        _watcher = _InterruptWatcher(app)
        _watcher.install()


def exit_code(code: int) -> int:
    """The program's exit status: 130 after Ctrl-C, else ``code``."""
    return INTERRUPTED_EXIT_CODE if _watcher is not None and _watcher.interrupted else code
