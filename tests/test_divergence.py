"""The ±1,000,000 divergence rule: weights, outputs (through the weights) and errors."""

import numpy as np
import pytest

from elman_core.divergence import diverged
from elman_core.network import ElmanNetwork


def network():
    return ElmanNetwork(2, 3, 2, seed=0)


def test_a_healthy_network_has_not_diverged():
    assert diverged(network(), np.array([0.3, 0.1])) is None
    assert diverged(network(), np.array([])) is None


@pytest.mark.parametrize(("name", "value", "words"), [
    ("W_hh", 2e6, "W_hh reached 2e+06, beyond ±1,000,000"),
    ("b_o", -1.5e6, "b_o reached 1.5e+06"),
    ("W_ih", np.inf, "W_ih went beyond ±1,000,000 (to infinity)"),
    ("context", np.nan, "context went beyond ±1,000,000 (to infinity)"),
])
def test_weights_or_context_beyond_the_limit(name, value, words):
    net = network()
    getattr(net, name).flat[0] = value
    assert words in diverged(net, np.array([0.1]))


def test_just_inside_the_limit_is_not_divergence():
    net = network()
    net.W_hh.flat[0] = 1_000_000
    assert diverged(net, np.array([0.1])) is None


def test_errors_beyond_the_limit():
    assert "output error" in diverged(network(), np.array([0.1, np.nan]))
    assert "output error" in diverged(network(), np.array([0.6e12]))
    assert diverged(network(), np.array([0.4e12])) is None  # error ≈ 0.9e6: inside
