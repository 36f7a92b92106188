"""A badge over the network diagram while an experiment is on (lesions, a forgotten context).

An experiment changes what the network can do, so it must never go unnoticed: the badge names it
in plain words in the diagram's top-right corner (the status bar says it too), and goes as soon
as the experiment ends — undone by the student, or ended by a reset, a new task or a new network.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import QLabel, QWidget

from elman_core.live import experiments
from elman_core.live.snapshot import Snapshot

MARGIN = 6


class ExperimentBadge(QLabel):
    """Shown over the top-right corner of ``host`` while the snapshot has an experiment on."""

    def __init__(self, host: QWidget) -> None:
        super().__init__(host)
        self.setObjectName("experiment-badge")
        self.setStyleSheet("QLabel#experiment-badge { background: #fdecea; color: #b00020; "
                           "border: 1px solid #b00020; border-radius: 4px; padding: 2px 6px; "
                           "font-weight: bold; }")
        self.setToolTip("An experiment is on: Experiments ▸ Restore lesioned units, or Forget "
                        "the context again, ends it; so do Reset (R) and a new task.")
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)  # clicks reach units
        self.hide()
        host.installEventFilter(self)

    def show_snapshot(self, snapshot: Snapshot) -> None:
        what = experiments.describe(snapshot.lesioned, snapshot.forget_context)
        if not what:
            self.hide()
            return
        text = f"⚠ Experiment: {what}"
        if text != self.text():
            self.setText(text)
            self.adjustSize()
        self._place()
        self.show()
        self.raise_()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt name)
        if event.type() == QEvent.Type.Resize:
            self._place()
        return False

    def _place(self) -> None:
        host = self.parentWidget()
        if host is None:  # not yet (or no longer) on its view: nothing to place against
            return
        width = min(self.sizeHint().width(), max(host.width() - 2 * MARGIN, 40))
        self.resize(width, self.sizeHint().height())
        self.move(host.width() - width - MARGIN, MARGIN)
