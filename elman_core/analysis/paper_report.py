"""The paper's figures after a headless run: extra JSON fields and console lines per task.

``figures(session)`` returns ``(fields, lines)``: what ``main.py train --json`` adds to its
document and what the console report prints after the task's usual report. Tasks without a
paper figure here give nothing.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from elman_core.analysis import hidden_states, sentence_figures
from elman_core.tasks import words

if TYPE_CHECKING:  # a session is analysed here, never trained: training sits above
    from elman_core.training.session import TrainingSession


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
                                  "within_error": result.within_error,
                                  "ratio": result.ratio}}
    lines = [
        "",
        "Word boundaries (Fig. 6), frozen weights, new sentences: mean RMS error",
        f"  at the first letter of a word: {result.onset_error:.4f}",
        f"  at every other letter:         {result.within_error:.4f}",
        f"  ratio: {result.ratio:.2f} (the error marks where words begin)",
    ]
    return fields, lines


def _sentences(session: TrainingSession) -> tuple[dict, list[str]]:
    data = sentence_figures.sentence_analysis(session)
    paper_tree, paper_novel = data.trees[0], data.novel[0]
    fit = data.fit
    fields = {
        "mean_hidden_by_word": {w: v.tolist() for w, v in data.means.items()},
        **fit.network.as_dict(),
        "ideal": fit.ideal.as_dict(),
        "bigram": fit.bigram.as_dict(),
        # Fig. 7 and 8 by the paper's method at the top level; every method in "clustering".
        "noun_verb_split_purity": paper_tree.noun_verb_purity,
        "animacy_split_purity": paper_tree.animacy_purity,
        "novel_word": sentence_figures.novel_dict(paper_novel),
        "clustering": {tree.method.key: {**tree.as_dict(),
                                         "novel_word": sentence_figures.novel_dict(novel)}
                       for tree, novel in zip(data.trees, data.novel, strict=True)},
        "token_clusters": data.tokens.as_dict() if data.tokens is not None else None,
    }
    lines = [
        "",
        "Predictions against the paper's measures (frozen weights, the training sentences; the "
        "likelihoods are the grammar's exact next-word probabilities given the sentence so far; "
        "ideal = a predictor that outputs them, bigram = next-word frequencies after each word):",
        *sentence_figures.fit_lines(fit),
    ]
    for tree, novel in zip(data.trees, data.novel, strict=True):
        lines += [
            "",
            f"Fig. 7, mean hidden vector per word clustered by {tree.method.name}"
            + (" (the paper's method):" if tree is paper_tree else ":"),
            *("  " + line for line in tree.dendrogram.text(session.task.class_of.get)),
            f"Top split verbs | nouns: {100 * tree.noun_verb_purity:.0f} % pure; within the "
            f"nouns animate | inanimate: {100 * tree.animacy_purity:.0f} % pure",
            f"Fig. 8: \"{novel.word}\" in place of \"man\" in "
            f"{sentence_figures.NOVEL_SENTENCES:,} new sentences, no learning, "
            f"{tree.method.name}:",
            f"  {sentence_figures.novel_line(novel)}",
            f"  it joins the branch of: {', '.join(novel.siblings)}",
        ]
    tokens = data.tokens
    if tokens is None:
        return fields, [*lines, "", "Fig. 9: too few sentences for tokens of boy and girl as "
                        "subject and as object."]
    lines += [
        "",
        f"Fig. 9: {len(tokens.tokens)} tokens of boy and girl as subject and object, each from "
        f"another sentence, clustered by {tokens.method.name}:",
        f"  top split subject | object {100 * tokens.role_purity:.0f} % pure, boy | girl "
        f"{100 * tokens.word_purity:.0f} % pure; nearest other "
        f"token in the same role {100 * tokens.nearest_same_role:.0f} %, the same word in the "
        f"same role {100 * tokens.nearest_same_word_and_role:.0f} %",
    ]
    return fields, lines


# One builder per kind of extra measures (elman_core.tasks.base.PAPER_EXTRA_KINDS).
_EXTRAS = {"word-boundaries": _words, "word-classes": _sentences}
