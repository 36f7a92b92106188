"""Close times: from closing the window (or Ctrl-C) to the end of the process, per state.

    uv run python benchmarks/bench_close.py [--runs 5] [--states running,queued]

Each run is a fresh program (``tests/gui/closing_app.py``: ``run_gui`` as ``main.py`` runs it)
brought into a state, then closed; the time is measured from the moment ``close()`` begins (or
SIGINT is sent) to the parent seeing the process exit. "compiling, empty cache" points
``NUMBA_CACHE_DIR`` at a new empty folder per run. Without a display it reruns itself under
``xvfb-run``. Prints median, min and max per state with the goal (1 s); exits non-zero only if
a run does not exit, exits uncleanly or prints a traceback, never because a figure missed.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.gui.closing_app import close_app  # noqa: E402

GOAL_SECONDS = 1.0
# (label, state, close or signal, delay, empty numba cache)
CASES = [
    ("launch +0.3 s", "launch", "close", 0.3, False),
    ("launch +1 s", "launch", "close", 1.0, False),
    ("launch +2 s", "launch", "close", 2.0, False),
    ("compiling, empty cache", "compiling", "close", 0.5, True),
    ("running", "running", "close", 1.0, False),
    ("run-to", "run-to", "close", 1.0, False),
    ("dialogs open", "dialogs", "close", 1.0, False),
    ("600 commands queued", "queued", "close", 1.0, False),
    ("Ctrl-C, compiling", "compiling", "signal", 0.5, True),
    ("Ctrl-C, running", "running", "signal", 1.0, False),
    ("Ctrl-C, dialogs open", "dialogs", "signal", 1.0, False),
]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--states", help="comma-separated states to run (default: all)")
    args = parser.parse_args()
    if not os.environ.get("DISPLAY") and shutil.which("xvfb-run"):
        command = ["xvfb-run", "-a", "-s", "-screen 0 1600x1000x24", sys.executable, *sys.argv]
        return subprocess.call(command)
    wanted = set(args.states.split(",")) if args.states else None
    failures = 0
    print(f"{'state':<26}{'median':>8}{'min':>8}{'max':>8}  runs (s), goal {GOAL_SECONDS:g} s")
    for label, state, by, delay, empty_cache in CASES:
        if wanted and state not in wanted:
            continue
        times = []
        for _ in range(args.runs):
            with tempfile.TemporaryDirectory() as cache:
                closing = close_app(state, by, delay, cache if empty_cache else None)
            expected = 130 if by == "signal" else 0
            if (closing.seconds is None or closing.returncode != expected
                    or "Traceback" in closing.stderr):
                failures += 1
                print(f"  {label}: exit {closing.returncode} after {closing.seconds} s\n"
                      f"{closing.stderr[-2000:]}", file=sys.stderr)
                continue
            times.append(closing.seconds)
        if times:
            runs = " ".join(f"{t:.2f}" for t in times)
            print(f"{label:<26}{statistics.median(times):8.2f}{min(times):8.2f}"
                  f"{max(times):8.2f}  {runs}", flush=True)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
