"""Qt warnings that a platform prints harmlessly: the one list the tests forgive.

Every other Qt warning fails the tests that watch for them (the chaos test records them with a
message handler, the closing tests read the program's stderr). An entry names the platform
plugin (``QGuiApplication.platformName()``) and the exact message; each was seen and checked.

- offscreen: Qt's windowless platform (CI off Linux, a machine without an X server) has no
  window manager, so ``QPlatformWindow``'s defaults for "tell the window manager the size
  limits" and "raise the window" only print that they do nothing. Nothing is lost: there is
  no window manager to tell and no stack of windows to raise a window in.
"""

from __future__ import annotations

import os
import sys

from PySide6.QtCore import QtMsgType, qInstallMessageHandler
from PySide6.QtGui import QGuiApplication

HARMLESS_QT_WARNINGS: dict[str, frozenset[str]] = {
    "offscreen": frozenset({
        "This plugin does not support propagateSizeHints()",
        "This plugin does not support raise()",
    }),
}

_DEFAULT_PLATFORM = {"linux": "xcb", "win32": "windows", "darwin": "cocoa"}


def qt_platform() -> str:
    """The Qt platform plugin of this process, or the one a child started with this
    environment will use (QT_QPA_PLATFORM, else the system's default)."""
    if QGuiApplication.instance() is not None:
        return QGuiApplication.platformName()
    chosen = os.environ.get("QT_QPA_PLATFORM", "").split(":")[0]
    return chosen or _DEFAULT_PLATFORM.get(sys.platform, "")


def is_harmless(message: str, platform: str | None = None) -> bool:
    """Whether ``message`` is a warning ``platform`` (this process's) prints harmlessly."""
    platform = qt_platform() if platform is None else platform
    return message.strip() in HARMLESS_QT_WARNINGS.get(platform, frozenset())


def unexpected_stderr(stderr: str, platform: str | None = None) -> str:
    """A program's stderr without the lines its Qt platform prints harmlessly."""
    return "\n".join(line for line in stderr.splitlines()
                     if line.strip() and not is_harmless(line, platform))


class QtWarnings:
    """Records every Qt warning, critical and fatal message while installed, except the
    platform's harmless ones."""

    def __init__(self) -> None:
        self.messages: list[str] = []
        self._previous = None

    def __enter__(self) -> QtWarnings:
        self._previous = qInstallMessageHandler(self._handle)
        return self

    def __exit__(self, *_) -> None:
        qInstallMessageHandler(self._previous)

    def _handle(self, kind, _context, message) -> None:
        if kind in (QtMsgType.QtWarningMsg, QtMsgType.QtCriticalMsg, QtMsgType.QtFatalMsg) \
                and not is_harmless(message):
            self.messages.append(message)
