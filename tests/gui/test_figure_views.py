"""The paper figure, dendrogram and hidden-space views draw exactly the snapshot's records, and
the sentences task trains in the app with all three live."""

from __future__ import annotations

import numpy as np

from elman_core import tasks
from elman_core.analysis import figures
from elman_core.live.live_figures import LiveFigures
from elman_core.live.snapshot import FINISHED
from elman_core.model.trace import ActivationHistory
from elman_core.tasks import sentences
from elman_gui.views.figures.dendrogram_view import DendrogramView
from elman_gui.views.figures.hidden_space import TRAJECTORY_STEPS, HiddenSpaceView
from elman_gui.views.figures.paper_figure import PaperFigureView
from tests.support.gui import rendered_where, running_window
from tests.support.gui import shown as _shown  # shown at a size, exposed


def _figure(task_name, length, seed=0):
    sequence = tasks.get(task_name).make_sequence(length, seed)
    rng = np.random.default_rng(seed)
    unit_errors = rng.random(sequence.targets.shape) ** 2
    return figures.paper_figure(tasks.get(task_name), sequence, unit_errors, epoch=3)


def test_paper_figure_draws_the_snapshots_figure(qtbot, make_snapshot):
    view = _shown(qtbot, PaperFigureView())
    figure = _figure("words", 40)
    view.show_snapshot(make_snapshot(paper_figure=figure))
    panel = figure.panels[0]
    steps = view.steps_shown()
    assert 20 <= steps <= panel.values.shape[1]  # as many letters as fit 900 pixels
    np.testing.assert_array_equal(view.drawn_values(), panel.values[:, :steps])
    assert view.tick_labels() == list(panel.labels[:steps])
    np.testing.assert_array_equal(view.marked_steps(), np.flatnonzero(panel.marks[:steps]))
    assert view.caption.text() == panel.caption and "Fig. 6" in view.title.text()
    assert not view.panel_buttons[0].isVisible()  # one panel: no toggle
    view.resize(400, 600)
    qtbot.waitUntil(lambda: view.steps_shown() < steps)  # fewer letters fit: fewer shown
    np.testing.assert_array_equal(view.drawn_values(), panel.values[:, :view.steps_shown()])


def test_paper_figure_toggles_fig4_and_fig5_for_the_letters(qtbot, make_snapshot):
    view = _shown(qtbot, PaperFigureView(), 1000)
    figure = _figure("letters", 60)
    view.show_snapshot(make_snapshot(paper_figure=figure))
    fig4, fig5 = figure.panels
    assert view.panel() is fig4 and view.panel_buttons[1].isVisible()
    np.testing.assert_array_equal(view.drawn_values(), fig4.values)
    view.set_panel(1)
    assert view.panel() is fig5
    np.testing.assert_array_equal(view.drawn_values(), fig5.values)  # both bits, 20 steps
    assert view.tick_labels() == list(fig5.labels)
    fig3 = _figure("xor", 300)
    view.show_snapshot(make_snapshot(paper_figure=fig3))  # a one-panel figure: back to 0
    assert view.panel() is fig3.panels[0] and not view.panel_buttons[1].isVisible()
    np.testing.assert_array_equal(view.drawn_values(), fig3.panels[0].values)


def test_dendrogram_leaves_are_the_words_coloured_by_class_with_zog(qtbot, make_snapshot,
                                                                    sentence_clusters):
    view = _shown(qtbot, DendrogramView(), 900, 800)
    view.show_snapshot(make_snapshot(task_name="sentences", has_words=True,
                                     word_clusters=sentence_clusters, global_step=600))
    assert view.tree() is sentence_clusters.trees[0]  # the paper's method first
    assert "Euclidean" in view._axis.labelText
    drawing = sentence_clusters.trees[0].with_novel
    assert view.drawing() is drawing
    assert view.leaf_labels() == list(drawing.labels)
    assert sorted(view.leaf_labels()) == sorted((*sentences.LEXICON, "zog"))
    colors = dict(zip(view.leaf_labels(), view.leaf_colors(), strict=True))
    assert colors["zog"] == "#000000"
    assert colors["man"] == colors["woman"] != colors["eat"]  # same class, other class
    # scipy's ⊓ shapes, three segments each, sideways: x = height, y = leaf position.
    segments = view.segments()
    assert len(segments) == 3 * len(drawing.icoord)
    np.testing.assert_array_equal(segments[:len(drawing.icoord)],
                                  np.column_stack([drawing.dcoord[:, 0], drawing.icoord[:, 0],
                                                   drawing.dcoord[:, 1], drawing.icoord[:, 1]]))
    assert '"man" ranks' in view.summary.text()
    view.novel_box.setChecked(False)  # Fig. 7: the trained words only
    assert view.leaf_labels() == list(sentence_clusters.trees[0].words.labels)
    assert "zog" not in view.leaf_labels()
    assert view.status.text() == "Clustered at step 600 (during epoch 1)."
    view.choose("standardised")  # the project's method, named on the axis and in the list
    assert view.drawing() is sentence_clusters.trees[1].words
    assert "cosine" in view._axis.labelText and "standardised" in view.tree_choice.currentText()
    view.choose("tokens")  # Fig. 9: no zog, leaves coloured by word and role
    tokens = sentence_clusters.trees[2]
    assert view.drawing() is tokens.words and not view.novel_box.isVisible()
    assert view.leaf_labels() == list(tokens.words.labels)
    colors = dict(zip(view.leaf_labels(), view.leaf_colors(), strict=True))
    assert len(set(colors.values())) == len(set(tokens.words.classes)) > 1
    assert "subject | object" in view.summary.text()


def test_dendrogram_says_when_it_computes_and_asks_for_a_clustering(qtbot, make_snapshot):
    view = _shown(qtbot, DendrogramView())
    view.show_snapshot(make_snapshot(task_name="xor"))
    assert not view.cluster_button.isEnabled() and "word tasks" in view.status.text()
    view.show_snapshot(make_snapshot(task_name="sentences", has_words=True, clustering=True))
    assert "Clustering" in view.status.text() and not view.cluster_button.isEnabled()
    view.show_snapshot(make_snapshot(task_name="sentences", has_words=True))
    assert view.cluster_button.isEnabled() and view.leaf_labels() == []
    with qtbot.waitSignal(view.clusterRequested, timeout=1000):
        view.cluster_button.click()


def test_hidden_space_draws_the_projection_coloured_with_a_trajectory(qtbot, make_snapshot):
    view = _shown(qtbot, HiddenSpaceView())
    rng = np.random.default_rng(3)
    symbols = tuple(rng.choice(["0", "1"], 80))
    space, _ = figures.hidden_space(tasks.get("xor"), rng.random((80, 4)), np.arange(80), symbols,
                                    ("0", "1"))
    view.show_snapshot(make_snapshot(hidden_space=space))
    np.testing.assert_array_equal(view.drawn_points(), space.coordinates)
    np.testing.assert_array_equal(view.trajectory(), space.coordinates[-TRAJECTORY_STEPS:])
    colors = view.point_colors()
    assert len(set(colors)) == 2
    assert {c for c, s in zip(colors, symbols, strict=True) if s == "0"} == {colors[
        symbols.index("0")]}
    assert "the last 80 hidden states (4 units)" in view.title.text()
    assert "input symbol" in view.title.text()
    assert view.legend.text().count("\u25cf") == 2  # one dot per symbol in the legend


def test_hidden_space_keeps_its_orientation_across_two_recomputations(qtbot, make_snapshot):
    """States along (0.6, −0.8), then along (0.8, −0.6): recomputed alone, PC 1 would flip; the
    trainer thread's LiveFigures hands over the previous projection, and the picture holds."""
    view = _shown(qtbot, HiddenSpaceView())
    live = LiveFigures()
    t = np.linspace(-1, 1, 40)
    drawn = []
    for direction in ([0.6, -0.8], [0.8, -0.6]):
        hidden = np.outer(t, direction)
        history = ActivationHistory(hidden, hidden, np.zeros(40), np.arange(40), ("0",) * 40)
        space = live.hidden_space(tasks.get("xor"), history, ("0",), running=False)
        view.show_snapshot(make_snapshot(hidden_space=space))
        drawn.append(view.drawn_points())
    assert np.sign(drawn[0][-1, 0]) == np.sign(drawn[1][-1, 0]) != 0
    np.testing.assert_allclose(np.abs(drawn[0][:, 0]), np.abs(drawn[1][:, 0]), rtol=1e-9)


def test_sentences_train_in_the_app_with_every_view_live(qtbot):
    with running_window(qtbot, "sentences", size=(1024, 640)) as window:
        tabs = window.figure_tabs
        assert window.width() <= 1100  # the views fit a small screen
        window.parameters.sequence_length.setValue(150)
        window.parameters.epochs.setValue(3)
        window.parameters.apply_button.click()
        rendered_where(qtbot, window, lambda s: s.generation == 1 and s.epochs_total == 3,
                       timeout=30_000)
        window.speed.set_label("max")
        window.actions_.play_pause.trigger()
        tabs.show_view("hidden-space")
        snapshot = rendered_where(qtbot, window, lambda s: s.hidden_space is not None
                                  and s.epoch >= 1, timeout=60_000)
        assert snapshot.hidden_space.colour_by == "word class"
        tabs.show_view("paper-figure")
        snapshot = rendered_where(qtbot, window, lambda s: s.state == FINISHED
                                  and s.word_clusters is not None, timeout=60_000)
        figure = snapshot.paper_figure
        assert figure.epoch == 3 and figure.complete
        paper = tabs.paper_figure
        np.testing.assert_array_equal(paper.drawn_values(),
                                      figure.panels[0].values[:, :paper.steps_shown()])
        tabs.show_view("hidden-space")
        np.testing.assert_array_equal(tabs.hidden_space.drawn_points(),
                                      snapshot.hidden_space.coordinates)
        tabs.show_view("dendrogram")
        assert sorted(tabs.dendrogram.leaf_labels()) == sorted((*sentences.LEXICON, "zog"))
        assert snapshot.word_clusters.global_step == snapshot.global_step  # automatically
        assert "(after epoch 3)." in tabs.dendrogram.status.text()
        # On demand too: the status says so while it computes, then the new tree arrives.
        tabs.dendrogram.cluster_button.click()
        rendered_where(qtbot, window, lambda s: s.word_clusters is not None
                       and s.word_clusters is not snapshot.word_clusters, timeout=30_000)
        view_menu = [a.text() for a in window.view_menu.actions()]
        assert {"Paper figure", "Hidden space", "Dendrogram"} <= set(view_menu)
