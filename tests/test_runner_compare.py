"""``main.py train --compare KEY=VALUE …``: both networks' figures and the difference."""

import json

import pytest

from tests.support.cli import run_cli

LETTERS = ("--task", "letters", "--length", "300", "--epochs", "3", "--seed", "4")


def _single(tmp_path, name, *extra):
    path = tmp_path / f"{name}.json"
    status, _, err = run_cli(*LETTERS, *extra, "--json", path, "--quiet")
    assert status == 0, err
    return json.loads(path.read_text())


def test_compare_reports_each_network_exactly_as_its_own_run_and_the_difference(tmp_path):
    path = tmp_path / "pair.json"
    status, out, err = run_cli(*LETTERS, "--compare", "n_hidden=9", "learning_rate=0.3",
                               "--json", path)
    assert status == 0, err
    document = json.loads(path.read_text())
    assert document["compare"] == {"n_hidden": 9, "learning_rate": 0.3}
    assert document["same_stream"] is True
    # Each side is exactly what a plain run with its settings writes: the same stream, the
    # same seed, step for step.
    assert document["a"] == _single(tmp_path, "a")
    assert document["b"] == _single(tmp_path, "b", "--hidden", "9", "--lr", "0.3")
    a, b, difference = document["a"], document["b"], document["difference"]
    assert difference["accuracy"] == pytest.approx(b["accuracy"] - a["accuracy"])
    assert difference["losses"] == pytest.approx(
        [y - x for x, y in zip(a["losses"], b["losses"], strict=True)])
    for name, value in a["position_errors"].items():
        assert difference["position_errors"][name] == pytest.approx(
            b["position_errors"][name] - value)
    # The console: both shapes, then every figure with A, B and B − A.
    assert "A: 6-20-6" in out and "B: 6-9-6" in out
    assert "B differs in: n_hidden=9, learning_rate=0.3" in out
    row = next(line for line in out.splitlines() if line.startswith("accuracy "))
    assert row.split()[1:] == [f"{a['accuracy']:.6g}", f"{b['accuracy']:.6g}",
                               f"{b['accuracy'] - a['accuracy']:+.6g}"]
    assert any(line.startswith("config.n_hidden ") for line in out.splitlines())


def test_compare_with_the_context_zeroed_and_the_paper_figures(tmp_path):
    path = tmp_path / "pair.json"
    status, out, err = run_cli("--task", "words", "--length", "60", "--epochs", "2",
                               "--compare", "forget_context=true", "--json", path, "--quiet")
    assert status == 0, err
    document = json.loads(path.read_text())
    assert document["a"]["config"]["forget_context"] is False
    assert document["b"]["config"]["forget_context"] is True
    ratio = document["difference"]["word_boundaries"]["ratio"]
    assert ratio == pytest.approx(document["b"]["word_boundaries"]["ratio"]
                                  - document["a"]["word_boundaries"]["ratio"])
    assert "word_boundaries.ratio" in out


@pytest.mark.parametrize(("argv", "fragment"), [
    (["--compare", "hidden=3"], "--compare: unknown key 'hidden'"),
    (["--compare", "n_hidden=zero"], "--compare: Hidden units (n_hidden) must be"),
    (["--compare", "seed=2"], "--compare: seed cannot differ"),
    (["--compare", "n_hidden"], "is not KEY=VALUE"),
    (["--compare", "task=letters"], "same inputs and outputs"),
    (["--compare", "n_hidden=3", "--seeds", "3"], "--compare and --seeds"),
    (["--compare", "n_hidden=3", "--save", "x.npz"], "--compare and --save"),
    (["--compare"], "expected at least one argument"),
])
def test_bad_comparisons_give_one_line_and_status_2(argv, fragment):
    status, out, err = run_cli("--task", "xor", "--epochs", "2", *argv)
    assert status == 2
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error:"), err
    assert fragment in lines[0]
    assert out == ""


def test_a_diverging_network_is_named(tmp_path):
    status, out, err = run_cli("--task", "end-of-sequence", "--epochs", "50",
                               "--compare", "learning_rate=1000")
    assert status == 1
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: network B: Training diverged"), err
    assert "nan" not in (out + err).lower()
