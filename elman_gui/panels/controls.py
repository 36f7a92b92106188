"""The training controls: actions with keyboard shortcuts, the task selector, the speed slider.

Every control here only emits; the main window decides what a click means.
"""

from __future__ import annotations

from functools import partial
from typing import cast

import numpy as np
from PySide6.QtCore import QRect, Qt, Signal
from PySide6.QtGui import QAction, QActionGroup, QFont, QFontMetrics, QPainter
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QMenu,
    QPlainTextEdit,
    QSlider,
    QStyle,
    QStyleOptionSlider,
    QToolBar,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from elman_core import tasks
from elman_core.model.trace import Phase, next_phase, phase_name
from elman_core.tasks.base import TaskError
from elman_gui.actions import make_action

# (label, steps per second); None is "as fast as the computer can".
SPEED_STOPS: tuple[tuple[str, float | None], ...] = (
    ("1/s", 1), ("3/s", 3), ("10/s", 10), ("30/s", 30), ("100/s", 100), ("300/s", 300),
    ("1k/s", 1_000), ("3k/s", 3_000), ("10k/s", 10_000),
    ("30k/s", 30_000),  # the sentences' opening pace: 40 epochs in about 37 s
    ("100k/s", 100_000), ("max", None),
)
SPEED_MAX_WIDTH = 510  # room for every stop's label
DEFAULT_SPEED = "100k/s"  # until the task's own opening pace (Task.opening_speed) arrives


class TrainingActions:
    """Play/Pause, Step, Step epoch, Reset and the memory experiments, as shared QActions."""

    def __init__(self, parent: QWidget) -> None:
        style = parent.style()
        self._play_icon = style.standardIcon(QStyle.StandardPixmap.SP_MediaPlay)
        self._pause_icon = style.standardIcon(QStyle.StandardPixmap.SP_MediaPause)
        self._shown_running: bool | None = None  # what show_running last showed
        self.play_pause = self._action(
            parent, "Play", ["Space"],
            "Play / Pause (Space): train continuously at the chosen speed, or stop.",
            self._play_icon)
        self.step = self._action(
            parent, "Step", ["Right", "S"],
            "Step (→ or S): one timestep — the network reads one input, predicts, and learns "
            "from its error. Every number is shown.",
            style.standardIcon(QStyle.StandardPixmap.SP_MediaSeekForward))
        self.step_epoch = self._action(
            parent, "Step epoch", ["E", "Shift+Right"],
            "Step epoch (E or Shift+→): train to the end of the current pass through the "
            "training sequence.",
            style.standardIcon(QStyle.StandardPixmap.SP_MediaSkipForward))
        self.reset = self._action(
            parent, "Reset", ["R"],
            "Reset (R): back to epoch 0 with fresh weights. The same seed gives exactly the "
            "same run again.",
            style.standardIcon(QStyle.StandardPixmap.SP_BrowserReload))
        self.edit_text = self._action(
            parent, "Edit text…", ["Ctrl+T"],
            "Type or paste a text; the network learns to predict its next character (Ctrl+T).",
            style.standardIcon(QStyle.StandardPixmap.SP_FileDialogContentsView))
        self.forget_context = self._action(
            parent, "Forget the context (no memory)", [],
            "Zero the context before every step: the network sees only the current input. "
            "Compare the per-position errors with and without memory.")
        self.forget_context.setCheckable(True)
        self.reset_each_epoch = self._action(
            parent, "Reset the context each epoch", [],
            "Start every pass through the sequence from the initial context value (otherwise "
            "the context carries over from the end of the previous pass).")
        self.reset_each_epoch.setCheckable(True)
        self.reset_each_epoch.setChecked(True)
        self.restore_lesions = self._action(
            parent, "Restore lesioned units", [],
            "Give back every hidden unit you switched off by clicking it in the diagram.")
        self.quit = self._action(parent, "Quit", ["Ctrl+Q"], "Close Elman Lab (Ctrl+Q).")

    @staticmethod
    def _action(parent, text, keys, tip, icon=None) -> QAction:
        # Added to parent: shortcuts work even when the toolbar is hidden.
        return make_action(parent, text, tip, keys, icon=icon)

    def show_phase(self, phase_mode: bool, phase, copy_words: str | None = None) -> None:
        """In phase mode the Step button numbers the phase it will show ("Step 2/4 ▸", its
        name in the tooltip and the diagram's banner): short, so the toolbar never shifts.
        ``copy_words``: the copy phase's name for the network's architecture."""
        if not hasattr(self, "_step_tip"):
            self._step_tip = self.step.toolTip()
        coming = next_phase(phase)
        self.step.setText(step_text(coming) if phase_mode else "Step")
        self.step.setToolTip(f"Step (→) shows phase {phase_name(coming, copy_words)}."
                             if phase_mode else self._step_tip)

    def show_running(self, running: bool) -> None:
        # Called with every snapshot: a new icon repaints the toolbar button (QAction.setIcon
        # always announces a change), so only a change of state sets it.
        if self._shown_running is running:
            return
        self._shown_running = running
        self.play_pause.setText("Pause" if running else "Play")
        self.play_pause.setIcon(self._pause_icon if running else self._play_icon)


class TaskSelector(QComboBox):
    """The task list by title; usable at any moment, also while training."""

    taskChosen = Signal(str)  # task name

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setToolTip("Choose what the network learns. Switching starts a fresh network on "
                        "the new task (it keeps playing if it was playing).")
        self.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.setFocusPolicy(Qt.FocusPolicy.ClickFocus)
        for name in tasks.names():
            task = tasks.get(name)
            self.addItem(task.title, name)
            self.setItemData(self.count() - 1, _first_sentence(task.description),
                             Qt.ItemDataRole.ToolTipRole)
        self.activated.connect(lambda index: self.taskChosen.emit(self.itemData(index)))

    def current_name(self) -> str:
        return self.currentData()

    def show_task(self, name: str) -> None:
        """Follow the task actually in training, without emitting."""
        index = self.findData(name)
        if index >= 0 and index != self.currentIndex():
            self.blockSignals(True)
            self.setCurrentIndex(index)
            self.blockSignals(False)


def _first_sentence(text: str) -> str:
    head = text.strip().split("\n")[0]
    end = head.find(". ")
    return head if end < 0 else head[:end + 1]


class SpeedControl(QWidget):
    """A slider with labelled stops from slow motion (every step shown) to full speed."""

    speedChanged = Signal(object)  # steps per second, or None for full speed

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.slider = QSlider(Qt.Orientation.Horizontal, self)
        self.slider.setRange(0, len(SPEED_STOPS) - 1)
        self.slider.setPageStep(1)
        self.slider.setTickPosition(QSlider.TickPosition.TicksBelow)
        self.slider.setTickInterval(1)
        self.slider.setFocusPolicy(Qt.FocusPolicy.ClickFocus)
        self.slider.setMinimumWidth(250)
        self.setMaximumWidth(SPEED_MAX_WIDTH)
        tip = ("Training speed in timesteps per second. Up to 100/s every step is shown as it "
               "happens (slow motion); faster speeds show about 40 pictures a second; max trains "
               "as fast as this computer can.")
        self.setToolTip(tip)
        self.slider.setToolTip(tip)
        self._labels = _TickLabels(self.slider, [label for label, _ in SPEED_STOPS], self)
        row = QHBoxLayout()
        row.setContentsMargins(18, 0, 18, 0)  # room for the end labels to be centred on ticks
        row.addWidget(self.slider)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addLayout(row)
        layout.addWidget(self._labels)
        self.slider.setValue(self.index_of(DEFAULT_SPEED))
        self.slider.valueChanged.connect(self._emit)

    @staticmethod
    def index_of(label: str) -> int:
        return [text for text, _ in SPEED_STOPS].index(label)

    def speed(self) -> float | None:
        return SPEED_STOPS[self.slider.value()][1]

    def label(self) -> str:
        return SPEED_STOPS[self.slider.value()][0]

    def set_label(self, label: str) -> None:
        self.slider.setValue(self.index_of(label))

    def set_speed(self, steps_per_second: float | None) -> None:
        """The stop closest to ``steps_per_second`` (None: full speed)."""
        if steps_per_second is None:
            self.set_label("max")
            return
        finite = [(abs(np.log(speed / steps_per_second)), index)
                  for index, (_, speed) in enumerate(SPEED_STOPS) if speed is not None]
        self.slider.setValue(min(finite)[1])

    def _emit(self, _index: int) -> None:
        self._labels.update()
        self.speedChanged.emit(self.speed())

    def step_by(self, stops: int) -> None:
        """Faster (positive) or slower (negative) by a number of stops."""
        self.slider.setValue(self.slider.value() + stops)


# The View ▸ Speed presets (the slider has every stop); "max" is the "Full speed" action.
SPEED_PRESETS = ("1/s", "10/s", "100/s", "1k/s", "10k/s", "100k/s")


class SpeedMenu(QMenu):
    """View ▸ Speed: the slider's speeds as a menu, so speed is reachable however narrow the
    window, with keys for faster, slower and full speed. Follows the slider both ways."""

    def __init__(self, speed: SpeedControl, shortcut_owner: QWidget,
                 parent: QWidget | None = None) -> None:
        super().__init__("&Speed", parent)
        self.setToolTipsVisible(True)
        self.speed = speed
        self.group = QActionGroup(self)
        self.presets: dict[str, QAction] = {}
        for label in (*SPEED_PRESETS, "max"):
            text = "Full speed" if label == "max" else f"{label.replace('/s', '')} steps/s"
            action = make_action(
                self, text, "Train as fast as this computer can (F)." if label == "max"
                else f"Train at {label.replace('/s', '')} timesteps per second.",
                ["F"] if label == "max" else [], checkable=True,
                slot=partial(speed.set_label, label), shortcut_owner=shortcut_owner)
            self.group.addAction(action)
            self.addAction(action)
            self.presets[label] = action
        self.addSeparator()
        self.faster = make_action(self, "Faster", "One speed stop faster (]).", ["]"],
                                  slot=lambda: speed.step_by(1), shortcut_owner=shortcut_owner)
        self.slower = make_action(self, "Slower", "One speed stop slower ([).", ["["],
                                  slot=lambda: speed.step_by(-1), shortcut_owner=shortcut_owner)
        self.addAction(self.faster)
        self.addAction(self.slower)
        speed.speedChanged.connect(lambda _speed: self._follow())
        self._follow()

    def _follow(self) -> None:
        label = self.speed.label()
        for key, action in self.presets.items():
            action.setChecked(key == label)
        if label not in self.presets:  # a stop between presets: none is checked
            checked = self.group.checkedAction()
            if checked is not None:
                self.group.setExclusive(False)
                checked.setChecked(False)
                self.group.setExclusive(True)


class _TickLabels(QWidget):
    """The stop names under the slider's ticks; the current one in bold."""

    def __init__(self, slider: QSlider, labels: list[str], parent: QWidget) -> None:
        super().__init__(parent)
        self.slider = slider
        self.labels = labels
        self.drawn: list[str] = []  # the labels painted last time (some leave room to others)
        font = QFont(self.font())
        font.setPointSizeF(max(font.pointSizeF() - 1.5, 7.0))
        self.setFont(font)
        self.setMinimumHeight(self.fontMetrics().height())

    def paintEvent(self, event) -> None:
        painter = QPainter(self)
        option = QStyleOptionSlider()
        self.slider.initStyleOption(option)
        style = self.slider.style()
        groove = style.subControlRect(QStyle.ComplexControl.CC_Slider, option,
                                      QStyle.SubControl.SC_SliderGroove, self.slider)
        handle = style.subControlRect(QStyle.ComplexControl.CC_Slider, option,
                                      QStyle.SubControl.SC_SliderHandle, self.slider)
        span = groove.width() - handle.width()
        offset = self.slider.x() - self.x() + groove.x() + handle.width() / 2
        bold = QFont(self.font())
        bold.setBold(True)
        self.drawn = []
        last_right = -1e9
        for index, text in enumerate(self.labels):
            x = offset + QStyle.sliderPositionFromValue(0, len(self.labels) - 1, index, span)
            current = index == self.slider.value()
            font = bold if current else self.font()
            half = QFontMetrics(font).horizontalAdvance(text) / 2
            following = self._left_of(index + 1, offset, span)
            # A label that would touch its neighbour is left out (the chosen one and "max",
            # the last, never are).
            kept = (self.slider.value(), len(self.labels) - 1)
            if index not in kept and (x - half < last_right + 3
                                      or (index + 1 in kept and x + half + 3 > following)):
                continue
            painter.setFont(font)
            rect = QRect(int(x) - 30, 0, 60, self.height())
            painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, text)
            self.drawn.append(text)
            last_right = x + half

    def _left_of(self, index: int, offset: float, span: int) -> float:
        """Where the label of stop ``index`` (in bold) would begin; +inf past the last."""
        if index >= len(self.labels):
            return float("inf")
        bold = QFont(self.font())
        bold.setBold(True)
        x = offset + QStyle.sliderPositionFromValue(0, len(self.labels) - 1, index, span)
        return x - QFontMetrics(bold).horizontalAdvance(self.labels[index]) / 2


class TextTaskDialog(QDialog):
    """Ask for the student's own text; a problem with it is explained here, not later."""

    def __init__(self, text: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Your own text")
        self.editor = QPlainTextEdit(text, self)
        self.editor.setToolTip("The network reads this one character at a time and learns to "
                               "predict the next one. A few sentences are enough.")
        intro = QLabel("Type or paste a text. Each distinct character gets its own input and "
                       "output unit.", self)
        intro.setWordWrap(True)
        self.error = QLabel(self)
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color: #b00020; font-weight: bold;")
        self.error.hide()
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Train on this text")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.editor)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        self.resize(560, 340)

    def text(self) -> str:
        return self.editor.toPlainText()

    def accept(self) -> None:
        try:
            tasks.get("text", text=self.text())  # only builds the task: says what is wrong
        except TaskError as error:
            self.error.setText(str(error))
            self.error.show()
            return
        super().accept()


def build_toolbar(window, actions: TrainingActions, selector: TaskSelector,
                  speed: SpeedControl) -> QToolBar:
    toolbar = QToolBar("Training", window)
    toolbar.setObjectName("training-toolbar")
    toolbar.setMovable(False)
    toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
    for action in (actions.play_pause, actions.step, actions.step_epoch, actions.reset):
        toolbar.addAction(action)
    toolbar.addSeparator()
    task_label = QLabel(" Task: ", toolbar)
    task_label.setToolTip(selector.toolTip())
    toolbar.addWidget(task_label)
    toolbar.addWidget(selector)
    toolbar.addAction(actions.edit_text)
    toolbar.addSeparator()
    speed_label = QLabel(" Speed: ", toolbar)
    speed_label.setToolTip(speed.toolTip())
    toolbar.addWidget(speed_label)
    toolbar.addWidget(speed)
    hold_step_width(toolbar, actions.step)
    return toolbar


def step_text(phase: Phase) -> str:
    """The Step button's text in phase mode: the number of the phase it will show."""
    return f"Step {int(phase)}/4 ▸"


def hold_step_width(toolbar: QToolBar, step: QAction) -> None:
    """The Step button as wide as its widest text ("Step 3/4 ▸"), so that the phase mode
    never widens it and moves the controls beside it."""
    button = cast("QToolButton", toolbar.widgetForAction(step))  # an action's toolbar button
    texts = ["Step", *(step_text(phase) for phase in Phase)]

    def hold(style: Qt.ToolButtonStyle) -> None:
        if style == Qt.ToolButtonStyle.ToolButtonIconOnly:
            button.setMinimumWidth(0)  # no text shown: the icon's width, always
            return
        metrics = button.fontMetrics()
        padding = button.sizeHint().width() - metrics.horizontalAdvance(button.text())
        button.setMinimumWidth(padding + max(metrics.horizontalAdvance(t) for t in texts))

    toolbar.toolButtonStyleChanged.connect(hold)
    hold(toolbar.toolButtonStyle())


def build_menus(window, actions: TrainingActions, task_actions: list[QAction]) -> None:
    bar = window.menuBar()
    file_menu = bar.addMenu("&File")
    file_menu.addAction(actions.quit)
    training = bar.addMenu("&Training")
    for action in (actions.play_pause, actions.step, actions.step_epoch, actions.reset):
        training.addAction(action)
    task_menu = bar.addMenu("Tas&k")
    for action in task_actions:
        task_menu.addAction(action)
    task_menu.addSeparator()
    task_menu.addAction(actions.edit_text)
    memory = bar.addMenu("&Memory")
    for action in (actions.forget_context, actions.reset_each_epoch, actions.restore_lesions):
        memory.addAction(action)
    for menu in (file_menu, training, task_menu, memory):
        menu.setToolTipsVisible(True)
