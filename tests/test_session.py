"""TrainingSession: epochs, the fast path against the traced path, and the papers' findings."""

import numpy as np
import pytest

from elman_core import tasks
from elman_core.session import BinnedLoss, TrainingSession, settings_for

PARAMS = ("W_ih", "W_hh", "W_ho", "b_h", "b_o", "context")


def assert_same_state(a, b, tol):
    for name in PARAMS:
        np.testing.assert_allclose(getattr(a.network, name), getattr(b.network, name),
                                   rtol=0, atol=tol, err_msg=name)
    assert (a.epoch, a.position) == (b.epoch, b.position)


@pytest.mark.parametrize("name", ["xor", "letters", "counting", "end-of-sequence", "alternating"])
def test_run_equals_steps_across_epoch_boundaries(name):
    task = tasks.get(name)
    settings = settings_for(task, sequence_length=min(task.defaults.sequence_length, 60))
    fast, slow = TrainingSession(task, settings), TrainingSession(task, settings)
    n = 3 * fast.steps_per_epoch + 7
    done = 0
    while done < n:  # uneven chunk sizes, as the GUI's time slices are
        done += fast.run(min(13, n - done)).steps
    for _ in range(n):
        slow.step()
    assert_same_state(fast, slow, 1e-10)
    np.testing.assert_allclose(fast.epoch_losses, slow.epoch_losses, rtol=0, atol=1e-12)
    assert fast.epoch == n // fast.steps_per_epoch >= 3


def test_run_stops_at_the_epoch_boundary():
    session = TrainingSession(tasks.get("xor"), settings_for(tasks.get("xor"), sequence_length=30))
    result = session.run(1000)
    assert result.steps == 29 and result.epoch_finished
    assert session.epoch == 1 and session.position == 0
    assert len(session.epoch_losses) == 1


def test_last_context_is_the_hidden_state_of_the_step_before():
    session = TrainingSession(tasks.get("letters"))
    session.run(10)
    twin = TrainingSession(tasks.get("letters"))
    traces = [twin.step() for _ in range(10)]
    result = session.run(5)
    for _ in range(5):
        traces.append(twin.step())
    np.testing.assert_allclose(result.last_context, traces[-1].context, atol=1e-12)
    np.testing.assert_allclose(result.last_context, traces[-2].hidden, atol=1e-12)


def test_context_reset_each_epoch_can_be_switched_off():
    task = tasks.get("xor")
    on = TrainingSession(task, settings_for(task, sequence_length=30))
    off = TrainingSession(task, settings_for(task, sequence_length=30,
                                             reset_context_each_epoch=False))
    on.run_epoch()
    off.run_epoch()
    assert on.resets_for_current_epoch()[0]
    assert not off.resets_for_current_epoch()[0]
    on.run_epoch()
    off.run_epoch()
    assert not np.allclose(on.network.W_hh, off.network.W_hh)


def test_position_errors_average_the_latest_epoch_by_category():
    task = tasks.get("xor")
    session = TrainingSession(task, settings_for(task, sequence_length=30))
    session.run_epoch()
    losses = session.previous_step_losses
    cats = session.sequence.categories
    expected = [losses[cats == c].mean() for c in range(3)]
    np.testing.assert_allclose(session.position_errors(), expected, rtol=1e-12)


def test_feature_errors_are_per_output_unit():
    session = TrainingSession(tasks.get("letters"))
    session.run_epoch()
    errors = session.feature_errors()
    assert errors.shape == (6,)
    # Mean over units of the per-unit squared errors is the mean loss (MSE) of the epoch.
    assert np.mean(errors) == pytest.approx(session.epoch_losses[-1], rel=1e-9)


def test_binned_loss_does_not_depend_on_batching():
    rng = np.random.default_rng(0)
    losses = rng.random(1000)
    losses[::7] = np.nan
    whole, pieces = BinnedLoss(200), BinnedLoss(200)
    whole.add(losses)
    for chunk in np.array_split(losses, 37):
        pieces.add(chunk)
    np.testing.assert_allclose(whole.arrays()[1], pieces.arrays()[1], rtol=1e-12)
    x, y = whole.arrays()
    assert len(x) == 100 and x[-1] == pytest.approx(5.0)
    first = losses[:10]
    assert y[0] == pytest.approx(np.nanmean(first))


def test_same_seed_gives_the_identical_run():
    task = tasks.get("xor")
    a, b = TrainingSession(task), TrainingSession(task)
    a.run(500)
    b.run(500)
    assert_same_state(a, b, 0.0)


def test_settings_for_rejects_unknown_names():
    with pytest.raises(ValueError, match="unknown setting"):
        settings_for(tasks.get("xor"), hiden=3)


# ---------------------------------------------------------------- the papers' findings
def test_xor_dips_at_the_predictable_bit_after_600_epochs():
    """Elman's Fig. 3 / seeds/000: after training, the XOR bit's error is far below the others."""
    task = tasks.get("xor")
    session = TrainingSession(task)
    session.train()
    assert session.epoch == 600
    errors = session.position_errors()
    xor = task.extra["xor_category"]
    random_positions = [errors[c] for c in range(3) if c != xor]
    print("XOR position errors:", dict(zip(task.category_names, np.round(errors, 4))))
    assert errors[xor] < 0.5 * np.mean(random_positions)


def test_letters_vowels_are_easier_than_consonants():
    """Elman's Fig. 4: consonants (random) have high error, the vowels that follow low."""
    task = tasks.get("letters")
    session = TrainingSession(task)
    session.train()
    sequence, outputs = session.evaluate()
    from elman_core import metrics

    losses = metrics.step_losses(outputs, sequence.targets, sequence.mask, "sigmoid")
    errors = metrics.position_errors(losses, sequence.categories, len(task.category_names))
    vowels = np.nanmean(errors[list(task.extra["vowel_categories"])])
    consonants = np.nanmean(errors[list(task.extra["consonant_categories"])])
    print(f"letters test sequence: vowels {vowels:.4f}, consonants {consonants:.4f}")
    assert vowels < consonants


@pytest.mark.parametrize("name", ["alternating", "counting"])
def test_small_tasks_reach_full_accuracy(name):
    from elman_core import metrics

    session = TrainingSession(tasks.get(name))
    session.train()
    sequence, outputs = session.evaluate()
    assert metrics.accuracy(session.task, outputs, sequence.targets, sequence.mask) == 1.0
