"""The figure data of elman_core.analysis.hidden_states and elman_core.analysis.clustering on small
known cases."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from elman_core.analysis import clustering, hidden_states, likelihood_fit, token_clusters
from elman_core.analysis.figures import step_rms
from elman_core.live.error_measure import unit_rms
from elman_core.model.network import ElmanNetwork
from elman_core.tasks import base


def tiny_sequence(symbols: list[str]) -> base.Sequence:
    alphabet = sorted(set(symbols))
    codes = np.array([alphabet.index(s) for s in symbols])
    return base.prediction_sequence(base.one_hot(codes, len(alphabet)), symbols,
                                    np.zeros(len(symbols) - 1, dtype=np.int64))


def test_frozen_pass_does_not_learn_and_means_average_by_input_word():
    seq = tiny_sequence("a b a c b a".split())
    net = ElmanNetwork(3, 4, 3, seed=1, context_init=0.5)
    before = net.W_hh.copy()
    run = hidden_states.frozen_pass(net, seq)
    np.testing.assert_array_equal(net.W_hh, before)
    np.testing.assert_array_equal(net.context, np.full(4, 0.5))  # not even the context moved
    means = hidden_states.mean_hidden_by_word(net, seq)
    assert list(means) == ["a", "b", "c"]  # order of first appearance (the last "a" is no input)
    np.testing.assert_allclose(means["a"], run.hidden[[0, 2]].mean(axis=0), rtol=0, atol=0)
    np.testing.assert_allclose(means["b"], run.hidden[[1, 4]].mean(axis=0), rtol=0, atol=0)
    assert list(hidden_states.mean_hidden_by_word(net, seq, ["c", "zz", "a"])) == ["c", "a"]


def test_fit_figures_match_the_papers_definitions_on_both_scales():
    targets = np.eye(4)[[0, 1, 2]]
    zero = likelihood_fit.fit_figures(np.zeros((3, 4)), targets, targets)
    assert zero.rms_next_word == pytest.approx(1.0)  # the paper's reference point
    assert zero.rms_next_word_per_unit == pytest.approx(0.5)  # ÷ √4 units
    likelihood = np.array([[0.5, 0.5, 0, 0]] * 3)
    perfect = likelihood_fit.fit_figures(likelihood, targets, likelihood)
    assert perfect.rms_vs_likelihood == 0.0 and perfect.cosine_vs_likelihood == pytest.approx(1)
    assert perfect.rms_next_word == pytest.approx(np.sqrt(np.mean([0.5, 0.5, 1.5])))
    half = likelihood_fit.fit_figures(np.array([[1.0, 0, 0, 0]] * 3), targets, likelihood)
    assert half.cosine_vs_likelihood == pytest.approx(np.sqrt(0.5))
    assert half.rms_vs_likelihood == pytest.approx(np.sqrt(0.5))
    assert half.rms_vs_likelihood_per_unit == pytest.approx(np.sqrt(0.5) / 2)


def test_bigram_predictions_are_the_next_word_frequencies_after_each_word():
    stream = [0, 1, 0, 2, 0, 1, 2]  # after 0: 1, 2, 1; after 1: 0, 2; after 2: 0
    inputs, targets = np.eye(3)[stream[:-1]], np.eye(3)[stream[1:]]
    rows = likelihood_fit.bigram_predictions(inputs, targets)
    np.testing.assert_allclose(rows[0], [0, 2 / 3, 1 / 3])
    np.testing.assert_allclose(rows[1], [0.5, 0, 0.5])
    np.testing.assert_allclose(rows[3], [1, 0, 0])
    fit = likelihood_fit.likelihood_fit(rows, inputs, targets, rows)
    assert fit.ideal.cosine_vs_likelihood == pytest.approx(1.0)
    assert fit.bigram == fit.network  # the network here outputs the bigram's rows


def test_token_clusters_sample_boy_and_girl_by_role_over_other_sentences():
    corpus = [("boy", "eat", "bread"), ("dragon", "eat", "girl"), ("boy", "see", "book"),
              ("boy", "eat", "bread"), ("girl", "sleep"), ("man", "chase", "boy"),
              ("boy", "eat", "cookie"), ("girl", "chase", "boy")]
    tokens = token_clusters.sample_tokens(corpus, per_group=2)
    found = [(t.word, t.role, t.label, t.step) for t in tokens]
    # The repeated "boy eat bread" is taken once; subjects round-robin over the verbs (eat,
    # see), so the second boy subject is "boy see book", not "boy eat cookie".
    assert found == [
        ("boy", "subject", "BOY eat bread", 0), ("boy", "subject", "BOY see book", 6),
        ("girl", "subject", "GIRL sleep", 12), ("girl", "subject", "GIRL chase boy", 20),
        ("boy", "object", "man chase BOY", 16), ("boy", "object", "girl chase BOY", 22),
        ("girl", "object", "dragon eat GIRL", 5)]
    hidden = np.zeros((23, 2))
    for t in tokens:  # subjects near (0, 0), objects near (10, 0); boy a little off girl
        hidden[t.step] = [10.0 * (t.role == "object"), 0.5 * (t.word == "boy") + 0.01 * t.step]
    result = token_clusters.token_clusters(hidden, corpus, per_group=2)
    assert result.role_purity == 1.0 and result.nearest_same_role == 1.0
    assert result.word_purity == pytest.approx(4 / 7)  # boy | girl is not the top split
    assert result.nearest_same_word_and_role == pytest.approx(6 / 7)  # "dragon eat GIRL" alone
    assert result.as_dict()["per_group"] == {"boy (subject)": 2, "girl (subject)": 2,
                                             "boy (object)": 2, "girl (object)": 1}
    assert token_clusters.token_clusters(hidden, corpus[2:5], per_group=2) is None  # no object


def test_cycle_errors_average_squared_errors_per_position():
    errors = np.array([1.0, 0.0, 3.0, 3.0, 0.0, 1.0, 9.0])  # the 7th step is no whole cycle
    np.testing.assert_allclose(hidden_states.cycle_errors(errors, window=3),
                               np.sqrt([5.0, 0.0, 5.0]))
    np.testing.assert_allclose(hidden_states.cycle_errors(errors, window=3, offset=1),
                               np.sqrt([(0 + 0) / 2, (9 + 1) / 2, (9 + 81) / 2]))
    with pytest.raises(ValueError):
        hidden_states.cycle_errors(errors[:2], window=3)


def test_error_strips_for_figs_4_5_and_6():
    strip = hidden_states.error_strip(np.arange(10.0), list("abcdefghij"), start=2, count=3,
                                 marks=np.arange(10) % 2 == 0)
    np.testing.assert_array_equal(strip.errors, [2, 3, 4])
    assert strip.labels == ("c", "d", "e") and strip.marks.tolist() == [True, False, True]
    outputs = np.array([[0.9, 0, 0, 0.2], [0.1, 0, 0, 0.7]])
    targets = np.array([[1.0, 0, 0, 0], [0, 0, 0, 1.0]])
    np.testing.assert_allclose(hidden_states.feature_error_strip(outputs, targets),
                               [[0.1, 0.1], [0.2, 0.3]])
    np.testing.assert_allclose(hidden_states.step_rms_errors(outputs, targets),
                               np.sqrt([(0.01 + 0.04) / 4, (0.01 + 0.09) / 4]))


def test_clustering_splits_purity_and_text():
    labels = ["a1", "a2", "b1", "b2", "c"]
    vectors = np.array([[0, 0, 1.0], [0, 0.1, 1], [5, 5, 0], [5, 5.2, 0], [5, 4.5, 0.3]])
    tree = clustering.cluster(labels, vectors, method="average", metric="euclidean",
                              standardised=False)
    assert sorted(map(sorted, tree.top_split())) == [["a1", "a2"], ["b1", "b2", "c"]]
    assert clustering.split_purity(tree.top_split(), lambda w: w.startswith("a")) == 1.0
    assert clustering.split_purity((["a1", "b1"], ["a2", "b2"]), lambda w: "a" in w) == 0.5
    node = tree.smallest_cluster_with(["b1", "c"])
    assert sorted(tree.members(node)) == ["b1", "b2", "c"]
    text = tree.text(lambda w: w[0].upper())
    assert len(text) == 5 and all(any(f" {w}  {w[0].upper()}" in line for line in text)
                                  for w in labels)
    assert text[0].startswith("┬") and text[-1].lstrip("│ ").startswith("└")
    # scipy's drawing data: one ⊓ per merge, leaves at 5, 15, 25...
    assert tree.icoord.shape == (4, 4) and sorted(tree.leaves) == list(range(5))
    # Within {b1, b2, c} the split is {b1, b2} | {c}: perfect for "a b-word", 2 of 3 for "b1".
    purity = hidden_states.top_split_purity(tree, lambda w: w.startswith("b"), within=["b1", "c"])
    assert purity == 1
    assert hidden_states.top_split_purity(tree, lambda w: w == "b1", within=["b1", "c"]) \
        == pytest.approx(2 / 3)


def test_standardise_makes_every_unit_count_the_same():
    vectors = np.array([[0.0, 100.0, 7.0], [1.0, 300.0, 7.0]])
    np.testing.assert_allclose(clustering.standardise(vectors), [[-1, -1, 0], [1, 1, 0]])


def test_pca_projection_keeps_its_orientation():
    rng = np.random.default_rng(0)
    states = rng.normal(size=(300, 6)) * [5, 2, 1, 0.5, 0.2, 0.1] @ \
        np.linalg.qr(rng.normal(size=(6, 6)))[0]
    first = hidden_states.pca_projection(states)
    assert first.coordinates.shape == (300, 2)
    assert first.explained[0] > first.explained[1] > 0
    np.testing.assert_allclose(np.linalg.norm(first.components, axis=1), 1.0)
    # Without a previous basis the sign is fixed by the largest loading: a mirrored copy of the
    # data (the same cloud) gives the same components.
    again = hidden_states.pca_projection(states[::-1])
    np.testing.assert_allclose(again.components, first.components, atol=1e-12)
    # With a previous basis, a slightly changed cloud keeps the orientation of the last picture,
    # even where the first rule alone would flip it.
    flipped = hidden_states.Projection(first.coordinates, -first.components, first.mean,
                                  first.explained)
    follow = hidden_states.pca_projection(states + rng.normal(scale=0.01, size=states.shape),
                                     previous=flipped)
    assert np.all(np.sum(follow.components * flipped.components, axis=1) > 0.99)
    # Two axes of equal variance that swap order are swapped back.
    swapped = hidden_states.Projection(first.coordinates, first.components[::-1], first.mean,
                                  first.explained)
    follow = hidden_states.pca_projection(states, previous=swapped)
    np.testing.assert_allclose(follow.components, swapped.components, atol=1e-12)


def test_pca_projection_finds_the_largest_principal_axes():
    """The first two axes are the SVD's first two right singular vectors (up to sign) and the
    explained fractions its squared singular values over their sum: the largest, not the
    smallest, of the scatter matrix's eigenvalues."""
    rng = np.random.default_rng(3)
    states = rng.normal(size=(400, 8)) * [4, 3, 1, 0.8, 0.5, 0.3, 0.2, 0.1] @ \
        np.linalg.qr(rng.normal(size=(8, 8)))[0]
    projection = hidden_states.pca_projection(states)
    centred = states - states.mean(axis=0)
    _, singular, vt = np.linalg.svd(centred, full_matrices=False)
    np.testing.assert_allclose(np.abs(projection.components @ vt[:2].T), np.eye(2), atol=1e-9)
    np.testing.assert_allclose(projection.explained, singular[:2] ** 2 / np.sum(singular**2),
                               rtol=1e-9)
    np.testing.assert_allclose(projection.coordinates, centred @ projection.components.T)
    # Fewer states than units: as many axes as the states span.
    assert hidden_states.pca_projection(states[:2]).components.shape == (2, 8)


def test_place_novel_word_ranks_every_word_and_the_replaced_one_by_each_method():
    means = {"man": np.array([1.0, 0.0]), "cat": np.array([0.0, 1.0]),
             "rock": np.array([5.0, 5.0])}
    zog = np.array([0.2, 0.9])  # nearest cat, then man, far from rock
    result = hidden_states.place_novel_word(zog, means, clustering.PAPER)
    assert [w for w, _ in result.nearest] == ["cat", "man", "rock"]
    assert result.replaced_rank == 2
    assert result.replaced_distance == pytest.approx(np.hypot(0.8, 0.9))
    assert result.siblings == ("cat",) and result.method is clustering.PAPER
    # By the standardised method the distances are cosine ones in standardised units.
    other = hidden_states.place_novel_word(zog, means, clustering.STANDARDISED)
    space = clustering.standardise(np.array([*means.values(), zog]))
    cosine = 1 - space[1] @ space[3] / np.linalg.norm(space[1]) / np.linalg.norm(space[3])
    assert dict(other.nearest)["cat"] == pytest.approx(cosine)


@pytest.mark.parametrize("n_output", [31, 1])
def test_step_and_unit_rms_are_nanmeans_however_the_nans_fall(n_output):
    """The error bars' and paper figures' fast means give nanmean's numbers: with rows of NaN
    (steps with no target, or not trained yet) and with a row NaN in some units only."""
    errors = np.random.default_rng(3).random((500, n_output)) ** 2
    errors[::7] = np.nan
    errors[400:] = np.nan  # an epoch trained up to step 400
    for partial in (False, True):
        if partial:
            errors[5, 0] = np.nan  # (31 units) a row with a target in some units only
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # nanmean of a row of NaNs
            per_step = np.sqrt(np.nanmean(errors, axis=1))
            per_unit = np.nanmean(np.sqrt(errors), axis=0)
        np.testing.assert_allclose(step_rms(errors), per_step, rtol=1e-15, atol=0)
        np.testing.assert_allclose(unit_rms(errors), per_unit, rtol=1e-15, atol=0)
    assert np.isnan(step_rms(np.full((4, n_output), np.nan))).all()
    assert np.isnan(unit_rms(np.full((4, n_output), np.nan))).all()
