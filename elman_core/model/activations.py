"""Unit activation functions, by name and by the integer code the compiled kernels use."""

from __future__ import annotations

import numpy as np

HIDDEN_ACTIVATIONS = ("sigmoid", "tanh")
OUTPUT_ACTIVATIONS = ("sigmoid", "linear", "softmax")
# The learning rules' names, as the settings accept them (the rules themselves, with their
# kernels, are elman_core.model.rules: named here so the settings need not import the kernels).
RULES = ("online", "bptt")

# Codes shared with kernels.py (numba cannot take strings cheaply).
SIGMOID, TANH = 0, 1
OUT_SIGMOID, OUT_LINEAR, OUT_SOFTMAX = 0, 1, 2
# log(y) of a softmax output that underflowed to 0 is taken at this floor (the smallest normal
# doubles are ~2e-308): the loss stays finite and exact for any probability a network reaches.
LOG_FLOOR = 1e-300


def sigmoid(x: np.ndarray) -> np.ndarray:
    # Clipped like seeds/000 so exp() never overflows; identical values inside the range.
    return 1.0 / (1.0 + np.exp(-np.clip(x, -500.0, 500.0)))


def softmax(x: np.ndarray) -> np.ndarray:
    shifted = np.exp(x - np.max(x))
    return shifted / np.sum(shifted)


def hidden_activation(kind: int, net: np.ndarray) -> np.ndarray:
    return sigmoid(net) if kind == SIGMOID else np.tanh(net)


def hidden_derivative(kind: int, h: np.ndarray) -> np.ndarray:
    """Derivative expressed through the activation value, as backprop uses it."""
    return h * (1.0 - h) if kind == SIGMOID else 1.0 - h * h


def output_activation(kind: int, net: np.ndarray) -> np.ndarray:
    if kind == OUT_SIGMOID:
        return sigmoid(net)
    if kind == OUT_LINEAR:
        return net.copy()
    return softmax(net)


def output_delta(kind: int, y: np.ndarray, target: np.ndarray) -> np.ndarray:
    """dE/d(net input) of the output layer.

    For sigmoid and linear units E = ½Σ(y−t)², so δo = (y−t)·g'(net) — seeds/000's rule. For
    softmax E is the cross-entropy −Σ t·log y, whose gradient through the softmax is y − t.
    """
    if kind == OUT_SIGMOID:
        return (y - target) * y * (1.0 - y)
    return y - target


def output_backward(kind: int, y: np.ndarray, gradient: np.ndarray) -> np.ndarray:
    """dE/d(net input) of the output layer from dE/dy (``gradient``), through the activation:
    a Jordan network's context passes error back into the output this way (BPTT)."""
    if kind == OUT_SIGMOID:
        return gradient * y * (1.0 - y)
    if kind == OUT_LINEAR:
        return gradient.copy()
    return y * (gradient - np.dot(y, gradient))  # the softmax's Jacobian, diag(y) − y yᵀ


def step_loss(kind: int, y: np.ndarray, target: np.ndarray) -> float:
    """The loss reported per step: mean squared error, or cross-entropy for softmax outputs."""
    if kind == OUT_SOFTMAX:
        return float(-np.sum(target * np.log(np.maximum(y, LOG_FLOOR))))
    return float(np.mean((y - target) ** 2))


def code(name: str, allowed: tuple[str, ...], what: str) -> int:
    """Translate an activation or rule name into its kernel code, with a readable error."""
    if name not in allowed:
        raise ValueError(f"unknown {what} {name!r}; choose one of: {', '.join(allowed)}")
    return allowed.index(name)
