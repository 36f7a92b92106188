"""The chaos engine: random student actions — every kind the app has — on the real window,
under a watchdog that measures how long the GUI thread is busy at a stretch.

Shared by ``tests/gui/test_chaos.py`` (700 actions, pass/fail on warnings, internal errors,
hangs and the end state) and ``benchmarks/chaos.py`` (thousands of actions, the longest stall
reported against STALL_LIMIT_SECONDS: a timing, so never pass/fail in the tests).
"""

from __future__ import annotations

import time
from collections import Counter
from pathlib import Path

import numpy as np
from PySide6.QtCore import QObject, QTimer

from elman_core import tasks
from tests.support.hostile_files import write_good_file, write_hostile_files

STALL_LIMIT_SECONDS = 0.5  # the goal for a GUI stall (benchmarks/chaos.py reports against it)
HANG_LIMIT_SECONDS = 10.0  # a pause this long is a hang (a deadlock, a lost event loop)
WATCHDOG_MS = 20
TASKS = ("xor", "letters", "alternating", "counting", "end-of-sequence", "text")


class StallWatchdog(QObject):
    """How long the GUI thread was busy at a stretch: the longest time between two moments it
    was free — two ticks of a timer, or the robot starting its next action (the robot runs on
    the GUI thread, so when it starts an action the thread was free). The robot acts a few
    milliseconds apart, faster than any student: without the second kind of moment, five
    actions in a row within one timer period would add up to one "stall" no student can cause.
    """

    def __init__(self, label=lambda: "") -> None:
        super().__init__()
        self.longest = 0.0
        self.during = ""  # what ``label()`` said at the end of the longest stall
        self._label = label
        self._last = time.perf_counter()
        self._timer = QTimer(self)
        self._timer.timeout.connect(self._tick)

    def start(self) -> None:
        self._last = time.perf_counter()
        self._timer.start(WATCHDOG_MS)

    def stop(self) -> None:
        self._timer.stop()

    def _tick(self) -> None:
        self._free(expected=WATCHDOG_MS / 1000)

    def action_starting(self) -> None:
        """The robot is about to act: the GUI thread is free now."""
        self._free(expected=0.0)

    def _free(self, expected: float) -> None:
        now = time.perf_counter()
        gap = now - self._last - expected
        if gap > self.longest:
            self.longest, self.during = gap, self._label()
        self._last = now


class Chaos:
    """Every kind of student action, each a method; :meth:`run` picks them at random."""

    def __init__(self, window, folder: Path, rng: np.random.Generator, broken: list[Path],
                 good: dict[str, Path]) -> None:
        self.window, self.trainer = window, window.trainer
        self.folder, self.rng = folder, rng
        self.broken, self.good = broken, good  # broken files; a good file per task
        self.done: Counter = Counter()
        self.recent: list[str] = []  # the last few actions, to name a stall
        self.kinds = [name[4:] for name in dir(self) if name.startswith("act_")]
        self.action_starting = lambda: None  # told before each action (the stall watchdog)

    def run(self, actions: int, wait) -> None:
        for _ in range(actions):
            kind = self.kinds[self.rng.integers(len(self.kinds))]
            self.action_starting()
            self.recent = [*self.recent[-4:], kind]
            getattr(self, "act_" + kind)()
            self.done[kind] += 1
            wait(int(self.rng.integers(0, 4)))

    def choice(self, values):
        return values[self.rng.integers(len(values))]

    @property
    def snapshot(self):
        return self.window.current_snapshot

    # ------------------------------------------------------------ run control
    def act_play_pause(self):
        self.window.actions_.play_pause.trigger()

    def act_pause(self):
        self.trainer.pause()

    def act_step(self):
        self.window.actions_.step.trigger()

    def act_step_epoch(self):
        self.window.actions_.step_epoch.trigger()

    def act_step_back(self):
        self.window.debugger.step_back.trigger()

    def act_step_back_10(self):
        self.window.debugger.step_back_10.trigger()

    def act_run_to_epoch_end(self):
        self.window.debugger.run_to_epoch_end.trigger()

    def act_run_to_symbol(self):  # the menu item asks in a modal dialog: its answer, direct
        symbols = self.snapshot.input_symbols if self.snapshot else ()
        if symbols:
            self.trainer.run_to("symbol", self.choice(list(symbols)))

    def act_run_to_error(self):
        self.trainer.run_to("error", float(self.choice([0.01, 0.2, 0.5, 1e6])))

    def act_run_to_epoch(self):
        epoch = self.snapshot.epoch if self.snapshot else 0
        self.trainer.run_to("epoch", int(epoch + self.rng.integers(0, 3)))

    def act_reset(self):
        self.window.actions_.reset.trigger()

    def act_speed(self):
        slider = self.window.speed.slider
        slider.setValue(int(self.rng.integers(slider.maximum() + 1)))

    # ------------------------------------------------------------ tasks and settings
    def act_task(self):
        self.window.choose_task(self.choice(TASKS))

    def act_experiment(self):
        self.window.student.run_experiment(self.choice(list(tasks.presets())))

    def act_learning_rate(self):
        self.window.parameters.learning_rate.setValue(
            float(self.choice([0.01, 0.1, 0.5, 1.0, 50.0])))

    def act_hidden_size(self):
        panel = self.window.parameters
        panel.n_hidden.setValue(int(self.choice([1, 3, 20, 200])))
        panel.apply_button.click()

    # ------------------------------------------------------------ memory experiments
    def act_lesion(self):
        n_hidden = self.snapshot.n_hidden if self.snapshot else 1
        self.window.on_unit_clicked("hidden", int(self.rng.integers(n_hidden)))

    def act_restore_lesions(self):
        self.window.actions_.restore_lesions.trigger()

    def act_zero_context(self):
        self.window.actions_.forget_context.toggle()

    def act_reset_each_epoch(self):
        self.window.actions_.reset_each_epoch.toggle()

    def act_context_init(self):
        self.window.debugger.context_init[self.choice([0.0, 0.5])].trigger()

    def act_phase_mode(self):
        self.window.debugger.phases.toggle()

    def act_history_length(self):
        self.window.debugger.history.length.setValue(int(self.choice([1, 10, 50, 200])))

    def act_memory_cap(self):  # the menu item asks in a modal dialog: its answer, direct
        self.trainer.set_memory_limit(float(self.choice([1.0, 8.0, 64.0])))

    def act_inspect_history_column(self):
        snapshot = self.snapshot
        if snapshot is not None and snapshot.global_step > 0:
            back = int(self.rng.integers(1, 30))
            self.trainer.inspect_step(max(snapshot.global_step - back, 0))

    # ------------------------------------------------------------ files, export, help
    def act_save_network(self):
        self.window.student.save_network(str(self.folder / "saved.npz"))

    def act_load_good_network(self):
        name = self.snapshot.task_name if self.snapshot else "xor"
        path = self.folder / "saved.npz"
        self.window.student.load_network(str(self.good.get(name, path)))

    def act_load_broken_network(self):
        self.window.student.load_network(str(self.choice(self.broken)))

    def act_export(self):
        student = self.window.student
        kind = self.choice(["loss-png", "errors-svg", "diagram-png", "loss-csv", "errors-csv"])
        if kind.endswith("csv"):
            student.export_csv(kind, str(self.folder / f"{kind}.csv"))
        else:
            key, fmt = kind.split("-")
            student.export_view(key, fmt, str(self.folder / f"{kind}.{fmt}"))

    def act_help(self):
        dialog = self.window.student.show_help(tab=int(self.rng.integers(2)))
        dialog.close()


def run_chaos(window, folder: Path, seed: int, actions: int, wait
              ) -> tuple[Chaos, StallWatchdog]:
    """Play ``actions`` random actions on ``window`` (files go to ``folder``) under a stall
    watchdog, which is left running: stop it when the end state has been checked."""
    broken = write_hostile_files(folder / "hostile")
    good = {"xor": folder / "hostile" / "good.npz", "letters": folder / "hostile/letters.npz"}
    write_good_file(folder / "saved.npz")
    chaos = Chaos(window, folder, np.random.default_rng(seed), list(broken.values()), good)
    watchdog = StallWatchdog(lambda: " → ".join(chaos.recent))
    chaos.action_starting = watchdog.action_starting
    watchdog.start()
    chaos.run(actions, wait)
    return chaos, watchdog


