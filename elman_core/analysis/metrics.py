"""Error measures and the console report, computed from a task's outputs (pure numpy).

``outputs`` is always a (T, n_output) array of network outputs for a Sequence of T steps, computed
by the caller; steps whose ``mask`` is False have no target and are left out of every figure.
"""

from __future__ import annotations

import numpy as np

from elman_core.model.activations import LOG_FLOOR
from elman_core.tasks.base import Sequence, Task

SQUARED_ERROR_ACTIVATIONS = ("sigmoid", "linear", "tanh")
REPORT_STEPS = 20  # rows in the report's step-by-step tables, as in seeds/000


def step_losses(
    outputs: np.ndarray, targets: np.ndarray, mask: np.ndarray, output_activation: str
) -> np.ndarray:
    """The loss at every step, (T,), NaN where ``mask`` is False.

    For sigmoid, tanh and linear outputs: the mean over output units of the squared error (the
    per-step error of seeds/000). For softmax outputs: the cross-entropy -sum(t * log y).
    """
    outputs = np.asarray(outputs, dtype=np.float64)
    targets = np.asarray(targets, dtype=np.float64)
    if output_activation == "softmax":
        losses = -np.sum(targets * np.log(np.maximum(outputs, LOG_FLOOR)), axis=1)
    elif output_activation in SQUARED_ERROR_ACTIVATIONS:
        losses = np.mean((outputs - targets) ** 2, axis=1)
    else:
        raise ValueError(f"unknown output activation {output_activation!r}")
    return np.where(np.asarray(mask, dtype=bool), losses, np.nan)


def position_errors(
    step_losses: np.ndarray, categories: np.ndarray, n_categories: int
) -> np.ndarray:
    """Mean loss per category, (n_categories,): the heights of the error bars.

    NaN steps (no target) are ignored; a category with no remaining step is NaN.
    """
    step_losses = np.asarray(step_losses, dtype=np.float64)
    categories = np.asarray(categories, dtype=np.int64)
    scored = ~np.isnan(step_losses)
    totals = np.bincount(categories[scored], step_losses[scored], minlength=n_categories)
    counts = np.bincount(categories[scored], minlength=n_categories)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(counts > 0, totals / counts, np.nan)[:n_categories]


def feature_errors(outputs: np.ndarray, targets: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """Mean squared error of each output unit over the masked-in steps, (n_output,).

    This is the "average error per bit feature" of seeds/000 (NaN if no step has a target).
    """
    mask = np.asarray(mask, dtype=bool)
    if not mask.any():
        return np.full(np.shape(outputs)[1], np.nan)
    errors = (np.asarray(outputs, dtype=np.float64) - np.asarray(targets, dtype=np.float64)) ** 2
    return errors[mask].mean(axis=0)


def correct_steps(task: Task, outputs: np.ndarray, targets: np.ndarray) -> np.ndarray:
    """(T,) bool: ``task.is_correct`` at every step (ignoring the mask)."""
    return np.array([task.is_correct(y, t) for y, t in zip(outputs, targets, strict=True)], bool)


def accuracy(task: Task, outputs: np.ndarray, targets: np.ndarray, mask: np.ndarray) -> float:
    """Fraction of masked-in steps the task counts as correct, in [0, 1] (NaN if there are none)."""
    mask = np.asarray(mask, dtype=bool)
    if not mask.any():
        return float("nan")
    return float(correct_steps(task, outputs, targets)[mask].mean())


# --- the console report -------------------------------------------------------------------------


def report_lines(task: Task, sequence: Sequence, outputs: np.ndarray) -> list[str]:
    """The text report the headless runner prints after training (our take on seeds/000's).

    ``sequence`` is the evaluation sequence and ``outputs`` the network's outputs on it.
    """
    outputs = np.asarray(outputs, dtype=np.float64)
    if outputs.shape != (len(sequence), task.n_output):
        raise ValueError(
            f"outputs has shape {outputs.shape}, expected {(len(sequence), task.n_output)}"
        )
    builder = _REPORTS[task.analyses.report]
    return [f"== {task.title} ==", *builder(task, sequence, outputs)]


def _percent(part: int, whole: int) -> str:
    return f"{part}/{whole} = {100.0 * part / whole:.1f}%" if whole else "n/a (no steps)"


def _xor_report(task: Task, sequence: Sequence, outputs: np.ndarray) -> list[str]:
    correct = correct_steps(task, outputs, sequence.targets)
    shown = range(min(REPORT_STEPS, len(sequence)))
    xor_category = task.extra["xor_category"]
    lines = [
        f"Predictions for the first {len(shown)} steps (output > 0.5 counts as 1):",
        " Time | Input | Actual | Rounded | Expected | Match",
        "------+-------+--------+---------+----------+------",
    ]
    for t in shown:
        lines.append(
            f" {t:4d} | {sequence.input_symbols[t]:>5} | {outputs[t, 0]:6.4f} | "
            f"{task.decode(outputs[t]):>7} | {sequence.target_symbols[t]:>8} | "
            f"{'yes' if correct[t] else 'no':>5}"
        )
    first = np.zeros(len(sequence), dtype=bool)
    first[: len(shown)] = True
    at_xor = sequence.categories == xor_category
    lines += [
        f"Accuracy on these steps: {_percent(correct[first].sum(), first.sum())}",
        "Accuracy at the XOR steps only: "
        f"{_percent(correct[first & at_xor].sum(), (first & at_xor).sum())} in these steps, "
        f"{_percent(correct[at_xor].sum(), at_xor.sum())} over the whole sequence",
        "",
        "Error rate by position in the group of 3 (whole sequence):",
        " Position | Predicting                    | Errors | Total | Error rate",
        "----------+-------------------------------+--------+-------+-----------",
    ]
    for position, name in enumerate(task.category_names):
        here = sequence.categories == position
        wrong, total = int((~correct[here]).sum()), int(here.sum())
        rate = f"{100.0 * wrong / total:9.2f}%" if total else "       n/a"
        lines.append(f" {position:8d} | {name:<29} | {wrong:6d} | {total:5d} | {rate}")
    return lines


def _letters_report(task: Task, sequence: Sequence, outputs: np.ndarray) -> list[str]:
    errors = step_losses(outputs, sequence.targets, sequence.mask, "sigmoid")
    shown = range(min(REPORT_STEPS, len(sequence)))
    lines = [
        f"Errors on the test sequence, first {len(shown)} steps "
        "(mean squared error over the 6 features):",
        " Time | Letter | Next | Predicted | Error",
        "------+--------+------+-----------+---------",
    ]
    for t in shown:
        lines.append(
            f" {t:4d} | {sequence.input_symbols[t]:>6} | {sequence.target_symbols[t]:>4} | "
            f"{task.decode(outputs[t]):>9} | {errors[t]:.6f}"
        )
    lines += ["", "Average squared error per feature (whole test sequence):"]
    per_feature = feature_errors(outputs, sequence.targets, sequence.mask)
    width = max(len(name) for name in task.output_labels)
    lines += [
        f"  {n:<{width}} : {e:.6f}" for n, e in zip(task.output_labels, per_feature, strict=True)
    ]
    mean_by_letter = position_errors(errors, sequence.categories, len(task.category_names))
    lines += [
        "",
        "Average error by target letter: "
        + ", ".join(
            f"{n} {e:.4f}" for n, e in zip(task.category_names, mean_by_letter, strict=True)
        ),
        "Accuracy (nearest letter): "
        + _percent(
            int(correct_steps(task, outputs, sequence.targets)[sequence.mask].sum()),
            int(sequence.mask.sum()),
        ),
    ]
    return lines


def _generic_report(task: Task, sequence: Sequence, outputs: np.ndarray) -> list[str]:
    correct = correct_steps(task, outputs, sequence.targets)
    scored = np.flatnonzero(sequence.mask)
    shown = scored[:REPORT_STEPS]
    lines = [
        f"Predictions for the first {len(shown)} steps that have a target:",
        " Time | Input      | Predicted  | Target     | Match",
        "------+------------+------------+------------+------",
    ]
    for t in shown:
        lines.append(
            f" {t:4d} | {sequence.input_symbols[t]:<10} | {task.decode(outputs[t]):<10} | "
            f"{sequence.target_symbols[t]:<10} | {'yes' if correct[t] else 'no':>5}"
        )
    overall = _percent(int(correct[scored].sum()), len(scored))
    lines.append(f"Accuracy over all {len(scored)} steps with a target: {overall}")
    return lines


# One builder per kind of report (elman_core.tasks.base.REPORT_KINDS), never per task.
_REPORTS = {"xor-groups": _xor_report, "letter-features": _letters_report,
            "predictions": _generic_report}
