"""Starting small (Elman 1993): the grammar task trained in stages, to test the claim.

Elman (1993) found that his network learned the grammar with relative clauses only if it started
small; Rohde & Plaut (1999) found starting small unnecessary. Two regimes, each one training
stream made of five stages of ``sequence_length`` new sentences (2,000), each run through
``stage_passes`` times (5, as Elman's stages), so one epoch is the whole curriculum — as many
words as the plain task's five passes over 10,000 sentences:

* **incremental input:** the share of sentences with a relative clause grows, 0 → 25 → 50 →
  75 % → the grammar's own mix;
* **incremental memory:** the sentences are the full mix from the start, but the context is
  reset every 3-4 words in the first stage, then every 4-5, 5-6, 6-7, then never.

:meth:`StagedGrammarTask.stages` says where each stage starts (the loss plot marks them).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import numpy as np

from elman_core.tasks.base import Sequence, TaskError, check_length, join_sequences, make_rng
from elman_core.tasks.grammar import (
    DEFAULTS,
    EVALUATION_SEED_OFFSET,
    GrammarTask,
    make_task,
    sequence_of,
)

INPUT_SHARES = (0.0, 0.25, 0.5, 0.75, None)  # None: the grammar's own mix
MEMORY_WINDOWS = ((3, 4), (4, 5), (5, 6), (6, 7), None)  # words between resets; None: never
STAGE_SEED_STEP = 7919  # stage k's sentences are drawn with seed + k × this


@dataclass(frozen=True)
class Stage:
    """Where a stage starts in the training stream, and what it is in a few characters (the
    loss plot writes it beside the stage's line): "25 % complex", "memory 3-4" (words)."""

    row: int
    label: str


@dataclass(frozen=True)
class StagedGrammarTask(GrammarTask):
    """The grammar task with a curriculum: ``regime`` "incremental-input" or
    "incremental-memory"."""

    regime: str = "incremental-input"
    stage_passes: int = 1

    def make_sequence(self, length: int, seed: int) -> Sequence:
        parts = []
        for k, (sentences, window, _) in enumerate(self._stage_sentences(length, seed)):
            part = _with_resets(sequence_of(sentences), window, seed + k)
            parts += [part] * self.stage_passes
        return join_sequences(parts)

    def evaluation_sequence(self, length: int, seed: int) -> Sequence:
        """New sentences of the full mix, no resets: what the curriculum leads to."""
        return GrammarTask.make_sequence(self, length, seed + EVALUATION_SEED_OFFSET)

    def stages(self, length: int, seed: int) -> tuple[Stage, ...]:
        """Where each stage of ``make_sequence(length, seed)`` starts (its sentences drawn
        again, not turned into rows)."""
        stages, row = [], 0
        for sentences, _, label in self._stage_sentences(length, seed):
            stages.append(Stage(row, label))
            # sequence_of makes one row per word but the last (it has no next word).
            row += (sum(map(len, sentences)) - 1) * self.stage_passes
        return tuple(stages)

    def _stage_sentences(self, length: int, seed: int):
        """Per stage: its sentences, its reset window (None: none) and its label."""
        n_sentences = check_length(length, 1, "sentences")
        for k, (share, window) in enumerate(zip(INPUT_SHARES, MEMORY_WINDOWS, strict=True)):
            grammar = self.grammar
            if self.regime == "incremental-input":
                if share is not None:
                    grammar = dataclasses.replace(grammar, complex_share=share)
                label = f"{100 * share:.0f} % complex" if share is not None else "full mix"
                window = None
            else:
                label = f"memory {window[0]}-{window[1]}" if window else "full memory"
            yield (grammar.sentences(n_sentences, seed + k * STAGE_SEED_STEP), window, label)


def _with_resets(part: Sequence, window: tuple[int, int] | None, seed: int) -> Sequence:
    """``part`` with its context reset every ``window[0]`` to ``window[1]`` words (drawn)."""
    if window is None:
        return part
    rng = make_rng(seed)
    resets = np.array(part.resets, dtype=bool)
    at = 0
    while at < len(resets):
        resets[at] = True
        at += rng.randint(window[0], window[1] + 1)
    return dataclasses.replace(part, resets=resets)


_DESCRIPTIONS = {
    "incremental-input": (
        "Starting small by the input (Elman 1993): the grammar task's sentences in five "
        "stages, the share of sentences with a relative clause growing 0, 25, 50, 75 % and then "
        "the full mix."),
    "incremental-memory": (
        "Starting small by the memory (Elman 1993): the grammar task's full mix of sentences "
        "from the start, but the context is reset every 3-4 words in the first stage, then "
        "every 4-5, 5-6, 6-7 words, then never."),
}
_COMMON = (
    " One epoch is the whole curriculum, five stages of 2,000 new sentences (the sequence "
    "length) with 5 passes over each, as many words as the plain grammar task's five passes, "
    "and the loss plot marks where each stage begins. Elman found his network learned "
    "agreement across clauses only when it started small; Rohde & Plaut (1999, Cognition "
    "72:67-109) found starting small unnecessary: compare the agreement figures of "
    "main.py train with those of the plain grammar task. The network and rule are the "
    "grammar task's (26-70-26, softmax, Elman's one-step rule, learning rate 0.1).")


def _make(regime: str, name: str, title: str, n_sentences: int,
          stage_passes: int) -> StagedGrammarTask:
    if isinstance(stage_passes, bool) or not isinstance(stage_passes, int) \
            or not 1 <= stage_passes <= 20:
        raise TaskError(f"The passes per stage must be a whole number from 1 to 20 "
                        f"(got {stage_passes!r}).")
    plain = make_task(n_sentences)
    fields = {f.name: getattr(plain, f.name) for f in dataclasses.fields(GrammarTask)}
    fields.update(name=name, title=title, description=_DESCRIPTIONS[regime] + _COMMON,
                  source="Elman (1993); Rohde & Plaut (1999)",
                  defaults=DEFAULTS.replace(sequence_length=plain.defaults.sequence_length,
                                            epochs=1))
    return StagedGrammarTask(**fields, regime=regime, stage_passes=stage_passes)


def make_input_task(n_sentences: int = 2_000, stage_passes: int = 5) -> StagedGrammarTask:
    """``n_sentences`` per stage (the sequence length), each stage ``stage_passes`` times."""
    return _make("incremental-input", "starting-small-input", "Starting small: input",
                 n_sentences, stage_passes)


def make_memory_task(n_sentences: int = 2_000, stage_passes: int = 5) -> StagedGrammarTask:
    """``n_sentences`` per stage (the sequence length), each stage ``stage_passes`` times."""
    return _make("incremental-memory", "starting-small-memory", "Starting small: memory",
                 n_sentences, stage_passes)
