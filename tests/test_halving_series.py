"""The bounded loss curves: a long run keeps its size bound, its ends, its mean and its shape."""

from __future__ import annotations

import numpy as np
import pytest

from elman_core.training.recording import HalvingSeries


def long_run(n: int = 1_000_003, seed: int = 3) -> tuple[np.ndarray, np.ndarray]:
    """A learning curve with noise: x in epochs (20 bins each), y falling with a dip."""
    rng = np.random.default_rng(seed)
    x = np.arange(1, n + 1) / 20
    y = 0.25 * np.exp(-x / 5000) + 0.05 * np.exp(-((x - 20000) / 500) ** 2) \
        + 0.01 * rng.random(n)
    return x, y


def test_a_long_run_keeps_its_size_bound_its_first_and_last_x_and_its_mean():
    x, y = long_run()
    series, sizes = HalvingSeries(capacity=512), []
    for piece in np.array_split(np.arange(len(x)), 997):  # uneven calls, as the GUI trains
        series.add(x[piece], y[piece])
        sizes.append(len(series.arrays()[0]))
    shown_x, shown_y = series.arrays()
    assert max(sizes) <= 512 + 2 and len(shown_x) > 256  # bounded, and still a curve
    assert series.factor > 1000 and series.total == len(x)
    assert (shown_x[0], shown_x[-1]) == (x[0], x[-1])  # where the run started and is now
    assert np.all(np.diff(shown_x) > 0)
    weights = series.weights()
    assert weights.sum() == len(x)
    np.testing.assert_allclose(np.average(shown_y, weights=weights), y.mean(), rtol=1e-12)


def test_every_point_is_the_mean_of_the_values_up_to_its_x():
    x, y = long_run(200_001)
    series = HalvingSeries(capacity=64)
    series.add(x, y)
    shown_x, shown_y = series.arrays()
    ends = np.searchsorted(x, shown_x) + 1  # each point's last value, one past
    starts = np.concatenate([[0], ends[:-1]])
    means = [y[a:b].mean() for a, b in zip(starts, ends, strict=True)]
    np.testing.assert_allclose(shown_y, means, rtol=1e-12)  # the dip is where it was


def test_the_curve_does_not_depend_on_how_the_values_came_in():
    x, y = long_run(100_000)
    whole, pieces = HalvingSeries(capacity=128), HalvingSeries(capacity=128)
    whole.add(x, y)
    for piece in np.array_split(np.arange(len(x)), 3001):
        pieces.add(x[piece], y[piece])
    for a, b in zip(whole.arrays(), pieces.arrays(), strict=True):
        np.testing.assert_array_equal(a, b)


def test_short_curves_are_kept_exactly():
    x, y = long_run(2000)
    series = HalvingSeries(capacity=2048)
    series.add(x[:1000], y[:1000])
    series.add(x[1000:], y[1000:])
    np.testing.assert_array_equal(series.arrays()[0], x)
    np.testing.assert_array_equal(series.arrays()[1], y)
    assert series.factor == 1 and list(series.weights()) == [1] * 2000


def test_what_was_handed_out_never_changes_and_a_state_goes_back_exactly():
    x, y = long_run(50_000)
    series, handed, states = HalvingSeries(capacity=32), [], []
    pieces = np.array_split(np.arange(len(x)), 400)
    for piece in pieces:
        states.append((series.state(), [a.copy() for a in series.arrays()]))
        series.add(x[piece], y[piece])
        arrays = series.arrays()
        assert arrays is series.arrays()  # the same arrays while nothing was added
        assert not any(a.flags.writeable for a in arrays)
        handed.append((arrays, [a.copy() for a in arrays]))
    for arrays, copies in handed:  # what the GUI thread may still be drawing is unchanged
        for a, b in zip(arrays, copies, strict=True):
            np.testing.assert_array_equal(a, b)
    end = [a.copy() for a in series.arrays()]
    for state, then in states[::37]:  # back (across halvings), then forward again
        series.restore(state)
        for a, b in zip(series.arrays(), then, strict=True):
            np.testing.assert_array_equal(a, b)
    series.restore(states[-1][0])
    series.add(x[pieces[-1]], y[pieces[-1]])
    for a, b in zip(series.arrays(), end, strict=True):
        np.testing.assert_array_equal(a, b)


def test_going_back_then_elsewhere_leaves_a_later_state_intact():
    """A peek into the past trains from an older state, then puts the newer one back."""
    series = HalvingSeries(capacity=8)
    series.add([1, 2, 3], [0.5, 0.4, 0.3])
    older = series.state()
    series.add([4, 5], [0.2, 0.1])
    newer, newer_arrays = series.state(), [a.copy() for a in series.arrays()]
    series.restore(older)
    series.add([4, 5], [9.0, 9.0])  # another future (a changed learning rate)
    series.restore(newer)
    for a, b in zip(series.arrays(), newer_arrays, strict=True):
        np.testing.assert_array_equal(a, b)


def test_an_odd_capacity_is_refused():
    with pytest.raises(ValueError, match="even"):
        HalvingSeries(capacity=7)


def test_the_capacity_is_2048_unless_given_and_2_is_the_smallest():
    assert HalvingSeries().capacity == 2048
    smallest = HalvingSeries(capacity=2)
    smallest.add(np.arange(7.0), np.arange(7.0))
    assert smallest.total == 7 and len(smallest) <= 2 + 2
    for capacity in (0, -2):
        with pytest.raises(ValueError, match="≥ 2"):
            HalvingSeries(capacity=capacity)


def test_len_and_weights_match_the_points_after_every_value_even_at_negative_x():
    """The open group (values not yet a whole group) is a point with its own weight, whatever
    its x, even when it holds a single value."""
    series = HalvingSeries(capacity=4)
    assert (len(series), len(series.weights())) == (0, 0)
    x = np.arange(-60, 0) / 4  # positions are any rising numbers, here all below zero
    for i, (xi, yi) in enumerate(zip(x, np.linspace(1.0, 0.1, len(x)), strict=True)):
        series.add([xi], [yi])
        weights = series.weights()
        assert len(series) == len(series.arrays()[0]) == len(weights), i
        assert weights.dtype == np.int64 and weights.sum() == series.total == i + 1
    assert series.factor >= 8 and series.weights()[-1] not in (0, series.factor)


def test_only_the_first_write_after_a_halving_or_a_restore_may_copy_the_buffers():
    """A halving makes new buffers that no state holds yet, so the checkpoints taken after it
    share them with the series; after a restore the first write copies (the state keeps its
    entries) and the next ones write into that copy (one copy per checkpoint would multiply
    the history's memory)."""
    series = HalvingSeries(capacity=8)
    fresh = series.state()
    series.add([0.0, 1.0], [0.0, 1.0])  # a new series writes into its own buffers
    assert series.state()[0] is fresh[0]
    series.add(np.arange(2.0, 9.0), np.arange(2.0, 9.0))  # 8 groups after the first: a halving
    assert (series.count, series.factor) == (4, 2)
    after_halving, then = series.state(), [a.copy() for a in series.arrays()]
    series.add([9.0, 10.0], [9.0, 10.0])  # one more whole group, no halving
    assert series.state()[0] is after_halving[0] and series.state()[1] is after_halving[1]
    series.restore(after_halving)
    series.add([9.0, 10.0], [1.0, 2.0])  # another future: written into a copy
    first_write = series.state()
    assert first_write[0] is not after_halving[0]
    series.add([11.0, 12.0], [3.0, 4.0])
    assert series.state()[0] is first_write[0] and series.state()[1] is first_write[1]
    series.restore(after_halving)  # the entries that state counts are untouched
    for a, b in zip(series.arrays(), then, strict=True):
        np.testing.assert_array_equal(a, b)


def test_values_of_a_narrower_float_type_are_summed_as_float64():
    """float32 losses give the curve of the same values as float64: groups are not summed in
    float32 (which would round every partial sum)."""
    x = np.arange(1.0, 4001.0)
    y = np.random.default_rng(1).random(4000).astype(np.float32)
    narrow, wide = HalvingSeries(capacity=8), HalvingSeries(capacity=8)
    narrow.add(x, y)
    wide.add(x, y.astype(np.float64))
    assert narrow.factor == wide.factor > 1
    for a, b in zip(narrow.arrays(), wide.arrays(), strict=True):
        np.testing.assert_array_equal(a, b)
