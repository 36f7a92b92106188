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
    assert set(boundaries) == {"onset_error", "within_error"}
    assert 0 < boundaries["within_error"] and boundaries["onset_error"] >= 1.5 * boundaries[
        "within_error"]
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
    assert document["novel_word"]["word"] == "zog" and document["novel_word"]["joins"]
    # The console report: the text dendrogram with every word and its class, and Fig. 8.
    for word in sentences.LEXICON:
        assert f" {word}  {sentences.WORD_CLASS[word]}" in out
    assert "┬─" in out and "└─" in out
    assert 'Fig. 8: "zog" in place of "man"' in out and "nearest words:" in out
    assert "(paper 0.88" in out and "(paper 0.053)" in out and "(paper 0.916)" in out


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
