"""Elman (1990) experiments 3 and 4 with the tasks' defaults: Figs. 6, 7 and 8 are reproduced."""

from __future__ import annotations

import numpy as np
import pytest

from elman_core import tasks
from elman_core.analysis import hidden_states, sentence_figures
from elman_core.tasks import sentences, words
from elman_core.training.session import TrainingSession, settings_for

# The first test to use trained_sentence_networks trains three 40-pass networks (about a minute
# on two quiet cores, several on busy ones): more than pytest-timeout's default 300 s allows.
LONG = pytest.mark.timeout(1200)


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
    # One continuous stream, as the paper's; the grammar is said to be the project's own.
    assert defaults.reset_context_each_epoch is False
    assert "this project's own" in task.description


@pytest.mark.slow
def test_words_defaults_make_word_onsets_obvious():
    task = tasks.get("words")
    session = TrainingSession(task)
    session.train()
    settings = session.settings
    sequence = task.evaluation_sequence(settings.sequence_length, settings.seed)
    result = hidden_states.word_boundary_errors(session.network, sequence,
                                           words.onset_steps(sequence))
    assert result.ratio >= 1.5, result  # measured: 2.87
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
        31, 150, 40, 0.5)


def test_next_word_probabilities_are_the_grammars_exactly():
    p = dict(zip(sentences.UNITS, sentences.next_word_probabilities(("man",)), strict=True))
    # 7 templates begin with a human; "see" is a percept verb (1/7 · 1/2) and a transitive one
    # (1/7 · 1/3), "break" a destroy verb (1/7 · 1/2) and an agent-patient one (2/7 · 1/2).
    assert p["eat"] == pytest.approx(1 / 7) and p["see"] == pytest.approx(1 / 14 + 1 / 21)
    assert p["break"] == pytest.approx(3 / 14) and p["man"] == 0
    assert sum(p.values()) == pytest.approx(1)
    # "see" is one of 2 percept verbs and one of 3 transitive ones: after "man see" the
    # percept template is (1/2) / (1/2 + 1/3) = 60 % likely, an inanimate object 60 % / 3.
    after_see = dict(zip(sentences.UNITS, sentences.next_word_probabilities(("man", "see")),
                         strict=True))
    assert after_see["book"] == pytest.approx(0.2) and after_see["girl"] == pytest.approx(0.1)
    # "man move" may be over (HUM AGPAT): then any first word may follow, else an inanimate.
    after = sentences.next_word_probabilities(("man", "move"))
    first = sentences.next_word_probabilities(("man", "sleep"))  # always over
    assert after[sentences.UNITS.index("book")] == pytest.approx(0.5 / 3 + 0.5 * first[
        sentences.UNITS.index("book")])
    # Counted over a large corpus, the frequencies after each sentence-so-far converge to them.
    corpus = sentences.sentences(10_000, 5)
    exact = sentences.likelihood_rows(corpus)
    stream = sentences.sequence_of(corpus)
    prefixes = [tuple(s[:k + 1]) for s in corpus for k in range(len(s))][:-1]
    for prefix in (("man",), ("dragon", "eat"), ("cat", "move"), ("boy", "see")):
        rows = [t for t, p in enumerate(prefixes) if p == prefix]
        counted, p = stream.targets[rows].mean(axis=0), exact[rows[0]]
        # Within 4 standard errors of a frequency over len(rows) draws (and 0 where p is 0).
        assert np.all(np.abs(counted - p) <= 4 * np.sqrt(p * (1 - p) / len(rows))), prefix
    assert exact.shape == stream.targets.shape and np.allclose(exact.sum(axis=1), 1)


@pytest.fixture(scope="module")
def trained_sentence_networks():
    task = tasks.get("sentences")
    results = []
    for seed in (1, 2, 3):
        session = TrainingSession(task, settings_for(task, seed=seed))
        session.train()
        results.append(sentence_figures.sentence_analysis(session))
    return results


@pytest.mark.slow
@LONG
def test_fig7_by_the_standardised_method_over_three_seeds(trained_sentence_networks):
    for data in trained_sentence_networks:
        tree = data.trees[1]
        dendrogram = tree.dendrogram
        top = dendrogram.top_split()
        assert {tuple(sorted(map(sentences.is_noun, branch))) for branch in top} == {
            (False,) * 11, (True,) * 18}, dendrogram.text()
        assert tree.noun_verb_purity == 1.0
        noun_branch = next(b for b in top if sentences.is_noun(b[0]))
        halves = dendrogram.top_split(dendrogram.smallest_cluster_with(noun_branch))
        kinds = {tuple(sorted(set(map(sentences.is_animate, b)))) for b in halves}
        assert kinds == {(True,), (False,)}, dendrogram.text()
        assert tree.animacy_purity == 1.0


@pytest.mark.slow
@LONG
def test_fig7_by_the_papers_method_over_three_seeds(trained_sentence_networks):
    """Euclidean distance, average linkage, raw means: in these three seeds one outlying word
    splits off first or the nouns mix, and the animate | inanimate split is never clean
    (measured at 40 passes: verbs | nouns 1.0 / 0.69 / 0.55, animate | inanimate 0.72 / 0.67 /
    0.52; over 14 seeds both splits held in 6): the trade-off docs/science.md describes.
    Should a change make it clean here, this test says so, and the docs must change with it."""
    for data in trained_sentence_networks:
        tree = data.trees[0]
        assert tree.method.key == "paper" and tree.method.metric == "euclidean"
        assert not tree.method.standardised
        assert 0.5 <= tree.noun_verb_purity <= 1.0, tree.dendrogram.text()
        assert 0.5 <= tree.animacy_purity < 0.8, tree.dendrogram.text()


@pytest.mark.slow
@LONG
def test_zog_lands_among_the_animate_nouns_where_man_was(trained_sentence_networks):
    """By both methods zog's branch holds animate nouns only and its nearest word is one;
    "man" ranks 2, 5, 1 among its neighbours by the paper's method, 1, 2, 7 by the other."""
    for data in trained_sentence_networks:
        for novel, worst_rank in zip(data.novel, (6, 10), strict=True):
            assert novel.siblings and all(map(sentences.is_animate, novel.siblings)), \
                novel.siblings
            assert sentences.is_animate(novel.nearest[0][0]), novel.nearest[:3]
            assert novel.replaced_rank <= worst_rank, novel.nearest[:10]
            assert novel.replaced_distance == dict(novel.nearest)["man"] > 0
            distances = [d for _, d in novel.nearest]
            assert distances == sorted(distances) and len(distances) == 29


@pytest.mark.slow
@LONG
def test_fig9_tokens_group_by_word_and_role(trained_sentence_networks):
    """Ten tokens each of boy and girl as subject and as object: a token's nearest other token
    is the same word in the same role for 87.5 / 95 / 95 % (chance about 25 %); the top split
    is subject | object more or less (purity 0.525 / 0.8 / 0.875), the words never (0.525 /
    0.6 / 0.575)."""
    for data in trained_sentence_networks:
        tokens = data.tokens
        assert len(tokens.tokens) == 40 and tokens.method.key == "paper"
        assert tokens.nearest_same_word_and_role >= 0.85, tokens.as_dict()
        assert tokens.nearest_same_role >= tokens.nearest_same_word_and_role
        assert 0.5 <= tokens.role_purity <= 0.95, tokens.as_dict()
        assert 0.5 <= tokens.word_purity <= 0.7, tokens.as_dict()


@pytest.mark.slow
@LONG
def test_sentence_predictions_are_better_than_silence(trained_sentence_networks):
    for data in trained_sentence_networks:
        fit, ideal, bigram = data.fit.network, data.fit.ideal, data.fit.bigram
        # All-zero outputs would score 1.0 against the next word; the paper reached 0.88, but
        # no predictor of this grammar can score below the ideal's 0.893.
        assert 0.890 < ideal.rms_next_word < 0.897 and ideal.cosine_vs_likelihood == 1.0
        assert ideal.rms_next_word < fit.rms_next_word < 0.91, fit  # measured 0.899-0.902
        # Against the exact likelihoods, after the default 40 passes: cosine 0.931-0.944 (paper
        # 0.916), per output unit 0.026-0.028 (paper 0.053), well past a perfect bigram model
        # (cosine 0.849-0.852; 6 passes leave the network about there).
        assert 0.916 < fit.cosine_vs_likelihood < 0.96, fit
        assert 0.023 < fit.rms_vs_likelihood_per_unit < 0.031, fit
        assert fit.cosine_vs_likelihood > bigram.cosine_vs_likelihood + 0.05, bigram
