"""What every task is: a sequence maker plus the words a student needs to understand it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np

from elman_core.model.settings import RunSettings


class TaskError(ValueError):
    """Bad task options (empty text, unknown preset...). The message is meant for a student."""


# The settings a task starts with are a run's settings (every one can be changed in the app
# or on the command line): one model, checked when a task is made.
TaskDefaults = RunSettings


@dataclass(frozen=True)
class Sequence:
    """One stream of training (or evaluation) steps.

    Row t is one timestep: the network sees ``inputs[t]`` and is trained towards ``targets[t]``
    when ``mask[t]`` is true. ``resets[t]`` means the context is set back to its initial value
    *before* step t (the start of an independent sub-sequence). ``categories[t]`` indexes the
    task's ``category_names``: the group the per-position error bars put step t in.
    """

    inputs: np.ndarray  # (T, n_input) float64
    targets: np.ndarray  # (T, n_output) float64; rows where mask is False are ignored
    mask: np.ndarray  # (T,) bool
    resets: np.ndarray  # (T,) bool
    input_symbols: tuple[str, ...]  # what the student reads for the input at step t
    target_symbols: tuple[str, ...]  # the symbol the network should predict at step t ("" if none)
    categories: np.ndarray  # (T,) int64, index into Task.category_names

    def __post_init__(self) -> None:
        n = len(self.inputs)
        for name in ("targets", "mask", "resets", "categories"):
            if len(getattr(self, name)) != n:
                raise ValueError(f"Sequence.{name} has {len(getattr(self, name))} rows, inputs {n}")
        if len(self.input_symbols) != n or len(self.target_symbols) != n:
            raise ValueError("Sequence symbols must have one entry per step")
        for arr in (self.inputs, self.targets, self.mask, self.resets, self.categories):
            arr.setflags(write=False)

    def __len__(self) -> int:
        return len(self.inputs)


# The kinds of figure, report and analysis a task can ask for. Each names what the analysis
# needs of the data (a cycle of three bits, letters with features, words...), never a task: a
# new task picks the kinds that fit it, and the analysis layer, which sits above the tasks (it
# may import them, not the other way round), keeps one builder per kind.
FIGURE_KINDS = ("error-strip", "xor-cycle", "letter-features", "word-onsets", "word-strip")
REPORT_KINDS = ("predictions", "xor-groups", "letter-features")
PAPER_EXTRA_KINDS = ("", "word-boundaries", "word-classes", "grammar-agreement")
WORD_CLUSTER_KINDS = ("", "word-ends", "word-inputs")


@dataclass(frozen=True)
class Analyses:
    """Which of the analysis layer's figures and reports fit a task: plain data, one kind each.

    ``figure``: the paper figure the app draws (:mod:`elman_core.analysis.figures`);
    ``report``: the console report after a headless run (:mod:`elman_core.analysis.metrics`);
    ``paper_extras``: the paper's extra measures after a headless run
    (:mod:`elman_core.analysis.paper_report`; "" none);
    ``word_clusters``: how its words' hidden states are clustered, Figs. 7 and 8
    (:mod:`elman_core.analysis.word_clusters`; "" the task has no words).
    """

    figure: str = "error-strip"
    report: str = "predictions"
    paper_extras: str = ""
    word_clusters: str = ""

    def __post_init__(self) -> None:
        for value, kinds in ((self.figure, FIGURE_KINDS), (self.report, REPORT_KINDS),
                             (self.paper_extras, PAPER_EXTRA_KINDS),
                             (self.word_clusters, WORD_CLUSTER_KINDS)):
            if value not in kinds:
                raise ValueError(f"unknown analysis kind {value!r} (known: {kinds})")

    @property
    def has_words(self) -> bool:
        """Its hidden states can be clustered by word (the Dendrogram tab)."""
        return bool(self.word_clusters)


@dataclass(frozen=True)
class Task:
    """A learning problem with a student-facing explanation.

    Subclasses implement :meth:`make_sequence` and, where it differs from the training stream,
    :meth:`evaluation_sequence`. ``decode`` turns an output vector into the symbol a student reads.
    """

    name: str
    title: str
    description: str  # what it teaches, what to look for, which source it reproduces (plain text)
    source: str  # e.g. "seeds/000 and Elman (1990) experiment 1"
    n_input: int
    n_output: int
    input_labels: tuple[str, ...]
    output_labels: tuple[str, ...]
    category_names: tuple[str, ...]  # position categories, in display order
    defaults: TaskDefaults
    extra: dict = field(default_factory=dict, compare=False)
    # Steps per second the app opens the task at: slow enough to watch it learn (a run of tens
    # of seconds, or epochs one can follow); None is full speed. Headless runs ignore it.
    opening_speed: float | None = 100_000
    length_unit: str = "steps"  # what the sequence length counts ("consonants", "bits"…)
    # What a category is, for the error bars' axis: a step's category is that of its target.
    category_axis: str = "symbol to predict"
    # Classes of the input symbols (the sentences' word classes: the hidden space is coloured
    # by class); empty: the hidden space is coloured by input symbol.
    class_names: tuple[str, ...] = ()
    class_of: Mapping[str, str] = field(default_factory=dict, compare=False)
    class_title: str = "class"  # what a class is called in the hidden space's legend
    analyses: Analyses = Analyses()  # which figures and reports fit it (see Analyses)

    def make_sequence(self, length: int, seed: int) -> Sequence:
        raise NotImplementedError

    def evaluation_sequence(self, length: int, seed: int) -> Sequence:
        """The stream the report and the error bars are measured on (default: the training one)."""
        return self.make_sequence(length, seed)

    def describe(self, sequence: Sequence) -> str:
        """What the app's About panel says for a run on ``sequence`` (default: the description)."""
        return self.description

    def decode(self, output: np.ndarray) -> str:
        """The symbol an output vector stands for (the predicted symbol)."""
        raise NotImplementedError

    def decode_many(self, outputs: np.ndarray) -> tuple[str, ...]:
        """:meth:`decode` of each row of ``outputs`` (n, n_output); a task may do it at once."""
        return tuple(self.decode(output) for output in outputs)

    def is_correct(self, output: np.ndarray, target: np.ndarray) -> bool:
        """Whether a prediction counts as right for the accuracy figure."""
        raise NotImplementedError


# --- helpers shared by the task modules ------------------------------------------------------
def largest_of(symbols: tuple[str, ...], outputs: np.ndarray) -> tuple[str, ...]:
    """The symbol of each row's largest output: one-hot tasks' predictions, all rows at once
    (the live views decode the whole activation history, thousands of rows, on every
    snapshot; an ``argmax`` per row cost a tenth of the trainer thread side by side)."""
    return tuple(symbols[i] for i in np.argmax(outputs, axis=1))



def one_hot(indices: np.ndarray, size: int) -> np.ndarray:
    """Rows of a ``size``-wide identity matrix, one per index (float64)."""
    return np.eye(size, dtype=np.float64)[np.asarray(indices, dtype=np.int64)]


def prediction_sequence(
    vectors: np.ndarray, symbols: list[str] | tuple[str, ...], categories: np.ndarray
) -> Sequence:
    """The rows for "predict the next element" over one stream of N elements.

    Row t shows element t and asks for element t+1, so N elements give N-1 rows; the context is
    reset before the first row only. ``categories`` has one entry per row (N-1).
    """
    vectors = np.asarray(vectors, dtype=np.float64)
    n_rows = len(vectors) - 1
    resets = np.zeros(n_rows, dtype=bool)
    resets[:1] = True
    return Sequence(
        inputs=vectors[:-1].copy(),
        targets=vectors[1:].copy(),
        mask=np.ones(n_rows, dtype=bool),
        resets=resets,
        input_symbols=tuple(symbols[:-1]),
        target_symbols=tuple(symbols[1:]),
        categories=np.array(categories, dtype=np.int64),
    )


def join_sequences(parts: list[Sequence]) -> Sequence:
    """Independent sub-sequences one after another; each keeps its own reset at its first row."""
    return Sequence(
        inputs=np.concatenate([p.inputs for p in parts]),
        targets=np.concatenate([p.targets for p in parts]),
        mask=np.concatenate([p.mask for p in parts]),
        resets=np.concatenate([p.resets for p in parts]),
        input_symbols=tuple(s for p in parts for s in p.input_symbols),
        target_symbols=tuple(s for p in parts for s in p.target_symbols),
        categories=np.concatenate([p.categories for p in parts]),
    )


def check_length(length: int, minimum: int, what: str) -> int:
    """``length`` as an int, or a TaskError saying what the smallest usable value is."""
    if isinstance(length, bool) or not isinstance(length, (int, np.integer)):
        raise TaskError(f"The sequence length must be a whole number, not {length!r}.")
    if length < minimum:
        raise TaskError(f"The sequence length must be at least {minimum} {what} (got {length}).")
    return int(length)


def make_rng(seed: int) -> np.random.RandomState:
    """A private random stream for one sequence: never touches numpy's global state."""
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or not (0 <= seed < 2**32):
        raise TaskError(f"The seed must be a whole number from 0 to {2**32 - 1} (got {seed!r}).")
    return np.random.RandomState(int(seed))
