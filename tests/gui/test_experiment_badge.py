"""Experiments shown plainly while on (a badge on the diagram, the status bar) and ended by a
reset or a new task, the Forget-the-context tick with them."""

from __future__ import annotations

import pytest

from tests.support.gui import newest, rendered_where, running_window

WAIT_MS = 30_000


@pytest.fixture
def window(qtbot):
    with running_window(qtbot, "xor") as window:
        yield window


def test_a_lesion_and_a_forgotten_context_are_shown_until_reset(qtbot, window):
    badge, label = window.experiment_badge, window.status_labels["experiment"]
    assert not badge.isVisible() and not label.isVisible()
    window.diagram.unitClicked.emit("hidden", 3)
    window.actions_.forget_context.setChecked(True)
    rendered_where(qtbot, window, lambda s: s.lesioned == (3,) and s.forget_context, WAIT_MS)
    assert badge.isVisible() and label.isVisible()
    assert "hidden unit 4 lesioned" in badge.text() and "context forgotten" in badge.text()
    assert "lesioned 4" in label.text() and "no memory" in label.text()
    # On the diagram, in its top-right corner, inside it.
    diagram = window.diagram
    assert badge.parentWidget() is diagram
    box = badge.geometry()
    assert box.top() >= 0 and box.left() >= 0
    assert diagram.width() - 12 <= box.right() < diagram.width()  # in the top-right corner
    window.actions_.reset.trigger()
    snapshot = rendered_where(qtbot, window, newest(window), WAIT_MS)
    assert snapshot.lesioned == () and not snapshot.forget_context
    assert not badge.isVisible() and not label.isVisible()
    assert not window.actions_.forget_context.isChecked()
    qtbot.waitUntil(lambda: "ended with the old network" in window.notice_bar.text(),
                    timeout=WAIT_MS)


def test_a_task_swap_ends_a_lesion(qtbot, window):
    window.diagram.unitClicked.emit("hidden", 1)
    rendered_where(qtbot, window, lambda s: s.lesioned == (1,), WAIT_MS)
    window.choose_task("letters")
    snapshot = rendered_where(qtbot, window, lambda s: s.task_name == "letters", WAIT_MS)
    assert snapshot.lesioned == ()
    assert not window.experiment_badge.isVisible()
