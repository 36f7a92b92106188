"""Metrics against hand-computed values, and the console report."""

from __future__ import annotations

import math

import numpy as np
import pytest

from elman_core import tasks
from elman_core.analysis import metrics


def test_step_losses_squared_error_is_mean_over_units():
    outputs = np.array([[0.5, 1.0], [0.0, 0.2], [0.3, 0.3]])
    targets = np.array([[1.0, 1.0], [0.0, 0.0], [1.0, 1.0]])
    mask = np.array([True, True, False])
    for activation in ("sigmoid", "linear", "tanh"):
        losses = metrics.step_losses(outputs, targets, mask, activation)
        np.testing.assert_allclose(losses[:2], [0.125, 0.02])
        assert math.isnan(losses[2])


def test_step_losses_softmax_is_cross_entropy():
    outputs = np.array([[0.25, 0.75], [0.5, 0.5], [1.0, 0.0]])
    targets = np.array([[0.0, 1.0], [1.0, 0.0], [0.0, 1.0]])
    losses = metrics.step_losses(outputs, targets, np.ones(3, bool), "softmax")
    np.testing.assert_allclose(losses[:2], [-math.log(0.75), math.log(2)])
    # An output of exactly 0 on the target gives a large but finite loss, not inf.
    assert math.isfinite(losses[2]) and losses[2] > 20


def test_step_losses_rejects_unknown_activation():
    with pytest.raises(ValueError, match="relu"):
        metrics.step_losses(np.zeros((1, 1)), np.zeros((1, 1)), np.ones(1, bool), "relu")


def test_position_errors_mean_per_category_ignoring_nan():
    losses = np.array([1.0, 2.0, np.nan, 4.0, 6.0])
    categories = np.array([0, 1, 0, 1, 0])
    errors = metrics.position_errors(losses, categories, 3)
    np.testing.assert_allclose(errors[:2], [3.5, 3.0])
    assert math.isnan(errors[2])
    assert errors.shape == (3,)


def test_a_category_with_a_single_step_has_that_steps_loss():
    errors = metrics.position_errors(np.array([0.5, 0.2, 0.4]), np.array([0, 1, 1]), 3)
    np.testing.assert_allclose(errors[:2], [0.5, 0.3])
    assert math.isnan(errors[2])


def test_feature_errors_per_output_unit():
    outputs = np.array([[1.0, 0.0], [0.0, 0.0], [5.0, 5.0]])
    targets = np.zeros((3, 2))
    mask = np.array([True, True, False])
    np.testing.assert_allclose(metrics.feature_errors(outputs, targets, mask), [0.5, 0.0])
    assert np.isnan(metrics.feature_errors(outputs, targets, np.zeros(3, bool))).all()


def test_accuracy_counts_masked_in_steps_only():
    task = tasks.get("xor")
    outputs = np.array([[0.9], [0.2], [0.6], [0.4]])
    targets = np.array([[1.0], [1.0], [0.0], [0.0]])
    mask = np.array([True, True, True, False])
    assert metrics.accuracy(task, outputs, targets, mask) == pytest.approx(1 / 3)
    assert metrics.accuracy(task, outputs, targets, np.ones(4, bool)) == pytest.approx(0.5)
    assert math.isnan(metrics.accuracy(task, outputs, targets, np.zeros(4, bool)))


def test_accuracy_letters_uses_nearest_letter():
    task = tasks.get("letters")
    seq = task.make_sequence(20, 0)
    near = seq.targets * 0.6 + 0.2  # shrunk towards 0.5 but still nearest to the right letter
    assert metrics.accuracy(task, near, seq.targets, seq.mask) == 1.0


def _xor_outputs_right_only_at_xor(task, seq):
    """Outputs that get every XOR bit right and every random bit wrong."""
    right = seq.targets * 0.8 + 0.1
    wrong = 0.9 - seq.targets * 0.8
    at_xor = (seq.categories == task.extra["xor_category"])[:, None]
    return np.where(at_xor, right, wrong)


def test_xor_report_tables():
    task = tasks.get("xor")
    seq = task.make_sequence(3000, 42)
    lines = metrics.report_lines(task, seq, _xor_outputs_right_only_at_xor(task, seq))
    text = "\n".join(lines)
    assert lines[0] == "== Temporal XOR =="
    assert " Time | Input | Actual | Rounded | Expected | Match" in lines
    table = lines[lines.index(" Time | Input | Actual | Rounded | Expected | Match") + 2 :][:20]
    assert [row.split("|")[0].strip() for row in table] == [str(t) for t in range(20)]
    # Steps 1, 4, ..., 19 are the 7 XOR steps among the first 20.
    assert "Accuracy on these steps: 7/20 = 35.0%" in text
    assert "Accuracy at the XOR steps only: 7/7 = 100.0% in these steps" in text
    assert "1000/1000 = 100.0% over the whole sequence" in text
    rows = [line for line in lines if line.split("|")[0].strip() in ("0", "1", "2")][-3:]
    cells = [[c.strip() for c in row.split("|")] for row in rows]
    assert cells[0] == ["0", "predict 2nd bit (random)", "1000", "1000", "100.00%"]
    assert cells[1] == ["1", "predict XOR bit", "0", "1000", "0.00%"]
    assert cells[2] == ["2", "predict next 1st bit (random)", "999", "999", "100.00%"]


def test_xor_report_row_values():
    task = tasks.get("xor")
    seq = task.make_sequence(30, 42)
    outputs = np.full((len(seq), 1), 0.75)
    lines = metrics.report_lines(task, seq, outputs)
    first = lines[lines.index(" Time | Input | Actual | Rounded | Expected | Match") + 2]
    cells = [c.strip() for c in first.split("|")]
    assert cells == [
        "0",
        seq.input_symbols[0],
        "0.7500",
        "1",
        seq.target_symbols[0],
        "yes" if seq.target_symbols[0] == "1" else "no",
    ]


def test_letters_report_features_and_steps():
    task = tasks.get("letters")
    seq = task.evaluation_sequence(60, 42)
    outputs = seq.targets.copy()
    outputs[:, 3] = 0.5  # every step off by 0.5 on "High" only
    lines = metrics.report_lines(task, seq, outputs)
    header = " Time | Letter | Next | Predicted | Error"
    assert header in lines
    rows = lines[lines.index(header) + 2 :][:20]
    assert len(rows) == 20
    cells = [c.strip() for c in rows[0].split("|")]
    assert cells[:3] == ["0", seq.input_symbols[0], seq.target_symbols[0]]
    assert cells[4] == f"{0.25 / 6:.6f}"
    assert "  High        : 0.250000" in lines
    assert "  Consonantal : 0.000000" in lines


@pytest.mark.parametrize("name", ["alternating", "counting", "end-of-sequence", "text"])
def test_generic_report_perfect_outputs(name):
    task = tasks.get(name)
    seq = task.make_sequence(task.defaults.sequence_length, task.defaults.seed)
    outputs = seq.targets.copy()
    lines = metrics.report_lines(task, seq, outputs)
    n = int(seq.mask.sum())
    assert f"Accuracy over all {n} steps with a target: {n}/{n} = 100.0%" in lines
    first_row = lines[4]
    t = int(np.flatnonzero(seq.mask)[0])
    assert first_row.split("|")[0].strip() == str(t)
    assert seq.target_symbols[t] in first_row


def test_generic_report_shows_only_steps_with_targets():
    task = tasks.get("end-of-sequence")
    seq = task.make_sequence(30, 1)
    lines = metrics.report_lines(task, seq, np.zeros((len(seq), 1)))
    times = [int(line.split("|")[0]) for line in lines[4:24]]
    assert times == list(range(2, 60, 3))


def test_report_rejects_wrong_output_shape():
    task = tasks.get("xor")
    seq = task.make_sequence(30, 42)
    with pytest.raises(ValueError, match="shape"):
        metrics.report_lines(task, seq, np.zeros((len(seq), 2)))
