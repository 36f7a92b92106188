"""The keyboard: Enter applies (a new hidden-unit count too), Esc leaves a field, the one-key
commands work whenever no field is being edited, focus is visible, Apply is in sight."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QPushButton

from tests.support.gui import rendered_where, running_window

WAIT_MS = 30_000


@pytest.fixture
def window(qtbot):
    with running_window(qtbot, "xor", size=(1366, 768)) as window:
        window.activateWindow()
        qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=5000)
        yield window


def type_into(qtbot, box, text: str) -> None:
    box.setFocus()
    qtbot.waitUntil(box.hasFocus, timeout=5000)
    box.lineEdit().selectAll()
    qtbot.keyClicks(box.lineEdit(), text)


def test_enter_applies_a_new_hidden_unit_count_and_gives_the_keys_back(window, qtbot):
    panel = window.parameters
    type_into(qtbot, panel.n_hidden, "7")
    qtbot.keyClick(panel.n_hidden.lineEdit(), Qt.Key.Key_Return)
    rendered_where(qtbot, window, lambda s: s.n_hidden == 7, WAIT_MS)
    assert not window.field_keys.editing()
    # The one-key commands work again at once: → steps.
    before = window.current_snapshot.global_step
    qtbot.keyClick(QApplication.focusWidget() or window, Qt.Key.Key_Right)
    rendered_where(qtbot, window, lambda s: s.global_step == before + 1, WAIT_MS)


def test_enter_applies_a_learning_setting_too(window, qtbot):
    type_into(qtbot, window.parameters.learning_rate, "0.3")
    qtbot.keyClick(window.parameters.learning_rate.lineEdit(), Qt.Key.Key_Enter)
    qtbot.waitUntil(lambda: window.shown.settings.learning_rate == 0.3, timeout=WAIT_MS)


def test_escape_leaves_a_decimal_field_as_it_was_too(window, qtbot):
    box = window.parameters.learning_rate  # a QDoubleSpinBox, where n_hidden is a QSpinBox
    before = box.value()
    type_into(qtbot, box, "0.3")
    qtbot.keyClick(box.lineEdit(), Qt.Key.Key_Escape)
    assert not window.field_keys.editing()
    assert box.value() == before and window.parameters.pending() == {}


def test_escape_leaves_a_field_as_it_was(window, qtbot):
    box = window.parameters.n_hidden
    type_into(qtbot, box, "9")
    qtbot.keyClick(box.lineEdit(), Qt.Key.Key_Escape)
    assert not window.field_keys.editing()
    assert box.value() == 4 and window.parameters.pending() == {}
    before = window.current_snapshot.global_step
    qtbot.keyClick(QApplication.focusWidget() or window, Qt.Key.Key_S)  # Step
    rendered_where(qtbot, window, lambda s: s.global_step == before + 1, WAIT_MS)


def test_a_menu_command_ends_the_editing(window, qtbot):
    type_into(qtbot, window.parameters.momentum, "0")
    assert window.field_keys.editing()
    action = window.student.experiment_actions["xor-3-hidden"]
    window.menuBar().triggered.emit(action)  # what choosing it in the menu bar sends
    action.trigger()
    assert not window.field_keys.editing()
    rendered_where(qtbot, window, lambda s: s.n_hidden == 3, WAIT_MS)


def test_apply_is_in_sight_at_1366x768(window, qtbot):
    window.resize(1366, 768)
    qtbot.wait(200)
    window.parameter_dock.raise_()
    qtbot.waitUntil(window.parameters.apply_button.isVisible, timeout=5000)
    button = window.parameters.apply_button
    top_left = button.mapTo(window, button.rect().topLeft())
    bottom = top_left.y() + button.height()
    assert 0 <= top_left.y() and bottom <= window.statusBar().mapTo(window,
                                                                     window.statusBar().rect()
                                                                     .topLeft()).y()
    # Not hidden inside the scrolling fields: always visible whatever their scroll.
    assert not window.parameters.isAncestorOf(button)


def test_keyboard_focus_is_visible_on_a_button(qtbot):
    from elman_gui import resources

    button = QPushButton("Apply")
    button.setStyleSheet(resources.stylesheet())  # the app's, on this button only
    qtbot.addWidget(button)
    button.show()
    button.activateWindow()
    qtbot.waitExposed(button)
    plain = button.grab().toImage()
    button.setFocus(Qt.FocusReason.TabFocusReason)
    qtbot.waitUntil(button.hasFocus, timeout=5000)
    focused = button.grab().toImage()
    assert plain != focused  # the focused button looks different

