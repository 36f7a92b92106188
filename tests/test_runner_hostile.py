"""The runner under hostile input: bounds before allocation, safe outputs, Ctrl-C, divergence."""

from __future__ import annotations

import io
import json
import re
import resource
import signal
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from elman_core.cli import runner
from elman_core.model.settings import BOUNDS
from elman_core.model.settings import check as settings_check
from tests.support.cli import run_cli

ROOT = Path(__file__).resolve().parents[1]


def one_error_line(err: str) -> str:
    lines = err.splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), err
    return lines[0]


@pytest.mark.parametrize(("argv", "fragments"), [
    (["--hidden", "100000"], ["--hidden 100000", "≥ 1 and ≤ 1,000"]),
    (["--hidden", str(10**30)],
     ["--hidden 1000000000…(31 digits)", "≤ 1,000 (got 1000000000…(31 digits))"]),
    (["--task", "letters", "--length", str(10**9)], ["--length 1000000000", "≤ 200,000"]),
    (["--length", str(2**63)], ["--length", "≤ 200,000"]),
    (["--epochs", str(10**9)], ["--epochs 1000000000", "≤ 1,000,000"]),
    (["--epochs", "100000", "--length", "99999"], ["--epochs 100,000", "1,000,000,000"]),
    (["--seed", "-1"], ["--seed -1", "≥ 0 and ≤ 4,294,967,295"]),
    (["--seed", str(2**32)], ["--seed 4294967296"]),
    (["--context", "1e308"], ["--context 1e+308", "≥ -1,000 and ≤ 1,000"]),
    (["--context", "nan"], ["--context nan"]),
    (["--lr", "inf"], ["--lr inf", "> 0"]),
    (["--momentum", "1"], ["--momentum 1:", "< 1"]),
    (["--task", "xor", "--length", "2"], ["--length 2", "at least 3"]),
    (["--preset", "nope"], ["--preset nope"]),
    (["--preset", ""], ["--preset", "Unknown preset ''"]),
    (["--task", "text", "--text-file", "/dev/zero"], ["--text-file /dev/zero", "80,000 bytes"]),
    (["--task", "text", "--text-file", "/nonexistent.txt"], ["--text-file", "cannot read"]),
    (["--task", "text", "--text-file", "/"], ["--text-file /", "folder"]),
    (["--save", "x.npz", "--json", "x.npz"], ["--json and --save name the same file"]),
    (["--save", "x.npz", "--json", "./x.npz"], ["--json and --save name the same file"]),
    (["--json", "n" * 300], ["--json", "300 bytes long", "at most 255"]),
])
def test_each_bad_input_is_one_line_naming_its_option(argv, fragments, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with _no_warnings():
        status, out, err = run_cli(*argv)
    assert status == 2
    line = one_error_line(err)
    for fragment in fragments:
        assert fragment in line, line
    assert out == "" and list(tmp_path.iterdir()) == []  # refused before anything was made


class _no_warnings:
    """Fail on any warning (a raw RuntimeWarning from --context 1e308, for example)."""

    def __enter__(self):
        import warnings

        self._catch = warnings.catch_warnings()
        self._catch.__enter__()
        warnings.simplefilter("error")

    def __exit__(self, *exc):
        self._catch.__exit__(*exc)


@pytest.mark.parametrize("field", sorted(set(runner.OPTIONS) & set(BOUNDS)))
def test_every_bound_in_the_table_is_enforced_by_its_option(field):
    """Each option's bound comes from the one table (settings.BOUNDS): its ends pass the
    check, one past either end is refused with a message naming the option."""
    option, bound = runner.OPTIONS[field], BOUNDS[field]
    step = 1 if bound.integer else max(abs(bound.maximum), 1) * 1e-3
    below = -1 if field == "bptt_window" else bound.minimum - step  # --window 0: no window
    for bad in (bound.maximum + step, below):
        code, err = _usage([option, str(bad)])
        assert code == 2 and err.startswith(f"error: {option}"), err
    settings_check(field, bound.maximum - (step if bound.below_maximum else 0))


def _usage(argv):
    err = io.StringIO()
    code = runner.run(["--quiet", "--epochs", "1", *argv] if "--epochs" not in argv
                      else ["--quiet", *argv], stdout=io.StringIO(), stderr=err)
    return code, err.getvalue()


def test_a_text_file_with_a_byte_order_mark_is_read_without_it(tmp_path):
    path = tmp_path / "bom.txt"
    path.write_bytes("\ufeffabab abba baab".encode())
    status, _out, err = run_cli("--task", "text", "--text-file", path, "--epochs", "1",
                               "--json", tmp_path / "out.json", "--quiet")
    assert status == 0, err  # U+FEFF would be refused as an invisible character
    document = json.loads((tmp_path / "out.json").read_text())
    assert document["config"]["n_input"] == 3  # a, b and the space: no BOM unit
    status, _, err = run_cli("--task", "text", "--text", "\ufeffabab abba", "--epochs", "1",
                             "--quiet")
    assert status == 0, err  # pasted text starting with a byte-order mark, too
    (tmp_path / "latin1.txt").write_bytes("caf\xe9 caf\xe9".encode("latin-1"))
    status, _, err = run_cli("--task", "text", "--text-file", tmp_path / "latin1.txt")
    assert status == 2 and "not UTF-8" in one_error_line(err)


def test_a_legal_254_character_save_name_works(tmp_path):
    path = tmp_path / ("n" * 250 + ".npz")
    status, _, err = run_cli("--task", "alternating", "--epochs", "1", "--save", path, "--quiet")
    assert status == 0, err
    assert path.exists() and sorted(p.name for p in tmp_path.iterdir()) == [path.name]


def test_a_read_only_output_is_refused_before_training(tmp_path):
    report = tmp_path / "out.json"
    report.write_text("precious")
    report.chmod(0o444)
    status, out, err = run_cli("--task", "xor", "--json", report)
    assert status == 2 and "read-only" in one_error_line(err)
    assert out == "" and report.read_text() == "precious"


def test_json_is_refused_when_it_would_overwrite_the_loaded_network(tmp_path):
    saved = tmp_path / "net.npz"
    assert run_cli("--task", "alternating", "--epochs", "1", "--save", saved, "--quiet")[0] == 0
    before = saved.read_bytes()
    status, _, err = run_cli("--task", "alternating", "--load", saved, "--json", saved)
    assert status == 2 and "--load file" in one_error_line(err)
    assert saved.read_bytes() == before


def _limit_file_size():
    resource.setrlimit(resource.RLIMIT_FSIZE, (65536, 65536))  # like `ulimit -f 64`


def test_a_file_size_limit_never_leaves_half_a_json(tmp_path):
    report = tmp_path / "out.json"
    report.write_text('{"previous": "good"}')
    command = [sys.executable, str(ROOT / "main.py"), "train", "--task", "alternating",
               "--length", "10", "--epochs", "4000", "--quiet", "--json", str(report)]
    result = subprocess.run(command, capture_output=True, text=True, cwd=ROOT, timeout=300,
                            preexec_fn=_limit_file_size)
    assert result.returncode == 1 and "could not write" in one_error_line(result.stderr)
    assert json.loads(report.read_text()) == {"previous": "good"}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.json"]


def test_the_temporary_file_of_a_killed_run_is_removed_by_the_next(tmp_path):
    """kill -9 in the middle of writing: the next run in that folder cleans up."""
    writer = ("import os, signal, sys\n"
              "from elman_core.files import atomic_io\n"
              "def write(stream):\n"
              "    stream.write(b'half a report')\n"
              "    stream.flush()\n"
              "    os.kill(os.getpid(), signal.SIGKILL)\n"
              "atomic_io.write_together({sys.argv[1]: write})\n")
    report = tmp_path / "out.json"
    killed = subprocess.run([sys.executable, "-c", writer, str(report)], cwd=ROOT, timeout=60)
    assert killed.returncode == -signal.SIGKILL
    leftovers = [p.name for p in tmp_path.iterdir()]
    assert len(leftovers) == 1 and leftovers[0].endswith(".tmp")  # what kill -9 leaves
    status, _, err = run_cli("--task", "alternating", "--epochs", "1", "--quiet",
                             "--json", report)
    assert status == 0, err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.json"]


def test_load_refuses_what_cannot_apply_and_applies_what_can(tmp_path):
    saved = tmp_path / "good.npz"
    assert run_cli("--task", "xor", "--length", "300", "--epochs", "2", "--save", saved,
                   "--quiet")[0] == 0
    status, out, err = run_cli("--task", "xor", "--load", saved, "--hidden", "9", "--lr", "5",
                               "--momentum", "0.5")
    line = one_error_line(err)
    assert status == 2 and "--hidden 9 cannot apply" in line and "4 hidden units" in line
    assert out == ""
    status, out, err = run_cli("--task", "xor", "--load", saved, "--hidden", "4", "--lr", "5",
                               "--momentum", "0.5", "--epochs", "1", "--save", saved)
    assert status == 0, err
    assert "Applied to the loaded network: --lr 5.0, --momentum 0.5" in out
    with np.load(saved, allow_pickle=False) as archive:
        config = json.loads(str(archive["metadata"]))["config"]
    assert (config["learning_rate"], config["momentum"], config["n_hidden"]) == (5.0, 0.5, 4)


@pytest.mark.parametrize("task", ["xor", "letters", "alternating", "text"])
def test_an_absurd_learning_rate_is_refused_before_training(task):
    """Sigmoid units saturate, so up to the bound these tasks stay finite; beyond it the rate
    is refused (before, 1e12 trained on and saved weights of 1e307)."""
    status, _out, err = run_cli("--task", task, "--lr", "1e12", "--epochs", "5")
    assert status == 2 and one_error_line(err).startswith("error: --lr 1e+12"), err


@pytest.mark.parametrize("argv", [
    ["--task", "counting", "--lr", "1e3"],
    ["--task", "end-of-sequence", "--lr", "1e6"],
    ["--task", "end-of-sequence", "--lr", "50"],
])
def test_divergence_stops_with_status_1_and_never_prints_nan(tmp_path, argv):
    saved = tmp_path / "net.npz"
    status, out, err = run_cli(*argv, "--epochs", "200", "--save", saved)
    assert status == 1
    line = one_error_line(err)
    assert "diverged" in line and "±1,000,000" in line and "--lr" in line
    assert not re.search(r"\b(nan|inf)\b", out + err, re.IGNORECASE), out + err
    assert not saved.exists()


def test_ctrl_c_during_training_is_one_line_and_status_130(tmp_path):
    report = tmp_path / "out.json"
    process = subprocess.Popen(
        [sys.executable, str(ROOT / "main.py"), "train", "--task", "xor", "--epochs", "100000",
         "--json", str(report)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT,
        # pytest-xdist's workers ignore SIGINT and a child inherits that (Python then installs
        # no KeyboardInterrupt): the child starts with the default, as from a shell.
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    try:
        while "Epoch" not in process.stdout.readline():  # training has started
            assert process.poll() is None, process.stderr.read()
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=120)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 130
    assert one_error_line(err) == "error: interrupted by Ctrl-C; no output file was changed"
    assert "Traceback" not in out + err and not report.exists()
