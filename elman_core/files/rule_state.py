"""What a learning rule holds between two steps, as a network file stores it: the one place.

A rule with a window (BPTT) holds the steps not yet used for an update (input, context, hidden
state and output error of each: ``network.learning_rule.pending``), so a network saved between
two ``step()`` calls resumes exactly; Elman's online rule holds nothing. This module is the
file's side of it: the only code that names the arrays a rule's pending state is stored in.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from elman_core.model import rules

if TYPE_CHECKING:
    from elman_core.model.network import ElmanNetwork

PENDING_NAMES = ("bptt_input", "bptt_context", "bptt_hidden", "bptt_delta_output")


def _widths(config) -> tuple[int, int, int, int]:
    """The width of each pending array: input, context (hidden or output units), hidden, output."""
    return config.n_input, config.n_context, config.n_hidden, config.n_output


def saved_arrays(network: ElmanNetwork) -> dict[str, np.ndarray]:
    """The rule's pending state as arrays of one row per pending step (zero rows if none)."""
    arrays = {}
    widths = _widths(network.config)
    for index, (name, width) in enumerate(zip(PENDING_NAMES, widths, strict=True)):
        rows = [np.asarray(step[index], dtype=np.float64)
                for step in network.learning_rule.pending]
        arrays[name] = np.array(rows).reshape(len(rows), width)
    return arrays


def pending_rows(shapes: dict[str, tuple[int, ...]], config, fail) -> int:
    """The pending steps the arrays declare (from their headers); all four must agree, and only
    the BPTT rule may have any."""
    widths = _widths(config)
    rows = None
    for name, width in zip(PENDING_NAMES, widths, strict=True):
        if name not in shapes:
            raise fail(f"missing array {name!r}")
        shape = shapes[name]
        if len(shape) != 2 or shape[1] != width or rows not in (None, shape[0]):
            expected = f"({rows if rows is not None else 'n'}, {width})"
            raise fail(f"array {name!r} has shape {shape!r} but should be {expected}")
        rows = shape[0]
    if rows and not rules.rule_class(config.rule).has_window:
        raise fail("an unfinished BPTT window is stored but the learning rule "
                   f"{config.rule!r} keeps no window")
    return rows or 0


def restore(network: ElmanNetwork, arrays: dict[str, np.ndarray]) -> None:
    """Give ``network`` the pending state of :func:`saved_arrays`' ``arrays`` (checked)."""
    pending = [arrays[name] for name in PENDING_NAMES]
    network.learning_rule.restore(
        tuple(array[row].copy() for array in pending) for row in range(len(pending[0])))
