"""Many-to-one: read three 2-D inputs, answer once at the end (the idea of seeds/002).

Each short sequence shows three random bit pairs (a, b). Only after the third step is there a
target: how many of the three ``a`` bits were 1 (0 to 3). The ``b`` bits are a distractor. The
answer needs memory, because the first two ``a`` bits are gone from the input by the last step.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from elman_core.tasks.base import Sequence, Task, TaskDefaults, check_length, make_rng

STEPS = 3
# Category = the correct answer of the sequence a step belongs to. Only the last step of each
# sequence has a target, so the first two steps never contribute to a category's error.
CATEGORY_NAMES = tuple(f"count {k}" for k in range(STEPS + 1))
# Targets are whole numbers, so an answer within 0.25 rounds to the right count.
TOLERANCE = 0.25


@dataclass(frozen=True)
class EndOfSequenceTask(Task):
    def make_sequence(self, length: int, seed: int) -> Sequence:
        """``length`` short sequences of three steps each (3 * length rows)."""
        n = check_length(length, 1, "short sequences")
        bits = make_rng(seed).randint(0, 2, size=(n, STEPS, 2))
        counts = bits[:, :, 0].sum(axis=1)
        rows = n * STEPS
        last = np.zeros(rows, dtype=bool)
        last[STEPS - 1 :: STEPS] = True
        first = np.zeros(rows, dtype=bool)
        first[::STEPS] = True
        targets = np.zeros((rows, 1))
        targets[last, 0] = counts
        inputs = bits.reshape(rows, 2).astype(np.float64)
        return Sequence(
            inputs=inputs,
            targets=targets,
            mask=last,
            resets=first,
            input_symbols=tuple(f"({a},{b})" for a, b in bits.reshape(rows, 2)),
            target_symbols=tuple(str(counts[t // STEPS]) if last[t] else "" for t in range(rows)),
            categories=np.repeat(counts, STEPS).astype(np.int64),
        )

    def decode(self, output: np.ndarray) -> str:
        return f"{output[0]:.2f}"

    def is_correct(self, output: np.ndarray, target: np.ndarray) -> bool:
        return bool(abs(output[0] - target[0]) < TOLERANCE)


def make_task() -> EndOfSequenceTask:
    return EndOfSequenceTask(
        name="end-of-sequence",
        title="Count at the end",
        description=(
            "The network reads three pairs of bits (a, b) and only after the third pair must "
            "say how many of the three a bits were 1; there is no target at the first two steps, "
            "and the context is reset before each new triple. Because the earlier a bits are no "
            "longer in the input, the count has to be carried in the hidden units, and the error "
            "is propagated back through all three steps (BPTT: one weight update per triple, "
            "the gradients of its steps summed, windows never overlapping). "
            "Watch the weights from input b shrink towards zero, since b is a distractor, and "
            "the error bars, one per correct count, which show whether some counts are harder "
            "to carry than others. "
            "This takes the idea of the seeds/002 notebook (2 inputs, 3 tanh hidden units, a "
            "linear output, target only at the end, learning rate 0.01, 100 epochs) with a "
            "target of our own choosing that really needs memory and a corrected backward pass. "
            "The sequence length counts triples, and an answer within 0.25 of the true count is "
            "scored as correct."
        ),
        source="seeds/002 (many-to-one notebook), with its backward-pass bug fixed",
        n_input=2,
        n_output=1,
        input_labels=("a (counted)", "b (ignore)"),
        output_labels=("count of a",),
        category_names=CATEGORY_NAMES,
        category_axis="count to predict",
        length_unit="short sequences",  # what the sequence length counts
        opening_speed=1_000,  # 100 epochs of 600 steps take about a minute
        defaults=TaskDefaults(
            n_hidden=3,
            learning_rate=0.01,
            epochs=100,
            sequence_length=200,
            seed=42,
            context_init=0.0,
            rule="bptt",
            bptt_window=None,
            hidden_activation="tanh",
            output_activation="linear",
            weight_scale=0.1,
        ),
        extra={"tolerance": TOLERANCE, "steps_per_sequence": STEPS},
    )
