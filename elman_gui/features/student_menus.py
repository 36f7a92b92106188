"""The "ready for students" parts of the main window: File ▸ save / load / export, the
Experiments menu (one-click presets, compared side by side or with the run before) and the
Help menu.

:class:`StudentFeatures` is created by the main window once its own menus exist, from the
:class:`~elman_gui.window_parts.WindowParts` the window lends it; it only adds menus and actions
and talks to the trainer through its queued commands.
"""

from __future__ import annotations

from collections.abc import Callable
from html import escape
from pathlib import Path

from PySide6.QtCore import QObject, QStandardPaths
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QFileDialog, QMenu

from elman_core import tasks
from elman_core.tasks import Preset
from elman_gui.actions import make_action
from elman_gui.features import export, figure_export
from elman_gui.features.help_dialog import HelpDialog, show_about
from elman_gui.features.welcome import WelcomeDialog, app_settings, should_show_at_startup
from elman_gui.window_parts import PreviousRun, WindowParts


class StudentFeatures(QObject):
    """File export/save/load, the Experiments menu and the Help menu, with their handlers."""

    def __init__(self, parts: WindowParts) -> None:
        super().__init__(parts.host)
        self.parts = parts
        self.trainer = parts.trainer
        self.shown = parts.shown
        self.settings = None  # QSettings for the welcome dialog (None: the app's own)
        self.experiment: Preset | None = None
        self.welcome: WelcomeDialog | None = None
        self.help: HelpDialog | None = None
        self.last_export: Path | None = None
        self.last_folder: Path | None = None  # where the student last saved or loaded a file
        self.last_error = ""
        self.experiment_actions: dict[str, QAction] = {}
        self._build_file_menu()
        self._build_experiments_menu()
        self._build_help_menu()
        for menu in parts.menu_bar.findChildren(QMenu):
            menu.setToolTipsVisible(True)
        self.trainer.fileDone.connect(self._on_file_done)

    # ------------------------------------------------------------------ menus
    def _action(self, text: str, tip: str, slot, keys: tuple[str, ...] = ()) -> QAction:
        return make_action(self.parts.host, text, tip, keys, slot=slot)

    def _menu(self, title: str) -> QMenu:
        bar = self.parts.menu_bar
        for action in bar.actions():
            menu = action.menu()
            if menu is not None and menu.title().replace("&", "") == title.replace("&", ""):
                return menu
        return bar.addMenu(title)

    def _build_file_menu(self) -> None:
        menu = self._menu("&File")
        before = menu.actions()[0] if menu.actions() else None  # Quit stays last
        self.save_action = self._action(
            "Save network…", "Save the trained network (weights, settings, context) to a file "
            "you can load again later (Ctrl+S).", self.save_network, ("Ctrl+S",))
        self.load_action = self._action(
            "Load network…", "Continue from a network saved earlier; it must fit the current "
            "task. A broken file changes nothing (Ctrl+O).", self.load_network, ("Ctrl+O",))
        export_menu = QMenu("Export", menu)
        export_menu.setToolTipsVisible(True)
        self.export_actions = {}
        views = (("loss", "Loss plot"), ("errors", "Error bars"), ("diagram", "Network diagram"))
        for key, title in views:
            for fmt in ("png", "svg"):
                self._add_picture_export(
                    export_menu, key, title, fmt,
                    f"Save the {title.lower()} as it is now as a{'n' if fmt == 'svg' else ''} "
                    f"{fmt.upper()} picture for a report.",
                    lambda k=key, f=fmt: self.export_view(k, f))
        export_menu.addSeparator()
        self._add_figure_exports(export_menu)
        export_menu.addSeparator()
        for key, title, tip in (
                ("loss-csv", "Loss history as CSV…", "epoch,loss: the mean loss of every "
                 "completed epoch, for a spreadsheet."),
                ("errors-csv", "Errors as CSV…", "category,error: the mean error at each "
                 "position and of each output unit over the latest epoch.")):
            action = self._action(title, tip, lambda k=key: self.export_csv(k))
            export_menu.addAction(action)
            self.export_actions[key] = action
        self.export_menu = export_menu
        self.file_menu = menu
        for item in (self.save_action, self.load_action):
            menu.insertAction(before, item)
        menu.insertMenu(before, export_menu)
        if before is not None:
            menu.insertSeparator(before)

    def _add_figure_exports(self, export_menu: QMenu) -> None:
        for name, title in figure_export.FIGURES.items():
            for fmt in figure_export.FORMATS:
                size = "twice the screen's resolution" if fmt == "png" else "scalable"
                self._add_picture_export(
                    export_menu, name, title, fmt,
                    f"Save the {title.lower()} of the latest snapshot as a slide-sized "
                    f"{fmt.upper()} picture ({size}), whether or not its tab is open.",
                    lambda n=name, f=fmt: self.export_figure(n, f))

    def _add_picture_export(self, menu: QMenu, key: str, title: str, fmt: str, tip: str,
                            trigger: Callable[[], object]) -> None:
        """One "<title> as PNG/SVG…" entry of File ▸ Export, kept as ``export_actions[key-fmt]``."""
        action = self._action(f"{title} as {fmt.upper()}…", tip, trigger)
        menu.addAction(action)
        self.export_actions[f"{key}-{fmt}"] = action

    def _build_experiments_menu(self) -> None:
        menu = QMenu("E&xperiments", self.parts.menu_bar)
        menu.setToolTipsVisible(True)
        for preset in tasks.presets():
            action = self._action(preset.title, f"{preset.title}. Watch: {preset.watch}",
                                  lambda p=preset: self.run_experiment(p))
            action.setData(preset.name)
            action.setObjectName(f"experiment-{preset.name}")
            menu.addAction(action)
            self.experiment_actions[preset.name] = action
        menu.addSeparator()
        self.clear_comparison_action = self._action(
            "Clear comparison", "Remove the dashed curve of the earlier run from the loss plot.",
            self.clear_comparison)
        menu.addAction(self.clear_comparison_action)
        self.experiments_menu = menu
        self.parts.menu_bar.addMenu(menu)

    def _build_help_menu(self) -> None:
        menu = self._menu("&Help")
        self.help_action = self._action(
            "How an Elman network works", "A short explanation with the network's diagram, "
            "the keyboard shortcuts and the version (F1).", self.show_help, ("F1",))
        self.welcome_action = self._action(
            "Choose a task…", "Every task with what it teaches and how its sequence looks; "
            "pick one to start it.", self.show_welcome)
        self.shortcuts_action = self._action(
            "Keyboard shortcuts", "Every key Elman Lab understands.",
            lambda: self.show_help(tab=2))
        self.about_action = self._action(
            "About Elman Lab", "Version and credits.", lambda: show_about(self.parts.host))
        for action in (self.help_action, self.welcome_action, self.shortcuts_action,
                       self.about_action):
            menu.addAction(action)
        self.help_menu = menu

    # ------------------------------------------------------------------ welcome / help
    def show_welcome(self, modal: bool = False) -> WelcomeDialog:
        snapshot = self.shown.snapshot
        dialog = WelcomeDialog(self.parts.host, self.settings or app_settings(),
                               current=snapshot.task_name if snapshot is not None else None)
        dialog.taskChosen.connect(self.parts.choose_task)
        if dialog.save_problem is not None:
            self.parts.notify("warning", dialog.save_problem)
        dialog.settingsNotSaved.connect(lambda text: self.parts.notify("warning", text))
        self.welcome = dialog
        if modal:
            dialog.exec()
        else:
            dialog.open()
        return dialog

    def show_welcome_if_first_start(self) -> bool:
        if should_show_at_startup(self.settings or app_settings()):
            self.show_welcome()
            return True
        return False

    def show_help(self, tab: int = 0) -> HelpDialog:
        """The help window, made once (its diagram and shortcut table take a tenth of a
        second to build) and shown again, on ``tab``."""
        if self.help is None:
            self.help = HelpDialog(self.parts.all_actions(), self.parts.host)
        else:
            self.help.show_shortcuts(self.parts.all_actions())
        self.help.tabs.setCurrentIndex(tab)
        self.help.show()
        self.help.raise_()
        self.help.activateWindow()
        return self.help

    # ------------------------------------------------------------------ experiments
    def run_name(self) -> str:
        """What the run on screen is called in the comparison legend."""
        snapshot, settings = self.shown.snapshot, self.shown.settings
        if self.experiment is not None and snapshot is not None \
                and snapshot.task_name == self.experiment.task:
            return self.experiment.title
        if snapshot is None:
            return "previous run"
        details = f" ({settings.n_hidden} hidden, lr {settings.learning_rate:g})" \
            if settings is not None else ""
        return f"{snapshot.task_title}{details}"

    def run_experiment(self, preset: Preset) -> None:
        """Switch to the preset's task and settings; keep the run on screen as a dashed curve."""
        shown = self.shown
        snapshot = shown.snapshot
        compared = preset.compare_with is not None  # the run its text names, computed
        if compared:
            shown.previous_run = None
            self.parts.loss_plot.clear_previous_run()
        elif snapshot is not None and len(snapshot.epoch_losses):
            x, y = snapshot.epoch_curve()
            label = f"before: {self.run_name()}"
            shown.previous_run = PreviousRun(preset.task, x, y, label)
            self.parts.loss_plot.set_previous_run(x, y, label)
        self.experiment = preset
        shown.experiment_html = (
            f"<hr><h4>Experiment: {escape(preset.title)}</h4>"
            f"<p><b>What to watch:</b> {escape(preset.watch)}</p>"
            + (f"<p style='color:#666'>Network B, side by side with this one (A), is "
               f"{escape(preset.compare_label)}, trained on the same stream step for step "
               "(View ▸ One network leaves the comparison).</p>"
               if compared else
               "<p style='color:#666'>The dashed curve in the loss plot is the run before "
               "(Experiments ▸ Clear comparison removes it).</p>"))
        options = shown.text_options if tasks.takes_text(preset.task) else {}
        if snapshot is not None and snapshot.partner is not None:
            self.trainer.set_partner(None)  # the comparison of the experiment before ends
        self.trainer.set_task(preset.task, options)
        if preset.overrides:
            self.trainer.set_settings(dict(preset.overrides))
        if compared:  # side by side: B is what the text names, on the same stream
            defaults = tasks.get(preset.task).defaults
            changes = {key: getattr(defaults, key) for key in preset.overrides}
            self.trainer.set_partner({**changes, **dict(preset.compare_with or {})},
                                     preset.compare_label)
        if snapshot is not None and snapshot.task_name == preset.task:
            self.parts.refresh_task()  # same task: show the note now
        self.parts.watch(f"Experiment “{preset.title}”. Watch: {preset.watch}")

    def task_left(self) -> None:
        """The student chose a task by hand: the experiment note goes."""
        self.experiment = None
        self.shown.experiment_html = ""
        self.parts.watch("")

    def clear_comparison(self) -> None:
        """Experiments ▸ Clear comparison: the dashed curve of the run before goes."""
        self.shown.previous_run = None
        self.parts.loss_plot.clear_previous_run()

    # ------------------------------------------------------------------ files
    def dialog_folder(self) -> Path:
        """Where a file dialog opens: the folder last used in this session, else Documents.

        Never the process's working folder: that is "/" for an app started from the Finder.
        """
        if self.last_folder is not None:
            return self.last_folder
        documents = QStandardPaths.writableLocation(
            QStandardPaths.StandardLocation.DocumentsLocation)
        return Path(documents) if documents else Path.home()

    def _remember_folder(self, path: str) -> str:
        if path:
            self.last_folder = Path(path).parent
        return path

    def _ask_save(self, title: str, name: str, filters: str) -> str:
        path, _ = QFileDialog.getSaveFileName(self.parts.host, title,
                                              str(self.dialog_folder() / name), filters)
        return self._remember_folder(path)

    def export_view(self, key: str, fmt: str, path: str | None = None) -> Path | None:
        views = {"loss": self.parts.loss_plot, "errors": self.parts.error_bars,
                 "diagram": self.parts.diagram}
        if path is None:
            path = self._ask_save("Export picture", f"elman-{key}.{fmt}",
                                  f"{fmt.upper()} picture (*.{fmt})")
            if not path:
                return None
        view = views[key]
        if key == "diagram":  # the diagram's colour key sits outside its plot: take it all
            writer = export.widget_png if fmt == "png" else export.widget_svg
        else:
            writer = export.plot_png if fmt == "png" else export.plot_svg
        return self._write(lambda: writer(view, path))

    def export_figure(self, name: str, fmt: str, path: str | None = None) -> Path | None:
        """The paper figure, hidden space or dendrogram as a PNG (2×) or SVG file."""
        snapshot = self.shown.snapshot
        record = None if snapshot is None else {
            "paper-figure": snapshot.paper_figure, "hidden-space": snapshot.hidden_space,
            "dendrogram": snapshot.word_clusters}[name]
        if record is None:
            self.parts.notify("warning", "Nothing to export yet: " + (
                "the dendrogram is for the word tasks; cluster the hidden states first."
                if name == "dendrogram" else "train a few steps first."))
            return None
        if path is None:
            path = self._ask_save("Export figure", f"elman-{snapshot.task_name}-{name}.{fmt}",
                                  f"{fmt.upper()} picture (*.{fmt})")
            if not path:
                return None
        return self._write(lambda: figure_export.write_figure(name, snapshot, path))

    def export_csv(self, key: str, path: str | None = None) -> Path | None:
        snapshot = self.shown.snapshot
        if snapshot is None:
            self.parts.notify("warning", "Nothing to export yet.")
            return None
        if path is None:
            name = "elman-loss.csv" if key == "loss-csv" else "elman-errors.csv"
            path = self._ask_save("Export numbers", name, "CSV table (*.csv)")
            if not path:
                return None
        text = export.loss_csv(snapshot) if key == "loss-csv" else export.errors_csv(snapshot)
        return self._write(lambda: export.write_text(path, text))

    def _write(self, write) -> Path | None:
        try:
            written = write()
        except export.ExportError as error:
            self.parts.notify("error", str(error))  # errors stay until dismissed
            return None
        self.last_export = written
        self.parts.notify("info", f"Saved {written}.")
        return written

    def save_network(self, path: str | None = None) -> None:
        if path is None:
            path = self._ask_save("Save network", "elman-network.npz",
                                  "Elman Lab network (*.npz)")
            if not path:
                return
        self.trainer.save_network(path)

    def load_network(self, path: str | None = None) -> None:
        if path is None:
            path, _ = QFileDialog.getOpenFileName(self.parts.host, "Load network",
                                                  str(self.dialog_folder()),
                                                  "Elman Lab network (*.npz);;All files (*)")
            if not self._remember_folder(path):
                return
        self.trainer.load_network(path)

    def _on_file_done(self, kind: str, ok: bool, text: str) -> None:
        if not ok:  # the notice bar shows the details; kept for the tests
            self.last_error = text
