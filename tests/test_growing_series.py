"""The epoch means handed to the views: the same numbers as a fresh copy, never changed later."""

from __future__ import annotations

import numpy as np

from elman_core.recording import GrowingSeries


def test_growing_series_matches_a_fresh_copy_and_never_changes_what_it_handed_out():
    rng = np.random.default_rng(1)
    series, values, handed = GrowingSeries(), [], []
    for grow in (0, 3, 0, 250, 1, 600, -40, 0, 5, -500, 2000):  # negative: a step back
        if grow >= 0:
            values.extend(rng.random(grow).tolist())
        else:
            del values[grow:]
        array = series.array(values)
        np.testing.assert_array_equal(array, np.array(values, dtype=np.float64))
        assert array.dtype == np.float64 and not array.flags.writeable
        handed.append((array, array.copy()))
    for array, copy in handed:  # what the GUI thread may still be drawing is unchanged
        np.testing.assert_array_equal(array, copy)


def test_growing_series_gives_the_same_array_while_nothing_changed():
    series, values = GrowingSeries(), [0.5, 0.25]
    assert series.array(values) is series.array(values)
