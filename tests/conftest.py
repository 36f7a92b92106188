"""Shared test set-up: Qt tests need a display; without one, use Qt's offscreen platform."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

GUI_TESTS = Path(__file__).resolve().parent / "gui"

if not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY"):
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Everything under tests/gui is marked ``gui`` (``-m "not gui"``: the core's tests alone)."""
    for item in items:
        if item.path.is_relative_to(GUI_TESTS):
            item.add_marker(pytest.mark.gui)


def pytest_configure(config: pytest.Config) -> None:
    """With pytest-xdist workers (``-n``), the controller first compiles the training kernels
    into numba's disk cache, so each worker loads them instead of all compiling them at once
    (on two busy cores that pushed a first window past its two-minute wait)."""
    if hasattr(config, "workerinput") or not getattr(config.option, "numprocesses", None):
        return
    from elman_core.model.rules import RULES
    from elman_core.training.warm_up import warm_up_kernels

    # One rule here and the others in processes beside it: each kernel compiles on one core
    # (online 7.8 s, BPTT 6.8 s on a fresh clone), and nothing else runs before the workers.
    others = {rule: subprocess.Popen([sys.executable, "-c", "from elman_core.training.warm_up "
                                      f"import warm_up_kernels; warm_up_kernels(({rule!r},))"])
              for rule in RULES[1:]}
    try:
        warm_up_kernels(RULES[:1])
    finally:
        for rule, process in others.items():
            try:
                failed = process.wait(timeout=600) != 0
            except subprocess.TimeoutExpired:
                process.kill()
                failed = True
            if failed:  # compiled here then, not in every worker at once
                warm_up_kernels((rule,))
