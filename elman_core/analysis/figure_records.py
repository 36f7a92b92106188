"""The records the figure views draw: plain frozen data with read-only arrays, nothing else.

Made in the trainer thread (:mod:`elman_core.analysis.figures`,
:mod:`elman_core.analysis.word_clusters`) and
carried by the snapshot; this module imports only numpy, so the views may know it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class FigurePanel:
    """One plot of a figure: ``values`` has one row per series, one column per x = 0, 1, …"""

    title: str  # "Fig. 3"
    caption: str  # the paper's caption, in one sentence
    style: str  # "line" (Figs. 3-5, as printed in the paper) or "bars"
    values: np.ndarray  # (series, n), NaN where a step has no target (yet)
    series: tuple[str, ...]  # one name per row (a legend when there are two)
    labels: tuple[str, ...]  # under each x: the target symbol (or the place in a cycle)
    marks: np.ndarray  # (n,) bool: x that starts something (a word, an XOR group…)
    mark_name: str  # what a mark means ("word onset"), "" if none
    x_label: str
    y_label: str
    first_step: int  # the step of x = 0 within the epoch


@dataclass(frozen=True)
class PaperFigure:
    """The figure a task reproduces, from one epoch's errors."""

    task_name: str
    epoch: int  # the epoch the errors belong to, counted from 1
    complete: bool  # False: the first epoch, still being trained (steps not reached are NaN)
    panels: tuple[FigurePanel, ...]
    note: str = ""  # a pointer to where the rest of the paper's figures are


@dataclass(frozen=True)
class HiddenSpace:
    """The recent hidden states on their first two principal components."""

    coordinates: np.ndarray  # (n, 2), oldest first
    steps: np.ndarray  # (n,) global step of each point
    symbols: tuple[str, ...]  # the input symbol at each point
    group_of: np.ndarray  # (n,) int: index into ``groups`` (the colour), −1 if none
    groups: tuple[str, ...]  # the colour legend, in a fixed order
    colour_by: str  # "input symbol" or "word class"
    explained: np.ndarray  # (2,) fraction of the variance along each axis
    n_hidden: int


@dataclass(frozen=True)
class DendrogramDrawing:
    """A dendrogram as a plot draws it: leaf k (in drawing order) sits at x = 10·k + 5, and
    each merge is scipy's ⊓ of four points (``icoord`` x, ``dcoord`` height)."""

    labels: tuple[str, ...]  # the leaves in drawing order
    classes: tuple[str, ...]  # the class of each leaf, same order ("" without classes)
    icoord: np.ndarray  # (leaves − 1, 4)
    dcoord: np.ndarray  # (leaves − 1, 4)


@dataclass(frozen=True)
class ClusterTree:
    """One dendrogram the view offers: Fig. 7 by one method (with Fig. 8's "zog"), or Fig. 9."""

    key: str  # "paper", "standardised", "tokens"
    title: str  # the view's choice, e.g. "Fig. 7 by the paper's method"
    method: str  # how it was clustered, for the distance axis ("Euclidean distance, …")
    words: DendrogramDrawing  # the trained words (Fig. 7) or the tokens (Fig. 9)
    with_novel: DendrogramDrawing | None  # the same with the novel word (Fig. 8), if any
    class_names: tuple[str, ...]  # the colour legend (empty for a tree without classes)
    summary: tuple[str, ...]  # this tree's lines: its splits, where "zog" lands…


@dataclass(frozen=True)
class WordClusters:
    """The clustered words of one network state (the step it was computed at)."""

    task_name: str
    global_step: int
    epoch: int
    trees: tuple[ClusterTree, ...]  # the first is shown first
    novel_word: str  # "" if none
    summary: tuple[str, ...]  # lines for every tree: the paper's fit figures
