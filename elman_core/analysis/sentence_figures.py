"""Figs. 7, 8 and 9 of Elman (1990) and the paper's fit figures for a trained sentences session.

One frozen pass over the training sentences gives everything: the outputs (scored against the
task's exact next-word likelihoods, beside the ideal predictor and a bigram model), the hidden
vectors averaged per word (Fig. 7, clustered by the paper's method and by the project's),
"zog" in place of "man" in new sentences (Fig. 8, under both methods) and single tokens of boy
and girl (Fig. 9). Used by the console report, ``--json`` and the app's dendrogram view.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from elman_core.analysis import hidden_states, likelihood_fit, token_clusters
from elman_core.analysis.clustering import METHODS, ClusterMethod, Dendrogram
from elman_core.tasks import sentences

if TYPE_CHECKING:  # a session is analysed here, never trained: training sits above
    from elman_core.training.session import TrainingSession

NOVEL_SENTENCES = 2_000  # new sentences for Fig. 8 ("man" occurs about 440 times in them)
NOVEL_SEED_OFFSET = 2000  # ... drawn with the training seed + this


@dataclass(frozen=True)
class WordTree:
    """Fig. 7 by one method, and how purely it splits."""

    method: ClusterMethod
    dendrogram: Dendrogram
    noun_verb_purity: float  # the top split, verbs | nouns
    animacy_purity: float  # the split of the smallest cluster holding every noun

    def as_dict(self) -> dict:
        return {"method": self.method.name, "noun_verb_split_purity": self.noun_verb_purity,
                "animacy_split_purity": self.animacy_purity}


@dataclass(frozen=True)
class SentenceFigures:
    means: dict[str, np.ndarray]  # the mean hidden vector of every word
    fit: likelihood_fit.LikelihoodFit
    trees: tuple[WordTree, ...]  # one per clustering method, the paper's first
    novel: tuple[hidden_states.NovelWordResult, ...]  # the same order
    tokens: token_clusters.TokenClusters | None  # Fig. 9 by the paper's method (None: too few)


def word_tree(means: dict[str, np.ndarray], method: ClusterMethod) -> WordTree:
    dendrogram = hidden_states.cluster_words(means, method)
    nouns = [w for w in means if sentences.is_noun(w)]
    return WordTree(method, dendrogram,
                    hidden_states.top_split_purity(dendrogram, sentences.is_noun),
                    hidden_states.top_split_purity(dendrogram, sentences.is_animate,
                                                   within=nouns))


def sentence_analysis(session: TrainingSession) -> SentenceFigures:
    """Everything above for a trained sentences session (weights frozen, session unchanged)."""
    task, settings, network = session.task, session.settings, session.network
    if not isinstance(task, sentences.SentencesTask):
        raise ValueError(f"the {task.title} task has no sentences to analyse")
    corpus = task.sentences(settings.sequence_length, settings.seed)
    sequence = session.sequence
    run = hidden_states.frozen_pass(network, sequence)
    means = hidden_states.mean_hidden_by_word(network, sequence, sentences.LEXICON, run=run)
    fit = likelihood_fit.likelihood_fit(run.outputs, sequence.inputs, sequence.targets,
                                        task.likelihoods(corpus))
    novel_sentences = sentences.sentences(NOVEL_SENTENCES, settings.seed + NOVEL_SEED_OFFSET)
    novel_vector = hidden_states.novel_word_vector(network, sentences.sequence_of,
                                                   novel_sentences)
    return SentenceFigures(
        means, fit, tuple(word_tree(means, method) for method in METHODS),
        tuple(hidden_states.place_novel_word(novel_vector, means, method) for method in METHODS),
        token_clusters.token_clusters(run.hidden, corpus))


def fit_lines(fit: likelihood_fit.LikelihoodFit) -> list[str]:
    """The fit figures as a small table: the network between the ideal and the bigram model."""
    rows = [("", "network", "ideal", "bigram", "paper")]

    def row(name, field, paper):
        rows.append((name, *(f"{getattr(f, field):.3f}" for f in (fit.network, fit.ideal,
                                                                    fit.bigram)), paper))

    row("RMS vs next word (Euclidean)", "rms_next_word", "0.88")
    row("  per output unit", "rms_next_word_per_unit", "")
    row("RMS vs likelihoods (Euclidean)", "rms_vs_likelihood", "")
    row("  per output unit", "rms_vs_likelihood_per_unit", "0.053")
    row("mean cosine vs likelihoods", "cosine_vs_likelihood", "0.916")
    return [f"  {a:<31}{b:>9}{c:>8}{d:>8}{e:>8}" for a, b, c, d, e in rows]


def novel_line(novel: hidden_states.NovelWordResult, count: int = 5) -> str:
    """zog's nearest words with their distances, and where "man" ranks."""
    nearest = ", ".join(f"{w} {d:.3f}" for w, d in novel.nearest[:count])
    return (f"nearest: {nearest}; \"{novel.replaced}\" ranks {novel.replaced_rank} of "
            f"{len(novel.nearest)} at {novel.replaced_distance:.3f}")


def novel_dict(novel: hidden_states.NovelWordResult) -> dict:
    return {"word": novel.word, "replaced": novel.replaced, "method": novel.method.name,
            "nearest": [[w, d] for w, d in novel.nearest[:5]],
            "replaced_rank": novel.replaced_rank, "replaced_distance": novel.replaced_distance,
            "joins": list(novel.siblings)}
