"""A network trained before class, loaded: its figures at once, and Play trains on."""

from __future__ import annotations

import numpy as np

from elman_core import tasks
from elman_core.analysis import metrics
from elman_core.live.driver import TrainingDriver
from elman_core.model.settings import RunSettings
from elman_core.model.trace import RunState
from elman_core.training import frozen_pass
from elman_core.training.session import TrainingSession


def trained(tmp_path, name="xor", epochs=3, **overrides):
    task = tasks.get(name)
    settings = RunSettings.for_task(task, epochs=epochs, **overrides)
    driver = TrainingDriver(TrainingSession(task, settings))
    for _ in range(epochs):
        driver.step_epoch()
    assert driver.state == RunState.FINISHED
    path = str(tmp_path / f"{name}.npz")
    assert driver.save_network(path).ok
    return driver, path


def test_a_loaded_network_shows_its_errors_and_figure_before_any_training(tmp_path):
    saved, path = trained(tmp_path)
    driver = TrainingDriver(TrainingSession(tasks.get("xor")))
    assert driver.load_network(path).ok
    session = driver.session
    assert session.global_step == 3 * session.steps_per_epoch  # nothing trained
    # The error bars: the frozen network's own errors on the training sequence, as measured
    # independently here.
    network = saved.session.network.copy()
    outputs = network.predict(session.sequence.inputs, session.resets_for_epoch(0))
    losses = metrics.step_losses(outputs, session.sequence.targets, session.sequence.mask,
                                 "sigmoid")
    expected = metrics.position_errors(losses, session.sequence.categories, 3)
    np.testing.assert_allclose(session.position_errors(), expected, rtol=1e-12)
    assert np.isfinite(session.feature_errors()).all()
    figure, space = driver.figure_data()
    assert figure is not None and figure.complete and figure.epoch == 3
    assert np.isfinite(figure.panels[0].values).any()
    assert space is not None and len(space.steps) == driver.ring.size
    assert space.steps[-1] == 3 * session.steps_per_epoch - 1  # the last step of epoch 3


def test_play_trains_on_from_a_loaded_finished_network_without_editing_epochs(tmp_path):
    _, path = trained(tmp_path, epochs=2)
    driver = TrainingDriver(TrainingSession(tasks.get("xor"), RunSettings.for_task(
        tasks.get("xor"), epochs=2)))
    assert driver.load_network(path).ok
    assert driver.session.epoch == 2 and driver.session.settings.epochs == 4
    assert not driver.session.finished
    driver.play()
    assert driver.state == RunState.RUNNING
    driver.step_epoch()
    assert driver.session.epoch == 3


def test_a_loaded_word_network_is_clustered_once_without_training(tmp_path):
    _, path = trained(tmp_path, "words", epochs=1, sequence_length=20)
    driver = TrainingDriver(TrainingSession(tasks.get("words"), RunSettings.for_task(
        tasks.get("words"), sequence_length=20)))
    assert driver.load_network(path).ok
    assert driver.state == RunState.PAUSED
    assert driver.clusters_due() and not driver.clusters_due()  # once
    driver.begin_clustering()
    driver.cluster_hidden_states()
    assert driver.figures.clusters is not None
    assert driver.session.global_step == driver.session.steps_per_epoch  # not trained


def test_an_untrained_network_has_nothing_to_measure():
    session = TrainingSession(tasks.get("xor"))
    assert frozen_pass.measure(session) is None
    assert session.previous_unit_errors is None
