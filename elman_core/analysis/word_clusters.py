"""Figs. 7 and 8 for the app: the words' mean hidden vectors clustered, as a record to draw.

:func:`cluster_session` freezes the session's network, runs its training stream once more,
averages the hidden vectors per word and clusters them with the core's functions
(:mod:`elman_core.analysis.hidden_states`,
:func:`elman_core.analysis.paper_report.sentence_analysis`). It takes a
second or two for the sentences task, so the trainer thread runs it on demand and when a run
finishes, never per frame. No Qt here.

* sentences: one mean per word where the word is the input (the paper's Fig. 7), and the same
  with the novel word "zog", put where "man" was in new sentences without learning (Fig. 8);
* words: the paper clusters no words in experiment 3; here each word's vector is the hidden
  state after its last letter (the network has then read the whole word), averaged over the
  word's occurrences, so a student can see which words the letter network tells apart.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import numpy as np

from elman_core.analysis import hidden_states, paper_report
from elman_core.analysis.clustering import Dendrogram
from elman_core.analysis.figure_records import DendrogramDrawing, WordClusters
from elman_core.model.trace import frozen
from elman_core.tasks import words
from elman_core.tasks.base import Sequence, Task

if TYPE_CHECKING:  # a session is analysed here, never trained: training sits above
    from elman_core.training.session import TrainingSession



def supports(task: Task) -> bool:
    """The task has words whose hidden states can be clustered (its analyses say how)."""
    return task.analyses.word_clusters in _CLUSTERERS


def drawing_of(dendrogram: Dendrogram, class_of: Callable[[str], str]) -> DendrogramDrawing:
    """What a plot needs of a dendrogram: the leaves in drawing order and scipy's segments."""
    labels = tuple(dendrogram.labels[i] for i in dendrogram.leaves)
    return DendrogramDrawing(labels, tuple(class_of(w) for w in labels),
                             frozen(dendrogram.icoord), frozen(dendrogram.dcoord))


def cluster_session(session: TrainingSession) -> WordClusters:
    """Cluster the session's words now (weights frozen; the session is not changed)."""
    clusterer = _CLUSTERERS.get(session.task.analyses.word_clusters)
    if clusterer is None:
        raise ValueError(f"the {session.task.title} task has no words to cluster")
    return clusterer(session)


def _sentences(session: TrainingSession) -> WordClusters:
    data = paper_report.sentence_analysis(session)
    fit, novel = data["fit"], data["novel"]
    class_of = session.task.class_of.get
    summary = (
        f"RMS error against the next word {fit.rms_next_word:.3f} (paper 0.88); against the "
        f"next-word probabilities {fit.rms_vs_likelihood:.3f} (paper 0.053), mean cosine "
        f"{fit.cosine_vs_likelihood:.3f} (paper 0.916).",
        f"Top split verbs | nouns {100 * data['noun_verb_purity']:.0f} % pure; within the "
        f"nouns, animate | inanimate {100 * data['animacy_purity']:.0f} % pure.",
        f"\"{novel.word}\" (in place of \"man\", no learning) is nearest to "
        + ", ".join(w for w, _ in novel.nearest[:3]) + ".",
    )
    return WordClusters(
        session.task.name, session.global_step, session.epoch,
        drawing_of(data["dendrogram"], class_of),
        drawing_of(novel.dendrogram, class_of), novel.word,
        session.task.class_names, summary)


def word_end_means(network, sequence: Sequence) -> dict[str, np.ndarray]:
    """Each word's hidden vector after its last letter, averaged over its occurrences."""
    run = hidden_states.frozen_pass(network, sequence)
    ends = np.flatnonzero(words.onset_steps(sequence))  # the next letter starts a word
    starts = np.concatenate([[0], ends[:-1] + 1])
    letters = sequence.input_symbols
    found: dict[str, list[int]] = {}
    for start, end in zip(starts, ends, strict=True):
        found.setdefault("".join(letters[start:end + 1]), []).append(end)
    ordered = [w for w in words.LEXICON if w in found]
    return {w: run.hidden[found[w]].mean(axis=0) for w in ordered}


def _words(session: TrainingSession) -> WordClusters:
    means = word_end_means(session.network, session.sequence)
    dendrogram = hidden_states.cluster_words(means)
    left, right = dendrogram.top_split()
    summary = (
        "Each word's hidden state after its last letter, averaged over its occurrences "
        "(units standardised, cosine distance, average linkage).",
        f"Top split: {', '.join(left)} | {', '.join(right)}.",
    )
    return WordClusters(session.task.name, session.global_step, session.epoch,
                        drawing_of(dendrogram, lambda w: ""), None, "", (),
                        summary)


# One clusterer per kind (elman_core.tasks.base.WORD_CLUSTER_KINDS): the word after its last
# letter (letters in, words run together) or the word as the input (Figs. 7 and 8).
_CLUSTERERS = {"word-ends": _words, "word-inputs": _sentences}
