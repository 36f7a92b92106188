"""The chaos test, longer: random student actions of every kind on the real window.

    uv run python benchmarks/chaos.py --actions 4000 --seed 7

The same engine as ``tests/gui/test_chaos.py`` (``tests/support/chaos.py``). Prints how often
each kind ran, the Qt warnings, the "internal error" notices and the longest GUI stall (and what
was happening then); exits non-zero if there was a warning, an internal error, a stall over
0.5 s or the trainer thread died. Without a display it reruns itself under ``xvfb-run``.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--actions", type=int, default=4000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    if not os.environ.get("DISPLAY") and shutil.which("xvfb-run"):
        command = ["xvfb-run", "-a", "-s", "-screen 0 1600x1000x24", sys.executable, *sys.argv]
        return subprocess.call(command)

    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication

    from elman_gui.main_window import MainWindow
    from elman_gui.worker import Trainer
    from tests.support.chaos import STALL_LIMIT_SECONDS, run_chaos
    from tests.support.qt_messages import QtWarnings

    app = QApplication.instance() or QApplication(sys.argv[:1])
    notices: list[str] = []
    with QtWarnings() as warnings, tempfile.TemporaryDirectory() as folder:
        trainer = Trainer("xor")
        window = MainWindow(trainer)
        window.resize(1300, 850)
        window.show()
        trainer.notice.connect(lambda level, text: notices.append(text))
        trainer.start()
        while not (trainer.ready and window.current_snapshot is not None):
            QTest.qWait(20)
        started = time.perf_counter()
        chaos, watchdog = run_chaos(window, Path(folder), args.seed, args.actions, QTest.qWait)
        QTest.qWait(500)
        watchdog.stop()
        alive = trainer.thread.isRunning()
        window.close()
        seconds = time.perf_counter() - started
    app.processEvents()
    internal = [text for text in notices if "internal error" in text]
    print(f"{args.actions} actions (seed {args.seed}) in {seconds:.0f} s; "
          f"{len(chaos.done)} of {len(chaos.kinds)} kinds ran:")
    for kind in sorted(chaos.kinds):
        print(f"  {kind:<26}{chaos.done[kind]:6}")
    print(f"Qt warnings: {len(warnings.messages)}  internal errors: {len(internal)}  "
          f"trainer thread alive: {alive}")
    print(f"longest GUI stall: {watchdog.longest:.3f} s (limit {STALL_LIMIT_SECONDS} s), "
          f"during: {watchdog.during}")
    for message in warnings.messages[:10] + internal[:10]:
        print("  ", message)
    failed = (warnings.messages or internal or not alive
              or watchdog.longest >= STALL_LIMIT_SECONDS)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
