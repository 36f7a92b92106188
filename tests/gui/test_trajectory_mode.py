"""The hidden space's trajectory mode in the real window: typed sentences are traced by the
trainer thread and drawn word by word; Recent states goes back to the live picture."""

from __future__ import annotations

import numpy as np

from tests.gui.conftest import running_window


def test_trace_typed_sentences_and_go_back_to_recent_states(qtbot):
    with running_window(qtbot, "grammar", size=(1366, 768)) as window:
        window.figure_tabs.show_view("hidden-space")
        view = window.figure_tabs.hidden_space
        qtbot.waitUntil(lambda: view.controls.isVisible(), timeout=10_000)
        assert view.controls.sentences.count() >= 3  # the task's examples
        window.trainer.run_steps(300)
        qtbot.waitUntil(lambda: window.current_snapshot.global_step >= 300
                        and window.current_snapshot.hidden_space is not None, timeout=60_000)
        view.controls.sentences.setEditText("boy chases boy; boys who Mary chases feed cats")
        view.controls.pc_x.setValue(1)
        view.controls.pc_y.setValue(3)
        view.controls.trace_button.click()
        qtbot.waitUntil(lambda: view.paths.shown is not None, timeout=60_000)
        traced = window.current_snapshot.traced_sentences
        assert view.paths.shown is traced and traced.figure.pcs == (1, 3)
        assert view.paths.labels() == ["boy₁", "chases₂", "boy₃", "boys₁", "who₂", "Mary₃",
                                       "chases₄", "feed₅", "cats₆"]
        for drawn, path in zip(view.paths.lines(), traced.figure.paths, strict=True):
            np.testing.assert_allclose(drawn, path.points)
        assert len(view.drawn_points()) == 0  # the live states are hidden meanwhile
        assert "PC 3" in window.figure_tabs.hidden_space._plot.getPlotItem().getAxis(
            "left").labelText
        view.controls.live_button.click()
        assert view.paths.shown is None and len(view.drawn_points()) > 0


def test_the_trace_row_is_only_there_for_a_task_with_sentences(qtbot):
    with running_window(qtbot, "xor") as window:
        window.figure_tabs.show_view("hidden-space")
        view = window.figure_tabs.hidden_space
        view.show_snapshot(window.current_snapshot)
        assert not view.controls.isVisible()


def test_the_loss_plot_marks_where_each_stage_starts(qtbot):
    with running_window(qtbot, "starting-small-memory", size=(1366, 768)) as window:
        snapshot = window.current_snapshot
        window.loss_plot.show_snapshot(snapshot)
        drawn = window.loss_plot.stage_labels()
        assert drawn == list(snapshot.stage_marks)
        assert [label for _, label in drawn[:5]] == [
            "memory 3-4", "memory 4-5", "memory 5-6", "memory 6-7", "full memory"]
        assert all(0 <= x < 1 for x, _ in drawn)  # one epoch is the whole curriculum
