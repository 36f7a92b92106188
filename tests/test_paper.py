"""Elman (1990) experiments 3 and 4 with the tasks' defaults: Figs. 6, 7 and 8 are reproduced."""

from __future__ import annotations

import numpy as np
import pytest

from elman_core import tasks
from elman_core.analysis import hidden_states, paper_report
from elman_core.tasks import sentences, words
from elman_core.training.session import TrainingSession, settings_for


# ------------------------------------------------------------------------- the words task
def test_words_stream_is_the_papers():
    corpus = words.sentences(200, 42)
    assert len(corpus) == 200
    assert all(4 <= len(s) <= 9 for s in corpus)
    assert {w for s in corpus for w in s} == set(words.LEXICON) and len(words.LEXICON) == 15
    letters, onsets = words.letter_stream(corpus)
    n_words = sum(map(len, corpus))
    assert 1_150 <= n_words <= 1_400 and 4_400 <= len(letters) <= 5_300  # paper 1,270 / 4,963
    assert letters.startswith("".join(corpus[0])) and onsets.sum() == n_words
    # 5-bit codes: the position in the alphabet in binary.
    np.testing.assert_array_equal(words.letter_code("a"), [0, 0, 0, 0, 1])
    np.testing.assert_array_equal(words.letter_code("y"), [1, 1, 0, 0, 1])
    task = tasks.get("words")
    seq = task.make_sequence(200, 42)
    assert len(seq) == len(letters) - 1 and not seq.resets[1:].any()
    # Row t predicts letter t+1; it is an onset exactly when that letter starts a word.
    np.testing.assert_array_equal(words.onset_steps(seq), onsets[1:])
    assert seq.target_symbols[: len(corpus[0][0]) - 1] == tuple(corpus[0][0][1:])
    defaults = task.defaults
    assert (task.n_input, defaults.n_hidden, task.n_output) == (5, 20, 5)
    assert (defaults.context_init, defaults.epochs) == (0.5, 10)


@pytest.mark.slow
def test_words_defaults_make_word_onsets_obvious():
    task = tasks.get("words")
    session = TrainingSession(task)
    session.train()
    settings = session.settings
    sequence = task.evaluation_sequence(settings.sequence_length, settings.seed)
    result = hidden_states.word_boundary_errors(session.network, sequence,
                                           words.onset_steps(sequence))
    assert result.ratio >= 1.5, result  # measured: 2.75
    # Not a network that is simply bad everywhere: inside words it predicts well.
    assert result.within_error < 0.2


# --------------------------------------------------------------------- the sentences task
def test_sentences_lexicon_and_templates_are_the_papers():
    assert sentences.LEXICON == tuple(
        "man woman boy girl cat mouse dog lion dragon monster book rock car glass plate cookie "
        "bread sandwich think sleep exist see chase like move break smash smell eat".split())
    assert len(sentences.TEMPLATES) == 16 and len(sentences.UNITS) == 31
    assert sentences.UNITS[29] == "zog"
    corpus = sentences.sentences(10_000, 42)
    n_words = sum(map(len, corpus))
    assert 27_000 <= n_words <= 28_000  # paper: about 27,500
    for sentence in corpus[:500]:
        assert any(len(t) == len(sentence) and all(w in sentences.CATEGORIES[c]
                   for w, c in zip(sentence, t, strict=True)) for t in sentences.TEMPLATES)
    task = tasks.get("sentences")
    seq = task.make_sequence(100, 1)
    stream = [w for s in task.sentences(100, 1) for w in s]
    assert seq.input_symbols == tuple(stream[:-1]) and seq.target_symbols == tuple(stream[1:])
    assert np.all(seq.inputs.sum(axis=1) == 1) and not seq.inputs[:, 29:].any()
    assert task.category_names[seq.categories[0]] == sentences.WORD_CLASS[stream[1]]
    defaults = task.defaults
    assert (task.n_input, defaults.n_hidden, defaults.epochs, defaults.context_init) == (
        31, 150, 6, 0.5)


@pytest.fixture(scope="module")
def trained_sentence_networks():
    task = tasks.get("sentences")
    results = []
    for seed in (1, 2, 3):
        session = TrainingSession(task, settings_for(task, seed=seed))
        session.train()
        results.append(paper_report.sentence_analysis(session))
    return results


@pytest.mark.slow
def test_sentences_reproduce_fig7_over_three_seeds(trained_sentence_networks):
    for data in trained_sentence_networks:
        dendrogram = data["dendrogram"]
        top = dendrogram.top_split()
        assert {tuple(sorted(map(sentences.is_noun, branch))) for branch in top} == {
            (False,) * 11, (True,) * 18}, dendrogram.text()
        assert data["noun_verb_purity"] == 1.0
        noun_branch = next(b for b in top if sentences.is_noun(b[0]))
        halves = dendrogram.top_split(dendrogram.smallest_cluster_with(noun_branch))
        kinds = {tuple(sorted(set(map(sentences.is_animate, b)))) for b in halves}
        assert kinds == {(True,), (False,)}, dendrogram.text()
        assert data["animacy_purity"] == 1.0


@pytest.mark.slow
def test_zog_lands_among_the_animate_nouns(trained_sentence_networks):
    for data in trained_sentence_networks:
        novel = data["novel"]
        assert novel.siblings and all(map(sentences.is_animate, novel.siblings)), novel.siblings
        assert sentences.is_animate(novel.nearest[0][0]), novel.nearest[:3]


@pytest.mark.slow
def test_sentence_predictions_are_better_than_silence(trained_sentence_networks):
    for data in trained_sentence_networks:
        fit = data["fit"]
        # All-zero outputs would score 1.0 against the next word; the paper reached 0.88.
        assert 0.8 < fit.rms_next_word < 0.97, fit
        assert fit.rms_vs_likelihood < 0.35 and fit.cosine_vs_likelihood > 0.7, fit
