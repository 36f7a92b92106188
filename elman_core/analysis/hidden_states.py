"""Looking inside a trained network: the paper's figures as data (numpy and scipy, no Qt).

Everything here works on a *frozen* network: :func:`frozen_pass` runs a copy of it over a
sequence without learning and keeps its outputs and hidden states; the other functions turn
those into the figures of Elman (1990):

* Fig. 3 (XOR): :func:`cycle_errors`, the error over 12 consecutive inputs averaged over cycles;
* Figs. 4 and 6 (letters, words): :func:`error_strip`, the error per step with its target
  letter (and word onsets); :func:`word_boundary_errors`, Fig. 6 in two numbers;
* Fig. 5 (letters): :func:`feature_error_strip`, the error on single bits;
* Fig. 7 (sentences): :func:`mean_hidden_by_word`, :func:`cluster_words` and
  :func:`top_split_purity` (the fit figures are in :mod:`elman_core.analysis.likelihood_fit`);
* Fig. 8: :func:`novel_word_test`, "zog" in place of "man" with no learning;
* Fig. 9 is :mod:`elman_core.analysis.token_clusters`;
* the hidden space: :func:`pca_projection`, the first two principal components with an
  orientation that does not flip between recomputations.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from elman_core.analysis.clustering import (
    PAPER,
    ClusterMethod,
    Dendrogram,
    cluster_by,
    distances_from,
    split_purity,
)
from elman_core.model.network import ElmanNetwork
from elman_core.tasks import base


@dataclass(frozen=True)
class FrozenPass:
    """What a network did on a sequence without learning: one row per step."""

    outputs: np.ndarray  # (T, O)
    hidden: np.ndarray  # (T, H)


def frozen_pass(network: ElmanNetwork, sequence: base.Sequence) -> FrozenPass:
    """Run a copy of ``network`` (weights frozen) over ``sequence`` from a fresh context.

    The context is reset where the sequence says so; ``network`` itself is not changed.
    """
    outputs, hidden = network.copy().predict(sequence.inputs, sequence.resets,
                                             return_hidden=True)
    return FrozenPass(outputs, hidden)


# ----------------------------------------------------------------- per-step errors (Figs. 3-6)
def step_rms_errors(outputs: np.ndarray, targets: np.ndarray) -> np.ndarray:
    """(T,): the root of the mean squared error over the output units at each step."""
    difference = np.asarray(outputs, dtype=np.float64) - np.asarray(targets, dtype=np.float64)
    return np.sqrt(np.mean(difference**2, axis=1))


def cycle_errors(step_errors: np.ndarray, window: int = 12, offset: int = 0) -> np.ndarray:
    """Fig. 3: the RMS error at each of ``window`` consecutive positions, averaged over cycles.

    The stream from ``offset`` is cut into whole windows of ``window`` steps (12 in the paper,
    four XOR groups of three); position k is the root of the mean of the squared errors at
    position k of every window. NaN steps (no target) are left out.
    """
    errors = np.asarray(step_errors, dtype=np.float64)[offset:]
    cycles = len(errors) // window
    if cycles == 0:
        raise ValueError(f"need at least {window} steps after offset {offset}")
    squared = errors[:cycles * window].reshape(cycles, window) ** 2
    return np.sqrt(np.nanmean(squared, axis=0))


@dataclass(frozen=True)
class ErrorStrip:
    """Figs. 4 and 6: a stretch of consecutive steps, each with its error and target symbol."""

    errors: np.ndarray  # (n,)
    labels: tuple[str, ...]  # the target symbol of each step
    marks: np.ndarray  # (n,) bool, e.g. word onsets (all False if none given)
    start: int


def error_strip(step_errors: np.ndarray, target_symbols: Sequence[str], start: int = 0,
                count: int = 40, marks: np.ndarray | None = None) -> ErrorStrip:
    """Steps ``start`` .. ``start + count`` of a per-step error, labelled by target symbol."""
    stop = min(start + count, len(step_errors))
    marks = np.zeros(len(step_errors), bool) if marks is None else np.asarray(marks, bool)
    return ErrorStrip(np.asarray(step_errors, dtype=np.float64)[start:stop].copy(),
                      tuple(target_symbols[start:stop]), marks[start:stop].copy(), start)


def feature_error_strip(outputs: np.ndarray, targets: np.ndarray, features: Sequence[int] = (0, 3),
                        start: int = 0, count: int = 20) -> np.ndarray:
    """Fig. 5a/5b: |output − target| of the given units (default bit 1 Consonantal and bit 4
    High of the letters task) over ``count`` steps: shape (len(features), count)."""
    rows = slice(start, start + count)
    columns = list(features)
    difference = np.asarray(outputs)[rows][:, columns] - np.asarray(targets)[rows][:, columns]
    return np.abs(difference).T.copy()


@dataclass(frozen=True)
class WordBoundaryErrors:
    onset_error: float  # mean step RMS error where the target letter starts a word
    within_error: float  # ... at every other letter

    @property
    def ratio(self) -> float:
        return self.onset_error / self.within_error


def word_boundary_errors(network: ElmanNetwork, sequence: base.Sequence,
                         onsets: np.ndarray) -> WordBoundaryErrors:
    """Fig. 6 in two numbers: the frozen network's error at word onsets and within words."""
    run = frozen_pass(network, sequence)
    errors = step_rms_errors(run.outputs, sequence.targets)
    onsets = np.asarray(onsets, dtype=bool) & sequence.mask
    within = ~onsets & sequence.mask
    return WordBoundaryErrors(float(errors[onsets].mean()), float(errors[within].mean()))


# --------------------------------------------------------------------------- words (Fig. 7)
def mean_hidden_by_word(network: ElmanNetwork, sequence: base.Sequence,
                        words: Sequence[str] | None = None,
                        run: FrozenPass | None = None) -> dict[str, np.ndarray]:
    """The hidden vector averaged over every step where each word is the *input*.

    ``words`` fixes the order and the selection (default: every input symbol, in order of
    first appearance); a word that never occurs is left out. ``run`` reuses a frozen pass.
    """
    run = frozen_pass(network, sequence) if run is None else run
    symbols = np.asarray(sequence.input_symbols)
    if words is None:
        words = list(dict.fromkeys(sequence.input_symbols))
    means = {}
    for word in words:
        here = symbols == word
        if here.any():
            means[word] = run.hidden[here].mean(axis=0)
    return means


def cluster_words(means: dict[str, np.ndarray], method: ClusterMethod = PAPER) -> Dendrogram:
    """The hierarchical clustering of the words' mean hidden vectors (scipy linkage; by
    default the paper's: Euclidean distance, average linkage, the raw means)."""
    return cluster_by(method, list(means), np.array(list(means.values())))


def top_split_purity(dendrogram: Dendrogram, has_property: Callable[[str], bool],
                     within: Sequence[str] | None = None) -> float:
    """How purely the top split separates words with ``has_property`` from the others.

    With ``within`` (a set of words), the split of the smallest cluster holding all of them
    instead: Fig. 7's animate/inanimate split is ``top_split_purity(d, is_animate,
    within=nouns)``. 1.0 is a perfect split, 0.5 no better than chance; see
    :func:`elman_core.analysis.clustering.split_purity`.
    """
    node = dendrogram.root() if within is None else dendrogram.smallest_cluster_with(within)
    if node.is_leaf():
        return 1.0
    return split_purity(dendrogram.top_split(node), has_property)


# --------------------------------------------------------------------------------- Fig. 8
@dataclass(frozen=True)
class NovelWordResult:
    """Where a word never seen in training lands among the trained words (Fig. 8)."""

    word: str
    vector: np.ndarray  # its mean hidden vector in the new sentences
    nearest: tuple[tuple[str, float], ...]  # every trained word by distance, nearest first
    dendrogram: Dendrogram  # the trained words' means plus the novel word's
    siblings: tuple[str, ...]  # the words in the branch the novel word joins first
    replaced: str  # the word it stands in for
    method: ClusterMethod  # the space of ``nearest`` and ``dendrogram``

    @property
    def replaced_rank(self) -> int:
        """Where the replaced word ranks among the novel word's neighbours (1: nearest)."""
        return [w for w, _ in self.nearest].index(self.replaced) + 1

    @property
    def replaced_distance(self) -> float:
        return dict(self.nearest)[self.replaced]


def novel_word_vector(network: ElmanNetwork, sequence_of: Callable[[list], base.Sequence],
                      sentences: Sequence[Sequence[str]], replaced: str = "man",
                      novel: str = "zog") -> np.ndarray:
    """Put ``novel`` wherever ``replaced`` occurs in ``sentences``, run the frozen network over
    them (``sequence_of`` turns sentences into a Sequence) and average the novel word's hidden
    vectors."""
    changed = [tuple(novel if w == replaced else w for w in s) for s in sentences]
    means = mean_hidden_by_word(network, sequence_of(changed), [novel])
    if novel not in means:
        raise ValueError(f"{replaced!r} never occurs in the sentences, so {novel!r} cannot")
    return means[novel]


def place_novel_word(vector: np.ndarray, trained_means: dict[str, np.ndarray],
                     method: ClusterMethod = PAPER, replaced: str = "man",
                     novel: str = "zog") -> NovelWordResult:
    """Cluster the novel word's mean ``vector`` with the ``trained_means`` by ``method``, and
    rank every trained word by its distance to it in that method's space."""
    dendrogram = cluster_words({**trained_means, novel: vector}, method)
    distances = distances_from(method, vector, np.array(list(trained_means.values())))
    nearest = tuple(sorted(zip(trained_means, map(float, distances), strict=True),
                           key=lambda item: item[1]))
    leaf = dendrogram.labels.index(novel)
    parent = _parent_of(dendrogram.root(), leaf)
    branches = dendrogram.top_split(parent)
    siblings = branches[1] if novel in branches[0] else branches[0]
    return NovelWordResult(novel, vector, nearest, dendrogram, siblings, replaced, method)


def _parent_of(node, leaf_id: int):
    for child in (node.get_left(), node.get_right()):
        if child.is_leaf() and child.get_id() == leaf_id:
            return node
        if not child.is_leaf() and leaf_id in child.pre_order():
            return _parent_of(child, leaf_id)
    raise ValueError(f"leaf {leaf_id} is not under this node")


# ------------------------------------------------------------------------------ hidden space
@dataclass(frozen=True)
class Projection:
    """Hidden states on their first principal components."""

    coordinates: np.ndarray  # (N, k)
    components: np.ndarray  # (k, H), unit rows: the directions
    mean: np.ndarray  # (H,), subtracted before projecting
    explained: np.ndarray  # (k,), fraction of the variance along each component


def pca_projection(states: np.ndarray, previous: Projection | None = None,
                   n_components: int = 2) -> Projection:
    """Project ``states`` (N, H) on their first ``n_components`` principal components.

    The orientation is stable: principal axes have no sign of their own, and two axes of
    almost equal variance may swap from one recomputation to the next. Given the ``previous``
    projection (same H), the components are ordered and signed to match it best; without it
    each component is signed so that its largest loading is positive. So the picture moves
    smoothly while training goes on instead of flipping.
    """
    states = np.asarray(states, dtype=np.float64)
    mean = states.mean(axis=0)
    centred = states - mean
    # The principal axes are the eigenvectors of the (H, H) scatter matrix: for N states of H
    # units that is one N·H² product and an H×H eigenproblem, several times cheaper than the
    # SVD of the (N, H) states (3 against 20 ms for 2,000 × 150), and it runs in the trainer
    # thread while the window paints.
    eigenvalues, eigenvectors = np.linalg.eigh(centred.T @ centred)  # ascending
    k = min(n_components, *states.shape)
    components = eigenvectors[:, ::-1][:, :k].T.copy()
    variance = np.clip(eigenvalues[::-1], 0.0, None)
    total = variance.sum()
    explained = variance[:k] / total if total > 0 else np.zeros(k)
    if previous is not None and previous.components.shape == components.shape:
        if k >= 2:
            overlap = np.abs(components @ previous.components.T)
            if overlap[0, 1] + overlap[1, 0] > overlap[0, 0] + overlap[1, 1]:
                components[[0, 1]] = components[[1, 0]]
                explained = explained[[1, 0, *range(2, k)]]
        signs = np.sign(np.sum(components * previous.components, axis=1))
    else:
        largest = np.argmax(np.abs(components), axis=1)
        signs = np.sign(components[np.arange(k), largest])
    components *= np.where(signs == 0, 1.0, signs)[:, None]
    return Projection(centred @ components.T, components, mean, explained)
