"""ElmanNetwork: seeds/000 exactness, the compiled path against the traced path, and the basics."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest

from elman_core.files.persistence import save_network
from elman_core.model import kernels
from elman_core.model.network import PARAMETER_NAMES, ElmanNetwork, NetworkConfig

HIDDEN = ("sigmoid", "tanh")
OUTPUT = ("sigmoid", "linear", "softmax")


# ------------------------------------------------------------------ seeds/000, written plainly
class SeedReference:
    """seeds/000's ElmanNetwork with column vectors, its update order and nothing else."""

    def __init__(self, W_ih, W_hh, W_ho, learning_rate=0.1):
        self.W_ih, self.W_hh, self.W_ho = W_ih.copy(), W_hh.copy(), W_ho.copy()
        self.b_h = np.zeros((W_hh.shape[0], 1))
        self.b_o = np.zeros((W_ho.shape[0], 1))
        self.context = np.zeros((W_hh.shape[0], 1))
        self.learning_rate = learning_rate

    @staticmethod
    def sigmoid(x):
        return 1 / (1 + np.exp(-np.clip(x, -500, 500)))

    def reset_context(self):
        self.context = np.zeros_like(self.context)

    def train_step(self, x, target):
        x_vec, target_vec = np.array([[x]], dtype=float), np.array([[target]], dtype=float)
        hidden = self.sigmoid(np.dot(self.W_ih, x_vec) + np.dot(self.W_hh, self.context) + self.b_h)
        output = self.sigmoid(np.dot(self.W_ho, hidden) + self.b_o)
        error = output - target_vec
        delta_o = error * (output * (1 - output))
        delta_h = np.dot(self.W_ho.T, delta_o) * (hidden * (1 - hidden))
        self.W_ho -= self.learning_rate * np.dot(delta_o, hidden.T)
        self.b_o -= self.learning_rate * delta_o
        self.W_ih -= self.learning_rate * np.dot(delta_h, x_vec.T)
        self.W_hh -= self.learning_rate * np.dot(delta_h, self.context.T)
        self.b_h -= self.learning_rate * delta_h
        self.context = hidden.copy()
        return float(np.mean(error**2))


def xor_bits(length=3000, seed=42):
    """seeds/000's generator: random bit pairs, each followed by their XOR."""
    rng = np.random.RandomState(seed)
    bits = []
    for _ in range(length // 3):
        b1, b2 = rng.randint(0, 2), rng.randint(0, 2)
        bits.extend([b1, b2, b1 ^ b2])
    return np.array(bits, dtype=float)


def assert_same_state(a: ElmanNetwork, b: ElmanNetwork, tol: float) -> None:
    for name in PARAMETER_NAMES:
        np.testing.assert_allclose(getattr(a, name), getattr(b, name), rtol=0, atol=tol,
                                   err_msg=name)
        np.testing.assert_allclose(a.velocity[name], b.velocity[name], rtol=0, atol=tol,
                                   err_msg=f"velocity {name}")
    np.testing.assert_allclose(a.context, b.context, rtol=0, atol=tol, err_msg="context")
    assert a.steps_trained == b.steps_trained


def assert_same_losses(fast, slow, tol):
    fast, slow = np.asarray(fast), np.asarray(slow)
    np.testing.assert_array_equal(np.isnan(fast), np.isnan(slow))
    np.testing.assert_allclose(fast[~np.isnan(fast)], slow[~np.isnan(slow)], rtol=0, atol=tol)


def test_xor_sequence_matches_seed_generator():
    bits = xor_bits()
    assert len(bits) == 3000
    assert np.all(bits[2::3] == np.logical_xor(bits[0::3], bits[1::3]))
    assert bits[:6].tolist() == [0, 1, 1, 0, 0, 0]  # RandomState(42).randint(0, 2) ×4: 0 1 0 0


@pytest.mark.parametrize("path", ["step", "train"])
def test_seed_000_xor_training_is_reproduced(path):
    bits = xor_bits()
    X, Y = bits[:-1], bits[1:]
    net = ElmanNetwork(1, 4, 1, 0.1, seed=5)
    initial_W_hh = net.W_hh.copy()
    reference = SeedReference(net.W_ih, net.W_hh, net.W_ho, 0.1)
    resets = np.zeros(len(X), dtype=bool)
    resets[0] = True
    for _epoch in range(3):
        reference.reset_context()
        expected = np.array([reference.train_step(x, y) for x, y in zip(X, Y, strict=True)])
        if path == "step":
            losses = np.array([net.step(x, y, reset=t == 0).loss
                               for t, (x, y) in enumerate(zip(X, Y, strict=True))])
        else:
            losses = net.train(X, Y, resets=resets)
        np.testing.assert_allclose(losses, expected, rtol=0, atol=1e-12)
        for name in PARAMETER_NAMES:
            np.testing.assert_allclose(getattr(net, name), getattr(reference, name).reshape(
                getattr(net, name).shape), rtol=0, atol=1e-12, err_msg=name)
        np.testing.assert_allclose(net.context, reference.context.ravel(), rtol=0, atol=1e-12)
    # The weights really moved: the comparison is not between two idle networks.
    assert np.max(np.abs(net.W_hh - initial_W_hh)) > 1e-2


# --------------------------------------------------------- compiled path = traced step path
def make_sequence(n_input, n_output, length, output_activation, seed=3):
    rng = np.random.default_rng(seed)
    X = (rng.random((length, n_input)) < 0.5).astype(float)
    if output_activation == "softmax":
        Y = np.eye(n_output)[rng.integers(0, n_output, length)]
    else:
        Y = (rng.random((length, n_output)) < 0.5).astype(float)
    mask = rng.random(length) < 0.8
    mask[-3:] = False  # the last update is not at the last row
    resets = rng.random(length) < 0.01
    resets[::150] = True  # segments of at most 150 steps: whole-segment BPTT stays stable
    return X, Y, mask, resets


def run_step_path(net, X, Y, mask, resets):
    T = len(X)
    return [
        net.step(X[t], Y[t] if mask[t] else None, reset=bool(resets[t]),
                 flush=t == T - 1 or bool(resets[t + 1]))
        for t in range(T)
    ]


VARIANTS = {
    "online": {},
    "online-momentum": {"momentum": 0.5},
    "bptt-window-5": {"rule": "bptt", "bptt_window": 5, "momentum": 0.5},
    "bptt-whole-segment": {"rule": "bptt", "learning_rate": 0.01, "momentum": 0.5},
    "jordan-online": {"architecture": "jordan"},
    "jordan-online-decay-momentum": {"architecture": "jordan", "context_decay": 0.5,
                                     "momentum": 0.5},
    "jordan-bptt-window-5": {"rule": "bptt", "bptt_window": 5, "architecture": "jordan",
                             "context_decay": 0.5},
    "jordan-bptt-whole-segment": {"rule": "bptt", "learning_rate": 0.01, "momentum": 0.5,
                                  "architecture": "jordan", "context_decay": 0.3},
}


@pytest.mark.parametrize("variant", list(VARIANTS))
@pytest.mark.parametrize("output_activation", OUTPUT)
@pytest.mark.parametrize("hidden_activation", HIDDEN)
def test_train_equals_step(hidden_activation, output_activation, variant):
    options = {"learning_rate": 0.1, **VARIANTS[variant]}
    X, Y, mask, resets = make_sequence(3, 3, 3000, output_activation)
    fast = ElmanNetwork(3, 5, 3, seed=7, hidden_activation=hidden_activation,
                        output_activation=output_activation, **options)
    fast.lesioned[1] = True
    slow = fast.copy()
    losses, hidden, output, context = fast.train(X, Y, mask, resets, record=True,
                                                 with_context=True)
    traces = run_step_path(slow, X, Y, mask, resets)
    assert_same_state(fast, slow, 1e-10)
    assert_same_losses(losses, [tr.loss for tr in traces], 1e-10)
    np.testing.assert_allclose(hidden, [tr.hidden for tr in traces], rtol=0, atol=1e-10)
    np.testing.assert_allclose(output, [tr.output for tr in traces], rtol=0, atol=1e-10)
    np.testing.assert_allclose(context, [tr.context for tr in traces], rtol=0, atol=1e-10)
    assert np.all(hidden[:, 1] == 0.0)  # the lesioned unit stayed silent
    # The run moved far from the start, so agreement is not trivial.
    start = ElmanNetwork.from_config(fast.config)
    assert np.max(np.abs(fast.W_hh - start.W_hh)) > 1e-3


@pytest.mark.parametrize("rule", [{}, {"rule": "bptt", "bptt_window": 4, "momentum": 0.5},
                                  {"rule": "bptt", "bptt_window": 4, "architecture": "jordan",
                                   "context_decay": 0.5}])
def test_forget_context_train_equals_step(rule):
    X, Y, mask, resets = make_sequence(2, 2, 1500, "sigmoid", seed=11)
    fast = ElmanNetwork(2, 6, 2, 0.2, seed=3, **rule)
    fast.forget_context = True
    slow = fast.copy()
    losses = fast.train(X, Y, mask, resets)
    traces = run_step_path(slow, X, Y, mask, resets)
    assert_same_state(fast, slow, 1e-10)
    assert_same_losses(losses, [tr.loss for tr in traces], 1e-10)
    assert np.all(fast.W_hh == ElmanNetwork(2, 6, 2, seed=3, **rule).W_hh)  # never saw a context


def test_online_train_in_chunks_equals_one_pass_and_momentum_can_start_later():
    X, Y, mask, resets = make_sequence(2, 2, 600, "sigmoid", seed=5)
    whole = ElmanNetwork(2, 4, 2, 0.3, seed=9)
    pieces = whole.copy()
    slow = whole.copy()
    whole.train(X, Y, mask, resets)
    cuts = [0, 1, 2, 50, 51, 300, 599, 600]
    for a, b in itertools.pairwise(cuts):
        pieces.train(X[a:b], Y[a:b], mask[a:b], resets[a:b])
    run_step_path(slow, X, Y, mask, resets)
    assert_same_state(pieces, whole, 1e-12)
    assert_same_state(pieces, slow, 1e-12)
    # Momentum switched on afterwards starts from the velocity the last update left behind.
    for net in (pieces, slow):
        net.momentum = 0.9
    pieces.train(X[:200], Y[:200], mask[:200], resets[:200])
    run_step_path(slow, X[:200], Y[:200], mask[:200], resets[:200])
    assert_same_state(pieces, slow, 1e-10)


def test_bptt_window_1_is_the_online_rule():
    bits = xor_bits(900)
    X, Y = bits[:-1], bits[1:]
    online = ElmanNetwork(1, 4, 1, 0.5, seed=2, momentum=0.3)
    bptt = ElmanNetwork(1, 4, 1, 0.5, seed=2, momentum=0.3, rule="bptt", bptt_window=1)
    for _ in range(3):
        lo = online.train(X, Y)
        lb = bptt.train(X, Y)
        np.testing.assert_allclose(lb, lo, rtol=0, atol=1e-12)
    assert_same_state(bptt, online, 1e-12)
    assert np.max(np.abs(online.W_ho - ElmanNetwork(1, 4, 1, seed=2).W_ho)) > 0.1


def test_train_records_only_the_last_step_without_record():
    X, Y, mask, resets = make_sequence(2, 2, 50, "sigmoid")
    net = ElmanNetwork(2, 3, 2, seed=1)
    twin = net.copy()
    _, hidden, output = net.train(X, Y, mask, resets, record=True)
    losses = twin.train(X, Y, mask, resets)
    assert hidden.shape == (50, 3) and output.shape == (50, 2) and losses.shape == (50,)
    np.testing.assert_array_equal(net.context, hidden[-1])
    np.testing.assert_array_equal(net.W_hh, twin.W_hh)


# --------------------------------------------------------------------- the fast exp (kernels)
def test_kernel_exp_is_within_one_ulp_of_numpy():
    rng = np.random.default_rng(0)
    x = np.concatenate([rng.uniform(-500, 500, 4000), rng.uniform(-2, 2, 4000),
                        [0.0, -0.0, 500.0, -500.0, 1e-300, -1e-300, math.log(2) / 2]])
    ours = np.array([kernels._exp(v) for v in x])
    exact = np.exp(x)
    ulps = np.abs(ours - exact) / np.spacing(exact)
    assert ulps.max() <= 1.0
    assert np.mean(ours == exact) > 0.8
    assert math.isnan(kernels._exp(math.nan))


def test_diverging_training_shows_nan_not_a_silent_number():
    # A linear output with a far too large learning rate: every update overshoots, ×10 per step.
    X = np.ones((1000, 1))
    net = ElmanNetwork(1, 3, 1, 3.0, seed=0, output_activation="linear")
    losses = net.train(X, np.zeros((1000, 1)))
    assert np.isfinite(losses[0]) and not np.isfinite(losses[-1])
    assert not all(np.isfinite(value).all() for value in net.parameters().values())
    with pytest.raises(ValueError, match="NaN or infinity"):
        save_network(net, "never-written.npz")


# ------------------------------------------------------------------------------- the basics
def test_masked_step_changes_nothing_and_reports_nan():
    net = ElmanNetwork(2, 3, 2, seed=4, momentum=0.5)
    net.step([1, 0], [0, 1])
    before = {name: getattr(net, name).copy() for name in PARAMETER_NAMES}
    velocity = {name: v.copy() for name, v in net.velocity.items()}
    trace = net.step([0, 1], None)
    assert math.isnan(trace.loss) and not trace.updated and trace.error is None
    for name in PARAMETER_NAMES:
        np.testing.assert_array_equal(getattr(net, name), before[name])
        np.testing.assert_array_equal(net.velocity[name], velocity[name])
        assert np.all(getattr(trace, f"d{name}") == 0)
    losses = net.train([[1, 1], [0, 0]], [[0, 0], [1, 1]], mask=[False, False])
    assert np.all(np.isnan(losses))
    for name in PARAMETER_NAMES:
        np.testing.assert_array_equal(getattr(net, name), before[name])
        np.testing.assert_array_equal(net.velocity[name], velocity[name])
    assert net.steps_trained == 4


def test_predict_leaves_weights_untouched():
    net = ElmanNetwork(1, 4, 1, seed=1, context_init=0.5)
    before = {name: getattr(net, name).copy() for name in PARAMETER_NAMES}
    outputs, hidden = net.predict(xor_bits(30)[:, None], return_hidden=True)
    assert outputs.shape == (30, 1) and hidden.shape == (30, 4)
    for name in PARAMETER_NAMES:
        np.testing.assert_array_equal(getattr(net, name), before[name])
        assert np.all(net.velocity[name] == 0)
    assert net.steps_trained == 0
    # predict() starts from context_init: the first hidden state uses 0.5, not 0.
    h0 = net.forward([0.0], np.full(4, 0.5))[1]
    np.testing.assert_allclose(hidden[0], h0, rtol=0, atol=1e-15)


def test_reset_context_uses_context_init():
    net = ElmanNetwork(1, 3, 1, seed=0, context_init=0.5)
    np.testing.assert_array_equal(net.context, [0.5, 0.5, 0.5])
    net.step([1.0], [0.0])
    assert not np.allclose(net.context, 0.5)
    net.reset_context()
    np.testing.assert_array_equal(net.context, [0.5, 0.5, 0.5])
    trace = net.step([1.0], [1.0], reset=True)
    np.testing.assert_array_equal(trace.context, [0.5, 0.5, 0.5])
    assert trace.context_was_reset


def test_default_initialisation():
    net = ElmanNetwork(3, 4, 2, seed=123, weight_scale=0.3)
    rng = np.random.default_rng(123)
    np.testing.assert_array_equal(net.W_ih, rng.standard_normal((4, 3)) * 0.3)
    np.testing.assert_array_equal(net.W_hh, rng.standard_normal((4, 4)) * 0.3)
    np.testing.assert_array_equal(net.W_ho, rng.standard_normal((2, 4)) * 0.3)
    np.testing.assert_array_equal(net.b_h, np.zeros(4))
    np.testing.assert_array_equal(net.b_o, np.zeros(2))
    np.testing.assert_array_equal(net.context, np.zeros(4))
    twin = ElmanNetwork(3, 4, 2, seed=123, weight_scale=0.3)
    for name in PARAMETER_NAMES:
        np.testing.assert_array_equal(getattr(twin, name), getattr(net, name))
    other = ElmanNetwork(3, 4, 2, seed=124, weight_scale=0.3)
    assert not np.array_equal(other.W_ih, net.W_ih)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"n_hidden": 0}, "n_hidden"),
        ({"n_input": -1}, "n_input"),
        ({"learning_rate": 0.0}, "learning rate"),
        ({"learning_rate": -0.1}, "learning rate"),
        ({"learning_rate": float("nan")}, "learning rate"),
        ({"learning_rate": float("inf")}, "learning rate"),
        ({"hidden_activation": "relu"}, "hidden activation 'relu'"),
        ({"output_activation": "tanh"}, "output activation 'tanh'"),
        ({"rule": "rtrl"}, "learning rule 'rtrl'"),
        ({"momentum": 1.0}, "momentum"),
        ({"bptt_window": 0}, "bptt_window"),
    ],
)
def test_invalid_settings_raise_readable_errors(kwargs, message):
    settings = {"n_input": 1, "n_hidden": 2, "n_output": 1, **kwargs}
    with pytest.raises(ValueError, match=message.replace("(", r"\(")):
        ElmanNetwork(**settings)
    with pytest.raises(ValueError, match=message.replace("(", r"\(")):
        NetworkConfig(**settings)


def test_the_kernels_softmax_loss_is_exact_for_a_tiny_target_probability():
    """The log floor is 1e-300 (activations.LOG_FLOOR) in both paths: a target probability of
    about 1e-10 gives a loss of about 23, the same in the kernel and in step()."""
    net = ElmanNetwork(1, 2, 2, 1e-9, seed=0, output_activation="softmax")
    net.b_o[:] = [0.0, 23.0]  # the target unit 0 gets e^-23 ≈ 1e-10
    twin = net.copy()
    losses = net.train(np.ones((1, 1)), np.array([[1.0, 0.0]]))
    trace = twin.step(np.ones(1), np.array([1.0, 0.0]))
    assert trace.output[0] < 1e-7
    assert losses[0] == pytest.approx(-math.log(trace.output[0]), rel=1e-9)
    assert losses[0] == pytest.approx(trace.loss, rel=1e-9)
    assert losses[0] > 22.5
