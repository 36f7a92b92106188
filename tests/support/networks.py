"""Comparing two networks exactly: every parameter, the context and the step count."""

from __future__ import annotations

import numpy as np

from elman_core.model.network import PARAMETER_NAMES


def assert_same_network(a, b) -> None:
    """``a`` and ``b`` equal bit for bit: weights, biases, context and steps trained."""
    for name in PARAMETER_NAMES:
        np.testing.assert_array_equal(getattr(a, name), getattr(b, name), err_msg=name)
    np.testing.assert_array_equal(a.context, b.context)
    assert a.steps_trained == b.steps_trained
