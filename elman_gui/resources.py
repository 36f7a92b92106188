"""Where the app's files are, its version, its look — in a source checkout and in a bundle.

A PyInstaller bundle unpacks its data files under ``sys._MEIPASS`` (the ``_internal`` folder
of a one-folder bundle, a temporary folder for a one-file one); a checkout keeps them in
``assets/`` beside ``main.py``. Everything here works without the asset files: a missing
icon or stylesheet leaves Qt's defaults, never an error.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication, QWidget

APP_NAME = "Elman Lab"
ICON = "icon.png"
STYLESHEET = "style.qss"
# With this set, the app prints when its window is first painted and when the fast trainer is
# ready, then quits: benchmarks/bench_launch.py and packaging/check_bundle.py read the lines.
LAUNCH_PROBE_VARIABLE = "ELMAN_LAB_LAUNCH_PROBE"


def base_dir() -> Path:
    """The folder holding ``assets/``: the bundle's data folder when frozen, else the checkout."""
    frozen_root = getattr(sys, "_MEIPASS", None)
    if frozen_root:
        return Path(frozen_root)
    return Path(__file__).resolve().parent.parent


def asset_path(name: str) -> Path:
    """The path of ``assets/<name>`` (which may not exist: callers decide what that means)."""
    return base_dir() / "assets" / name


def app_version() -> str:
    """The version students quote in a question: ``elman_core.__version__``."""
    from elman_core import __version__

    return __version__


def window_title() -> str:
    """``Elman Lab 0.1.0``."""
    return f"{APP_NAME} {app_version()}"


def app_icon() -> QIcon:
    """The window and task-bar icon (an empty icon if the file is missing)."""
    path = asset_path(ICON)
    return QIcon(str(path)) if path.is_file() else QIcon()


def stylesheet() -> str:
    """The calm light stylesheet, or "" if it is missing or unreadable."""
    try:
        return asset_path(STYLESHEET).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return ""


def apply_branding(app: QApplication) -> None:
    """Give the application its version, icon and stylesheet, and a font if the system has
    none (call once, before the window)."""
    from elman_gui.fonts import use_shipped_font_if_none  # it imports this module

    use_shipped_font_if_none(app)
    app.setApplicationVersion(app_version())
    app.setWindowIcon(app_icon())
    style = stylesheet()
    if style:
        app.setStyleSheet(style)


class _LaunchProbe(QObject):
    """Prints ``elman-lab-probe shown <epoch seconds>`` at the window's first paint, then
    ``elman-lab-probe ready <epoch seconds>`` once the trainer's kernels are loaded, and quits."""

    def __init__(self, app: QApplication, window: QWidget) -> None:
        super().__init__(window)
        self._app = app
        self._window = window
        self._shown = False
        self._timer = QTimer(self)
        self._timer.timeout.connect(self._poll_ready)
        window.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt's name)
        if not self._shown and event.type() == QEvent.Type.Paint and watched is self._window:
            self._shown = True
            # After this paint event is done: the first frame is then really on screen.
            QTimer.singleShot(0, self._report_shown)
        return False

    def _report_shown(self) -> None:
        _probe_line("shown")
        self._timer.start(5)

    def _poll_ready(self) -> None:
        trainer = getattr(self._window, "trainer", None)
        if trainer is None or getattr(trainer, "ready", True):
            self._timer.stop()
            _probe_line("ready")
            self._window.close()
            self._app.quit()


def _probe_line(what: str) -> None:
    print(f"elman-lab-probe {what} {time.time():.6f}", flush=True)


def install_launch_probe(app: QApplication, window: QWidget) -> None:
    """If ``ELMAN_LAB_LAUNCH_PROBE=1``: report first paint and readiness, then quit."""
    if os.environ.get(LAUNCH_PROBE_VARIABLE) == "1":
        _probe_line("window")  # the window exists (not yet painted): for a breakdown
        _LaunchProbe(app, window)
