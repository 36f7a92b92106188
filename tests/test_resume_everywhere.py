"""Issue 23, item 3: one file format, exact from anywhere.

A run saved at a random step — by the app (the driver's Save, mid-epoch too) or by the runner
(``main.py train --save``) — and continued by the app or the runner ends bit for bit where the
same run trained without a pause ends: weights, momentum, context, the rule's pending BPTT
window, lesions and the context switch, and the loss of every epoch. For every task and rule.
"""

from __future__ import annotations

import io
import math

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from elman_core import tasks
from elman_core.cli.runner import run
from elman_core.files.persistence import load_network, read_network_file
from elman_core.live.driver import TrainingDriver
from elman_core.model.network import PARAMETER_NAMES
from elman_core.model.settings import RunSettings
from elman_core.training.session import TrainingSession

LENGTHS = {"xor": 40, "letters": 20, "words": 5, "sentences": 20, "alternating": 40,
           "counting": 40, "end-of-sequence": 10, "text": 40}  # 20 to 120 steps an epoch
RULES = {"online": ("online", None), "bptt-whole": ("bptt", None), "bptt-3": ("bptt", 3)}
EPOCHS = 3
EXAMPLES = settings(max_examples=4, deadline=None, derandomize=True,
                    suppress_health_check=[HealthCheck.function_scoped_fixture])


def run_settings(task_name: str, rule: str, reset_each_epoch: bool) -> RunSettings:
    name, window = RULES[rule]
    return RunSettings.for_task(tasks.get(task_name), sequence_length=LENGTHS[task_name],
                                n_hidden=6, seed=11, rule=name, bptt_window=window,
                                epochs=EPOCHS, reset_context_each_epoch=reset_each_epoch)


def straight_run(task_name: str, run_settings: RunSettings, lesion: int | None,
                 forget: bool) -> TrainingSession:
    """The reference: the same run, never interrupted."""
    session = TrainingSession(tasks.get(task_name), run_settings)
    if lesion is not None:
        session.network.lesioned[lesion] = True
    session.network.forget_context = forget
    session.train(EPOCHS)
    return session


def train_to(session: TrainingSession, step: int, chunk: int = 7) -> None:
    """Train in uneven pieces, as the app's time slices do."""
    while session.global_step < step:
        session.run(min(chunk, step - session.global_step))


def network_arrays(network) -> dict[str, np.ndarray]:
    arrays = {name: getattr(network, name) for name in PARAMETER_NAMES}
    arrays |= {f"velocity_{name}": network.velocity[name] for name in PARAMETER_NAMES}
    return arrays | {"context": network.context, "lesioned": network.lesioned}


def assert_same_network(found, expected) -> None:
    for name, array in network_arrays(expected).items():
        np.testing.assert_array_equal(network_arrays(found)[name], array, err_msg=name)
    assert found.forget_context == expected.forget_context
    assert found.steps_trained == expected.steps_trained
    assert len(found.learning_rule.pending) == len(expected.learning_rule.pending) == 0


def assert_same_losses(found: list[float], expected: list[float]) -> None:
    assert len(found) == len(expected)
    assert all(a == b or (math.isnan(a) and math.isnan(b))
               for a, b in zip(found, expected, strict=True)), (found, expected)


def run_cli(*argv) -> None:
    out, err = io.StringIO(), io.StringIO()
    assert run([str(a) for a in argv], stdout=out, stderr=err) == 0, err.getvalue()


def app_saved_at(tmp_path, task_name, run_settings, step, lesion, forget):
    """The app's driver trains ``step`` steps (lesion and switch set from its menus), saves."""
    driver = TrainingDriver(TrainingSession(tasks.get(task_name), run_settings))
    if lesion is not None:
        driver.set_lesion(lesion, True)
    driver.set_forget_context(forget)
    train_to(driver.session, step)
    path = tmp_path / "app.npz"
    assert driver.save_network(str(path)).ok
    return path, driver.session


save_points = st.floats(min_value=0.0, max_value=1.0, exclude_max=True)
lesions = st.one_of(st.none(), st.integers(0, 5))


@pytest.mark.parametrize("rule", RULES)
@pytest.mark.parametrize("task_name", LENGTHS)
@EXAMPLES
@given(where=save_points, lesion=lesions, forget=st.booleans(), reset_each=st.booleans())
def test_app_to_app_and_app_to_runner_resume_exactly(tmp_path_factory, task_name, rule, where,
                                                     lesion, forget, reset_each):
    tmp_path = tmp_path_factory.mktemp("resume")
    chosen = run_settings(task_name, rule, reset_each)
    straight = straight_run(task_name, chosen, lesion, forget)
    total = EPOCHS * straight.steps_per_epoch
    step = int(where * total)
    path, saved = app_saved_at(tmp_path, task_name, chosen, step, lesion, forget)

    # app -> app: a window showing another task loads it and trains on to the end.
    app = TrainingDriver(TrainingSession(tasks.get("xor" if task_name != "xor" else "letters")))
    outcome = app.load_network(str(path))
    assert outcome.ok, outcome.message
    session = app.session
    assert (session.task.name, session.epoch, session.position, session.global_step) == (
        task_name, saved.epoch, saved.position, step)
    assert session.settings == chosen
    assert app.forget_context == forget and app.lesioned == ({lesion} - {None})
    train_to(session, total, chunk=13)
    assert_same_network(session.network, straight.network)
    assert_same_losses(session.epoch_losses, straight.epoch_losses)

    # app -> runner: `main.py train --load` goes on to the same end.
    out = tmp_path / "runner.npz"
    run_cli("--task", task_name, "--load", path, "--epochs", EPOCHS - saved.epoch,
            "--save", out, "--quiet")
    continued = read_network_file(out)
    assert_same_network(continued.network, straight.network)
    assert continued.run["global_step"] == total
    assert_same_losses([math.nan if v is None else v for v in continued.run["epoch_losses"]],
                       straight.epoch_losses)


@pytest.mark.parametrize("rule", RULES)
@pytest.mark.parametrize("task_name", LENGTHS)
@EXAMPLES
@given(epochs_first=st.integers(1, EPOCHS - 1), forget=st.booleans(), reset_each=st.booleans())
def test_runner_to_app_resumes_exactly(tmp_path_factory, task_name, rule, epochs_first, forget,
                                       reset_each):
    tmp_path = tmp_path_factory.mktemp("resume")
    chosen = run_settings(task_name, rule, reset_each)
    straight = straight_run(task_name, chosen, None, forget)
    name, window = RULES[rule]
    options = ["--task", task_name, "--length", LENGTHS[task_name], "--hidden", 6,
               "--seed", 11, "--rule", name, "--quiet", "--epochs", epochs_first]
    options += ["--window", window] if window else []
    options += ["--context-reset"] if reset_each else ["--no-context-reset"]
    options += ["--forget-context"] if forget else []
    path = tmp_path / "runner.npz"
    run_cli(*options, "--save", path)

    app = TrainingDriver(TrainingSession(tasks.get("xor")))
    outcome = app.load_network(str(path))
    assert outcome.ok, outcome.message
    session = app.session
    assert (session.task.name, session.epoch, session.position) == (task_name, epochs_first, 0)
    assert app.forget_context == forget
    # The runner's run had ended: the app's raises Epochs so that Play trains on at once.
    assert session.settings.epochs > epochs_first
    assert session.settings.replace(epochs=EPOCHS) == chosen
    train_to(session, EPOCHS * session.steps_per_epoch, chunk=11)
    assert_same_network(session.network, straight.network)
    assert_same_losses(session.epoch_losses, straight.epoch_losses)


def test_a_text_run_goes_on_with_its_own_text(tmp_path):
    """The text is part of the task: a file saved on a custom text continues on that text."""
    text = "the cat sat on the mat. the dog sat on the log. " * 3
    task = tasks.get("text", text=text)
    chosen = RunSettings.for_task(task, sequence_length=60, n_hidden=5, epochs=3)
    straight = TrainingSession(task, chosen)
    straight.train(3)
    driver = TrainingDriver(TrainingSession(task, chosen))
    train_to(driver.session, 100)
    path = tmp_path / "text.npz"
    assert driver.save_network(str(path)).ok
    app = TrainingDriver(TrainingSession(tasks.get("text")))  # the sample text on screen
    assert app.load_network(str(path)).ok
    assert app.session.task.text == text
    train_to(app.session, 3 * app.session.steps_per_epoch)
    assert_same_network(app.session.network, straight.network)
    run_cli("--task", "text", "--load", path, "--epochs", 3 - 1, "--save", tmp_path / "r.npz",
            "--quiet")
    assert_same_network(load_network(tmp_path / "r.npz")[0], straight.network)
