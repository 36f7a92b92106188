"""Older network files still load, and say what they do not record; a bad run record is refused."""

from __future__ import annotations

import io
import json

import numpy as np
import pytest

from elman_core import tasks
from elman_core.cli.runner import run
from elman_core.files.persistence import save_network
from elman_core.live.driver import TrainingDriver
from elman_core.training import saved_run
from elman_core.training.session import TrainingSession


def version_1_file(path, network, extra: dict):
    """A file as Elman Lab wrote it before issue 23 (metadata version 1, no run record)."""
    save_network(network, path, extra)
    with np.load(path, allow_pickle=False) as archive:
        arrays = {name: archive[name] for name in archive.files}
    metadata = json.loads(str(arrays["metadata"])) | {"version": 1}
    arrays["metadata"] = np.array(json.dumps(metadata))
    with open(path, "wb") as handle:
        np.savez(handle, **arrays)
    return path


def trained(task_name="letters", steps=130, **changes) -> TrainingSession:
    task = tasks.get(task_name)
    session = TrainingSession(task, task.defaults.replace(sequence_length=20, **changes))
    session.run(steps)
    session.run(steps)
    return session


def test_an_old_app_file_loads_and_says_what_it_lacks(tmp_path):
    old = trained(seed=5)
    path = version_1_file(tmp_path / "old_app.npz", old.network, {
        "task": "letters", "task_title": "Letters", "epoch": old.epoch,
        "global_step": old.global_step, "epoch_losses": old.epoch_losses})
    driver = TrainingDriver(TrainingSession(tasks.get("xor")))
    outcome = driver.load_network(str(path))
    assert outcome.ok and driver.session.task.name == "letters"
    assert (driver.session.epoch, driver.session.position) == (old.epoch, 0)
    notices = [text for level, text in driver.take_notices() if level == "warning"]
    assert len(notices) == 1 and "older Elman Lab" in notices[0]
    for lacking in ("the place in the sequence", "the seed", "the sequence length"):
        assert lacking in notices[0]
    assert "the task" not in notices[0].replace("the task's", "")
    np.testing.assert_array_equal(driver.session.network.W_hh, old.network.W_hh)


def test_an_old_runner_file_resumes_its_seed_and_length_and_says_less(tmp_path):
    old = trained(seed=5)
    path = version_1_file(tmp_path / "old_runner.npz", old.network, {
        "task": "letters", "epochs": old.epoch, "position": 0, "seed": 5,
        "sequence_length": 20, "reset_context_each_epoch": True})
    _network, saved, _ = saved_run.read(path)
    assert saved.settings == {"seed": 5, "sequence_length": 20,
                              "reset_context_each_epoch": True}
    assert saved.missing == ()  # all a run at an epoch's end needs
    driver = TrainingDriver(TrainingSession(tasks.get("letters")))
    assert driver.load_network(str(path)).ok
    assert (driver.session.settings.seed, driver.session.settings.sequence_length) == (5, 20)
    out, err = io.StringIO(), io.StringIO()
    assert run(["--task", "letters", "--load", str(path), "--epochs", "1"], out, err) == 0
    assert "Note:" not in out.getvalue()


def test_the_runner_tells_what_an_old_app_file_lacks(tmp_path):
    old = trained()
    path = version_1_file(tmp_path / "old_app.npz", old.network, {"task": "letters",
                                                                  "epoch": old.epoch})
    out, err = io.StringIO(), io.StringIO()
    assert run(["--task", "letters", "--load", str(path), "--epochs", "1"], out, err) == 0, err
    assert "Note: This file is from an older Elman Lab" in out.getvalue()
    assert "the seed" in out.getvalue()


@pytest.mark.parametrize("run_record, problem", [
    ({"settings": {"n_hidden": 4, "colour": 3}, "epoch": 1, "position": 0},
     "not a table of known settings"),
    ({"settings": {}, "epoch": -1, "position": 0}, "saved epoch is not a whole number"),
    ({"settings": {}, "epoch": 1, "position": "x"}, "saved position is not a whole number"),
    ({"settings": {}, "epoch": 1, "position": 0, "epoch_losses": ["a"]},
     "epoch losses are not a list of numbers"),
    ({"settings": {}, "epoch": 1, "position": 3}, "0 step losses are stored for position 3"),
])
def test_a_bad_run_record_is_refused_with_the_file_named(tmp_path, run_record, problem):
    session = trained()
    path = save_network(session.network, tmp_path / "bad.npz", run=run_record,
                        step_losses=np.empty(0))
    with pytest.raises(saved_run.SavedRunError) as caught:
        saved_run.read(path)
    assert str(path) in str(caught.value) and problem in str(caught.value)
    driver = TrainingDriver(TrainingSession(tasks.get("letters")))
    before = driver.session
    outcome = driver.load_network(str(path))
    assert not outcome.ok and problem in outcome.message and driver.session is before


def test_a_place_beyond_the_sequence_is_refused(tmp_path):
    session = trained()
    session.run(15)
    record, losses = saved_run.run_record(session)
    assert record["position"] == len(losses) > 0
    record["settings"]["sequence_length"] = 2  # letters: a few steps an epoch
    path = save_network(session.network, tmp_path / "far.npz", run=record, step_losses=losses)
    driver = TrainingDriver(TrainingSession(tasks.get("letters")))
    outcome = driver.load_network(str(path))
    assert not outcome.ok and "is beyond this sequence's" in outcome.message
    assert str(path) in outcome.message
    out, err = io.StringIO(), io.StringIO()
    assert run(["--task", "letters", "--load", str(path), "--epochs", "1"], out, err) == 2
    assert "is beyond this sequence's" in err.getvalue()
