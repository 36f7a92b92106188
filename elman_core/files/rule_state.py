"""What a learning rule holds between two steps, as a network file stores it: the one place.

Only BPTT holds anything: the steps of a window not yet used for an update (input, context,
hidden state and output error of each), so a network saved between two ``step()`` calls
resumes exactly. Elman's online rule holds nothing. When the rules become objects, this module
is what each rule's own ``saved_arrays`` / ``restore`` replaces.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from elman_core.model.network import ElmanNetwork

PENDING_NAMES = ("bptt_input", "bptt_context", "bptt_hidden", "bptt_delta_output")


def _widths(n_input: int, n_hidden: int, n_output: int) -> tuple[int, int, int, int]:
    return n_input, n_hidden, n_hidden, n_output


def saved_arrays(network: ElmanNetwork) -> dict[str, np.ndarray]:
    """The rule's pending state as arrays of one row per pending step (zero rows if none)."""
    arrays = {}
    widths = _widths(network.n_input, network.n_hidden, network.n_output)
    for index, (name, width) in enumerate(zip(PENDING_NAMES, widths, strict=True)):
        rows = [np.asarray(step[index], dtype=np.float64) for step in network._bptt_pending]
        arrays[name] = np.array(rows).reshape(len(rows), width)
    return arrays


def pending_rows(shapes: dict[str, tuple[int, ...]], config, fail) -> int:
    """The pending steps the arrays declare (from their headers); all four must agree, and only
    the BPTT rule may have any."""
    widths = _widths(config.n_input, config.n_hidden, config.n_output)
    rows = None
    for name, width in zip(PENDING_NAMES, widths, strict=True):
        if name not in shapes:
            raise fail(f"missing array {name!r}")
        shape = shapes[name]
        if len(shape) != 2 or shape[1] != width or rows not in (None, shape[0]):
            expected = f"({rows if rows is not None else 'n'}, {width})"
            raise fail(f"array {name!r} has shape {shape!r} but should be {expected}")
        rows = shape[0]
    if rows and config.rule != "bptt":
        raise fail("an unfinished BPTT window is stored but the learning rule is not 'bptt'")
    return rows or 0


def restore(network: ElmanNetwork, arrays: dict[str, np.ndarray]) -> None:
    """Give ``network`` the pending state of :func:`saved_arrays`' ``arrays`` (checked)."""
    pending = [arrays[name] for name in PENDING_NAMES]
    network._bptt_pending = [tuple(array[row].copy() for array in pending)
                             for row in range(len(pending[0]))]
