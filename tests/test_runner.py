"""The headless runner: reports, JSON output and one-line errors for bad options."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.cli import run_cli

ROOT = Path(__file__).resolve().parents[1]


def test_xor_report_has_the_seed_article_tables(tmp_path):
    path = tmp_path / "xor.json"
    status, out, err = run_cli("--task", "xor", "--epochs", "20", "--json", str(path))
    assert status == 0, err
    assert "Epoch 10/20, Loss:" in out and "Epoch 20/20, Loss:" in out
    document = json.loads(path.read_text())
    assert document["task"] == "xor"
    assert len(document["losses"]) == 20
    assert list(document["position_errors"]) == [
        "predict 2nd bit (random)", "predict XOR bit", "predict next 1st bit (random)"]
    assert 0.0 <= document["accuracy"] <= 1.0
    assert document["config"]["n_hidden"] == 4 and document["config"]["learning_rate"] == 0.1
    lowered = out.lower()
    assert "accuracy at the xor steps only" in lowered
    assert "error rate by position in the group of 3" in lowered


@pytest.mark.parametrize(
    ("argv", "fragment"),
    [
        (["--task", "nope"], "nope"),
        (["--hidden", "0"], "--hidden"),
        (["--hidden", "-3"], "--hidden"),
        (["--lr", "0"], "--lr"),
        (["--lr", "-1"], "--lr"),
        (["--lr", "nan"], "--lr"),
        (["--lr", "inf"], "--lr"),
        (["--epochs", "0"], "--epochs"),
        (["--hidden", "two"], "--hidden"),
        (["--task", "text", "--text", ""], "text"),
        (["--task", "xor", "--text", "abc"], "--text"),
        # Checked before training, not after it:
        (["--json", "/nonexistent-folder/x.json"], "does not exist"),
        (["--save", "/nonexistent-folder/x.npz"], "--save"),
        (["--save", "/"], "folder"),
    ],
)
def test_bad_options_give_one_line_and_status_2(argv, fragment):
    status, out, err = run_cli(*argv)
    assert status == 2
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error:"), err
    assert fragment in lines[0]
    assert "Traceback" not in err + out


def test_main_py_train_in_a_subprocess(tmp_path):
    """The real entry point: no traceback, exit status 2 for an unknown task."""
    result = subprocess.run([sys.executable, str(ROOT / "main.py"), "train", "--task", "nope"],
                            capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert result.returncode == 2
    assert result.stderr.startswith("error:") and "Traceback" not in result.stderr


def test_save_then_load_continues_training(tmp_path):
    saved = tmp_path / "net.npz"
    status, _, err = run_cli("--task", "alternating", "--epochs", "5", "--save", str(saved),
                             "--quiet")
    assert status == 0, err and saved.exists()
    status, _out, err = run_cli("--task", "alternating", "--epochs", "5", "--load", str(saved))
    assert status == 0, err
    status, _, err = run_cli("--task", "letters", "--load", str(saved))  # 6 inputs, not 1
    assert status == 2 and "needs" in err


def test_load_of_a_broken_file_is_a_clear_error(tmp_path):
    broken = tmp_path / "broken.npz"
    broken.write_bytes(b"not a network")
    status, _, err = run_cli("--task", "xor", "--load", str(broken))
    assert status == 2 and str(broken) in err and "Traceback" not in err


def test_a_diverging_run_stops_with_status_1_and_never_prints_nan():
    """The app's divergence rule (elman_core.training.divergence) stops the runner too."""
    status, out, err = run_cli("--task", "end-of-sequence", "--lr", "1000", "--epochs", "50")
    assert status == 1
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: Training diverged"), err
    assert "--lr" in lines[0]
    assert "nan" not in (out + err).lower() and "inf" not in out.lower()


@pytest.mark.parametrize(("argv", "fragments"), [
    (["--hidden", "1001"], ("--hidden", "1,000")),
    (["--length", "200001"], ("--length", "200,000")),
    (["--epochs", "1000001"], ("--epochs", "1,000,000")),
    (["--seed", "-1"], ("--seed", "≥ 0")),
])
def test_sizes_beyond_the_settings_bounds_are_refused(argv, fragments):
    """Bounds from elman_core.model.settings.BOUNDS, named by the option and the bound."""
    status, _, err = run_cli(*argv)
    assert status == 2
    assert all(fragment in err for fragment in fragments), err
