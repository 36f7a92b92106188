"""Closing the app ends the process promptly in every state, and Ctrl-C quits it cleanly.

Each test starts the real program (``tests/gui/closing_app.py`` runs ``run_gui`` as
``main.py`` does) in its own process, brings it into a state and closes its window or sends it
SIGINT, then checks that the process has exited. The bound here is generous (correctness,
not speed: a hang is what fails); ``benchmarks/bench_close.py`` measures the times.
"""

from __future__ import annotations

import pytest

from tests.gui.closing_app import close_app
from tests.support.qt_messages import unexpected_stderr

EXIT_BOUND_SECONDS = 5.0  # the goal is 1 s; this only catches hangs on a loaded machine
INTERRUPTED = 130  # 128 + SIGINT


def assert_clean_exit(closing, code: int) -> None:
    assert closing.seconds is not None, f"still running after closing\n{closing.stderr}"
    assert closing.returncode == code, closing.stderr
    assert closing.seconds < EXIT_BOUND_SECONDS
    assert "Traceback" not in closing.stderr and "KeyboardInterrupt" not in closing.stderr
    assert unexpected_stderr(closing.stderr) == ""  # no Qt warning either (but the harmless)


@pytest.mark.parametrize("state", ["running", "run-to", "dialogs", "queued"])
def test_closing_ends_the_process(state):
    closing = close_app(state, "close")
    assert closing.ready  # the state was reached: the kernels were ready and in use
    assert_clean_exit(closing, 0)


@pytest.mark.parametrize("delay", [0.3, 1.0, 2.0])
def test_closing_soon_after_launch_ends_the_process(delay):
    assert_clean_exit(close_app("launch", "close", delay), 0)


def test_closing_while_the_kernels_compile_does_not_wait_for_them(tmp_path):
    closing = close_app("compiling", "close", 0.5, numba_cache=str(tmp_path))
    assert closing.compiling and not closing.ready  # an empty cache: a long compile
    assert_clean_exit(closing, 0)


@pytest.mark.parametrize("state", ["launch", "running", "dialogs", "queued"])
def test_ctrl_c_quits_cleanly(state):
    """SIGINT: the window closes as if its ✕ was clicked; exit 130, no traceback."""
    assert_clean_exit(close_app(state, "signal", 1.0), INTERRUPTED)


def test_ctrl_c_while_the_kernels_compile(tmp_path):
    closing = close_app("compiling", "signal", 0.5, numba_cache=str(tmp_path))
    assert closing.compiling
    assert_clean_exit(closing, INTERRUPTED)
