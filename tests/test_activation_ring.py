"""The activation ring the views read: what it keeps, in what order, and what the views get.

Written against the survivors of the mutation run (docs/mutation.md): each test pins a value
that a plausible slip (an off-by-one, a swapped sign, a dropped field) changes.
"""

import numpy as np
import pytest

from elman_core.training.recording import ActivationRing


def _block(first: int, n: int, hidden_units: int = 2, output_units: int = 3):
    """n steps whose every value tells its step apart (step s: hidden s, context -s…)."""
    steps = np.arange(first, first + n, dtype=np.float64)
    hidden = np.repeat(steps[:, None], hidden_units, axis=1)
    context = -hidden
    losses = steps / 10.0
    symbols = tuple(f"s{int(s)}" for s in steps)
    outputs = np.repeat(steps[:, None] + 0.5, output_units, axis=1)
    targets = tuple(f"t{int(s)}" for s in steps)
    return hidden, context, losses, symbols, outputs, targets


def _add(ring: ActivationRing, first: int, n: int, **kw) -> None:
    hidden, context, losses, symbols, outputs, targets = _block(first, n, **kw)
    ring.add(hidden, context, losses, first, symbols, outputs, targets)


def test_an_empty_ring_has_no_rows_and_no_view():
    ring = ActivationRing(size=5)
    assert len(ring) == 0
    assert ring.view() is None


def test_a_block_longer_than_the_ring_keeps_its_last_steps_each_field_aligned():
    ring = ActivationRing(size=4)
    _add(ring, first=10, n=7)  # steps 10..16, keeps 13..16
    assert len(ring) == 4
    view = ring.view()
    assert view is not None
    np.testing.assert_array_equal(view.steps, [13, 14, 15, 16])
    np.testing.assert_array_equal(view.hidden[:, 0], [13, 14, 15, 16])
    np.testing.assert_array_equal(view.context[:, 1], [-13, -14, -15, -16])
    np.testing.assert_allclose(view.loss, [1.3, 1.4, 1.5, 1.6])
    assert view.symbols == ("s13", "s14", "s15", "s16")
    assert view.targets == ("t13", "t14", "t15", "t16")
    assert view.steps.dtype == np.int64
    for array in (view.hidden, view.context, view.loss):
        assert array.dtype == np.float64


def test_integer_activations_are_kept_as_floats():
    ring = ActivationRing(size=3)
    ring.add(np.array([[1, 2]]), np.array([[3, 4]]), np.array([1]), 0, ("a",),
             np.array([[1, 0]]), ("b",))
    view = ring.view()
    assert view is not None
    assert view.hidden.dtype == np.float64
    assert view.context.dtype == np.float64
    assert view.loss.dtype == np.float64
    ring.decode = lambda outputs: (str(outputs.dtype),) * len(outputs)
    ring.trim(None)  # a new view with the decoder
    view = ring.view()
    assert view is not None
    assert view.predicted == ("float64",)


def test_blocks_are_joined_in_order_and_cut_to_the_size():
    ring = ActivationRing(size=5)
    _add(ring, first=0, n=3)
    _add(ring, first=3, n=3)  # 0..5 joined, the oldest dropped
    view = ring.view()
    assert view is not None
    np.testing.assert_array_equal(view.steps, [1, 2, 3, 4, 5])
    np.testing.assert_array_equal(view.hidden[:, 0], [1, 2, 3, 4, 5])
    assert view.symbols == ("s1", "s2", "s3", "s4", "s5")
    assert view.targets == ("t1", "t2", "t3", "t4", "t5")


def test_a_block_with_another_number_of_outputs_starts_afresh():
    ring = ActivationRing(size=10)
    _add(ring, first=0, n=3, output_units=3)
    _add(ring, first=3, n=2, output_units=2)
    view = ring.view()
    assert view is not None
    np.testing.assert_array_equal(view.steps, [3, 4])


def test_a_block_with_the_same_shapes_is_appended():
    ring = ActivationRing(size=10)
    _add(ring, first=0, n=3)
    _add(ring, first=3, n=1)
    assert len(ring) == 4


def test_stepping_back_replaces_the_steps_from_there_on():
    ring = ActivationRing(size=10)
    _add(ring, first=0, n=6)
    _add(ring, first=2, n=1)  # steps 2..5 replaced by a new step 2
    view = ring.view()
    assert view is not None
    np.testing.assert_array_equal(view.steps, [0, 1, 2])
    ring.trim(1)
    assert len(ring) == 1


def test_trim_to_the_whole_ring_keeps_it_and_trim_from_step_zero_empties_it():
    ring = ActivationRing(size=10)
    _add(ring, first=0, n=4)
    ring.trim(None)
    assert len(ring) == 4
    ring.trim(0)
    assert len(ring) == 0


def test_without_outputs_or_targets_there_are_no_predictions_and_blank_targets():
    ring = ActivationRing(size=10)
    ring.decode = lambda outputs: ("x",) * len(outputs)
    hidden, context, losses, symbols, _, _ = _block(0, 2)
    ring.add(hidden, context, losses, 0, symbols)
    view = ring.view()
    assert view is not None
    assert view.predicted == ()
    assert view.targets == ("", "")


def test_the_view_has_the_decoded_predictions_and_is_made_once_per_change():
    ring = ActivationRing(size=10)
    calls = []

    def decode(outputs):
        calls.append(outputs.copy())
        return tuple(f"p{o[0]}" for o in outputs)

    ring.decode = decode
    _add(ring, first=0, n=2)
    first = ring.view()
    assert first is not None
    assert first.predicted == ("p0.5", "p1.5")
    assert ring.view() is first
    assert len(calls) == 1
    _add(ring, first=2, n=1)
    assert ring.view() is not first
    assert len(calls) == 2
    assert ring.view().predicted == ("p0.5", "p1.5", "p2.5")


def test_the_view_is_read_only():
    ring = ActivationRing(size=10)
    _add(ring, first=0, n=2)
    view = ring.view()
    assert view is not None
    with pytest.raises(ValueError):
        view.hidden[0, 0] = 1.0


def test_clear_forgets_rows_and_view():
    ring = ActivationRing(size=10)
    _add(ring, first=0, n=2)
    assert ring.view() is not None
    ring.clear()
    assert len(ring) == 0
    assert ring.view() is None
