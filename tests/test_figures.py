"""The live figures' data (elman_core.analysis.figures, live_figures, word_clusters), without Qt."""

from __future__ import annotations

import numpy as np
import pytest

from elman_core import tasks
from elman_core.analysis import figures, word_clusters
from elman_core.live.driver import TrainingDriver
from elman_core.live.live_figures import FIGURE_SECONDS, LiveFigures
from elman_core.model.settings import RunSettings
from elman_core.model.trace import ActivationHistory
from elman_core.tasks import sentences, words
from elman_core.training.session import TrainingSession


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_fig3_is_the_rms_error_at_each_of_12_positions_averaged_over_cycles():
    sequence = tasks.get("xor").make_sequence(42, seed=1)  # 41 rows: 3 cycles and a bit
    T = len(sequence)
    # Step t's squared error: ((t mod 12) + 1) / 100 squared on the only output unit, so the
    # RMS over the cycles at position k is exactly (k + 1) / 100.
    unit_errors = ((np.arange(T) % 12 + 1) / 100.0)[:, None] ** 2
    figure = figures.paper_figure(tasks.get("xor"), sequence, unit_errors, epoch=7)
    (panel,) = figure.panels
    assert panel.title == "Fig. 3" and figure.epoch == 7 and figure.complete
    np.testing.assert_allclose(panel.values[0], (np.arange(12) + 1) / 100, rtol=1e-12)
    assert panel.labels == ("2nd bit", "XOR", "1st bit") * 4
    assert np.flatnonzero(panel.marks).tolist() == [1, 4, 7, 10]
    assert "3 cycles" in panel.caption and not panel.values.flags.writeable


def test_figs_4_and_5_show_all_bits_and_bits_1_and_4_labelled_by_target_letter():
    sequence = tasks.get("letters").make_sequence(40, seed=3)
    rng = np.random.default_rng(0)
    outputs = rng.random(sequence.targets.shape)
    unit_errors = (outputs - sequence.targets) ** 2
    fig4, fig5 = figures.paper_figure(tasks.get("letters"), sequence, unit_errors, epoch=2).panels
    assert (fig4.title, fig5.title) == ("Fig. 4", "Fig. 5")
    # Twenty steps from the first consonant to predict after the first 12 steps.
    start = 12 + next(k for k, s in enumerate(sequence.target_symbols[12:]) if s in "bdg")
    assert fig4.first_step == fig5.first_step == start
    rows = slice(start, start + 20)
    rms = np.sqrt(np.mean(unit_errors[rows], axis=1))
    np.testing.assert_allclose(fig4.values[0], rms, rtol=1e-12)
    np.testing.assert_allclose(fig5.values, np.abs(outputs - sequence.targets)[rows][:, [0, 3]].T,
                               rtol=1e-12)
    assert fig4.labels == fig5.labels == sequence.target_symbols[rows]
    assert fig4.labels[0] in "bdg"
    assert fig5.series == ("bit 1 Consonantal (5a)", "bit 4 High (5b)")
    np.testing.assert_array_equal(fig4.marks, [s in "bdg" for s in fig4.labels])


def test_fig6_marks_word_onsets_and_labels_each_bar_with_its_target_letter():
    sequence = tasks.get("words").make_sequence(30, seed=5)
    unit_errors = np.full(sequence.targets.shape, 0.04)
    onsets = words.onset_steps(sequence)
    unit_errors[onsets] = 0.25  # the error at word onsets: RMS 0.5, elsewhere 0.2
    (panel,) = figures.paper_figure(tasks.get("words"), sequence, unit_errors, epoch=1).panels
    assert panel.title == "Fig. 6" and panel.style == "bars"
    start = panel.first_step  # the first word that starts after the first 12 letters
    assert start >= 12 and onsets[start] and not onsets[12:start].any()
    rows = slice(start, start + figures.WORD_LETTERS)
    np.testing.assert_array_equal(panel.marks, onsets[rows])
    np.testing.assert_allclose(panel.values[0], np.where(onsets[rows], 0.5, 0.2), rtol=1e-12)
    assert panel.labels == sequence.target_symbols[rows]
    assert "".join(panel.labels[:4]) == "".join(sequence.input_symbols[start + 1:start + 5])


@pytest.mark.filterwarnings("error")
def test_first_epoch_in_progress_and_steps_without_target_are_nan_without_warnings():
    sequence = tasks.get("end-of-sequence").make_sequence(20, seed=0)
    unit_errors = np.where(sequence.mask[:, None], 0.09, np.nan)
    unit_errors[30:] = np.nan  # not trained yet
    figure = figures.paper_figure(tasks.get("end-of-sequence"),
                                  sequence, unit_errors, 1, complete=False)
    (panel,) = figure.panels
    assert not figure.complete
    expected = np.where(sequence.mask[:30], 0.3, np.nan)
    np.testing.assert_allclose(panel.values[0], expected, rtol=1e-12)
    nothing = figures.paper_figure(tasks.get("xor"), tasks.get("xor").make_sequence(30, 1),
                                   np.full((29, 1), np.nan), 1, complete=False)
    assert np.isnan(nothing.panels[0].values).all()


def test_sentences_figure_points_to_the_dendrogram():
    sequence = sentences.sequence_of(sentences.sentences(20, 1))
    figure = figures.paper_figure(tasks.get("sentences"),
                                  sequence, np.full(sequence.targets.shape, 0.01), 1)
    assert "Dendrogram" in figure.note
    assert figure.panels[0].labels == sequence.target_symbols[:figures.SENTENCE_WORDS]


def _history(hidden, symbols, first_step=0):
    n = len(hidden)
    return ActivationHistory(hidden, hidden, np.zeros(n), np.arange(first_step, first_step + n),
                             tuple(symbols))


def test_hidden_space_orientation_follows_the_previous_projection():
    """Points along (0.6, −0.8), then along (0.8, −0.6): alone, the second projection would be
    signed by its largest loading and flip; given the first, it keeps pointing the same way."""
    rng = np.random.default_rng(2)
    t = np.linspace(-1, 1, 50)
    noise = 0.01 * rng.standard_normal((50, 2))
    first = np.outer(t, [0.6, -0.8]) + noise
    second = np.outer(t, [0.8, -0.6]) + noise
    live = LiveFigures(clock=FakeClock())
    a = live.hidden_space(tasks.get("xor"), _history(first, "01" * 25), ("0", "1"), running=False)
    b = live.hidden_space(tasks.get("xor"), _history(second, "01" * 25), ("0", "1"), running=False)
    assert live.recomputed["space"] == 2
    # The same step (t = 1, the last point) stays on the same side of PC 1.
    assert np.sign(a.coordinates[-1, 0]) == np.sign(b.coordinates[-1, 0])
    assert np.corrcoef(a.coordinates[:, 0], b.coordinates[:, 0])[0, 1] > 0.99
    alone, _ = figures.hidden_space(tasks.get("xor"),
                                    second, np.arange(50), tuple("01" * 25), ("0", "1"))
    assert np.corrcoef(a.coordinates[:, 0], alone.coordinates[:, 0])[0, 1] < -0.99  # it flips


def test_hidden_space_colours_sentences_by_word_class_and_others_by_input():
    hidden = np.random.default_rng(1).random((6, 150))
    words_in = ("man", "eat", "cookie", "dragon", "smash", "plate")
    space, _ = figures.hidden_space(tasks.get("sentences"), hidden, np.arange(6), words_in, ())
    assert space.groups == sentences.CLASS_NAMES and space.colour_by == "word class"
    assert [space.groups[g] for g in space.group_of] == [sentences.WORD_CLASS[w]
                                                         for w in words_in]
    space, _ = figures.hidden_space(tasks.get("xor"),
                                    hidden, np.arange(6), tuple("011010"), ("1", "0"))
    assert space.groups == ("1", "0") and space.group_of.tolist() == [1, 0, 0, 1, 0, 1]
    np.testing.assert_allclose(space.coordinates.mean(axis=0), 0, atol=1e-12)  # centred
    assert figures.hidden_space(tasks.get("xor"),
                                hidden[:2], np.arange(2), ("0", "1"), ("0", "1")) is None


def _session(name, **overrides):
    task = tasks.get(name)
    return TrainingSession(task, RunSettings.for_task(task, **overrides))


def test_live_paper_figure_follows_every_completed_epoch_and_throttles_only_the_first():
    session = _session("xor", sequence_length=120, epochs=50)
    clock = FakeClock()
    live = LiveFigures(clock=clock)
    first = live.paper_figure(session, running=True)
    assert not first.complete and live.recomputed["figure"] == 1
    assert live.paper_figure(session, running=True) is first  # nothing changed
    session.run(10)
    assert live.paper_figure(session, running=True) is first  # the first epoch: too soon
    clock.now += FIGURE_SECONDS
    partial = live.paper_figure(session, running=True)
    assert partial is not first and not partial.complete
    session.run(session.steps_per_epoch - 10)
    # A completed epoch at once, even while running (one truth: the caption names the same
    # epoch as the loss label and the error bars).
    second = live.paper_figure(session, running=True)
    assert second.complete and second.epoch == 1
    session.run(session.steps_per_epoch)
    third = live.paper_figure(session, running=True)
    assert third.epoch == 2 and live.recomputed["figure"] == 4
    assert live.paper_figure(session, running=True) is third  # nothing changed
    expected = figures.paper_figure(tasks.get("xor"),
                                    session.sequence, session.previous_unit_errors, 2)
    np.testing.assert_array_equal(third.panels[0].values, expected.panels[0].values)


def test_word_end_means_average_the_hidden_state_after_each_words_last_letter():
    session = _session("words", sequence_length=20)
    session.run(200)
    means = word_clusters.word_end_means(session.network, session.sequence)
    assert set(means) <= set(words.LEXICON) and len(means) >= 8
    stream = "".join(session.sequence.input_symbols)
    # "many years ago": the state after the "y" of "many" is among those averaged for "many".
    run = session.network.copy().predict(session.sequence.inputs, session.sequence.resets,
                                          return_hidden=True)[1]
    onsets = words.onset_steps(session.sequence)
    ends = np.flatnonzero(onsets)
    starts = np.concatenate([[0], ends[:-1] + 1])
    many = [e for s, e in zip(starts, ends, strict=True) if stream[s:e + 1] == "many"]
    assert many  # 200 sentences: "many years ago" starts some of them
    np.testing.assert_allclose(means["many"], run[many].mean(axis=0), rtol=1e-12)
    clusters = word_clusters.cluster_session(session)
    assert [t.key for t in clusters.trees] == ["paper", "standardised"]
    for tree in clusters.trees:
        assert sorted(tree.words.labels) == sorted(means) and tree.with_novel is None
        assert tree.words.icoord.shape == (len(means) - 1, 4)


def test_sentences_clusters_have_every_word_and_zog_only_in_fig8():
    session = _session("sentences", sequence_length=400, n_hidden=20)
    session.run(500)
    clusters = word_clusters.cluster_session(session)
    # Fig. 7 by the paper's method first, the project's as an option, then Fig. 9's tokens.
    assert [t.key for t in clusters.trees] == ["paper", "standardised", "tokens"]
    assert "Euclidean distance, average linkage, raw means" == clusters.trees[0].method
    for tree in clusters.trees[:2]:
        assert sorted(tree.words.labels) == sorted(sentences.LEXICON)
        assert sorted(tree.with_novel.labels) == sorted((*sentences.LEXICON, "zog"))
        for drawing in (tree.words, tree.with_novel):
            assert drawing.classes == tuple(sentences.WORD_CLASS[w] for w in drawing.labels)
        assert any('"man" ranks' in line for line in tree.summary)
    assert clusters.novel_word == "zog" and clusters.global_step == 500
    assert any("0.916" in line for line in clusters.summary)
    tokens = clusters.trees[2]
    assert tokens.with_novel is None and set(tokens.words.classes) <= set(tokens.class_names)
    assert all(("BOY" in label) or ("GIRL" in label) for label in tokens.words.labels)


def test_driver_clusters_a_finished_word_run_once_and_refuses_other_tasks():
    task = tasks.get("sentences")
    driver = TrainingDriver(TrainingSession(task, RunSettings.for_task(
        task, sequence_length=60, n_hidden=10, epochs=1)))
    assert not driver.clusters_due()
    driver.play()
    while driver.state == "running":
        driver.tick()
    assert driver.state == "finished" and driver.clusters_due()
    assert not driver.clusters_due()  # once
    assert driver.begin_clustering() and driver.figures.clustering
    driver.cluster_hidden_states()
    assert not driver.figures.clustering
    assert driver.figures.clusters.global_step == driver.session.global_step
    driver.set_task("xor", {})
    assert driver.figures.clusters is None  # a new session: nothing clustered
    assert not driver.begin_clustering()
    assert "word tasks" in driver.take_notices()[-1].text
