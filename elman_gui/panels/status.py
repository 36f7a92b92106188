"""What the window says about the run: the status bar (message and figures) and the notice bar.

Both only format what a :class:`~elman_core.live.snapshot.Snapshot` or the trainer says; the main
window decides when.
"""

from __future__ import annotations

import math
import re
from typing import ClassVar

from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtGui import QPainter
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QSizePolicy,
    QStatusBar,
    QToolButton,
    QWidget,
)

from elman_core.live import experiments
from elman_core.live.snapshot import DIVERGED, FINISHED, PAUSED, RUNNING, Snapshot
from elman_core.model.trace import phase_name, step_place

STATE_STYLE = {
    RUNNING: ("Running", "#1a7f37"),
    PAUSED: ("Paused", "#555555"),
    FINISHED: ("Finished", "#1f4e99"),
    DIVERGED: ("Diverged", "#c62828"),
}
NOTICE_COLORS = {"info": ("#e8f0fe", "#1f4e99"), "warning": ("#fff4e5", "#8a4b00"),
                 "error": ("#fdecea", "#b00020")}
READY_MESSAGE = "Ready: press Play (Space) or Step (→)."
COMMAND_LINE_NAME = re.compile(r" \([a-z]+(?:_[a-z]+)+\)")  # " (learning_rate)"
COMPACT_STATUS_WIDTH = 1200  # a narrower status bar leaves the task's name to the toolbar
STATE_MESSAGES = {
    RUNNING: "Training — Space pauses, F is full speed.",
    PAUSED: "Paused — Play (Space), Step (→) or Step back (←).",
    FINISHED: "Finished — Reset (R) to train again, or raise Epochs.",
}


def format_rate(steps_per_second: float) -> str:
    if steps_per_second >= 1e6:
        return f"{steps_per_second / 1e6:.2f}M steps/s"
    if steps_per_second >= 1e3:
        return f"{steps_per_second / 1e3:.1f}k steps/s"
    return f"{steps_per_second:.0f} steps/s"


class ElidedLabel(QLabel):
    """A one-line label cut with "…" in the middle when narrower than its text (full text as
    tooltip).

    In the middle: the window's messages say what happened first and what to do last
    ("Training diverged: at … Lower the learning rate, then press Reset (R).", "Clustered …:
    see the Dendrogram tab."), so both ends matter more than the details between them.
    ``text()`` stays the full text; it never asks for more width than it gets.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.setMinimumWidth(40)

    def setText(self, text: str) -> None:  # noqa: N802 (Qt name)
        super().setText(text)
        self.setToolTip(text)

    def shown_text(self) -> str:
        """The text as painted: whole if it fits; else without the settings' command-line
        names ("The learning rate (learning_rate) must be…", the label says it in words),
        cut in the middle if that still does not fit."""
        metrics, width = self.fontMetrics(), self.contentsRect().width()
        text = self.text()
        if metrics.horizontalAdvance(text) > width:
            text = COMMAND_LINE_NAME.sub("", text)
        return metrics.elidedText(text, Qt.TextElideMode.ElideMiddle, width)

    def paintEvent(self, event) -> None:  # noqa: N802 (Qt name)
        painter = QPainter(self)
        painter.drawText(self.contentsRect(),
                         Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                         self.shown_text())


class _WidthWatcher(QObject):
    """Calls ``on_width(width)`` whenever ``widget`` is resized."""

    def __init__(self, widget: QWidget, on_width) -> None:
        super().__init__(widget)
        self._on_width = on_width
        widget.installEventFilter(self)

    def eventFilter(self, watched, event) -> bool:  # noqa: N802 (Qt name)
        if event.type() == QEvent.Type.Resize:
            self._on_width(watched.width())
        return False


class StatusBar:
    """The status bar: a message that elides, and the run's figures that are never cut."""

    TIPS: ClassVar[dict[str, str]] = {
        "task": "The task being learned",
        "epoch": "The epoch (pass through the training sequence) of the step just done, in "
                 "progress until its last step / epochs to train",
        "step": "The step just done within its epoch / steps per epoch (the inspector, the "
                "history and Run to count the same way)",
        "rate": "Training speed actually reached",
        "loss": "Mean loss of the latest complete epoch, the one the loss plot, the paper "
                "figure and the error bars show (the recent steps' loss before the first)",
        "state": "Running, paused, finished or diverged",
        "phase": "Step through phases (P) is on: the phase the diagram shows; Step goes on to "
                 "the next one",
        "experiment": "An experiment is on (lesioned hidden units, the context forgotten); it "
                      "ends with Reset (R) and a new task",
    }

    def __init__(self, bar: QStatusBar, compiling_message: str) -> None:
        self.bar = bar
        self.compiling_message = compiling_message
        self.message = ElidedLabel(bar)
        bar.addWidget(self.message, 1)
        self._said_from_snapshot = ""
        self.labels: dict[str, QLabel] = {}
        for key, tip in self.TIPS.items():
            label = QLabel(bar)
            label.setToolTip(tip)
            label.setContentsMargins(6, 0, 6, 0)
            bar.addPermanentWidget(label)
            self.labels[key] = label
        self.labels["phase"].hide()  # only in phase mode
        self.labels["experiment"].hide()  # only while an experiment is on
        self._watcher = _WidthWatcher(bar, self._fit_width)

    def _fit_width(self, width: int) -> None:
        """A narrow bar drops the task's name (the toolbar's Task box shows it): at 1024 px
        the message gets about 100 px more, and "Stepped back 3 steps to epoch 1, step
        1,061." or "Paused — Play (Space), Step (→) or Step back (←)." are read whole."""
        self.labels["task"].setVisible(width >= COMPACT_STATUS_WIDTH)

    def say(self, text: str) -> None:
        self.message.setText(text)

    def on_trainer_status(self, text: str, latest: Snapshot | None) -> None:
        if text:
            self.say(text)
        elif self.message.text() == self.compiling_message:
            # The compile is done: show what the trainer last said (it may have trained
            # meanwhile, e.g. "Trained 3,000 steps."), or that it is ready.
            self.say(latest.message if latest is not None and latest.message else READY_MESSAGE)

    def show_snapshot(self, snapshot: Snapshot) -> None:
        labels = self.labels
        labels["task"].setText(snapshot.task_title)
        epoch, step = step_place(snapshot.epoch * snapshot.steps_per_epoch + snapshot.position,
                                 snapshot.steps_per_epoch)
        labels["epoch"].setText(f"Epoch {epoch:,} / {snapshot.epochs_total:,}")
        self._set_fixed(labels["epoch"], f"Epoch {snapshot.epochs_total:,} / "
                                         f"{snapshot.epochs_total:,}")
        labels["step"].setText(f"Step {step:,} / {snapshot.steps_per_epoch:,}")
        self._set_fixed(labels["step"], f"Step {snapshot.steps_per_epoch:,} / "
                                        f"{snapshot.steps_per_epoch:,}")
        labels["rate"].setText(format_rate(snapshot.steps_per_second)
                               if snapshot.state == RUNNING else "—")
        self._set_fixed(labels["rate"], "999.9k steps/s")
        latest = snapshot.latest_epoch_loss()
        # Named by the epoch it belongs to, from the one counter the loss plot and the figures
        # read (snapshot.epoch, the latest complete epoch): beside "Epoch 348 / 600" (the epoch
        # in progress) it reads "loss of epoch 347", never a bare number from elsewhere.
        if latest is not None and math.isfinite(latest):
            labels["loss"].setText(f"Loss of epoch {snapshot.epoch:,}: {latest:.4f}")
        elif len(snapshot.running_loss_y):
            labels["loss"].setText(f"Loss of recent steps: {snapshot.running_loss_y[-1]:.4f}")
        else:
            labels["loss"].setText("Loss —")
        text, color = STATE_STYLE.get(snapshot.state, (snapshot.state, "#555555"))
        labels["state"].setText(f"<b style='color:{color}'>● {text}</b>")
        phase = snapshot.phase
        labels["phase"].setText(f"Phase {phase_name(phase, snapshot.copy_words)}"
                                if phase is not None
                                else "Phases: next is 1/4 forward")
        labels["phase"].setVisible(snapshot.phase_mode)
        experiment = experiments.short(snapshot.lesioned, snapshot.forget_context)
        labels["experiment"].setText(f"<b style='color:#b00020'>⚠ {experiment}</b>")
        labels["experiment"].setVisible(bool(experiment))
        # The trainer's message, or what the state means when it says nothing: never a stale
        # one ("a new network." while running). Said once per change, so a notice the window
        # said meanwhile (a lesion, …) stays until the run's message really changes.
        text = snapshot.message or STATE_MESSAGES.get(snapshot.state, "")
        if text != self._said_from_snapshot and self.message.text() != self.compiling_message:
            self._said_from_snapshot = text
            self.say(text)

    @staticmethod
    def _set_fixed(label: QLabel, widest: str) -> None:
        """Room for the widest text the label can show, so it neither jumps nor gets cut."""
        margins = label.contentsMargins()
        width = label.fontMetrics().horizontalAdvance(widest) + margins.left() \
            + margins.right() + 4
        if label.minimumWidth() != width:
            label.setMinimumWidth(width)


class NoticeBar(QFrame):
    """A non-blocking message above the views (divergence, refused input…), with a close button.

    Its height is fixed to its content so that it never pushes the views around more than it
    must; long texts are cut to two lines with the full text in the tooltip.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.label = QLabel(self)
        self.label.setWordWrap(True)
        self.label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.label.setMaximumHeight(self.label.fontMetrics().lineSpacing() * 3)
        close = QToolButton(self)
        close.setText("✕")
        close.setAutoRaise(True)
        close.setToolTip("Dismiss this message")
        close.clicked.connect(self.hide)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(10, 2, 4, 2)
        layout.addWidget(self.label, 1)
        layout.addWidget(close)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Maximum)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self.hide)
        self.level = ""
        self.hide()

    def show_notice(self, level: str, text: str, persistent: bool = False) -> None:
        background, foreground = NOTICE_COLORS.get(level, NOTICE_COLORS["info"])
        self.setStyleSheet(f"NoticeBar {{ background: {background}; border: 1px solid "
                           f"{foreground}; border-radius: 4px; }} QLabel {{ color: {foreground}; "
                           "font-weight: bold; }")
        self.level = level
        self.label.setText(text)
        self.setToolTip(text)
        self.show()
        if level == "info" and not persistent:
            self._timer.start(8000)
        else:
            self._timer.stop()  # warnings and errors stay until dismissed or replaced

    def text(self) -> str:
        return self.label.text() if self.isVisible() else ""
