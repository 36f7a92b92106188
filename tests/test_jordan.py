"""Jordan networks (Jordan 1986): the context holds the previous output, with a self-decay μ;
the architecture is an object, like the learning rule, and nothing else asks which it is."""

from __future__ import annotations

import ast
import json

import numpy as np
import pytest

from elman_core import tasks
from elman_core.model import architectures
from elman_core.model.network import ElmanNetwork
from elman_core.model.settings import RunSettings, SettingsError
from elman_core.training import frozen_pass
from elman_core.training.session import TrainingSession
from tests.support.name_branches import ROOT, branches_on, offenders


def test_no_branch_on_an_architecture_name_outside_the_architectures():
    home = ROOT / "elman_core/model/architectures.py"
    assert offenders(architectures.ARCHITECTURES, lambda path: path == home) == {}
    assert branches_on(ast.parse('if a.architecture == "jordan":\n    pass\nx = n in ("elman",)\n'),
                       architectures.ARCHITECTURES) == [1, 3]


def test_the_registry_and_the_settings_agree():
    assert architectures.ARCHITECTURES == ("elman", "jordan")  # the default first
    assert RunSettings(3, 0.1, 1, 10).architecture == "elman"
    jordan = architectures.make("jordan", 0.25)
    assert (jordan.name, jordan.decay, jordan.source, jordan.has_decay) == (
        "jordan", 0.25, "output", True)
    assert jordan.context_size(7, 3) == 3 and architectures.make("elman").context_size(7, 3) == 7
    assert jordan.kernel_arguments() == (True, 0.25)
    assert architectures.make("elman").kernel_arguments() == (False, 0.0)
    with pytest.raises(ValueError, match="unknown architecture 'hopfield'"):
        architectures.make("hopfield")


@pytest.mark.parametrize(("changes", "field", "fragment"), [
    ({"architecture": "hopfield"}, "architecture", "unknown architecture 'hopfield'"),
    ({"context_decay": 0.5}, "context_decay", "Jordan networks only"),
    ({"architecture": "jordan", "context_decay": 1.0}, "context_decay", "< 1"),
    ({"architecture": "jordan", "context_decay": -0.1}, "context_decay", "≥ 0"),
    ({"architecture": "jordan", "context_decay": "0.5"}, "context_decay", "a number"),
])
def test_bad_architecture_settings_are_refused_with_a_clear_message(changes, field, fragment):
    base = RunSettings(3, 0.1, 1, 10)
    with pytest.raises(SettingsError) as caught:
        base.replace(**changes)
    assert caught.value.field == field and fragment in str(caught.value)
    good = base.replace(architecture="jordan", context_decay=0.5)
    assert (good.architecture, good.context_decay) == ("jordan", 0.5)
    assert RunSettings.needs_new_network({"architecture"})
    assert RunSettings.needs_new_network({"context_decay"})


def test_the_step_copies_the_output_with_its_decay_into_the_context():
    rng = np.random.default_rng(4)
    net = ElmanNetwork(2, 5, 3, 0.2, seed=2, architecture="jordan", context_decay=0.5,
                       context_init=0.25)
    assert net.n_context == 3 and net.W_hh.shape == (5, 3) and net.velocity["W_hh"].shape == (5, 3)
    np.testing.assert_array_equal(net.context, [0.25] * 3)
    previous = net.context.copy()
    for _ in range(4):
        trace = net.step(rng.random(2), rng.random(3))
        np.testing.assert_array_equal(trace.context, previous)
        np.testing.assert_allclose(net.context, 0.5 * previous + trace.output, rtol=0,
                                   atol=1e-15)
        previous = net.context.copy()
    plain = ElmanNetwork(2, 5, 3, 0.2, seed=2, architecture="jordan")
    trace = plain.step(rng.random(2), rng.random(3))
    np.testing.assert_array_equal(plain.context, trace.output)  # μ = 0: an exact copy
    elman = ElmanNetwork(2, 5, 3, 0.2, seed=2)
    trace = elman.step(rng.random(2), rng.random(3))
    np.testing.assert_array_equal(elman.context, trace.hidden)


def test_predict_returns_the_contexts_the_steps_used():
    rng = np.random.default_rng(5)
    net = ElmanNetwork(2, 4, 3, seed=1, architecture="jordan", context_decay=0.7)
    X = rng.random((20, 2))
    resets = np.zeros(20, dtype=bool)
    resets[[0, 11]] = True
    outputs, _, contexts = net.predict(X, resets, return_hidden=True, return_context=True)
    expected = np.zeros(3)
    for t in range(20):
        if resets[t]:
            expected = np.zeros(3)
        np.testing.assert_allclose(contexts[t], expected, rtol=0, atol=1e-15)
        expected = 0.7 * expected + outputs[t]


@pytest.mark.parametrize("rule", ["online", "bptt"])
def test_a_session_reports_the_contexts_the_kernel_used(rule):
    """run() and run_epochs() return each kept step's context (μ·context + output for Jordan),
    the same as the step path's, with keep or without."""
    task = tasks.get("letters")
    settings = RunSettings.for_task(task, n_hidden=6, sequence_length=120, epochs=5, rule=rule,
                                    architecture="jordan", context_decay=0.5)
    fast, slow = TrainingSession(task, settings), TrainingSession(task, settings)
    steps = fast.steps_per_epoch
    result = fast.run(50, keep=7)
    traces = [slow.step() for _ in range(50)]
    assert result.context.shape == (7, task.n_output)
    np.testing.assert_allclose(result.context, [t.context for t in traces[-7:]], rtol=0,
                               atol=1e-10)
    fast.run(steps - 50)
    for _ in range(steps - 50):
        slow.step()
    whole = fast.run_epochs(2 * steps)  # two epochs in one call (online; BPTT: one)
    traces = [slow.step() for _ in range(whole.steps)]
    np.testing.assert_allclose(whole.context, [t.context for t in traces], rtol=0, atol=1e-10)
    assert np.any(whole.context != 0)


def test_a_frozen_pass_records_a_jordan_networks_contexts():
    task = tasks.get("letters")
    settings = RunSettings.for_task(task, n_hidden=6, sequence_length=120, epochs=5,
                                    architecture="jordan", context_decay=0.5)
    session = TrainingSession(task, settings)
    session.run(session.steps_per_epoch)
    measured = frozen_pass.measure(session)
    assert measured is not None
    assert measured.context.shape == (session.steps_per_epoch, task.n_output)
    net = session.network.copy()
    expected = net.predict(session.sequence.inputs, session.resets_for_epoch(0))
    np.testing.assert_allclose(measured.output, expected, rtol=0, atol=0)
    np.testing.assert_allclose(measured.context[1], 0.5 * measured.context[0] + expected[0],
                               rtol=0, atol=1e-15)


# ------------------------------------------------------------------ the runner
def test_the_runner_trains_a_jordan_network_and_reports_it(tmp_path):
    from tests.support.cli import run_cli

    path, saved = tmp_path / "jordan.json", tmp_path / "jordan.npz"
    status, out, err = run_cli("--task", "xor", "--epochs", "3", "--architecture", "jordan",
                               "--context-decay", "0.5", "--json", path, "--save", saved)
    assert status == 0, err
    assert "Architecture: Jordan (context = output), context decay 0.5" in out
    config = json.loads(path.read_text())["config"]
    assert (config["architecture"], config["context_decay"]) == ("jordan", 0.5)
    status, out, err = run_cli("--load", saved, "--epochs", "1")
    assert status == 0, err
    assert "context decay 0.5" in out
    status, out, err = run_cli("--load", saved, "--epochs", "1", "--architecture", "elman")
    assert status == 2 and "--architecture elman cannot apply to --load" in err
    status, out, err = run_cli("--task", "xor", "--epochs", "1")
    assert status == 0 and "Architecture: Elman (context = hidden)" in out


@pytest.mark.parametrize(("argv", "fragment"), [
    (["--context-decay", "0.5"], "--context-decay 0.5: the context decay (0.5) applies to "
                                 "Jordan networks only"),
    (["--architecture", "jordan", "--context-decay", "1"], "--context-decay 1: Context decay"),
    (["--architecture", "jordan", "--context-decay", "-0.5"], "--context-decay -0.5:"),
    (["--architecture", "jordan", "--context-decay", "nan"], "--context-decay nan:"),
    (["--architecture", "hopfield"], "invalid choice: 'hopfield'"),
])
def test_the_runner_refuses_bad_architecture_options_in_one_line(argv, fragment):
    from tests.support.cli import run_cli

    status, out, err = run_cli("--task", "xor", "--epochs", "1", *argv)
    assert status == 2 and "Traceback" not in err + out
    lines = err.strip().splitlines()
    assert len(lines) == 1 and fragment in lines[0], err
