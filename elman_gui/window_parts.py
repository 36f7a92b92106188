"""What the main window lends to its feature modules (File/Experiments/Help, the debugger).

:class:`StudentFeatures` and :class:`Debugger` get these objects, never the window itself: what
they may read (:class:`Shown`) and change is written down here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMenuBar, QToolBar, QWidget

from elman_core.live.snapshot import Snapshot
from elman_core.model.settings import RunSettings
from elman_gui.views.diagram.network_diagram import NetworkDiagramView
from elman_gui.views.plots.error_bars import ErrorBarsView
from elman_gui.views.plots.loss_plot import LossPlotView

if TYPE_CHECKING:  # the trainer thread's handle: only its type, no import of the worker here
    from elman_gui.worker import Trainer


@dataclass(frozen=True)
class PreviousRun:
    """A finished or abandoned run's epoch losses, drawn dashed in the loss plot."""

    task_name: str
    x: np.ndarray
    y: np.ndarray
    label: str


@dataclass
class Shown:
    """What the window shows now; the window writes it, the feature modules read it.

    ``previous_run`` and ``experiment_html`` are the two things a feature module may set (an
    experiment keeps the run before it for comparison and adds a note to the task's text).
    """

    snapshot: Snapshot | None = None
    settings: RunSettings | None = None  # the trainer's settings in force
    previous_run: PreviousRun | None = None
    experiment_html: str = ""
    text_options: dict = field(default_factory=dict)  # the student's own text, if any


@dataclass(frozen=True)
class WindowParts:
    """The objects a feature module works with.

    ``host`` parents dialogs and owns keyboard shortcuts (the window's central widget);
    ``notify(level, text)`` shows a notice; ``choose_task(name)`` switches task as the Task
    menu does; ``refresh_task()`` re-renders the task's description (after an experiment note
    changed); ``all_actions()`` lists every action of the window (for the shortcut sheet);
    ``watch(text)`` shows an experiment's "Watch:" line until the student leaves it.
    """

    trainer: Trainer
    shown: Shown
    menu_bar: QMenuBar
    toolbar: QToolBar
    diagram: NetworkDiagramView
    loss_plot: LossPlotView
    error_bars: ErrorBarsView
    host: QWidget
    notify: Callable[[str, str], None]
    choose_task: Callable[[str], None]
    refresh_task: Callable[[], None]
    all_actions: Callable[[], list[QAction]]
    watch: Callable[[str], None]  # the experiment's "Watch:" line above the views ("" hides it)
