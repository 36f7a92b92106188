"""The weight changes are −lr × the true gradient, checked against central finite differences.

The objective is computed here with plain NumPy, independently of elman_core: the sum over the
steps of E_t, with E = ½Σ(y − t)² for sigmoid and linear outputs and the cross-entropy −Σ t·log y
for softmax outputs, starting from a fixed context. A Jordan network's context is computed
here as context(t+1) = μ·context(t) + output(t), with no code of elman_core's.
"""

from __future__ import annotations

import numpy as np
import pytest

from elman_core.model.network import PARAMETER_NAMES, ElmanNetwork

N_INPUT, N_HIDDEN, N_OUTPUT = 2, 3, 3
LEARNING_RATE = 0.1


def objective(params, X, Y, mask, context, hidden_activation, output_activation,
              lesioned=None, forget_context=False, jordan_decay=None):
    """Σ_t E_t of a forward run from ``context`` (the context is an input, not a parameter);
    ``jordan_decay`` (μ) makes it a Jordan network's: context(t+1) = μ·context(t) + y(t)."""
    W_ih, W_hh, W_ho, b_h, b_o = (params[name] for name in PARAMETER_NAMES)
    total = 0.0
    c = np.array(context, dtype=float)
    for x, target, counted in zip(X, Y, mask, strict=True):
        if forget_context:
            c = np.zeros_like(c)
        net = W_ih @ x + W_hh @ c + b_h
        h = 1 / (1 + np.exp(-net)) if hidden_activation == "sigmoid" else np.tanh(net)
        if lesioned is not None:
            h = np.where(lesioned, 0.0, h)
        z = W_ho @ h + b_o
        if output_activation == "sigmoid":
            y = 1 / (1 + np.exp(-z))
        elif output_activation == "linear":
            y = z
        else:
            e = np.exp(z - z.max())
            y = e / e.sum()
        if counted:
            if output_activation == "softmax":
                total -= float(np.sum(target * np.log(y)))
            else:
                total += 0.5 * float(np.sum((y - target) ** 2))
        c = h if jordan_decay is None else jordan_decay * c + y
    return total


def numerical_gradient(params, *args, eps=1e-6, **kwargs):
    gradient = {}
    for name in PARAMETER_NAMES:
        g = np.zeros_like(params[name])
        for index in np.ndindex(g.shape):
            plus = {k: v.copy() for k, v in params.items()}
            minus = {k: v.copy() for k, v in params.items()}
            plus[name][index] += eps
            minus[name][index] -= eps
            g[index] = (objective(plus, *args, **kwargs) - objective(minus, *args, **kwargs)) / (
                2 * eps)
        gradient[name] = g
    return gradient


def problem(output_activation, steps, seed=0, n_context=N_HIDDEN):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(steps, N_INPUT))
    if output_activation == "softmax":
        Y = np.eye(N_OUTPUT)[rng.integers(0, N_OUTPUT, steps)]
    else:
        Y = rng.random((steps, N_OUTPUT))
    context = rng.random(n_context)
    return X, Y, context


def fresh_network(hidden_activation, output_activation, seed=1, n_hidden=N_HIDDEN, **options):
    net = ElmanNetwork(N_INPUT, n_hidden, N_OUTPUT, LEARNING_RATE, seed=seed, weight_scale=0.7,
                       hidden_activation=hidden_activation, output_activation=output_activation,
                       **options)
    rng = np.random.default_rng(seed + 100)
    net.b_h[:] = rng.normal(scale=0.3, size=n_hidden)
    net.b_o[:] = rng.normal(scale=0.3, size=N_OUTPUT)
    return net


def changes_after(net, path, X, Y, mask, context):
    """Parameter changes made by training on the rows, starting from ``context``."""
    before = {name: getattr(net, name).copy() for name in PARAMETER_NAMES}
    net.context = np.array(context, dtype=float)
    if path == "train":
        net.train(X, Y, mask, np.zeros(len(X), dtype=bool))
    else:
        for t in range(len(X)):
            net.step(X[t], Y[t] if mask[t] else None, flush=t == len(X) - 1)
    return {name: getattr(net, name) - before[name] for name in PARAMETER_NAMES}


def assert_descends_gradient(change, gradient, tol=1e-6):
    for name in PARAMETER_NAMES:
        expected = -LEARNING_RATE * gradient[name]
        scale = np.linalg.norm(expected)
        assert scale > 1e-8, f"{name}: the check needs a gradient that is not zero"
        error = np.linalg.norm(change[name] - expected) / scale
        assert error < tol, f"{name}: relative error {error:.2e}"


@pytest.mark.parametrize("path", ["step", "train"])
@pytest.mark.parametrize("output_activation", ["sigmoid", "linear", "softmax"])
@pytest.mark.parametrize("hidden_activation", ["sigmoid", "tanh"])
def test_online_update_is_the_one_step_gradient(hidden_activation, output_activation, path):
    """Elman's rule: the context is an input, the step's own error is the whole objective."""
    X, Y, context = problem(output_activation, 1)
    mask = np.ones(1, dtype=bool)
    net = fresh_network(hidden_activation, output_activation)
    params = {name: getattr(net, name).copy() for name in PARAMETER_NAMES}
    gradient = numerical_gradient(params, X, Y, mask, context, hidden_activation,
                                  output_activation)
    change = changes_after(net, path, X, Y, mask, context)
    assert_descends_gradient(change, gradient)


BPTT_CASES = [
    ("tanh", "linear", {"bptt_window": 5}),
    ("tanh", "softmax", {"bptt_window": 5}),
    ("sigmoid", "sigmoid", {"bptt_window": 5}),
    ("tanh", "linear", {"bptt_window": None}),  # the whole segment, flushed at its end
    ("tanh", "softmax", {"bptt_window": None}),
]


@pytest.mark.parametrize("path", ["step", "train"])
@pytest.mark.parametrize(("hidden_activation", "output_activation", "options"), BPTT_CASES)
def test_bptt_update_is_the_window_gradient(hidden_activation, output_activation, options, path):
    X, Y, context = problem(output_activation, 5, seed=2)
    mask = np.array([True, True, False, True, True])  # a step without target passes gradient on
    net = fresh_network(hidden_activation, output_activation, rule="bptt", **options)
    params = {name: getattr(net, name).copy() for name in PARAMETER_NAMES}
    gradient = numerical_gradient(params, X, Y, mask, context, hidden_activation,
                                  output_activation)
    change = changes_after(net, path, X, Y, mask, context)
    assert_descends_gradient(change, gradient)


def test_bptt_gradient_with_a_lesioned_unit():
    X, Y, context = problem("linear", 4, seed=3)
    mask = np.ones(4, dtype=bool)
    net = fresh_network("tanh", "linear", rule="bptt", bptt_window=4)
    net.lesioned[0] = True
    params = {name: getattr(net, name).copy() for name in PARAMETER_NAMES}
    gradient = numerical_gradient(params, X, Y, mask, context, "tanh", "linear",
                                  lesioned=net.lesioned.copy())
    change = changes_after(net, "train", X, Y, mask, context)
    assert np.all(change["W_ih"][0] == 0) and np.all(change["W_ho"][:, 0] == 0)
    for name in PARAMETER_NAMES:
        np.testing.assert_allclose(change[name], -LEARNING_RATE * gradient[name], rtol=0,
                                   atol=1e-9, err_msg=name)


def test_bptt_gradient_without_memory():
    """forget_context: the context is zeroed, so no gradient flows back through it."""
    X, Y, context = problem("sigmoid", 4, seed=4)
    mask = np.ones(4, dtype=bool)
    net = fresh_network("sigmoid", "sigmoid", rule="bptt", bptt_window=4)
    net.forget_context = True
    params = {name: getattr(net, name).copy() for name in PARAMETER_NAMES}
    gradient = numerical_gradient(params, X, Y, mask, context, "sigmoid", "sigmoid",
                                  forget_context=True)
    change = changes_after(net, "train", X, Y, mask, context)
    assert np.all(change["W_hh"] == 0)
    for name in ("W_ih", "W_ho", "b_h", "b_o"):
        error = np.linalg.norm(change[name] + LEARNING_RATE * gradient[name])
        assert error < 1e-6 * np.linalg.norm(LEARNING_RATE * gradient[name]), name


def test_bptt_differs_from_the_online_gradient():
    """The check above is not vacuous: a 1-step truncated gradient misses the window's terms."""
    X, Y, context = problem("linear", 5, seed=2)
    mask = np.ones(5, dtype=bool)
    bptt = fresh_network("tanh", "linear", rule="bptt", bptt_window=5)
    truncated = fresh_network("tanh", "linear", rule="bptt", bptt_window=1)
    full = changes_after(bptt, "train", X, Y, mask, context)
    one_step = changes_after(truncated, "train", X, Y, mask, context)
    assert np.linalg.norm(full["W_hh"] - one_step["W_hh"]) > 1e-3 * np.linalg.norm(full["W_hh"])


# ------------------------------------------------------------------ Jordan networks
# Four hidden units against three outputs, so a context sized like the hidden layer would fail.
JORDAN_HIDDEN = 4


@pytest.mark.parametrize("path", ["step", "train"])
@pytest.mark.parametrize("output_activation", ["sigmoid", "linear", "softmax"])
@pytest.mark.parametrize("decay", [0.0, 0.6])
def test_jordan_online_update_is_the_one_step_gradient(decay, output_activation, path):
    """The online rule on a Jordan network: the context (the last output) is an input."""
    X, Y, context = problem(output_activation, 1, seed=5, n_context=N_OUTPUT)
    mask = np.ones(1, dtype=bool)
    net = fresh_network("sigmoid", output_activation, n_hidden=JORDAN_HIDDEN,
                        architecture="jordan", context_decay=decay)
    params = {name: getattr(net, name).copy() for name in PARAMETER_NAMES}
    gradient = numerical_gradient(params, X, Y, mask, context, "sigmoid", output_activation,
                                  jordan_decay=decay)
    change = changes_after(net, path, X, Y, mask, context)
    assert_descends_gradient(change, gradient)


JORDAN_BPTT_CASES = [
    ("tanh", "linear", 0.0, 5),
    ("tanh", "softmax", 0.6, 5),
    ("sigmoid", "sigmoid", 0.6, 5),
    ("sigmoid", "sigmoid", 0.3, None),  # the whole segment, flushed at its end
    ("tanh", "linear", 0.9, None),
]


@pytest.mark.parametrize("path", ["step", "train"])
@pytest.mark.parametrize(("hidden_activation", "output_activation", "decay", "window"),
                         JORDAN_BPTT_CASES)
def test_jordan_bptt_update_is_the_window_gradient(hidden_activation, output_activation, decay,
                                                   window, path):
    """BPTT on a Jordan network: the error goes back through output → context, and through
    the decay to older contexts."""
    X, Y, context = problem(output_activation, 5, seed=6, n_context=N_OUTPUT)
    mask = np.array([True, True, False, True, True])
    net = fresh_network(hidden_activation, output_activation, n_hidden=JORDAN_HIDDEN,
                        rule="bptt", bptt_window=window, architecture="jordan",
                        context_decay=decay)
    params = {name: getattr(net, name).copy() for name in PARAMETER_NAMES}
    gradient = numerical_gradient(params, X, Y, mask, context, hidden_activation,
                                  output_activation, jordan_decay=decay)
    change = changes_after(net, path, X, Y, mask, context)
    assert_descends_gradient(change, gradient)


@pytest.mark.parametrize("path", ["step", "train"])
def test_jordan_bptt_gradient_without_memory(path):
    """forget_context on a Jordan network: no gradient through the (zeroed) context."""
    X, Y, context = problem("sigmoid", 4, seed=7, n_context=N_OUTPUT)
    mask = np.ones(4, dtype=bool)
    net = fresh_network("sigmoid", "sigmoid", n_hidden=JORDAN_HIDDEN, rule="bptt",
                        bptt_window=4, architecture="jordan", context_decay=0.5)
    net.forget_context = True
    params = {name: getattr(net, name).copy() for name in PARAMETER_NAMES}
    gradient = numerical_gradient(params, X, Y, mask, context, "sigmoid", "sigmoid",
                                  forget_context=True, jordan_decay=0.5)
    change = changes_after(net, path, X, Y, mask, context)
    assert np.all(change["W_hh"] == 0)
    for name in ("W_ih", "W_ho", "b_h", "b_o"):
        error = np.linalg.norm(change[name] + LEARNING_RATE * gradient[name])
        assert error < 1e-6 * np.linalg.norm(LEARNING_RATE * gradient[name]), name


def test_jordan_bptt_differs_from_its_online_gradient_and_the_decay_counts():
    """The Jordan checks are not vacuous: the window's terms through output → context and
    through the decay change the update."""
    X, Y, context = problem("linear", 5, seed=6, n_context=N_OUTPUT)
    mask = np.ones(5, dtype=bool)

    def change(window, decay):
        net = fresh_network("tanh", "linear", n_hidden=JORDAN_HIDDEN, rule="bptt",
                            bptt_window=window, architecture="jordan", context_decay=decay)
        return changes_after(net, "train", X, Y, mask, context)["W_hh"]

    full, one_step, no_decay = change(5, 0.6), change(1, 0.6), change(5, 0.0)
    assert np.linalg.norm(full - one_step) > 1e-3 * np.linalg.norm(full)
    assert np.linalg.norm(full - no_decay) > 1e-3 * np.linalg.norm(full)
