"""The headless runner's paper figures (words, sentences) and its model options."""

from __future__ import annotations

import json

import numpy as np
import pytest

from elman_core.files.persistence import load_network
from elman_core.model.network import ElmanNetwork
from elman_core.tasks import sentences
from tests.support.cli import run_cli


@pytest.mark.slow
def test_words_json_has_the_word_boundaries(tmp_path):
    path = tmp_path / "words.json"
    status, out, err = run_cli("--task", "words", "--json", str(path), "--quiet")
    assert status == 0, err
    boundaries = json.loads(path.read_text())["word_boundaries"]
    assert set(boundaries) == {"onset_error", "within_error", "ratio"}
    assert 0 < boundaries["within_error"] and boundaries["onset_error"] >= 1.5 * boundaries[
        "within_error"]
    assert boundaries["ratio"] == boundaries["onset_error"] / boundaries["within_error"]
    assert "Word boundaries (Fig. 6)" in out and "ratio:" in out


@pytest.mark.slow
def test_sentences_json_and_report_have_the_papers_figures(tmp_path):
    path = tmp_path / "sentences.json"
    status, out, err = run_cli("--task", "sentences", "--length", "3000", "--epochs", "3",
                               "--json", str(path), "--quiet")
    assert status == 0, err
    document = json.loads(path.read_text())
    means = document["mean_hidden_by_word"]
    assert list(means) == list(sentences.LEXICON)
    assert all(len(v) == 150 and all(0 < x < 1 for x in v) for v in means.values())
    rms, rms_p, cosine = (document[k] for k in ("rms_next_word", "rms_vs_likelihood",
                                                "cosine_vs_likelihood"))
    assert 0 < rms_p < rms < 1.0  # better than silence, closer to the probabilities
    assert 0 < cosine <= 1
    assert document["rms_vs_likelihood_per_unit"] == pytest.approx(rms_p / np.sqrt(31))
    # The ideal predictor fits the likelihoods exactly; the bigram model sits in between.
    ideal, bigram = document["ideal"], document["bigram"]
    assert ideal["rms_vs_likelihood"] == 0 and ideal["cosine_vs_likelihood"] == pytest.approx(1)
    assert 0.885 < ideal["rms_next_word"] < 0.90  # the least any predictor can score here
    assert 0 < bigram["rms_vs_likelihood_per_unit"] < 0.06
    # Fig. 7 and 8 by the paper's method at the top level, both methods in "clustering".
    assert set(document["clustering"]) == {"paper", "standardised"}
    assert document["clustering"]["paper"]["noun_verb_split_purity"] == document[
        "noun_verb_split_purity"]
    novel = document["novel_word"]
    assert novel["word"] == "zog" and novel["joins"] and novel["method"].startswith("Euclidean")
    assert 1 <= novel["replaced_rank"] <= 29 and novel["replaced_distance"] > 0
    assert len(novel["nearest"]) == 5 and novel["nearest"][0][1] <= novel["replaced_distance"]
    assert document["token_clusters"]["tokens"] == 40
    # The console report: the text dendrogram with every word and its class, and Fig. 8.
    for word in sentences.LEXICON:
        assert f" {word}  {sentences.WORD_CLASS[word]}" in out
    assert "┬─" in out and "└─" in out
    assert 'Fig. 8: "zog" in place of "man"' in out and '"man" ranks' in out
    assert "(the paper's method)" in out and "Fig. 9: 40 tokens of boy and girl" in out
    for figure in ("0.88", "0.053", "0.916"):
        assert figure in out


def test_model_options_reach_the_network(tmp_path):
    json_path, net_path = tmp_path / "x.json", tmp_path / "x.npz"
    status, _, err = run_cli(
        "--task", "xor", "--epochs", "2", "--length", "300", "--weight-scale", "0.3",
        "--rule", "bptt", "--window", "3", "--hidden-activation", "tanh",
        "--output-activation", "linear", "--forget-context", "--json", str(json_path),
        "--save", str(net_path), "--quiet")
    assert status == 0, err
    config = json.loads(json_path.read_text())["config"]
    assert (config["weight_scale"], config["rule"], config["bptt_window"]) == (0.3, "bptt", 3)
    assert (config["hidden_activation"], config["output_activation"]) == ("tanh", "linear")
    assert config["forget_context"] is True
    trained, _ = load_network(net_path)
    fresh = ElmanNetwork(1, 4, 1, seed=config["seed"], weight_scale=0.3)
    # A network that never sees a context never changes its context weights; the rest learns.
    np.testing.assert_array_equal(trained.W_hh, fresh.W_hh)
    assert np.max(np.abs(trained.W_ho - fresh.W_ho)) > 1e-3
    assert trained.forget_context


def test_window_zero_means_the_whole_segment(tmp_path):
    path = tmp_path / "x.json"
    status, _, err = run_cli("--task", "xor", "--epochs", "1", "--rule", "bptt", "--window", "0",
                             "--lr", "0.01", "--json", str(path), "--quiet")
    assert status == 0, err
    assert json.loads(path.read_text())["config"]["bptt_window"] is None


@pytest.mark.parametrize(("argv", "fragment"), [
    (["--weight-scale", "-1"], "--weight-scale"),
    (["--weight-scale", "nan"], "--weight-scale"),
    (["--window", "-2"], "--window"),
    (["--rule", "hebb"], "--rule"),
    (["--hidden-activation", "relu"], "--hidden-activation"),
    (["--output-activation", "tanh"], "--output-activation"),
])
def test_bad_model_options_give_one_line_and_status_2(argv, fragment):
    status, out, err = run_cli(*argv)
    assert status == 2 and out == ""
    assert err.startswith("error:") and fragment in err and err.count("\n") == 1


def test_seeds_give_every_figure_as_mean_sd_and_range(tmp_path):
    path = tmp_path / "seeds.json"
    status, out, err = run_cli("--task", "words", "--length", "40", "--epochs", "2",
                               "--seeds", "3", "--seed", "7", "--json", str(path))
    assert status == 0, err
    document = json.loads(path.read_text())
    assert document["seeds"] == [7, 8, 9] and len(document["runs"]) == 3
    ratio = document["figures"]["word_boundaries.ratio"]
    values = [run["word_boundaries"]["ratio"] for run in document["runs"]]
    assert ratio["values"] == values and len(set(values)) == 3  # three different networks
    assert ratio["mean"] == pytest.approx(np.mean(values))
    assert ratio["sd"] == pytest.approx(np.std(values, ddof=1))
    assert (ratio["min"], ratio["max"]) == (min(values), max(values))
    assert "Every figure over 3 seeds (seeds 7–9): mean ± sd [min, max]" in out
    assert "word_boundaries.ratio" in out and "final_loss" in document["figures"]
    # Each run is exactly the single run with that seed.
    single = tmp_path / "single.json"
    assert run_cli("--task", "words", "--length", "40", "--epochs", "2", "--seed", "8",
                   "--json", str(single), "--quiet")[0] == 0
    assert json.loads(single.read_text())["word_boundaries"]["ratio"] == values[1]


@pytest.mark.parametrize("seeds, message", [
    ("1", "from 2 to 100 seeds"), ("5-3", "runs backwards"), ("x", "a count (10)"),
    ("3,3", "given twice"), ("7", None), ("1-101", "at most 100"),
    ("4294967295-4294967296", "up to"),
])
def test_bad_seeds_are_refused_in_one_line(seeds, message):
    if message is None:  # a good value, refused only with --save
        status, _, err = run_cli("--task", "xor", "--seeds", seeds, "--save", "/tmp/x.npz")
        assert status == 2 and "--seeds and --save do not go together" in err
        return
    status, _, err = run_cli("--task", "xor", "--seeds", seeds)
    assert status == 2 and err.startswith(f"error: --seeds {seeds}: ") and message in err, err
