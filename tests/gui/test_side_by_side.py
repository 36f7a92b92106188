"""View ▸ Compare with…: two networks side by side in the real window, driven together."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from elman_gui.features.side_by_side import CompareDialog
from tests.support.gui import newest, rendered_where, running_window

WAIT_MS = 30_000


@pytest.fixture
def window(qtbot):
    with running_window(qtbot, "letters") as window:
        yield window


def _level(step: int):
    return lambda s: s.partner is not None and s.global_step == step \
        and s.partner.global_step == step


def test_enter_step_both_step_back_run_to_and_leave(qtbot, window):
    pair = window.side_by_side
    assert not pair.panel_b.isVisible()
    # Picked in the dialog, as a student does (the dialog is answered once it is up).
    def answer():
        dialog = next(w for w in QApplication.topLevelWidgets()
                      if isinstance(w, CompareDialog) and w.isVisible())
        dialog.tick("n_hidden", 7)
        dialog.tick("forget_context")
        dialog.accept()

    QTimer.singleShot(300, answer)
    pair.compare_action.trigger()
    snapshot = rendered_where(qtbot, window, _level(0), WAIT_MS)
    assert snapshot.partner.n_hidden == 7 and snapshot.partner.forget_context
    assert snapshot.partner_label == "forget_context=True, n_hidden=7"
    assert pair.panel_b.isVisible() and pair.label_a.isVisible()
    assert pair.leave_action.isEnabled()
    # Step: both networks, B's diagram showing B's step (its context zeroed).
    for _ in range(3):
        window.actions_.step.trigger()
    snapshot = rendered_where(qtbot, window, _level(3), WAIT_MS)
    assert np.all(snapshot.partner.context == 0) and np.any(snapshot.context != 0)
    np.testing.assert_array_equal(pair.diagram_b.unit_values("hidden"), snapshot.partner.hidden)
    assert "step 3" in pair.label_b.text()
    # Play: the loss plot and the error bars get B's curve and bars beside A's.
    window.trainer.run_steps(2000)
    snapshot = rendered_where(qtbot, window, lambda s: _level(2003)(s)
                              and s.state == "paused", WAIT_MS)
    assert window.loss_plot.partner_label() == "B: forget_context=True, n_hidden=7"
    _x, y = window.loss_plot.partner_curve_data()
    np.testing.assert_array_equal(y, snapshot.partner.epoch_losses)
    np.testing.assert_array_equal(window.error_bars.partner_heights(),
                                  snapshot.partner.position_errors)
    # Step back: both.
    window.debugger.step_back_10.trigger()
    rendered_where(qtbot, window, _level(1993), WAIT_MS)
    # Run to the epoch's end: both stop there.
    window.debugger.run_to_epoch_end.trigger()
    end = 3 * snapshot.steps_per_epoch
    rendered_where(qtbot, window, _level(end), WAIT_MS)
    # The hidden-space tab: B's hidden space beside A's.
    window.figure_tabs.show_view("hidden-space")
    window.trainer.step()
    rendered_where(qtbot, window, _level(end + 1), WAIT_MS)
    qtbot.waitUntil(lambda: pair.hidden_b is not None and pair.stack_b.currentWidget()
                    is pair.hidden_b, timeout=WAIT_MS)
    # Leave: one network, at A's step, B's views and curves gone.
    pair.leave_action.trigger()
    snapshot = rendered_where(qtbot, window, lambda s: newest(window)(s)
                              and s.partner is None, WAIT_MS)
    assert snapshot.global_step == end + 1
    assert not pair.panel_b.isVisible() and not pair.leave_action.isEnabled()
    assert window.loss_plot.partner_label() is None
    assert window.error_bars.partner_heights() is None


def test_play_moves_both_and_a_bad_difference_is_refused_in_the_dialog(qtbot, window):
    window.side_by_side.compare({"learning_rate": 0.5})
    rendered_where(qtbot, window, _level(0), WAIT_MS)
    window.actions_.play_pause.trigger()
    rendered_where(qtbot, window, lambda s: s.partner is not None and s.global_step > 500
                   and s.partner.global_step == s.global_step, WAIT_MS)
    window.actions_.play_pause.trigger()
    snapshot = rendered_where(qtbot, window, lambda s: s.state == "paused", WAIT_MS)
    assert snapshot.partner.global_step == snapshot.global_step
    dialog = CompareDialog(window.shown.settings, "letters", window)
    dialog.tick("other", "n_hidden")
    dialog._accept_if_valid()
    assert "is not KEY=VALUE" in dialog.error.text() and dialog.result() == 0
    assert not dialog.rows["task"][0].isEnabled()  # no other curriculum for the letters


def test_a_difference_the_trainer_refuses_is_a_notice_and_one_network(qtbot, window):
    window.side_by_side.compare({"rule": "fast"})
    qtbot.waitUntil(lambda: "Cannot compare" in window.notice_bar.text(), timeout=WAIT_MS)
    assert window.current_snapshot.partner is None
    assert not window.side_by_side.panel_b.isVisible()


def test_entering_again_and_another_difference_redraw_b(qtbot, window):
    """B's curves leave and come back with data (pyqtgraph once failed adding a curve that
    still held the old data: found by the chaos test)."""
    for changes, label in (({"n_hidden": 3}, "B: n_hidden=3"), (None, None),
                           ({"n_hidden": 4}, "B: n_hidden=4"),
                           ({"learning_rate": 0.2}, "B: learning_rate=0.2")):
        if changes is None:
            window.side_by_side.leave()
        else:
            window.side_by_side.compare(changes)
            window.trainer.run_steps(1000)
        rendered_where(qtbot, window, lambda s, c=changes: newest(window)(s)
                       and (s.partner is None) == (c is None)
                       and (c is None or s.partner.epoch >= 1), WAIT_MS)
        assert window.loss_plot.partner_label() == label
        if label is not None:
            _x, y = window.loss_plot.partner_curve_data()
            assert len(y) == window.current_snapshot.partner.epoch


def test_main_py_compare_names_a_bad_pair_before_opening_anything(capsys):
    from elman_gui.app import run_gui

    assert run_gui("xor", None, 0, None, compare=["n_hidden"]) == 2
    assert "--compare: 'n_hidden' is not KEY=VALUE" in capsys.readouterr().err
