"""The divergence rule both front-ends apply: weights, outputs and errors stay within ±1,000,000.

Beyond that a run has blown up (a learning rate far too large); numbers shown to a student after
that point are infinities, NaN or 150-digit values that mean nothing, so training stops instead.
"""

from __future__ import annotations

import numpy as np

from elman_core.limits import DIVERGENCE_LIMIT
from elman_core.network import PARAMETER_NAMES

# A squared-error loss of one step is ½·Σ error², so an error of ±LIMIT gives about LIMIT²/2.
LOSS_LIMIT = DIVERGENCE_LIMIT**2 / 2


def diverged(network, losses) -> str | None:
    """Why ``network`` has diverged, in words (no "nan" in them), or None if it has not.

    ``losses`` are the per-step losses of the steps that had a target (NaN there means the
    output or the error was no longer a number). The weights bound the outputs: with every
    weight within ±LIMIT, an output is finite.
    """
    for name in (*PARAMETER_NAMES, "context"):
        values = np.asarray(getattr(network, name))
        if not np.all(np.isfinite(values)):
            return f"{name} went beyond ±{DIVERGENCE_LIMIT:,} (to infinity)"
        largest = float(np.max(np.abs(values))) if values.size else 0.0
        if largest > DIVERGENCE_LIMIT:
            return f"{name} reached {largest:.3g}, beyond ±{DIVERGENCE_LIMIT:,}"
    losses = np.asarray(losses, dtype=np.float64)
    if not np.all(np.isfinite(losses)):
        return f"the output error went beyond ±{DIVERGENCE_LIMIT:,} (to infinity)"
    if losses.size and float(np.max(losses)) > LOSS_LIMIT:
        return f"the output error went beyond ±{DIVERGENCE_LIMIT:,}"
    return None
