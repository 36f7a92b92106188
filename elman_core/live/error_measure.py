"""The error bars' measure: the paper figure's, so that one number means one thing.

Elman's figures plot the RMS error of each step: the root of the mean squared error over the
output units. The error bars use that same measure, averaged over the steps of each position
(or, by output unit, over the steps of the epoch), so the XOR bit's bar and Fig. 3's dips
read the same number. Softmax outputs are trained on cross-entropy and keep it, named so.
"""

from __future__ import annotations

import warnings

import numpy as np

from elman_core.analysis import metrics
from elman_core.analysis.figures import step_rms

RMS = "RMS error"
CROSS_ENTROPY = "cross-entropy"


def measure_name(output_activation: str) -> str:
    return CROSS_ENTROPY if output_activation == "softmax" else RMS


def error_bars(session) -> tuple[np.ndarray, np.ndarray, str]:
    """``(per position, per output unit, name of the measure)`` over the latest epoch (the
    partial first epoch before any is complete); NaN where there is no data yet."""
    name = measure_name(session.network.output_activation)
    if name == CROSS_ENTROPY:
        return session.position_errors(), session.feature_errors(), name
    unit_errors = session.previous_unit_errors if session.previous_unit_errors is not None \
        else session.unit_errors
    per_step = step_rms(unit_errors)
    position = metrics.position_errors(per_step, session.sequence.categories,
                                       len(session.task.category_names))
    return position, unit_rms(unit_errors), name


def unit_rms(unit_errors: np.ndarray) -> np.ndarray:
    """(O,): each output unit's root squared error, averaged over the steps with a target.

    When every row is all numbers or all NaN (a step with no target, or not trained yet, as
    the session records them), the mean over the rows of numbers: nanmean's numbers (a row of
    NaNs adds nothing to a column's sum; one output unit's column may differ in the last bit,
    its sum taken in another order) in a third of its time, 7 → 2.5 ms for the sentences'
    27,500 × 31 errors at every epoch.
    """
    missing = np.isnan(unit_errors)
    complete = ~missing.any(axis=1)
    if (complete | missing.all(axis=1)).all():
        rows = unit_errors[complete]
        return np.sqrt(rows).mean(axis=0) if len(rows) else np.full(unit_errors.shape[1], np.nan)
    with warnings.catch_warnings():  # some row has a target in some units only
        warnings.simplefilter("ignore", RuntimeWarning)
        return np.nanmean(np.sqrt(unit_errors), axis=0)
