"""The ±1,000,000 divergence rule: weights, outputs and errors (elman_core.training.divergence)."""

import numpy as np
import pytest

from elman_core import tasks
from elman_core.model.network import ElmanNetwork
from elman_core.training import divergence
from elman_core.training.session import TrainingSession, settings_for


def network():
    return ElmanNetwork(2, 3, 2, seed=0)


def test_a_healthy_network_is_sane():
    assert divergence.weights_sane(network())


@pytest.mark.parametrize(("name", "value"), [
    ("W_hh", 2e6), ("b_o", -1.5e6), ("W_ih", np.inf), ("W_ho", np.nan), ("b_h", 1.0e6),
])
def test_a_weight_at_or_beyond_the_limit_is_divergence(name, value):
    net = network()
    getattr(net, name).flat[0] = value
    assert not divergence.weights_sane(net)


def test_just_inside_the_limit_is_not_divergence():
    net = network()
    net.W_hh.flat[0] = 0.999e6
    net.b_o.flat[0] = -0.999e6
    assert divergence.weights_sane(net)


def test_values_are_within_the_limit_only_when_finite_and_small():
    assert divergence.within_limit(np.array([0.1, -999_999.0]))
    assert not divergence.within_limit(np.array([0.1, np.nan]))
    assert not divergence.within_limit(np.array([0.1, -np.inf]))
    assert not divergence.within_limit(np.array([1e6]))


def test_many_values_each_inside_the_limit_are_within_it_whatever_their_sum_of_squares():
    assert divergence.within_limit(np.full((150, 150), -0.9e6))  # sum of squares ≈ 1.8e16
    assert not divergence.within_limit(np.array([[0.5, 1e6], [0.0, 0.1]]))
    assert not divergence.within_limit(np.array([[1e200, 0.0]]))  # its square is infinite
    assert not divergence.within_limit(np.array([[np.nan, 0.0]]))


def test_an_epoch_whose_mean_loss_left_the_limit_is_divergence():
    task = tasks.get("xor")
    session = TrainingSession(task, settings_for(task, sequence_length=30))
    session.run_epoch()
    assert divergence.epoch_sane(session)
    session.epoch_losses[-1] = float("nan")
    assert not divergence.epoch_sane(session)
    session.epoch_losses[-1] = 2e6
    assert not divergence.epoch_sane(session)
    assert "±1,000,000" in divergence.message(session)
