"""The window's toolbar and docks kept in proportion to its size, so the views keep most of it."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QDockWidget, QMainWindow, QToolBar, QWidget


class WindowFit:
    """Fits ``window``'s toolbar and docks to each new size the window gets (:meth:`resized`).

    ``fields`` is the parameter panel: the side docks are made wide enough for its fields when
    the window allows. ``history_dock`` is the debugger's activation history (at the bottom).
    """

    def __init__(self, window: QMainWindow, toolbar: QToolBar, fields: QWidget,
                 task_dock: QDockWidget, parameter_dock: QDockWidget,
                 history_dock: QDockWidget) -> None:
        self.window = window
        self.toolbar = toolbar
        self.fields = fields
        self.side_docks = [task_dock, parameter_dock]
        self.history_dock = history_dock
        self._docks_fitted_for: tuple[int, int] | None = None

    def resized(self, width: int, height: int) -> None:
        """Toolbar and docks in proportion to the window, so the views keep most of it.

        The docks are re-proportioned only when the window changed size a lot (opened,
        maximised, moved to another screen), so a dock the student resized stays put.
        """
        self._fit_toolbar(width)
        fitted = self._docks_fitted_for
        if fitted is not None and abs(width - fitted[0]) < 0.2 * fitted[0] \
                and abs(height - fitted[1]) < 0.2 * fitted[1]:
            return
        self._docks_fitted_for = (width, height)
        # After the layout has settled: resizeDocks on a window not laid out yet is overridden.
        QTimer.singleShot(0, lambda: self._fit_docks(width, height))

    def _fit_toolbar(self, width: int) -> None:
        """Words beside the toolbar's icons where they all fit, icons alone (with tooltips)
        where they do not. Measured, not a fixed window width: the words' width depends on the
        style, the fonts and the language, and at 1366 px "Run to" once fell off the end."""
        toolbar = self.toolbar
        toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        if toolbar.sizeHint().width() > width:
            toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonIconOnly)

    def _fit_docks(self, width: int, height: int) -> None:
        # Room for the parameter fields without a sideways scroll bar, if the window allows.
        fields = self.fields.minimumSizeHint().width() + 24
        side = int(np.clip(max(0.25 * width, fields), 250, min(380, 0.32 * width)))
        self.window.resizeDocks(self.side_docks, [side, side], Qt.Orientation.Horizontal)
        self.window.resizeDocks(self.side_docks, [int(0.3 * height), int(0.7 * height)],
                                Qt.Orientation.Vertical)
        history = int(np.clip(0.3 * height, 190, 260))
        self.window.resizeDocks([self.history_dock], [history], Qt.Orientation.Vertical)
