"""The headless commands (``main.py train``, ``main.py figure``) share one entry: the same
catalogue, one line for Ctrl-C, and a quiet end when the reader stops reading (``| head``)."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest

from elman_core.cli import command_line, runner
from elman_core.cli.command_line import EXIT_BROKEN_PIPE, INTERRUPTED, run_command
from elman_gui import figure_command

ROOT = Path(__file__).resolve().parents[1]
COMMANDS = {"train": runner, "figure": figure_command}


@pytest.mark.parametrize("name", COMMANDS)
def test_both_commands_list_the_same_tasks_and_presets(name):
    out, err = io.StringIO(), io.StringIO()
    assert COMMANDS[name].run(["--list"], out, err) == 0
    expected = io.StringIO()
    command_line.print_catalogue(expected)
    assert out.getvalue() == expected.getvalue() and err.getvalue() == ""
    listed = out.getvalue()
    assert listed.startswith("Tasks:\n  xor ") and "Presets (--preset NAME):" in listed


@pytest.mark.parametrize("name", COMMANDS)
def test_ctrl_c_in_either_command_is_one_line_and_status_130(name, monkeypatch):
    def interrupted(stream):
        raise KeyboardInterrupt

    monkeypatch.setattr(command_line, "print_catalogue", interrupted)  # in --list
    out, err = io.StringIO(), io.StringIO()
    assert COMMANDS[name].run(["--list"], out, err) == 130
    assert err.getvalue() == INTERRUPTED + "\n"


@pytest.mark.parametrize("name", COMMANDS)
def test_a_bad_option_is_one_usage_line_in_either_command(name):
    out, err = io.StringIO(), io.StringIO()
    assert COMMANDS[name].run(["--no-such-option"], out, err) == 2
    assert err.getvalue().count("\n") == 1 and "--no-such-option" in err.getvalue()
    assert "usage:" not in err.getvalue()


class _ClosedPipe(io.StringIO):
    def write(self, text: str) -> int:
        raise BrokenPipeError(32, "Broken pipe")


def test_a_closed_pipe_ends_the_command_quietly():
    err = io.StringIO()
    left = []
    status = run_command(lambda out, err: print("Tasks:", file=out) or 0, _ClosedPipe(), err,
                         on_interrupt=left.append)
    assert status == EXIT_BROKEN_PIPE and err.getvalue() == "" and left == []


def test_the_interrupt_hook_runs_before_the_message():
    out, err = io.StringIO(), io.StringIO()

    def body(out, err):
        print("Epoch 3/100", end="", file=out)
        raise KeyboardInterrupt

    status = run_command(body, out, err, on_interrupt=lambda stream: stream.write("\n"))
    assert status == 130 and out.getvalue() == "Epoch 3/100\n"
    assert err.getvalue() == INTERRUPTED + "\n"


@pytest.mark.parametrize("buffered", [True, False])
@pytest.mark.parametrize("name", COMMANDS)
def test_list_into_a_closed_pipe_has_no_traceback(name, buffered):
    """``main.py train --list | head -1``: the reader is gone before the list is written.
    Buffered (Python's default into a pipe) the list is written at the end; unbuffered
    (``PYTHONUNBUFFERED``) line by line."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}
    if not buffered:
        env["PYTHONUNBUFFERED"] = "1"
    read_end, write_end = os.pipe()
    os.close(read_end)
    try:
        process = subprocess.run([sys.executable, str(ROOT / "main.py"), name, "--list"],
                                 stdout=write_end, stderr=subprocess.PIPE, text=True, cwd=ROOT,
                                 env=env, timeout=120, check=False)
    finally:
        os.close(write_end)
    assert process.stderr == ""
    assert process.returncode == EXIT_BROKEN_PIPE


def test_write_json_writes_the_document_or_says_why_and_keeps_the_old_file(tmp_path):
    path, err = tmp_path / "run.json", io.StringIO()
    assert command_line.write_json(path, {"figures": [1, 2]}, err) == 0
    assert path.read_text(encoding="utf-8") == '{\n  "figures": [\n    1,\n    2\n  ]\n}'
    assert err.getvalue() == ""
    folder = tmp_path / "a folder"
    folder.mkdir()
    assert command_line.write_json(folder, {"figures": []}, err) == 1
    assert err.getvalue().startswith("error: could not write the output: ")
    assert err.getvalue().count("\n") == 1 and folder.is_dir()
