"""Hierarchical clustering of vectors (Elman 1990, Figs. 7-9) with scipy, as data and as text.

:func:`cluster` joins labelled vectors with ``scipy.cluster.hierarchy.linkage`` and returns a
:class:`Dendrogram`: the linkage matrix, scipy's drawing coordinates (what a plot needs), the
two groups under any node, and a text drawing for the console. :func:`split_purity` measures
how well a node's two branches separate a yes/no property (verbs vs nouns...).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from scipy.cluster.hierarchy import ClusterNode



@dataclass(frozen=True)
class ClusterMethod:
    """How vectors are clustered: scipy's linkage ``method`` on ``metric`` distances, after
    standardising every column (hidden unit) or on the raw vectors."""

    key: str  # what the command line and the JSON call it
    name: str  # what a student reads
    method: str
    metric: str
    standardised: bool


# The paper does not say how it measured distance or joined clusters; its Fig. 7 axis is a
# plain distance, so the paper's method here is the textbook one: Euclidean distance between
# the raw mean vectors, average linkage. The project's earlier choice stays as an option:
# measured on the sentences task (18 networks at lr 0.05-0.2, the defaults of then), every
# hidden unit standardised over the words with cosine distance gave both of Fig. 7's splits in
# 15 of 18, where one outlying verb ("eat", "smash") often split off first on raw distances.
PAPER = ClusterMethod("paper", "Euclidean distance, average linkage, raw means",
                      "average", "euclidean", False)
STANDARDISED = ClusterMethod("standardised", "units standardised, cosine distance, "
                             "average linkage", "average", "cosine", True)
METHODS = (PAPER, STANDARDISED)  # the first is shown first
DEFAULT_METHOD = PAPER.method
DEFAULT_METRIC = PAPER.metric


@dataclass(frozen=True)
class Dendrogram:
    """A clustering of ``labels`` (one per row of the clustered vectors).

    ``linkage`` is scipy's (n−1)×4 matrix. ``leaves`` lists the label indices in drawing order,
    and ``icoord``/``dcoord`` are scipy's segment coordinates (``dendrogram(no_plot=True)``):
    each merge is one ⊓ shape of four points, x in units where leaf k sits at 10·k + 5, y the
    merge height. A GUI draws those segments and writes ``labels[leaves[k]]`` under x = 10·k + 5.
    """

    labels: tuple[str, ...]
    linkage: np.ndarray
    leaves: tuple[int, ...]
    icoord: np.ndarray  # (n−1, 4)
    dcoord: np.ndarray  # (n−1, 4)
    method: str
    metric: str
    standardised: bool

    def root(self) -> ClusterNode:
        from scipy.cluster import hierarchy  # see cluster(): scipy only where it is used

        return hierarchy.to_tree(self.linkage)

    def members(self, node: ClusterNode) -> tuple[str, ...]:
        """The labels under ``node``, in drawing order."""
        under = set(node.pre_order())
        return tuple(self.labels[i] for i in self.leaves if i in under)

    def top_split(self, node: ClusterNode | None = None
                  ) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """The labels of the two branches under ``node`` (default: the root)."""
        node = self.root() if node is None else node
        return self.members(node.get_left()), self.members(node.get_right())

    def smallest_cluster_with(self, labels: Sequence[str]) -> ClusterNode:
        """The lowest node whose leaves include every one of ``labels``."""
        wanted = {self.labels.index(label) for label in labels}
        node = self.root()
        while not node.is_leaf():
            for child in (node.get_left(), node.get_right()):
                if wanted <= set(child.pre_order()):
                    node = child
                    break
            else:
                return node
        return node

    def text(self, describe: Callable[[str], str] | None = None) -> list[str]:
        """The tree drawn with box characters, one leaf per line, root on the left.

        ``describe(label)`` adds a note after a leaf (say, its word class).
        """
        def draw(node) -> tuple[list[str], int]:
            if node.is_leaf():
                label = self.labels[node.get_id()]
                note = f"  {describe(label)}" if describe else ""
                return [f" {label}{note}"], 0
            # The upper branch is the one scipy draws first (leaves order).
            first, second = node.get_left(), node.get_right()
            if self.leaves.index(first.pre_order()[0]) > self.leaves.index(
                    second.pre_order()[0]):
                first, second = second, first
            upper, upper_row = draw(first)
            lower, lower_row = draw(second)
            lines = [("  " if i < upper_row else "┬─" if i == upper_row else "│ ") + line
                     for i, line in enumerate(upper)]
            lines += [("│ " if i < lower_row else "└─" if i == lower_row else "  ") + line
                      for i, line in enumerate(lower)]
            return lines, upper_row

        lines, _ = draw(self.root())
        return lines


def standardise(vectors: np.ndarray) -> np.ndarray:
    """Every column (hidden unit) shifted and scaled to mean 0 and variance 1 over the rows, so
    that each unit counts the same; a constant column becomes 0."""
    spread = vectors.std(axis=0)
    return (vectors - vectors.mean(axis=0)) / np.where(spread > 0, spread, 1.0)


def cluster(labels: Sequence[str], vectors: np.ndarray, method: str = DEFAULT_METHOD,
            metric: str = DEFAULT_METRIC, standardised: bool = False) -> Dendrogram:
    """Cluster the rows of ``vectors`` (one per label) with scipy's ``linkage``, after
    :func:`standardise` unless ``standardised`` is False."""
    vectors = np.asarray(vectors, dtype=np.float64)
    if vectors.ndim != 2 or len(vectors) != len(labels) or len(labels) < 2:
        raise ValueError(f"need one row per label and at least two ({len(labels)} labels, "
                         f"vectors of shape {vectors.shape})")
    if standardised:
        vectors = standardise(vectors)
    # Imported here, not at the top: scipy takes ~0.5 s of a slow machine's CPU to import, and
    # the app imports this module (through the trainer's figures) before its window's first
    # paint, which needs no clustering; a clustering then pays it once, in the trainer thread.
    from scipy.cluster import hierarchy

    linkage = hierarchy.linkage(vectors, method=method, metric=metric)
    drawing = hierarchy.dendrogram(linkage, no_plot=True)
    return Dendrogram(
        labels=tuple(labels), linkage=linkage, leaves=tuple(drawing["leaves"]),
        icoord=np.array(drawing["icoord"]), dcoord=np.array(drawing["dcoord"]),
        method=method, metric=metric, standardised=standardised,
    )


def cluster_by(method: ClusterMethod, labels: Sequence[str], vectors: np.ndarray) -> Dendrogram:
    """:func:`cluster` with a :class:`ClusterMethod`."""
    return cluster(labels, vectors, method.method, method.metric, method.standardised)


def distances_from(method: ClusterMethod, vector: np.ndarray, vectors: np.ndarray) -> np.ndarray:
    """The distance of ``vector`` to each row of ``vectors`` in ``method``'s space (for a
    standardised method, standardised over ``vectors`` and ``vector`` together)."""
    space = np.vstack([vectors, vector])
    if method.standardised:
        space = standardise(space)
    from scipy.spatial.distance import cdist  # here, not at the top: see cluster()

    return cdist(space[-1:], space[:-1], metric=method.metric)[0]


def split_purity(branches: tuple[Sequence[str], Sequence[str]],
                 has_property: Callable[[str], bool]) -> float:
    """How well two branches separate labels with the property from those without, in [0.5, 1].

    The fraction of labels on the side their kind is assigned to, for the better of the two
    assignments: 1.0 when one branch holds exactly the labels with the property.
    """
    left, right = (list(branch) for branch in branches)
    total = len(left) + len(right)
    left_yes = sum(map(has_property, left))
    right_yes = sum(map(has_property, right))
    as_is = left_yes + (len(right) - right_yes)
    swapped = right_yes + (len(left) - left_yes)
    return max(as_is, swapped) / total
