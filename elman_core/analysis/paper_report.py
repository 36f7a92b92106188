"""The paper's figures after a headless run: extra JSON fields and console lines per task.

``figures(session)`` returns ``(fields, lines)``: what ``main.py train --json`` adds to its
document and what the console report prints after the task's usual report. Tasks without a
paper figure here give nothing.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from elman_core.analysis import hidden_states
from elman_core.tasks import sentences, words

if TYPE_CHECKING:  # a session is analysed here, never trained: training sits above
    from elman_core.training.session import TrainingSession

NOVEL_SENTENCES = 2_000  # new sentences for Fig. 8 ("man" occurs about 440 times in them)
NOVEL_SEED_OFFSET = 2000  # ... drawn with the training seed + this


def figures(session: TrainingSession) -> tuple[dict, list[str]]:
    """The extra measures the task's ``analyses.paper_extras`` names; ``({}, [])`` for none."""
    builder = _EXTRAS.get(session.task.analyses.paper_extras)
    return builder(session) if builder else ({}, [])


def _words(session: TrainingSession) -> tuple[dict, list[str]]:
    settings = session.settings
    sequence = session.task.evaluation_sequence(settings.sequence_length, settings.seed)
    onsets = words.onset_steps(sequence)
    result = hidden_states.word_boundary_errors(session.network, sequence, onsets)
    fields = {"word_boundaries": {"onset_error": result.onset_error,
                                  "within_error": result.within_error}}
    lines = [
        "",
        "Word boundaries (Fig. 6), frozen weights, new sentences: mean RMS error",
        f"  at the first letter of a word: {result.onset_error:.4f}",
        f"  at every other letter:         {result.within_error:.4f}",
        f"  ratio: {result.ratio:.2f} (the error marks where words begin)",
    ]
    return fields, lines


def sentence_analysis(session: TrainingSession) -> dict:
    """Fig. 7's and Fig. 8's data for a trained sentences session (frozen weights)."""
    task, settings, network = session.task, session.settings, session.network
    corpus = task.sentences(settings.sequence_length, settings.seed)
    sequence = session.sequence
    run = hidden_states.frozen_pass(network, sequence)
    means = hidden_states.mean_hidden_by_word(network, sequence, sentences.LEXICON, run=run)
    likelihoods = hidden_states.next_word_likelihoods(corpus, sentences.UNITS)
    fit = hidden_states.next_word_figures(run.outputs, sequence.targets, likelihoods)
    dendrogram = hidden_states.cluster_words(means)
    nouns = [w for w in means if sentences.is_noun(w)]
    novel = hidden_states.novel_word_test(
        network, sentences.sequence_of,
        sentences.sentences(NOVEL_SENTENCES, settings.seed + NOVEL_SEED_OFFSET), means)
    return {
        "means": means, "fit": fit, "dendrogram": dendrogram, "novel": novel,
        "noun_verb_purity": hidden_states.top_split_purity(dendrogram, sentences.is_noun),
        "animacy_purity": hidden_states.top_split_purity(dendrogram, sentences.is_animate,
                                                    within=nouns),
    }


def _sentences(session: TrainingSession) -> tuple[dict, list[str]]:
    data = sentence_analysis(session)
    fit, novel = data["fit"], data["novel"]
    fields = {
        "mean_hidden_by_word": {w: v.tolist() for w, v in data["means"].items()},
        "rms_next_word": fit.rms_next_word,
        "rms_vs_likelihood": fit.rms_vs_likelihood,
        "cosine_vs_likelihood": fit.cosine_vs_likelihood,
        "noun_verb_split_purity": data["noun_verb_purity"],
        "animacy_split_purity": data["animacy_purity"],
        "novel_word": {"word": novel.word, "nearest": [w for w, _ in novel.nearest[:5]],
                       "joins": list(novel.siblings)},
    }
    lines = [
        "",
        "Predictions against the paper's measures (frozen weights, the training sentences):",
        f"  RMS error against the actual next word:       {fit.rms_next_word:.3f} "
        "(paper 0.88; all-zero outputs 1.0)",
        f"  RMS error against next-word probabilities:    {fit.rms_vs_likelihood:.3f} "
        "(paper 0.053)",
        f"  mean cosine with next-word probabilities:     {fit.cosine_vs_likelihood:.3f} "
        "(paper 0.916)",
        "",
        "Mean hidden vector per word, clustered (Fig. 7; units standardised, cosine distance, "
        "average linkage):",
        *("  " + line for line in data["dendrogram"].text(sentences.WORD_CLASS.get)),
        f"Top split verbs | nouns: {100 * data['noun_verb_purity']:.0f} % pure; within the "
        f"nouns animate | inanimate: {100 * data['animacy_purity']:.0f} % pure",
        "",
        f"Fig. 8: \"{novel.word}\" in place of \"man\" in {NOVEL_SENTENCES:,} new sentences, no "
        "learning:",
        "  nearest words: " + ", ".join(f"{w} ({d:.2f})" for w, d in novel.nearest[:5]),
        f"  it joins the branch of: {', '.join(novel.siblings)}",
    ]
    return fields, lines


# One builder per kind of extra measures (elman_core.tasks.base.PAPER_EXTRA_KINDS).
_EXTRAS = {"word-boundaries": _words, "word-classes": _sentences}
