"""Start Elman Lab: the QApplication, the trainer thread, the window, and ``--screenshot``."""

from __future__ import annotations

import gc
import sys
import time
from pathlib import Path
from typing import cast

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from elman_core import tasks
from elman_core.cli.command_line import UsageError, check_writable
from elman_core.live.snapshot import DIVERGED, FINISHED, RUNNING
from elman_core.tasks.base import TaskError
from elman_core.training.lessons import LessonError, read_lesson
from elman_core.training.pair import PairError, parse_changes
from elman_gui import image_files, interrupt, resources, settings_store
from elman_gui.main_window import MainWindow
from elman_gui.worker import Trainer

WINDOW_SIZE = (1400, 900)
SCREENSHOT_TIMEOUT_SECONDS = 90.0


def task_choice(task: str | None, text: str | None) -> tuple[str, dict]:
    """The task name and options the command line asks for (raises TaskError if invalid)."""
    name = task or ("text" if text is not None else "xor")
    options = {}
    if text is not None:
        if not tasks.takes_text(name):
            raise TaskError(f"--text is for the text task, not {name!r}: use --task text.")
        options["text"] = text
    tasks.get(name, **options)  # builds the task only: a clear message now, not in the thread
    return name, options


GIL_SWITCH_SECONDS = 0.001  # see create_window


def create_window(task_name: str, task_options: dict, full_speed: bool = False,
                  size: tuple[int, int] | None = None) -> tuple[QApplication, MainWindow]:
    """The application and its window, shown; the trainer thread starts once the window is up."""
    # instance() is typed as the base class; in this program it is always a QApplication.
    app = cast("QApplication", QApplication.instance()) or QApplication(sys.argv[:1])
    # The trainer thread leaves the GIL-free kernel every slice and must win the GIL back from
    # a painting main thread: Python's default 5 ms switch interval made it wait up to that
    # long each time (measured: live/headless 31-33% → 40-62% with 1 ms on a loaded machine).
    sys.setswitchinterval(GIL_SWITCH_SECONDS)
    app.setApplicationName("Elman Lab")
    app.setStyle("Fusion")
    resources.apply_branding(app)
    interrupt.quit_on_ctrl_c(app)
    trainer = Trainer(task_name, task_options)
    window = MainWindow(trainer)
    if full_speed:
        window.follow_task_pace = False  # a screenshot trains at full speed, whatever the pace
        window.speed.set_label("max")
    trainer.set_speed(window.speed.speed())
    screen = app.primaryScreen().availableGeometry()
    width, height = size or (min(WINDOW_SIZE[0], screen.width()),
                             min(WINDOW_SIZE[1], screen.height()))
    window.resize(width, height)
    window.show()
    resources.install_launch_probe(app, window)
    # Start training (and the background compile) only after the window is on screen.
    QTimer.singleShot(0, trainer.start)
    return app, window


def run_gui(task: str | None, screenshot: str | None, steps: int, text: str | None,
            size: tuple[int, int] | None = None, view: str | None = None,
            focus: str | None = None, large_type: bool = False,
            lesson_path: str | None = None,
            trace: str | None = None, compare: list[str] | None = None) -> int:
    """Open Elman Lab (``size``: the window's, else fit the screen). With ``screenshot``: train
    ``steps`` timesteps at full speed (whatever the task's opening pace), save a PNG, exit.
    ``lesson_path``: open that lesson file (``task`` and ``text`` must then be None);
    ``compare``: open side by side with network B changed by these KEY=VALUE pairs."""
    lesson = None
    changes = None
    try:
        if lesson_path is not None:
            if task is not None or text is not None:
                raise UsageError("a lesson names its task itself; leave out --task and --text")
            lesson = read_lesson(lesson_path)
            task, text = lesson.task, lesson.task_options.get("text")
        name, options = task_choice(task, text)
        if compare:
            try:
                changes = parse_changes(compare)
            except PairError as error:
                raise UsageError(f"--compare: {error}") from None
        if screenshot:
            check_writable("--screenshot", Path(screenshot))  # before training, not after
    except (TaskError, UsageError, LessonError) as error:
        print(f"elman-lab: {error}", file=sys.stderr)
        return 2
    try:
        app, window = create_window(name, options, full_speed=bool(screenshot), size=size)
    except KeyboardInterrupt:  # Ctrl-C before the window was up
        return interrupt.INTERRUPTED_EXIT_CODE
    if lesson is not None:
        window.lessons.apply(lesson)  # its settings, view and note (the task is open already)
    if changes is not None:
        window.side_by_side.compare(changes)  # a bad value: a notice, one network
    if view:
        window.figure_tabs.show_view(view)  # the paper figure, hidden space or dendrogram
    window.focus_mode.large_type_action.setChecked(large_type)
    if focus:
        window.focus_mode.enter(focus)  # one view alone in the window
    if screenshot:
        code = _screenshot(app, window, screenshot, max(int(steps or 0), 0),
                           size or WINDOW_SIZE, trace)
    else:
        notice = settings_store.take_notice()  # no usable home: settings for this run only
        if notice:
            window.show_notice("warning", notice)
        window.student.show_welcome_if_first_start()  # first start: the task picker
        if steps:
            window.trainer.run_steps(steps)  # runs once the trainer is ready, at its speed
        code = app.exec()
        window.close()
    prepare_fast_exit()
    return interrupt.exit_code(code)


def prepare_fast_exit() -> None:
    """Let the interpreter end at once once the window is closed.

    Python's shutdown runs full cycle collections over every object numba, LLVM, Qt and
    pyqtgraph created (half a second of a loaded machine's CPU, measured with perf). Frozen
    objects are skipped by them; the process's memory goes back to the system anyway. Nothing
    of ours needs a finaliser at exit: files are written and closed when saved.
    """
    gc.freeze()


def save_screenshot(window: MainWindow, path: str) -> int:
    """Write the window as a PNG whole or not at all (an old file stays if the disk is full);
    0 if written, else 1 with one line on stderr."""
    try:
        image_files.save_png(window.grab().toImage(), path)
    except (OSError, ValueError) as error:  # ValueError: OutputPathError, WrittenFileInvalid
        reason = error.strerror if isinstance(error, OSError) and error.strerror else error
        print(f"elman-lab: could not write the screenshot to {path} ({reason}); any file "
              "there is unchanged", file=sys.stderr)
        return 1
    return 0


def _screenshot(app: QApplication, window: MainWindow, path: str, steps: int,
                size: tuple[int, int], trace: str | None = None) -> int:
    """Train with the views live until ``steps`` timesteps are done and painted, then save.
    With ``trace`` (sentences separated by ';'), trace them in the hidden space first."""
    window.resize(*size)
    trainer = window.trainer
    if steps:
        window.speed.set_label("max")  # whatever pace the task opened at
        trainer.set_speed(None)
        trainer.run_steps(steps)
    deadline = time.monotonic() + SCREENSHOT_TIMEOUT_SECONDS + steps / 100_000

    def poll() -> None:
        snapshot = window.current_snapshot
        trained = snapshot is not None and not snapshot.clustering and (
            (snapshot.global_step >= steps and snapshot.state != RUNNING)
            or snapshot.state in (FINISHED, DIVERGED))
        if trained and _wants_clusters(window, snapshot) and time.monotonic() < deadline:
            if not outcome.get("clustered"):  # the dendrogram shown: cluster what was trained
                outcome["clustered"] = 1
                trainer.cluster_hidden_states()
            return  # until the tree has arrived
        painted = (trained and trainer.ready and not window.has_unpainted_snapshot()
                   and snapshot is trainer.latest)
        if painted and trace and snapshot is not None and snapshot.traced_sentences is None:
            if "trace" not in outcome:  # once trained: ask, then wait for the paths
                outcome["trace"] = 1
                window.figure_tabs.show_view("hidden-space")
                controls = window.figure_tabs.hidden_space.controls
                controls.sentences.setEditText(trace)
                controls.request()
        elif painted:
            timer.stop()
            window.paint_newest()
            if window.notice_bar.level == "info":  # "Finished…": it would go in 8 s anyway
                window.notice_bar.hide()
            app.processEvents()
            outcome["code"] = save_screenshot(window, path)
            app.quit()
        elif time.monotonic() > deadline:
            timer.stop()
            at = "no snapshot" if snapshot is None else (
                f"step {snapshot.global_step} of {steps}, {snapshot.state}")
            print(f"elman-lab: screenshot timed out ({at})", file=sys.stderr)
            outcome["code"] = 1
            app.quit()

    outcome: dict[str, int] = {}
    timer = QTimer()
    timer.timeout.connect(poll)
    timer.start(50)
    app.exec()
    window.close()
    return outcome.get("code", 1)


def _wants_clusters(window: MainWindow, snapshot) -> bool:
    """The screenshot shows the dendrogram of a word task that has not been clustered yet."""
    shown = window.focus_mode.focused or window.figure_tabs.current_view()
    return shown == "dendrogram" and snapshot.word_clusters is None \
        and snapshot.has_words
