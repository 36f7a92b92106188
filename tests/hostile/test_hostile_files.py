"""Every broken or hostile network file is refused with one clear line, allocating nothing big.

The files are made by ``make_hostile_files.py`` (in this folder) into a temporary folder.
"""

from __future__ import annotations

import io
import subprocess
import sys
import tracemalloc
from pathlib import Path

import pytest

from elman_core.cli.runner import run
from elman_core.files.persistence import NetworkFileError, load_network
from tests.hostile.make_hostile_files import CASES, make_all

ROOT = Path(__file__).resolve().parents[2]
PEAK_BYTES = 16 * 2**20  # far below any of the sizes the hostile files declare


@pytest.fixture(scope="module")
def hostile_files(tmp_path_factory) -> dict[str, Path]:
    return make_all(tmp_path_factory.mktemp("hostile"))


def test_the_unspoiled_file_loads(hostile_files):
    network, extra = load_network(hostile_files["empty.npz"].with_name("good.npz"))
    assert network.n_hidden == 4 and extra == {"task": "xor"}


@pytest.mark.parametrize("name", sorted(CASES))
def test_core_refuses_with_one_line_and_no_big_allocation(hostile_files, name):
    path = hostile_files[name]
    tracemalloc.start()
    try:
        with pytest.raises(NetworkFileError) as caught:
            load_network(path)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    message = str(caught.value)
    assert message.startswith(f"{path}: ") and "\n" not in message
    problem = message.removeprefix(f"{path}: ")  # the path itself may hold the fragment
    assert CASES[name] in problem, message
    assert len(problem) < 200, message
    assert peak < PEAK_BYTES, f"{peak:,} bytes allocated while refusing {name}"


@pytest.mark.parametrize("name", sorted(CASES))
def test_runner_refuses_with_status_2(hostile_files, name):
    out, err = io.StringIO(), io.StringIO()
    status = run(["--task", "xor", "--epochs", "1", "--load", str(hostile_files[name])],
                 stdout=out, stderr=err)
    assert status == 2
    lines = err.getvalue().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"error: {hostile_files[name]}: ")
    assert CASES[name] in lines[0].removeprefix(f"error: {hostile_files[name]}: ")
    assert out.getvalue() == ""


def test_main_py_train_load_in_subprocesses(hostile_files):
    """The real entry point, one process per file (a few at a time): one line, status 2."""
    names = sorted(CASES)
    results = {}
    for start in range(0, len(names), 5):
        batch = {name: subprocess.Popen(
            [sys.executable, str(ROOT / "main.py"), "train", "--task", "xor", "--epochs", "1",
             "--load", str(hostile_files[name])],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT)
            for name in names[start:start + 5]}
        for name, process in batch.items():
            out, err = process.communicate(timeout=180)
            results[name] = (process.returncode, out, err)
    for name, (status, out, err) in results.items():
        lines = err.splitlines()
        assert status == 2, (name, err)
        assert len(lines) == 1 and lines[0].startswith("error: "), (name, err)
        problem = lines[0].removeprefix(f"error: {hostile_files[name]}: ")
        assert CASES[name] in problem and "Traceback" not in err + out, (name, err)
