"""Step-through debugging of the context: actions, menus and docks around the trainer's slots.

Makes the timestep inspector and activation history docks (the main window places them), Step
back (← or B), Step back 10, Step through phases, the Run to menu (also a toolbar dropdown), and
the memory experiments (context initial value, the step-back memory cap) in the Memory menu.
Works from the :class:`~elman_gui.window_parts.WindowParts` the window lends it; everything only
sends commands to the trainer and paints snapshots.
"""

from __future__ import annotations

import time

from PySide6.QtCore import QObject
from PySide6.QtGui import QActionGroup
from PySide6.QtWidgets import (
    QDockWidget,
    QFrame,
    QInputDialog,
    QMenu,
    QScrollArea,
    QStyle,
    QToolButton,
)

from elman_core.live.snapshot import RUNNING, Snapshot
from elman_gui.actions import make_action
from elman_gui.views.stepping.history_view import HistoryView
from elman_gui.views.stepping.inspector import InspectorView
from elman_gui.window_parts import WindowParts


def _action(parent, text: str, keys: list[str], tip: str, checkable: bool = False):
    return make_action(parent, text, tip, keys, checkable=checkable)


HISTORY_RUNNING_PERIOD = 0.25  # seconds between history repaints while training runs


class Debugger(QObject):
    """The debugging controls of one main window."""

    def __init__(self, parts: WindowParts) -> None:
        super().__init__(parts.host)
        self.parts = parts
        self.trainer = parts.trainer
        self._history_painted_at = 0.0
        self.inspector = InspectorView(parts.host)
        self.history = HistoryView(parts.host)
        self._make_actions()
        self._make_docks()
        self._make_menus()
        self._connect()

    # ------------------------------------------------------------------ building
    def _make_actions(self) -> None:
        w = self.parts.host
        self.step_back = _action(
            w, "Step back", ["Left", "B"],
            "Step back (← or B): undo the last timestep — weights, context and errors exactly "
            "as they were.")
        self.step_back.setIcon(w.style().standardIcon(QStyle.StandardPixmap.SP_MediaSeekBackward))
        self.step_back_10 = _action(w, "Step back 10", ["Shift+Left", "Shift+B"],
                                    "Undo the last 10 timesteps.")
        self.phases = _action(
            w, "Step through phases", ["P"],
            "Step through phases (P): each Step shows one phase of the timestep — 1 forward, "
            "2 error, 3 backward and weight update, 4 copy hidden → context.", checkable=True)
        self.run_to_epoch_end = _action(w, "Next epoch boundary", [],
                                        "Run to the last step of this epoch, then pause.")
        self.run_to_symbol = _action(w, "Next input symbol…", [],
                                     "Run to the next step whose input is a symbol you choose.")
        self.run_to_error = _action(w, "Next step with error above…", [],
                                    "Run to the next step whose error (its loss) is above a "
                                    "threshold you choose.")
        self.run_to_epoch = _action(w, "Epoch N…", [], "Run to the last step of epoch N.")
        self.context_group = QActionGroup(w)
        self.context_group.setExclusionPolicy(QActionGroup.ExclusionPolicy.ExclusiveOptional)
        self.context_init = {}
        for value in (0.0, 0.5):
            action = _action(w, f"Initial context {value:g}", [],
                             f"The context starts (and is reset) at {value:g}.", checkable=True)
            self.context_group.addAction(action)
            self.context_init[value] = action
        self.memory_cap = _action(w, "Step-back memory cap…", [],
                                  "How much memory the step-back checkpoints may use (MB).")

    def _make_docks(self) -> None:
        """The two docks; the main window places them (it owns the dock areas)."""
        w = self.parts.host
        features = QDockWidget.DockWidgetFeature.DockWidgetMovable | \
            QDockWidget.DockWidgetFeature.DockWidgetFloatable | \
            QDockWidget.DockWidgetFeature.DockWidgetClosable
        self.inspector_dock = QDockWidget("Timestep inspector", w)
        self.inspector_dock.setObjectName("inspector-dock")
        # In a scroll area: a step with many units never makes the dock, and so the window,
        # taller than the screen (the window grew 768 → 791 pixels on the first step).
        scroll = QScrollArea(w)
        scroll.setWidget(self.inspector)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.inspector_dock.setWidget(scroll)
        self.history_dock = QDockWidget("Activation history", w)
        self.history_dock.setObjectName("history-dock")
        self.history_dock.setWidget(self.history)
        for dock in (self.inspector_dock, self.history_dock):
            dock.setFeatures(features)

    def _make_menus(self) -> None:
        bar = self.parts.menu_bar
        self.run_to_menu = QMenu("Run &to", bar)
        self.run_to_menu.setToolTipsVisible(True)
        for action in (self.run_to_epoch_end, self.run_to_symbol, self.run_to_error,
                       self.run_to_epoch):
            self.run_to_menu.addAction(action)
        debug = QMenu("&Debug", bar)
        debug.setToolTipsVisible(True)
        for action in (self.step_back, self.step_back_10, self.phases):
            debug.addAction(action)
        debug.addMenu(self.run_to_menu)
        debug.addSeparator()
        debug.addAction(self.inspector_dock.toggleViewAction())
        debug.addAction(self.history_dock.toggleViewAction())
        help_action = next((a for a in bar.actions() if "help" in a.text().lower()), None)
        if help_action is not None:
            bar.insertMenu(help_action, debug)
        else:
            bar.addMenu(debug)
        self.debug_menu = debug
        memory = next((a.menu() for a in bar.actions()
                       if a.text().replace("&", "") == "Memory" and a.menu()), None)
        if memory is None:
            memory = bar.addMenu("&Memory")
        memory.addSeparator()
        for action in (*self.context_init.values(), self.memory_cap):
            memory.addAction(action)
        toolbar = self.parts.toolbar
        first = toolbar.actions()[0] if toolbar.actions() else None
        toolbar.insertAction(first, self.step_back)
        # An action, not a widget: when the window is too narrow it moves into the toolbar's
        # overflow menu (a widget would just vanish).
        run_to = self.run_to_menu.menuAction()
        run_to.setIcon(self.parts.host.style().standardIcon(
            QStyle.StandardPixmap.SP_ArrowForward))
        run_to.setToolTip("Run to (Debug menu): run until something happens, then pause "
                          "exactly there")
        toolbar.addSeparator()
        toolbar.addAction(run_to)
        self.run_to_button = toolbar.widgetForAction(run_to)
        self.run_to_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)

    def _connect(self) -> None:
        t = self.trainer
        self.step_back.triggered.connect(lambda: t.step_back(1))
        self.step_back_10.triggered.connect(lambda: t.step_back(10))
        self.phases.toggled.connect(t.set_phase_mode)
        self.run_to_epoch_end.triggered.connect(lambda: t.run_to("epoch_end"))
        self.run_to_symbol.triggered.connect(lambda: self.ask_symbol())
        self.run_to_error.triggered.connect(lambda: self.ask_error())
        self.run_to_epoch.triggered.connect(lambda: self.ask_epoch())
        for value, action in self.context_init.items():
            action.triggered.connect(lambda _=False, v=value: t.set_context_init(v))
        self.memory_cap.triggered.connect(lambda: self.ask_memory_cap())
        self.history.stepClicked.connect(t.inspect_step)
        self.inspector.stepPicked.connect(t.inspect_step)  # the same command as a click
        self.history.lengthChanged.connect(t.set_history_length)
        t.settingsChanged.connect(self._on_settings)

    # ------------------------------------------------------------------ commands
    def _snapshot(self) -> Snapshot | None:
        return self.parts.shown.snapshot

    def ask_symbol(self) -> None:
        snapshot = self._snapshot()
        symbols = list(snapshot.input_symbols) if snapshot else []
        if not symbols:
            return
        symbol, ok = QInputDialog.getItem(self.parts.host, "Run to", "Run to the next input:",
                                          symbols, 0, False)
        if ok:
            self.trainer.run_to("symbol", symbol)

    def ask_error(self) -> None:
        value, ok = QInputDialog.getDouble(self.parts.host, "Run to",
                                           "Run to the next step with error above:", 0.5, 0.0,
                                           1e6, 4)
        if ok:
            self.trainer.run_to("error", value)

    def ask_epoch(self) -> None:
        snapshot = self._snapshot()
        if snapshot is None:
            return
        value, ok = QInputDialog.getInt(
            self.parts.host, "Run to", "Run to the end of epoch:", snapshot.epoch + 1, 1,
            max(snapshot.epochs_total, 1))
        if ok:
            self.trainer.run_to("epoch", value)

    def ask_memory_cap(self) -> None:
        snapshot = self._snapshot()
        current = snapshot.history_limit / 2**20 if snapshot and snapshot.history_limit else 64
        value, ok = QInputDialog.getDouble(self.parts.host, "Step-back memory",
                                           "Memory for step-back checkpoints (MB):", current,
                                           1.0, 4096.0, 1)
        if ok:
            self.trainer.set_memory_limit(value)

    # ------------------------------------------------------------------ painting
    def _on_settings(self, settings) -> None:
        action = self.context_init.get(float(settings.context_init))
        for each in self.context_init.values():
            each.blockSignals(True)
            each.setChecked(each is action)
            each.blockSignals(False)

    def show_snapshot(self, snapshot: Snapshot) -> None:
        self.inspector.show_snapshot(snapshot)
        # At full speed the history is a blur anyway; painting it every frame would starve the
        # trainer thread of the GIL. Any other state (step, pause, …) is shown at once.
        now = time.monotonic()
        if snapshot.state != RUNNING or now - self._history_painted_at >= HISTORY_RUNNING_PERIOD:
            self._history_painted_at = now
            self.history.show_snapshot(snapshot)
        self.parts.diagram.set_phase(snapshot.phase, snapshot.phase_mode)
