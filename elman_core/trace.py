"""StepTrace: every number of one timestep, in the order the network computes them."""

from __future__ import annotations

from dataclasses import dataclass, fields

import numpy as np


@dataclass(frozen=True)
class StepTrace:
    """One timestep, frozen. Arrays are private read-only copies, so a trace never changes.

    ``target``/``error`` are None and ``loss`` is NaN on a step without a target (masked).
    The parameter changes are what was *added* to each array this step (zeros when no update
    happened, e.g. in the middle of a BPTT window).
    """

    input: np.ndarray
    context: np.ndarray  # the context the step used: hidden(t−1), or the reset value
    hidden_net: np.ndarray
    hidden: np.ndarray
    output_net: np.ndarray
    output: np.ndarray
    target: np.ndarray | None
    error: np.ndarray | None  # output − target
    loss: float
    delta_output: np.ndarray
    delta_hidden: np.ndarray
    dW_ih: np.ndarray
    dW_hh: np.ndarray
    dW_ho: np.ndarray
    db_h: np.ndarray
    db_o: np.ndarray
    updated: bool  # whether weights changed at this step
    context_was_reset: bool = False

    def __post_init__(self) -> None:
        for f in fields(self):
            value = getattr(self, f.name)
            if isinstance(value, np.ndarray):
                frozen = np.array(value, dtype=np.float64, copy=True)
                frozen.setflags(write=False)
                object.__setattr__(self, f.name, frozen)
