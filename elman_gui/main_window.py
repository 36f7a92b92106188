"""The main window: wiring between the controls, the trainer thread and the views.

Snapshots arrive from :class:`~elman_gui.worker.Trainer` (already filtered by generation); the
window keeps only the newest and repaints the views from a screen-rate timer, and only when a new
one has arrived. Nothing here touches the network. The status and notice bars live in
:mod:`elman_gui.panels.status`; File/Experiments/Help and the debugger get a
:class:`~elman_gui.window_parts.WindowParts`, not the window.
"""

from __future__ import annotations

from collections.abc import Callable
from html import escape

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QAction, QActionGroup
from PySide6.QtWidgets import (
    QDockWidget,
    QFrame,
    QMainWindow,
    QScrollArea,
    QSplitter,
    QTextBrowser,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from elman_core import tasks
from elman_core.live.snapshot import DIVERGED, FINISHED, RUNNING, Snapshot, as_inspected
from elman_gui import resources
from elman_gui.features.debugger import Debugger
from elman_gui.features.focus_mode import FocusMode
from elman_gui.features.lessons import LessonFiles
from elman_gui.features.side_by_side import SideBySide
from elman_gui.features.student_menus import StudentFeatures
from elman_gui.floating import FloatOver
from elman_gui.panels.controls import (
    SpeedControl,
    SpeedMenu,
    TaskSelector,
    TextTaskDialog,
    TrainingActions,
    build_menus,
    build_toolbar,
)
from elman_gui.panels.experiment_badge import ExperimentBadge
from elman_gui.panels.field_keys import FieldKeys
from elman_gui.panels.figure_tabs import VIEWS as FIGURE_VIEWS
from elman_gui.panels.figure_tabs import FigureTabs
from elman_gui.panels.parameter_panel import ParameterPanel
from elman_gui.panels.status import NoticeBar, StatusBar
from elman_gui.views.diagram.network_diagram import NetworkDiagramView
from elman_gui.views.plots.error_bars import ErrorBarsView
from elman_gui.views.plots.loss_plot import LossPlotView
from elman_gui.views.snapshot_view import SnapshotView
from elman_gui.views.stepping.sequence_tape import SequenceTape
from elman_gui.window_fit import WindowFit
from elman_gui.window_parts import PreviousRun, Shown, WindowParts
from elman_gui.worker import COMPILING_MESSAGE, Trainer

REPAINT_HZ = 60


class MainWindow(QMainWindow):
    """Elman Lab's window. ``current_snapshot`` is the snapshot the views show right now."""

    snapshotRendered = Signal(object)

    def __init__(self, trainer: Trainer, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(resources.window_title())  # the version students quote
        self.trainer = trainer
        self.shown = Shown(
            text_options=dict(trainer.task_options) if tasks.takes_text(trainer.task_name) else {})
        self.frames_painted = 0
        self._pending: Snapshot | None = None
        self._running_intent = False
        # The task's opening pace (Task.opening_speed) is applied to the first picture of a
        # task opened or reset; --screenshot turns this off (it trains at full speed).
        self.follow_task_pace = True
        self._pace_due = True
        self._task_sources = {name: tasks.get(name).source for name in tasks.names()}

        self.actions_ = TrainingActions(self)
        self.selector = TaskSelector(self)
        self.speed = SpeedControl(self)
        self.toolbar: QToolBar = build_toolbar(self, self.actions_, self.selector, self.speed)
        self.addToolBar(self.toolbar)
        self._task_group, task_actions = self._make_task_actions()
        build_menus(self, self.actions_, task_actions)

        self.diagram = NetworkDiagramView(self)
        self.loss_plot = LossPlotView(self)
        self.error_bars = ErrorBarsView(self)
        self.loss_plot.setToolTip("The loss: faint, per step; bold, the mean of each epoch.")
        self.error_bars.setToolTip("Where the network still errs, over the latest epoch: by "
                                   "position in the sequence, or by output unit.")
        self.tape = SequenceTape(self)  # what the network reads, must predict and guesses
        self.experiment_badge = ExperimentBadge(self.diagram)  # lesions, no memory: said plainly
        self.notice_bar = NoticeBar(self)
        self.watch_bar = NoticeBar(self)  # an experiment's "Watch:", kept through its run
        self._build_central()

        self.parameters = ParameterPanel(self)
        self.description = QTextBrowser(self)
        self.description.setOpenExternalLinks(True)
        self.description.setToolTip("What this task teaches and what to look for.")
        self._build_docks()
        self._build_view_menu()
        self.status = StatusBar(self.statusBar(), COMPILING_MESSAGE)
        self.status_message = self.status.message
        self.status_labels = self.status.labels
        self._connect()
        parts = WindowParts(
            trainer=trainer, shown=self.shown, menu_bar=self.menuBar(), toolbar=self.toolbar,
            diagram=self.diagram, loss_plot=self.loss_plot, error_bars=self.error_bars,
            host=self.centralWidget(), notify=self.show_notice, choose_task=self.choose_task,
            refresh_task=self._refresh_task, all_actions=self._all_actions,
            watch=self._show_watch)
        self.student = StudentFeatures(parts)  # File export/save/load, Experiments, Help
        self.debugger = Debugger(parts)  # inspector, history, step back, phases, run to
        self.lessons = LessonFiles(  # File ▸ Open/Save lesson, lesson files dropped here
            parts, self, self.figure_tabs.show_view, self.figure_tabs.current_view,
            self.student.file_menu, self.student.export_menu.menuAction(),
            self.student.dialog_folder)
        self._place_debugger_docks()
        self._build_focus_mode()
        self.side_by_side = SideBySide(trainer, self.figure_tabs, self.diagram, self.view_menu,
                                       self.centralWidget(), lambda: self.shown.settings)
        # Everything repainted from each new snapshot, in this order (the status bar last).
        self.snapshot_views: list[SnapshotView] = [
            self.diagram, self.loss_plot, self.error_bars, self.tape, self.figure_tabs,
            self.side_by_side, self.debugger, self.status]
        self.fit = WindowFit(self, self.toolbar, self.parameters, self.task_dock,
                             self.parameter_dock, self.debugger.history_dock)

        self._repaint_timer = QTimer(self)
        self._repaint_timer.setInterval(round(1000 / REPAINT_HZ))
        self._repaint_timer.timeout.connect(self.paint_newest)
        self._repaint_timer.start()

    # ------------------------------------------------------------------ layout
    def _build_central(self) -> None:
        plots = QSplitter(Qt.Orientation.Vertical)
        plots.addWidget(self.loss_plot)
        plots.addWidget(self.error_bars)
        plots.setSizes([500, 400])
        # The diagram shares its place with the paper figure, hidden space and dendrogram;
        # the sequence tape runs beneath them all.
        self.figure_tabs = FigureTabs(self.diagram, self.trainer.cluster_hidden_states, self,
                                      trace=self.trainer.trace_sentences)
        left = QWidget(self)
        column = QVBoxLayout(left)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(2)
        column.addWidget(self.figure_tabs, 1)
        column.addWidget(self.tape)
        main = QSplitter(Qt.Orientation.Horizontal)
        main.addWidget(left)
        main.addWidget(plots)
        main.setStretchFactor(0, 3)
        main.setStretchFactor(1, 2)
        main.setSizes([620, 400])
        central = QWidget(self)
        layout = QVBoxLayout(central)
        layout.setContentsMargins(4, 4, 4, 0)
        layout.addWidget(self.watch_bar)  # an experiment's line: kept, so it takes its room
        layout.addWidget(main, 1)
        self.setCentralWidget(central)
        # A notice floats over the top of the views: they never move when it comes and goes.
        self._notice_float = FloatOver(self.notice_bar, central)

    def _build_docks(self) -> None:
        about = QDockWidget("About this task", self)
        about.setObjectName("task-dock")
        about.setWidget(self.description)
        scroll = QScrollArea(self)
        scroll.setWidget(self.parameters)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        holder = QWidget(self)  # the fields scroll; Apply and Revert stay in sight below them
        column = QVBoxLayout(holder)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(0)
        column.addWidget(scroll, 1)
        column.addWidget(self.parameters.button_bar)
        params = QDockWidget("Parameters", self)
        params.setObjectName("parameter-dock")
        params.setWidget(holder)
        # Enter applies, Esc leaves a field; a menu command ends the editing too.
        self.field_keys = FieldKeys(self.parameters.fields(), self.parameters.apply,
                                    self.figure_tabs.setFocus, self)
        self.menuBar().triggered.connect(lambda _: self.field_keys.leave_if_editing())
        features = QDockWidget.DockWidgetFeature.DockWidgetMovable | \
            QDockWidget.DockWidgetFeature.DockWidgetFloatable | \
            QDockWidget.DockWidgetFeature.DockWidgetClosable  # View menu brings them back
        self.task_dock, self.parameter_dock = about, params
        for dock in (about, params):
            dock.setFeatures(features)
            self.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, dock)
        self.resizeDocks([about, params], [330, 330], Qt.Orientation.Horizontal)
        self.resizeDocks([about, params], [250, 560], Qt.Orientation.Vertical)

    def _build_view_menu(self) -> None:
        """View: the speed (also when the toolbar is too narrow for the slider) and the panels."""
        bar = self.menuBar()
        memory = next(a for a in bar.actions() if a.text().replace("&", "") == "Memory")
        self.view_menu = view = bar.addMenu("&View")
        bar.insertMenu(memory, view)
        view.setToolTipsVisible(True)
        self.speed_menu = SpeedMenu(self.speed, self, view)
        view.addMenu(self.speed_menu)
        view.addSeparator()
        for dock in (self.task_dock, self.parameter_dock):
            view.addAction(dock.toggleViewAction())
        view.addSeparator()
        view.addActions(self.figure_tabs.view_actions)
        view.addSeparator()

    def _place_debugger_docks(self) -> None:
        # The inspector is tabbed with the parameters (the tall dock): it gets room when raised.
        neighbour = self.findChild(QDockWidget, "parameter-dock")
        self.tabifyDockWidget(neighbour, self.debugger.inspector_dock)
        neighbour.raise_()
        self.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, self.debugger.history_dock)
        self.resizeDocks([self.debugger.history_dock], [230], Qt.Orientation.Vertical)
        self.view_menu.addAction(self.debugger.inspector_dock.toggleViewAction())
        self.view_menu.addAction(self.debugger.history_dock.toggleViewAction())

    def _build_focus_mode(self) -> None:
        """View ▸ Focus: any view or plot alone in the window (F11, Z, a double-click; Esc)."""
        tabs = self.figure_tabs

        def tab(name: str) -> Callable[[], QWidget]:
            return lambda: (tabs.show_view(name), tabs.currentWidget() if name == "network"
                            else getattr(tabs, name.replace("-", "_")))[1]

        def history() -> QWidget:
            self.debugger.history_dock.show()
            return self.debugger.history

        views = {name: (FIGURE_VIEWS[name][0], tab(name)) for name in FIGURE_VIEWS}
        views.update({"loss": ("Loss plot", lambda: self.loss_plot),
                      "errors": ("Error bars", lambda: self.error_bars),
                      "history": ("Activation history", history)})
        self.focus_mode = FocusMode(self, views, tabs.current_view,
                                    self.view_menu.addMenu("&Focus"))
        for name, widget in (("network", self.diagram), ("loss", self.loss_plot),
                             ("errors", self.error_bars), ("history", self.debugger.history)):
            self.focus_mode.watch(widget, name)
        tabs.viewMade.connect(lambda name, view: self.focus_mode.watch(view, name))

    def resizeEvent(self, event) -> None:  # noqa: N802 (Qt name)
        super().resizeEvent(event)
        self.fit.resized(event.size().width(), event.size().height())

    def _all_actions(self) -> list[QAction]:
        """Every action of the window, in creation order, without duplicates."""
        found: list[QAction] = []
        for action in self.findChildren(QAction):
            if action not in found:
                found.append(action)
        return found

    def _make_task_actions(self) -> tuple[QActionGroup, list[QAction]]:
        group = QActionGroup(self)
        actions = []
        for index in range(self.selector.count()):
            name = self.selector.itemData(index)
            action = QAction(self.selector.itemText(index), self, checkable=True)
            action.setData(name)
            action.setToolTip(self.selector.itemData(index, Qt.ItemDataRole.ToolTipRole))
            action.triggered.connect(lambda _=False, n=name: self.choose_task(n))
            group.addAction(action)
            actions.append(action)
        return group, actions

    def _connect(self) -> None:
        a = self.actions_
        a.play_pause.triggered.connect(self.toggle_play)
        a.step.triggered.connect(self.trainer.step)
        a.step_epoch.triggered.connect(self.trainer.step_epoch)
        a.reset.triggered.connect(self.reset)
        a.edit_text.triggered.connect(self.edit_text)
        a.forget_context.toggled.connect(self.trainer.set_forget_context)
        a.reset_each_epoch.toggled.connect(self._on_reset_each_epoch)
        a.restore_lesions.triggered.connect(self.restore_lesions)
        a.quit.triggered.connect(self.close)
        self.selector.taskChosen.connect(self.choose_task)
        self.speed.speedChanged.connect(self.trainer.set_speed)
        self.parameters.liveChanged.connect(self.trainer.set_settings)
        self.parameters.applyRequested.connect(self.apply_settings)
        self.diagram.unitClicked.connect(self.on_unit_clicked)
        self.tape.stepClicked.connect(self.trainer.inspect_step)  # as the history's columns
        self.trainer.snapshotReady.connect(self._on_snapshot)
        self.trainer.settingsChanged.connect(self._on_settings)
        self.trainer.settingsRejected.connect(self._on_settings_rejected)
        self.trainer.notice.connect(self.show_notice)
        self.trainer.status.connect(
            lambda text: self.status.on_trainer_status(text, self.current_snapshot))

    @property
    def current_snapshot(self) -> Snapshot | None:
        """The snapshot the views show right now."""
        return self.shown.snapshot

    # ------------------------------------------------------------------ commands
    def toggle_play(self) -> None:
        if self._running_intent:
            self.trainer.pause()
        else:
            self.trainer.play()
        self._running_intent = not self._running_intent
        self.actions_.show_running(self._running_intent)

    def reset(self) -> None:
        self._remember_run()
        self._running_intent = False
        self._pace_due = True
        self.trainer.reset()

    def choose_task(self, name: str) -> None:
        options = self.shown.text_options if tasks.takes_text(name) else {}
        self.shown.previous_run = None
        self.student.task_left()
        self._pace_due = True
        self.trainer.set_task(name, options)

    def edit_text(self) -> None:
        # The text being learned (or the built-in sample): visible and editable.
        text = self.shown.text_options.get("text") or tasks.get("text").text
        dialog = TextTaskDialog(str(text), self)
        if dialog.exec():
            self.shown.text_options = {"text": dialog.text()}
            self.choose_task("text")

    def apply_settings(self, changes: dict) -> None:
        self._remember_run()
        self.trainer.set_settings(changes)

    def restore_lesions(self) -> None:
        if self.current_snapshot is not None:
            for unit in self.current_snapshot.lesioned:
                self.trainer.set_lesion(unit, False)

    def on_unit_clicked(self, layer: str, index: int) -> None:
        snapshot = self.current_snapshot
        if snapshot is None:
            return
        if layer != "hidden":
            self.status.say("Click a hidden unit to lesion it (hold it at 0).")
            return
        on = index not in snapshot.lesioned
        self.trainer.set_lesion(index, on)
        self.status.say(
            f"Hidden unit {index + 1} lesioned: it is held at 0 — watch the errors. Click it "
            "again to restore it." if on else f"Hidden unit {index + 1} restored.")

    def show_notice(self, level: str, text: str) -> None:
        self.notice_bar.show_notice(level, text)
        self.status.say(text)

    def _show_watch(self, text: str) -> None:
        if text:
            self.watch_bar.show_notice("info", text, persistent=True)
        else:
            self.watch_bar.hide()

    def _on_reset_each_epoch(self, on: bool) -> None:
        self.trainer.set_settings({"reset_context_each_epoch": bool(on)})

    def _remember_run(self) -> None:
        """Keep the run being left as a dashed curve in the loss plot, to compare with."""
        snapshot, settings = self.current_snapshot, self.shown.settings
        if snapshot is None or settings is None or len(snapshot.epoch_losses) == 0:
            return
        label = (f"previous run (lr {settings.learning_rate:g}, {settings.n_hidden} hidden, "
                 f"seed {settings.seed})")
        x, y = snapshot.epoch_curve()
        self.shown.previous_run = PreviousRun(snapshot.task_name, x, y, label)

    # ------------------------------------------------------------------ from the trainer
    def _on_snapshot(self, snapshot: Snapshot) -> None:
        self._pending = snapshot  # only the newest is ever painted

    def _on_settings(self, settings) -> None:
        self.shown.settings = settings
        self.parameters.load(settings)
        self.actions_.reset_each_epoch.blockSignals(True)
        self.actions_.reset_each_epoch.setChecked(settings.reset_context_each_epoch)
        self.actions_.reset_each_epoch.blockSignals(False)
        self.diagram.set_activations(settings.hidden_activation, settings.output_activation)
        self.loss_plot.set_loss_name(
            "cross-entropy" if settings.output_activation == "softmax" else "mean squared error")

    def _on_settings_rejected(self, text: str) -> None:
        self.parameters.show_message(text)
        self.show_notice("error", text)

    # ------------------------------------------------------------------ painting
    def has_unpainted_snapshot(self) -> bool:
        return self._pending is not None

    def paint_newest(self) -> None:
        """Repaint every view from the newest snapshot, if one arrived since the last paint."""
        snapshot, self._pending = self._pending, None
        if snapshot is None:
            return
        previous = self.current_snapshot
        new_run = previous is None or previous.generation != snapshot.generation
        if new_run:  # the views notice a new generation themselves; no clear() needed
            self._show_previous_run(snapshot)
            self.parameters.show_run(snapshot.length_unit, snapshot.steps_per_epoch)
            if self._pace_due and self.follow_task_pace:
                self.speed.set_speed(snapshot.opening_speed)  # the slider tells the trainer
            self._pace_due = False
        if previous is None or previous.task_name != snapshot.task_name:
            self._show_task(snapshot)
        elif previous.task_description != snapshot.task_description:
            self._describe_task(snapshot)  # same task, another text or sequence length
        self.shown.snapshot = snapshot
        self._update_controls(previous, snapshot)
        inspected = as_inspected(snapshot)  # the diagram shows the step the inspector shows
        for view in self.snapshot_views:
            view.show_snapshot(inspected if view is self.diagram else snapshot)
        self.frames_painted += 1
        self.snapshotRendered.emit(snapshot)

    def _show_previous_run(self, snapshot: Snapshot) -> None:
        run = self.shown.previous_run
        if run is not None and run.task_name == snapshot.task_name:
            self.loss_plot.set_previous_run(run.x, run.y, run.label)
        else:
            self.loss_plot.clear_previous_run()

    def _show_task(self, snapshot: Snapshot) -> None:
        self.selector.show_task(snapshot.task_name)
        for action in self._task_group.actions():
            action.setChecked(action.data() == snapshot.task_name)
        self._describe_task(snapshot)

    def _refresh_task(self) -> None:
        if self.current_snapshot is not None:
            self._describe_task(self.current_snapshot)

    def _describe_task(self, snapshot: Snapshot) -> None:
        source = self._task_sources.get(snapshot.task_name, "")
        paragraphs = "".join(f"<p>{escape(p)}</p>"
                             for p in snapshot.task_description.split("\n\n") if p.strip())
        pace = snapshot.opening_speed
        steps = snapshot.steps_per_epoch * snapshot.epochs_total
        opening = (f"<p style='color:#555'>Opens at {pace:,.0f} steps a second, so the "
                   f"{steps:,} steps of the run take about {steps / pace:,.0f} s to watch; "
                   "F trains at full speed.</p>" if pace else "")
        self.description.setHtml(
            f"<h3>{escape(snapshot.task_title)}</h3>{paragraphs}{opening}"
            + (f"<p style='color:#666'><i>Source: {escape(source)}</i></p>" if source else "")
            + self.shown.experiment_html)

    def _update_controls(self, previous: Snapshot | None, snapshot: Snapshot) -> None:
        running = snapshot.state == RUNNING
        was_running = previous is not None and previous.state == RUNNING
        # A finished or diverged run cannot be playing: Play again (Space then says why not).
        if running or was_running or previous is None or snapshot.state in (FINISHED, DIVERGED):
            self._running_intent = running
        self.actions_.show_running(self._running_intent)
        self.actions_.show_phase(snapshot.phase_mode, snapshot.phase, snapshot.copy_words)
        self.selector.show_task(snapshot.task_name)
        self.experiment_badge.show_snapshot(snapshot)
        forget = self.actions_.forget_context  # ended by a reset or a new network: unticked
        if forget.isChecked() != snapshot.forget_context:
            forget.blockSignals(True)
            forget.setChecked(snapshot.forget_context)
            forget.blockSignals(False)

    # ------------------------------------------------------------------ closing
    def closeEvent(self, event) -> None:  # noqa: N802 (Qt name)
        self._repaint_timer.stop()
        self.hide()  # at once, even if the trainer is still busy compiling
        self.trainer.close()
        super().closeEvent(event)

