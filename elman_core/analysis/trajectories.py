"""Sentences as paths through hidden space (Elman 1991, Figs. 9-11; Elman 1995).

The principal components are those of the hidden states over a test corpus, computed once and
then *frozen*: each traced sentence is a word-by-word path of its hidden states projected on a
chosen pair of components (PC1×PC2, PC1×PC3, …), so several sentences overlaid are comparable —
"boy chases boy" against "boys chase boy" (number), "boy chases / sees / walks" (argument type),
right-branching against centre-embedded clauses. Works for any task whose ``parse`` turns a
typed sentence into input rows: nothing here is keyed by a task's name.
"""

from __future__ import annotations

import numpy as np

from elman_core.analysis.figure_records import (
    CORPUS_SENTENCES,
    SentencePath,
    TracedSentences,
    Trajectories,
)
from elman_core.analysis.hidden_states import Projection, frozen_pass, pca_projection
from elman_core.model.network import ElmanNetwork
from elman_core.tasks.base import Sequence

__all__ = ["CORPUS_SENTENCES", "SentencePath", "TracedSentences", "Trajectories", "components",
           "trace"]

CORPUS_SEED_OFFSET = 4000  # ... drawn with the training seed + this


def components(network: ElmanNetwork, corpus: Sequence) -> Projection:
    """Every principal component of the network's hidden states over ``corpus`` (frozen
    weights), each signed so its largest loading is positive."""
    hidden = frozen_pass(network, corpus).hidden
    return pca_projection(hidden, n_components=network.n_hidden)


def check_pcs(pcs: tuple[int, int], n_components: int) -> tuple[int, int]:
    """``pcs`` if both are from 1 to ``n_components`` and differ; else a ValueError that says so."""
    if len(pcs) != 2 or pcs[0] == pcs[1]:
        raise ValueError(f"choose two different principal components (got {pcs!r})")
    for pc in pcs:
        if isinstance(pc, bool) or not isinstance(pc, int | np.integer) \
                or not 1 <= pc <= n_components:
            raise ValueError(f"principal component {pc!r} does not exist: there are "
                             f"{n_components} (1 to {n_components})")
    return int(pcs[0]), int(pcs[1])


def trace(network: ElmanNetwork, projection: Projection, lead_in: np.ndarray,
          sentences: list[tuple[tuple[str, ...], np.ndarray]], pcs: tuple[int, int]
          ) -> Trajectories:
    """Each sentence's hidden states word by word, on components ``pcs`` of ``projection``.

    ``sentences`` are (words, input rows). Every sentence starts where a sentence starts in
    training: after ``lead_in`` (input rows, e.g. the end-of-sentence marker) from a fresh
    context, so its first point is not that of an empty memory the network never saw.
    """
    pcs = check_pcs(pcs, len(projection.components))
    axes = projection.components[[pcs[0] - 1, pcs[1] - 1]]
    paths = []
    lead_in = np.asarray(lead_in, dtype=np.float64).reshape(-1, network.n_input)
    for words, inputs in sentences:
        rows = np.vstack([lead_in, inputs])
        _, hidden = network.copy().predict(rows, return_hidden=True)
        points = (hidden[len(lead_in):] - projection.mean) @ axes.T
        points.setflags(write=False)  # a record the views share with the trainer thread
        paths.append(SentencePath(tuple(words), points))
    explained = (float(projection.explained[pcs[0] - 1]), float(projection.explained[pcs[1] - 1]))
    return Trajectories(pcs, explained, tuple(paths))
