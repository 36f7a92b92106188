"""Experiments belong to a network: a reset, a new task or new network ends them; a loaded
network brings its own."""

from __future__ import annotations

import numpy as np

from elman_core import tasks
from elman_core.live import experiments
from elman_core.live.driver import TrainingDriver
from elman_core.training.session import TrainingSession


def lesioned_driver() -> TrainingDriver:
    driver = TrainingDriver(TrainingSession(tasks.get("xor")))
    driver.set_lesion(3, True)
    driver.set_forget_context(True)
    driver.take_notices()
    return driver


def assert_whole(driver: TrainingDriver) -> None:
    network = driver.session.network
    assert driver.lesioned == set() and not network.lesioned.any()
    assert driver.forget_context is False and network.forget_context is False
    notices = [text for _, text in driver.take_notices()]
    assert any("hidden unit 4 lesioned" in text and "context forgotten" in text
               and "ended" in text for text in notices), notices


def test_reset_ends_the_experiments_and_says_so():
    driver = lesioned_driver()
    driver.reset()
    assert_whole(driver)


def test_a_new_task_ends_the_experiments():
    driver = lesioned_driver()
    assert driver.set_task("letters", {})
    assert_whole(driver)


def test_new_settings_that_need_a_new_network_end_them_and_live_ones_do_not():
    driver = lesioned_driver()
    driver.apply_settings({"learning_rate": 0.2})  # the same network
    assert driver.lesioned == {3} and driver.session.network.lesioned[3]
    assert driver.session.network.forget_context
    driver.apply_settings({"n_hidden": 6})
    assert_whole(driver)


def test_a_loaded_network_brings_its_own_experiments(tmp_path):
    driver = lesioned_driver()
    path = str(tmp_path / "lesioned.npz")
    assert driver.save_network(path).ok
    driver.reset()
    driver.take_notices()
    assert driver.load_network(path).ok
    assert driver.lesioned == {3} and driver.forget_context
    assert np.flatnonzero(driver.session.network.lesioned).tolist() == [3]


def test_the_wording_of_experiments():
    assert experiments.describe([], False) == "" == experiments.short((), False)
    assert experiments.describe([1, 3], True) == ("hidden units 2 and 4 lesioned, context "
                                                  "forgotten (no memory)")
    assert experiments.describe([0], False) == "hidden unit 1 lesioned"
    assert experiments.short([3, 1], True) == "lesioned 2, 4 · no memory"
