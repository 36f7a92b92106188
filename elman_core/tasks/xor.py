"""Temporal XOR: a stream of bit pairs, each followed by their XOR (Elman 1990, experiment 1).

Categories follow the position of the *input* bit in its group of three, ``i % 3`` for row i,
exactly like the "error rate by position" table of seeds/000:

====  ==================  =====================================================
 i%3  input is            target (what the network must predict)
====  ==================  =====================================================
  0   1st bit of a group  the 2nd bit: random, cannot be predicted
  1   2nd bit             the XOR of the 1st and 2nd bit: predictable
  2   the XOR bit         the 1st bit of the next group: random
====  ==================  =====================================================

So category 1 (``XOR_CATEGORY``) is the only one the network can get right reliably.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from elman_core.tasks.base import (
    Analyses,
    Sequence,
    Task,
    TaskDefaults,
    check_length,
    make_rng,
    prediction_sequence,
)

CATEGORY_NAMES = ("predict 2nd bit (random)", "predict XOR bit", "predict next 1st bit (random)")
XOR_CATEGORY = 1


def xor_bits(length: int, seed: int) -> np.ndarray:
    """``length // 3`` groups (b1, b2, b1 XOR b2) as one int array.

    Draws b1 then b2 for each group from ``RandomState(seed).randint(0, 2)``, one call per bit, so
    the stream is the one seeds/000 gets from ``np.random.seed(seed)`` (bit for bit for seed 42)
    without touching numpy's global random state.
    """
    rng = make_rng(seed)
    bits = []
    for _ in range(length // 3):
        b1 = rng.randint(0, 2)
        b2 = rng.randint(0, 2)
        bits.extend((b1, b2, b1 ^ b2))
    return np.array(bits, dtype=np.int64)


@dataclass(frozen=True)
class XorTask(Task):
    def make_sequence(self, length: int, seed: int) -> Sequence:
        length = check_length(length, 3, "bits (one group of three)")
        bits = xor_bits(length, seed)
        rows = np.arange(len(bits) - 1)
        return prediction_sequence(bits[:, None], [str(b) for b in bits], rows % 3)

    def decode(self, output: np.ndarray) -> str:
        return "1" if output[0] > 0.5 else "0"

    def is_correct(self, output: np.ndarray, target: np.ndarray) -> bool:
        return bool((output[0] > 0.5) == (target[0] > 0.5))


def make_task() -> XorTask:
    return XorTask(
        name="xor",
        title="Temporal XOR",
        description=(
            "Bits arrive one at a time in groups of three: two random bits, then their XOR, and "
            "the network always has to guess the next bit. Only the XOR bit can be predicted, and "
            "only by remembering the bit before the current one, so it is a test of the context "
            'units\' memory. Watch the error bars: the "predict XOR bit" bar should fall far '
            "below the other two, which stay near chance because their bits are random. This "
            "reproduces the XOR task of the seeds/000 article (3000 bits, 1-4-1, learning rate "
            "0.1, 600 epochs, generator seed 42, context starting at 0) and experiment 1 of Elman "
            "(1990), which used 2 hidden units and context 0.5 (see the xor-elman1990 preset). "
            "As in the article, the network is tested on the same stream it was trained on, and "
            "a length that is not a multiple of 3 is rounded down."
        ),
        source="seeds/000 (XOR task) and Elman (1990), experiment 1",
        n_input=1,
        n_output=1,
        input_labels=("bit",),
        output_labels=("next bit",),
        category_names=CATEGORY_NAMES,
        category_axis="bit to predict",
        analyses=Analyses(figure="xor-cycle", report="xor-groups"),
        length_unit="bits",  # what the sequence length counts
        opening_speed=100_000,  # 600 epochs of 2,999 steps in about 18 s: the dips appear
        defaults=TaskDefaults(
            n_hidden=4,
            learning_rate=0.1,
            epochs=600,
            sequence_length=3000,
            seed=42,
            context_init=0.0,
            rule="online",
            hidden_activation="sigmoid",
            output_activation="sigmoid",
            weight_scale=0.1,
        ),
        extra={"xor_category": XOR_CATEGORY},
    )
