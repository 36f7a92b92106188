"""Readable figures: keys never cover data, hover boxes go with what they name, the hidden space
coloured by coarse class, and the word tasks open at a pace a class can watch."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtWidgets import QApplication

from elman_core import tasks
from elman_core.analysis import colour_schemes, figures
from elman_core.tasks import sentences
from elman_core.training.session import TrainingSession
from elman_gui.panels.controls import SPEED_STOPS
from elman_gui.views.diagram.network_diagram import NetworkDiagramView
from elman_gui.views.figures.hidden_space import HiddenSpaceView
from elman_gui.views.figures.paper_figure import PaperFigureView
from tests.support.gui import shown as _shown


def _figure(task_name, length, seed=0):
    sequence = tasks.get(task_name).make_sequence(length, seed)
    rng = np.random.default_rng(seed)
    unit_errors = rng.random(sequence.targets.shape) ** 2
    return figures.paper_figure(tasks.get(task_name), sequence, unit_errors, epoch=3)


@pytest.mark.parametrize("task, width", [("xor", 600), ("letters", 900), ("words", 700)])
def test_the_paper_figures_key_is_outside_the_plot(qtbot, make_snapshot, task, width):
    view = _shown(qtbot, PaperFigureView(), width, 420)
    figure = _figure(task, 300)
    view.show_snapshot(make_snapshot(paper_figure=figure))
    if task == "letters":
        view.set_panel(1)  # Fig. 5: two series and the word onsets
    QApplication.processEvents()
    panel = view.panel()
    key = view.legend_text()
    assert f"shaded: {panel.mark_name}" in key
    for name in panel.series if len(panel.series) > 1 else ():
        assert name in key
    # Nothing of the key is drawn inside the plot, where the data are.
    scene = view._plot.scene()
    plot_area = view._view.sceneBoundingRect()
    inside = [item for item in scene.items(plot_area)
              if "shaded" in str(getattr(item, "toPlainText", lambda: "")())]
    assert inside == []
    plot_top = view._plot.mapTo(view, view._plot.rect().topLeft()).y()
    legend_bottom = view.legend.mapTo(view, view.legend.rect().bottomLeft()).y()
    assert view.legend.isVisible() and legend_bottom < plot_top


def test_the_hover_box_goes_when_the_network_it_names_does(qtbot, make_snapshot):
    view = _shown(qtbot, NetworkDiagramView(), 700, 450)
    view.show_snapshot(make_snapshot(1, 4, 1, generation=1))
    qtbot.wait(50)
    mouse_moved = view.plot_widget.scene().sigMouseMoved
    mouse_moved.emit(view.map_to_scene(*view.unit_position("hidden", 2)))  # the mouse on h3
    assert view.hover_text() and view.focused_link_count() > 0
    view.show_snapshot(make_snapshot(1, 4, 1, generation=1, seed=5))  # same network: stays
    assert view.hover_text()
    view.show_snapshot(make_snapshot(1, 4, 1, generation=2))  # a reset: a new network, gone
    assert view.hover_text() == "" and view.focused_link_count() == 0
    mouse_moved.emit(view.map_to_scene(*view.unit_position("hidden", 2)))
    assert view.hover_text()
    view.show_snapshot(make_snapshot(5, 20, 5, generation=3))  # a task swap: gone
    assert view.hover_text() == "" and view.focused_link_count() == 0


def test_the_hidden_space_can_be_coloured_by_coarse_class(qtbot, make_snapshot):
    view = _shown(qtbot, HiddenSpaceView(), 900, 600)
    words = [w for w in sentences.LEXICON]
    rng = np.random.default_rng(1)
    symbols = tuple(rng.choice(words, 200))
    space, _ = figures.hidden_space(tasks.get("sentences"), rng.random((200, 8)),
                                    np.arange(200), symbols, tuple(words))
    view.show_snapshot(make_snapshot(hidden_space=space))
    assert view.colour_box.isVisible()
    assert len(set(view.point_colors())) > 5  # thirteen word classes
    view.set_colour_scheme(colour_schemes.NOUN_VERB)
    colours = view.point_colors()
    assert len(set(colours)) == 2
    nouns = {c for c, w in zip(colours, symbols, strict=True) if sentences.is_noun(w)}
    verbs = {c for c, w in zip(colours, symbols, strict=True) if not sentences.is_noun(w)}
    assert len(nouns) == len(verbs) == 1 and nouns != verbs
    assert "coloured by noun / verb" in view.title.text()
    assert "noun" in view.legend.text() and "verb" in view.legend.text()  # names the colours
    view.set_colour_scheme(colour_schemes.ANIMACY)
    colours = view.point_colors()
    by_word = dict(zip(symbols, colours, strict=True))
    assert by_word.get("man", by_word.get("woman")) == by_word.get("dog", by_word.get("cat"))
    assert by_word.get("man", by_word.get("woman")) != by_word.get("rock", by_word.get("car"))
    assert len(set(colours)) == 3
    # The choice is kept as the space is recomputed.
    view.show_snapshot(make_snapshot(hidden_space=figures.hidden_space(
        tasks.get("sentences"), rng.random((200, 8)), np.arange(200), symbols,
        tuple(words))[0]))
    assert view.colour_scheme() == colour_schemes.ANIMACY and len(set(view.point_colors())) == 3


def test_the_letters_hidden_space_offers_vowels_and_consonants(qtbot, make_snapshot):
    view = _shown(qtbot, HiddenSpaceView(), 900, 600)
    symbols = tuple("badiiguuu" * 10)
    space, _ = figures.hidden_space(tasks.get("letters"), np.random.default_rng(2).random((90, 6)),
                                    np.arange(90), symbols, tuple("bdgaiu"))
    view.show_snapshot(make_snapshot(hidden_space=space))
    view.set_colour_scheme(colour_schemes.VOWELS)
    colours = dict(zip(symbols, view.point_colors(), strict=True))
    assert colours["a"] == colours["i"] == colours["u"] != colours["b"] == colours["g"]
    xor = figures.hidden_space(tasks.get("xor"), np.random.default_rng(2).random((30, 4)),
                               np.arange(30), tuple("01" * 15), ("0", "1"))[0]
    view.show_snapshot(make_snapshot(hidden_space=xor))
    assert not view.colour_box.isVisible()  # nothing coarser than two bits


@pytest.mark.parametrize("name", ["words", "sentences"])
def test_the_word_tasks_open_at_a_pace_a_class_can_watch(name):
    task = tasks.get(name)
    session = TrainingSession(task)
    seconds = session.steps_per_epoch * session.settings.epochs / task.opening_speed
    assert 30 <= seconds <= 60, seconds  # Fig. 6 / Fig. 7 form in front of the class
    assert task.opening_speed in {speed for _, speed in SPEED_STOPS}  # a stop of the slider
