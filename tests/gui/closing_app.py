"""Run Elman Lab as `main.py` does, bring it into a state, then close it: for closing tests.

    python tests/gui/closing_app.py STATE [--delay S] [--t0 EPOCH] [--by close|signal]

(or :func:`close_app`, which starts it and measures).

It runs :func:`elman_gui.app.run_gui` (the real program: its QApplication, window, trainer
thread, exit code and interpreter shutdown), with one extra timer that drives the window into
``STATE`` and then either closes the window (``--by close``, printing ``closing <time>`` just
before) or prints ``signal-me <time>`` and waits for the parent to send SIGINT (``--by
signal``). The parent measures from that line (or from sending the signal) to the process's
exit: ``tests/gui/test_closing.py`` and ``benchmarks/bench_close.py``.

States:

- ``launch``: ``--delay`` seconds after ``--t0`` (the parent's launch time), whatever the app is
  doing then (0.3–2 s: the window is coming up, the kernels are loading or compiling);
- ``compiling``: ``--delay`` seconds after the background compile began (with an empty
  ``NUMBA_CACHE_DIR`` it is then surely still compiling);
- ``running``: letters at full speed;
- ``run-to``: letters, running to an error above 1,000,000 (never: it runs to the end);
- ``dialogs``: the help dialog and the task picker open, and a modal "Run to" question waiting
  for an answer (its own event loop);
- ``queued``: letters with 200 hidden units, then the commands of holding ← and E for a while
  (hundreds of step-backs, steps, epochs and run-tos) sent at once, closing right behind them.
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from PySide6.QtCore import QTimer  # noqa: E402

from elman_gui import app as app_module  # noqa: E402
from elman_gui.features import welcome  # noqa: E402

STATES = ("launch", "compiling", "running", "run-to", "dialogs", "queued")
BUSY_SECONDS = 1.0  # how long a run goes on before it is closed


def compiling() -> bool:
    """Whether the trainer's background compile (elman_gui.worker) is running now."""
    return any(thread.name == "compile-kernels" for thread in threading.enumerate())


def say(what: str) -> None:
    print(f"{what} {time.time():.6f}", flush=True)


class Scenario:
    """Drives one window through a state with single-shot timers, then ends it."""

    def __init__(self, window, state: str, by: str, delay: float, t0: float) -> None:
        self.window, self.state, self.by = window, state, by
        self.trainer = window.trainer
        self.delay, self.t0 = delay, t0
        self._poll = QTimer(window)

    def begin(self) -> None:
        if self.state == "launch":
            wait = max(0.0, self.t0 + self.delay - time.time())
            QTimer.singleShot(round(wait * 1000), self.end)
        elif self.state == "compiling":
            self._poll.timeout.connect(self._when_compiling)
            self._poll.start(5)
        else:
            self._poll.timeout.connect(self._when_ready)
            self._poll.start(20)

    def _when_ready(self) -> None:
        if not (self.trainer.ready and self.window.current_snapshot is not None):
            return
        self._poll.stop()
        getattr(self, "_" + self.state.replace("-", "_"))()

    def _when_compiling(self) -> None:
        if compiling():
            self._poll.stop()
            QTimer.singleShot(round(self.delay * 1000), self.end)

    def _running(self) -> None:
        self.window.speed.set_label("max")
        self.window.choose_task("letters")
        self.trainer.play()
        QTimer.singleShot(round(BUSY_SECONDS * 1000), self.end)

    def _run_to(self) -> None:
        self.window.speed.set_label("max")
        self.window.choose_task("letters")
        self.trainer.run_to("error", 1e6)
        QTimer.singleShot(round(BUSY_SECONDS * 1000), self.end)

    def _dialogs(self) -> None:
        student = self.window.student
        student.show_help()
        student.show_welcome()
        # The modal question runs its own event loop: end the app from inside it.
        QTimer.singleShot(300, self.end)
        self.window.debugger.ask_symbol()

    def _queued(self) -> None:
        self.window.speed.set_label("max")
        self.window.choose_task("letters")
        self.trainer.set_settings({"n_hidden": 200})
        self.trainer.run_steps(2000)
        QTimer.singleShot(round(BUSY_SECONDS * 1000), self._flood)

    def _flood(self) -> None:
        trainer = self.trainer
        for press in range(600):  # ~20 s of held keys at the usual auto-repeat rate
            trainer.step_back(1)
            if press % 3 == 0:
                trainer.step()
            if press % 10 == 0:
                trainer.step_epoch()
            if press % 25 == 0:
                trainer.run_to("epoch_end")
        self.end()

    def end(self) -> None:
        if self.by == "signal":
            say(f"signal-me ready={int(self.trainer.ready)} compiling={int(compiling())}")
            return
        say(f"closing ready={int(self.trainer.ready)} compiling={int(compiling())}")
        self.window.close()


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("state", choices=STATES)
    parser.add_argument("--delay", type=float, default=1.0)
    parser.add_argument("--t0", type=float, default=time.time())
    parser.add_argument("--by", choices=("close", "signal"), default="close")
    args = parser.parse_args()
    create_window = app_module.create_window

    def create_and_drive(*arguments, **options):
        app, window = create_window(*arguments, **options)
        window.scenario = Scenario(window, args.state, args.by, args.delay, args.t0)
        window.scenario.begin()
        return app, window

    app_module.create_window = create_and_drive
    welcome.app_settings().setValue(welcome.SHOWN_KEY, True)  # no task picker at startup
    code = app_module.run_gui(None, None, 0, None)
    say("returned")
    return code


if __name__ == "__main__":
    sys.exit(main())


# ---------------------------------------------------------------------------- the parent's side
START_TIMEOUT = 240.0  # to reach the state (a first compile on a loaded machine is slow)
EXIT_TIMEOUT = 60.0  # after closing: a hang is reported, not waited for


@dataclass
class Closing:
    """One closed app: seconds from the close (or SIGINT) to the process's exit, or None."""

    seconds: float | None
    returncode: int | None
    stdout: str
    stderr: str
    ready: bool | None  # whether the kernels were ready at the close (not known for SIGINT)
    compiling: bool | None  # whether the background compile was running then (same)


def close_app(state: str, by: str = "close", delay: float = 1.0,
              numba_cache: str | None = None) -> Closing:
    """Start this script in ``state`` (from the checkout, with a private settings folder and
    ``numba_cache`` as NUMBA_CACHE_DIR if given), close it ``by`` closing or SIGINT, measure."""
    with tempfile.TemporaryDirectory() as folder:
        env = dict(os.environ, XDG_CONFIG_HOME=folder, PYTHONUNBUFFERED="1")
        if numba_cache is not None:
            env["NUMBA_CACHE_DIR"] = numba_cache
        command = [sys.executable, __file__, state, "--by", by, "--delay", str(delay),
                   "--t0", f"{time.time():.6f}"]
        out_path, err_path = Path(folder, "stdout"), Path(folder, "stderr")
        with open(out_path, "ab") as out, open(err_path, "ab") as err:  # the child appends
            process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=err)
        marker = "signal-me" if by == "signal" else "closing"
        closed_at = _wait_for_line(process, out_path, marker)
        if closed_at is not None and by == "signal":
            process.send_signal(signal.SIGINT)
            closed_at = time.time()
        try:
            process.wait(timeout=EXIT_TIMEOUT)
            exited_at = time.time()
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
            exited_at = None
        stdout, stderr = out_path.read_text(), err_path.read_text()
    seconds = None if closed_at is None or exited_at is None else exited_at - closed_at
    if by == "close" and closed_at is not None:
        closed_at = _time_of(stdout, marker)  # the child's own clock: when close() began
        seconds = None if exited_at is None else exited_at - closed_at
    flags = {}
    for line in stdout.splitlines():
        if line.startswith(("closing ", "signal-me ")):
            flags = dict(word.split("=") for word in line.split()[1:-1])
    return Closing(seconds, process.returncode, stdout, stderr,
                   _flag(flags, "ready"), _flag(flags, "compiling"))


def _flag(flags: dict, name: str) -> bool | None:
    return None if name not in flags else flags[name] == "1"


def _wait_for_line(process: subprocess.Popen, out: Path, marker: str) -> float | None:
    """Poll the child's output until ``marker`` appears; the time it was seen, or None."""
    deadline = time.time() + START_TIMEOUT
    while time.time() < deadline:
        if _time_of(out.read_text(), marker) is not None:
            return time.time()
        if process.poll() is not None:
            return None
        time.sleep(0.005)
    return None


def _time_of(stdout: str, marker: str) -> float | None:
    for line in stdout.splitlines():
        if line.startswith(marker):
            return float(line.split()[-1])
    return None
