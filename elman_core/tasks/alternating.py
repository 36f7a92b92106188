"""The alternating pattern 0, 1, 0, 1, ... (the scalar RNN notebook, seeds/001)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from elman_core.tasks.base import Sequence, Task, TaskDefaults, check_length, prediction_sequence

# Category = the input bit: after a 0 the answer is 1, after a 1 it is 0.
CATEGORY_NAMES = ("after 0 (predict 1)", "after 1 (predict 0)")


@dataclass(frozen=True)
class AlternatingTask(Task):
    def make_sequence(self, length: int, seed: int) -> Sequence:
        # The pattern has no randomness: the seed only matters for the weights.
        length = check_length(length, 2, "bits")
        bits = np.arange(length) % 2
        return prediction_sequence(bits[:, None], [str(b) for b in bits], bits[:-1])

    def decode(self, output: np.ndarray) -> str:
        return "1" if output[0] > 0.5 else "0"

    def is_correct(self, output: np.ndarray, target: np.ndarray) -> bool:
        return bool((output[0] > 0.5) == (target[0] > 0.5))


def make_task() -> AlternatingTask:
    return AlternatingTask(
        name="alternating",
        title="Alternating 0, 1, 0, 1",
        description=(
            "The smallest possible network, one input, one hidden and one output unit, learns "
            "that 0 is followed by 1 and 1 by 0: the loss stays near 0.25 for about 40 epochs, "
            "then falls to almost nothing by epoch 100. "
            "Strictly the current bit already gives the answer, so no memory is needed: watch "
            "the single context weight, which the network often makes strongly negative anyway, "
            "because the previous hidden value carries the same clue. Both error bars should drop "
            "together, since both predictions are equally easy. This reproduces the scalar RNN "
            "notebook of seeds/001 (40 bits, learning rate 0.1, 200 epochs, sigmoid units, "
            "update after every bit). That notebook drew its weights uniformly from -1 to 1; "
            "here they are normal with weight scale 0.5, a similar spread, which reaches 100% "
            "accuracy well within the 200 epochs."
        ),
        source="seeds/001 (scalar RNN notebook)",
        n_input=1,
        n_output=1,
        input_labels=("bit",),
        output_labels=("next bit",),
        category_names=CATEGORY_NAMES,
        category_axis="last bit seen",
        length_unit="bits",  # what the sequence length counts
        opening_speed=300,  # 200 epochs of 39 steps take about 26 s: every epoch can be followed
        defaults=TaskDefaults(
            n_hidden=1,
            learning_rate=0.1,
            epochs=200,
            sequence_length=40,
            seed=42,
            context_init=0.0,
            rule="online",
            hidden_activation="sigmoid",
            output_activation="sigmoid",
            weight_scale=0.5,
        ),
    )
