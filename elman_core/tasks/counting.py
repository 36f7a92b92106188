"""Counting 0, 1, 2, 3, 4 with one-hot symbols and a softmax output (seeds/003)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from elman_core.tasks.base import (
    Sequence,
    Task,
    TaskDefaults,
    check_length,
    join_sequences,
    largest_of,
    one_hot,
    prediction_sequence,
)

N_SYMBOLS = 5
SYMBOLS = tuple(str(k) for k in range(N_SYMBOLS))
# Category = the symbol to predict; 0 is never a target, so the categories are 1..4.
CATEGORY_NAMES = tuple(f"predict {k}" for k in range(1, N_SYMBOLS))


def _one_count() -> Sequence:
    counts = np.arange(N_SYMBOLS)
    return prediction_sequence(one_hot(counts, N_SYMBOLS), list(SYMBOLS), counts[1:] - 1)


@dataclass(frozen=True)
class CountingTask(Task):
    def make_sequence(self, length: int, seed: int) -> Sequence:
        # Lengths above 5 repeat the count as independent runs (context reset at each 0), so a
        # run never has to predict "0 after 4"; the length is rounded down to a multiple of 5.
        length = check_length(length, N_SYMBOLS, "symbols (one count 0-4)")
        return join_sequences([_one_count()] * (length // N_SYMBOLS))

    def decode(self, output: np.ndarray) -> str:
        return SYMBOLS[int(np.argmax(output))]

    def decode_many(self, outputs: np.ndarray) -> tuple[str, ...]:
        return largest_of(SYMBOLS, outputs)

    def is_correct(self, output: np.ndarray, target: np.ndarray) -> bool:
        return int(np.argmax(output)) == int(np.argmax(target))


def make_task() -> CountingTask:
    return CountingTask(
        name="counting",
        title="Counting 0 to 4",
        description=(
            "Each number 0 to 4 has its own input unit (one-hot), and the network learns to "
            "predict the next number of the count 0, 1, 2, 3, 4. The five output units form a "
            "softmax, so they read as probabilities that add up to 1, and the loss is the "
            "cross-entropy. The whole count is one training example: the errors of all four steps "
            "are propagated back through time (BPTT), their gradients summed, and the weights "
            "change once, at its end (windows never overlap). "
            "Each next number follows from the current one alone, so the four error bars should "
            "fall together as the probability of the right answer rises. This reproduces the "
            "seeds/003 notebook (10 tanh hidden units, learning rate 0.1, 200 epochs, weights "
            "normal times 0.01, seed 1); a sequence length above 5 repeats the count as separate "
            "runs, each starting from a fresh context."
        ),
        source="seeds/003 (softmax BPTT notebook)",
        n_input=N_SYMBOLS,
        n_output=N_SYMBOLS,
        input_labels=SYMBOLS,
        output_labels=SYMBOLS,
        category_names=CATEGORY_NAMES,
        category_axis="number to predict",
        length_unit="symbols",  # what the sequence length counts
        opening_speed=30,  # 800 steps in about 27 s: one update per 4-step sequence, seen
        defaults=TaskDefaults(
            n_hidden=10,
            learning_rate=0.1,
            epochs=200,
            sequence_length=N_SYMBOLS,
            seed=1,
            context_init=0.0,
            rule="bptt",
            bptt_window=None,
            hidden_activation="tanh",
            output_activation="softmax",
            weight_scale=0.01,
        ),
    )
