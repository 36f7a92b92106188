"""The window at a small school-laptop size: every control reachable, no text on top of another."""

from __future__ import annotations

import contextlib
import itertools

import pytest
from PySide6.QtWidgets import (
    QAbstractSpinBox,
    QApplication,
    QCheckBox,
    QComboBox,
    QLabel,
    QMenu,
    QPushButton,
    QWidgetAction,
)

from elman_gui import resources
from elman_gui.panels.controls import SPEED_MAX_WIDTH, SpeedControl, TaskSelector
from elman_gui.views.diagram.network_diagram import NetworkDiagramView
from tests.support.gui import SMALL, running_window, settle


def menu_actions(menu_bar) -> set:
    """Every action reachable by opening menus from the menu bar (submenus included)."""
    found, menus = set(), [a.menu() for a in menu_bar.actions() if a.menu()]
    while menus:
        menu = menus.pop()
        for action in menu.actions():
            found.add(action)
            if isinstance(action.menu(), QMenu):
                menus.append(action.menu())
    return found


@contextlib.contextmanager
def app_look():
    """The look the app gives itself (Fusion, its stylesheet and font), which the other tests
    do without: its toolbar buttons are wider. The test application's own look afterwards."""
    app = QApplication.instance()
    style, sheet, font = app.style().name(), app.styleSheet(), app.font()
    app.setStyle("Fusion")
    resources.apply_branding(app)
    try:
        yield
    finally:
        app.setStyleSheet(sheet)
        app.setStyle(style)
        app.setFont(font)


@pytest.fixture
def small_window(qtbot):
    with running_window(qtbot, "xor", size=SMALL) as window:
        settle(qtbot, window)
        yield window


def test_every_toolbar_action_is_also_in_a_menu(small_window):
    window = small_window
    in_menus = menu_actions(window.menuBar())
    toolbar = window.toolbar
    checked = 0
    for action in toolbar.actions():
        if action.isSeparator():
            continue
        widget = action.defaultWidget() if isinstance(action, QWidgetAction) else \
            toolbar.widgetForAction(action)
        if isinstance(widget, TaskSelector):  # the Task menu has every task of the list
            tasks = {a.data() for a in in_menus if a.data()}
            assert {widget.itemData(i) for i in range(widget.count())} <= tasks
        elif isinstance(widget, SpeedControl):  # View ▸ Speed, full speed included
            assert set(window.speed_menu.presets.values()) <= in_menus
            assert window.speed_menu.presets["max"].text() == "Full speed"
        elif isinstance(widget, QLabel):
            continue  # "Task:", "Speed:"
        else:
            assert action in in_menus, action.text()
        checked += 1
    assert checked >= 9  # step back, play, step, step epoch, reset, task, edit, speed, run to


def test_speed_slider_and_run_to_stay_in_the_toolbar_at_1024(small_window):
    window = small_window
    toolbar = window.toolbar
    bar = toolbar.rect()
    for widget in (window.speed, window.debugger.run_to_button):
        assert widget.isVisible(), widget
        corner = widget.mapTo(toolbar, widget.rect().bottomRight())
        assert bar.contains(corner), (widget, corner, bar)


@pytest.mark.parametrize("size", [(1024, 640), (1366, 768), (1400, 900), (1920, 1080)])
def test_every_toolbar_control_is_in_sight_at_every_size(qtbot, size):
    """The toolbar shows words beside its icons only where they all fit: at 1366×768, the
    commonest laptop size, "Run to" once fell off its end (words shown, no room left)."""
    with app_look(), running_window(qtbot, "xor", size=size) as window:
        settle(qtbot, window)
        toolbar = window.toolbar
        bar = toolbar.rect()
        for widget in (window.speed, window.debugger.run_to_button):
            assert widget.isVisible(), (size, widget)
            corner = widget.mapTo(toolbar, widget.rect().bottomRight())
            assert bar.contains(corner), (size, widget, corner, bar)


def test_speed_menu_and_slider_follow_each_other(small_window):
    window = small_window
    window.speed_menu.presets["10/s"].trigger()
    assert window.speed.label() == "10/s"
    window.speed.set_label("max")
    assert window.speed_menu.presets["max"].isChecked()
    assert not window.speed_menu.presets["10/s"].isChecked()
    window.speed_menu.slower.trigger()
    assert window.speed.label() == "100k/s" and window.speed_menu.presets["100k/s"].isChecked()


def test_views_keep_most_of_a_small_window(small_window):
    window = small_window
    assert window.debugger.history_dock.height() <= 0.3 * SMALL[1]
    assert window.task_dock.width() <= 0.3 * SMALL[0]
    assert window.diagram.height() >= 0.3 * SMALL[1]


def test_every_parameter_field_fits_the_dock_without_a_sideways_scroll_bar(small_window):
    assert_parameter_fields_fit(small_window)


def assert_parameter_fields_fit(window):
    panel = window.parameters
    scroll = panel.parentWidget().parentWidget()  # the dock's scroll area (viewport, panel)
    assert scroll.horizontalScrollBar().maximum() == 0  # nothing to scroll sideways to
    assert panel.fields_wrapped()  # narrow: every field under its label, all alike
    viewport = scroll.viewport().rect()
    fields = panel.findChildren(QAbstractSpinBox) + panel.findChildren(QComboBox) + \
        panel.findChildren(QPushButton) + panel.findChildren(QCheckBox)
    assert len(fields) >= 13
    for field in fields:
        box = field.rect().translated(field.mapTo(scroll.viewport(), field.rect().topLeft()))
        assert viewport.left() <= box.left() and box.right() <= viewport.right(), \
            field.toolTip()[:30]


def test_wide_docks_keep_the_parameter_labels_beside_their_fields_until_narrowed(qtbot):
    with running_window(qtbot, "xor", size=(1600, 1000)) as window:
        settle(qtbot, window)
        assert not window.parameters.fields_wrapped()
        window.resize(*SMALL)  # and the dock narrows with the window: under their labels
        settle(qtbot, window)
        assert_parameter_fields_fit(window)


def test_status_figures_are_never_cut(small_window, qtbot):
    window = small_window
    window.actions_.step.trigger()
    qtbot.waitUntil(lambda: window.current_snapshot.global_step == 1, timeout=10_000)
    for key in ("epoch", "step", "loss", "state"):
        label = window.status_labels[key]
        needed = label.fontMetrics().horizontalAdvance(label.text()) if key != "state" else 0
        assert label.isVisible() and label.width() >= needed, (key, label.text())


def overlapping(rects: dict) -> list:
    return [(a, b) for (a, ra), (b, rb) in itertools.combinations(rects.items(), 2)
            if ra.intersects(rb)]


def test_diagram_texts_do_not_overlap_in_a_small_window(small_window, qtbot):
    window = small_window
    rects = window.diagram.text_rects()
    assert {"output", "context", "hint"} <= set(rects)  # before the first step
    assert not overlapping(rects)
    window.actions_.step.trigger()
    qtbot.waitUntil(lambda: window.current_snapshot.global_step == 1, timeout=10_000)
    settle(qtbot, window)
    rects = window.diagram.text_rects()
    assert "hint" not in rects and "output text" in rects
    assert not overlapping(rects)


@pytest.mark.parametrize("sizes", [(1, 1, 1), (1, 4, 1), (6, 20, 6), (31, 150, 31)])
@pytest.mark.parametrize("view_size", [(420, 260), (900, 600)])
def test_diagram_texts_do_not_overlap_at_any_network_size(qtbot, make_snapshot, sizes,
                                                          view_size):
    view = NetworkDiagramView()
    qtbot.addWidget(view)
    view.resize(*view_size)
    view.show()
    qtbot.waitExposed(view)
    n_input, n_hidden, n_output = sizes
    labels = {} if n_input == 1 else {
        "input_labels": tuple(f"in{k}" for k in range(n_input)),
        "output_labels": tuple(f"out{k}" for k in range(n_output))}
    view.show_snapshot(make_snapshot(n_input, n_hidden, n_output, **labels))
    qtbot.wait(50)  # painted: the texts have their on-screen size
    rects = view.text_rects()
    assert {"input", "hidden", "context", "output"} <= set(rects)
    assert not overlapping(rects)
    inside = view.drawing_rect().adjusted(-1, -1, 1, 1)
    assert [name for name, rect in rects.items() if not inside.contains(rect)] == []


# The diagram's plot in the app's window at 1024×640, 1366×768 and 1920×1080.
DIAGRAM_SIZES = [(390, 182), (611, 314), (924, 598)]


@pytest.mark.parametrize("task", ["letters", "text", "sentences"])
@pytest.mark.parametrize("view_size", DIAGRAM_SIZES)
def test_every_input_and_output_unit_is_labelled_and_hidden_labels_keep_off_the_links(
        qtbot, make_snapshot, task, view_size):
    from elman_core import tasks

    the_task = tasks.get(task)
    n_hidden = 150 if task == "sentences" else 20
    # 31 word labels cannot fit legibly in the 390 px of a 1024×640 window: every k-th is
    # shown there (hovering a unit names it), none cut and none on another.
    all_fit = not (task == "sentences" and view_size[0] < 600)
    view = NetworkDiagramView()
    qtbot.addWidget(view)
    view.show()
    view.resize(view_size[0], view_size[1] + view.height() - view.plot_widget.height())
    qtbot.waitExposed(view)
    view.show_snapshot(make_snapshot(the_task.n_input, n_hidden, the_task.n_output,
                                     input_labels=tuple(the_task.input_labels),
                                     output_labels=tuple(the_task.output_labels)))
    qtbot.wait(50)
    for layer, names in (("input", the_task.input_labels), ("output", the_task.output_labels)):
        shown = view.shown_unit_labels(layer)
        if not all_fit:
            every = view.label_step(layer)
            names = names[::every]
            assert every > 1 and len(shown) == len(names) >= 4, (layer, shown)
        assert len(shown) == len(names), (layer, shown)
        for name, text in zip(names, shown, strict=True):  # whole, or cut with "…"
            assert text == name or (text.endswith("…") and name.startswith(text[:-1])
                                    and len(text) >= min(len(name), 4)), (name, text)
    assert view.shown_unit_labels("hidden") == []  # 20 or 150 units
    rects = view.text_rects()
    assert not overlapping(rects)
    inside = view.drawing_rect().adjusted(-1, -1, 1, 1)
    assert [name for name, rect in rects.items() if not inside.contains(rect)] == []


def test_a_long_status_message_is_cut_with_an_ellipsis_not_off_screen(small_window):
    window = small_window
    long = "Trained 20,000 steps; " * 20
    window.status.say(long)
    QApplication.processEvents()
    message = window.status_message
    assert message.text() == long and message.toolTip() == long  # nothing lost
    shown_text = message.shown_text()
    assert "…" in shown_text and len(shown_text) < len(long)  # cut in the middle
    for key, label in window.status_labels.items():  # the figures keep their room
        # The phase shows only in phase mode (P), the experiment in one; a narrow bar
        # leaves the task's name to the toolbar.
        if key in ("phase", "experiment", "task"):
            continue
        assert label.isVisible() and label.geometry().right() <= window.width()


def test_the_phase_figure_fits_the_status_bar_of_a_small_window(small_window, qtbot):
    window = small_window
    window.debugger.phases.trigger()
    for _ in range(4):  # to the widest phase name, 4/4 copy hidden → context
        window.actions_.step.trigger()
    qtbot.waitUntil(lambda: window.current_snapshot is not None
                    and window.current_snapshot.phase == 4, timeout=15_000)
    QApplication.processEvents()
    assert window.status_labels["phase"].isVisible()
    for key, label in window.status_labels.items():
        # Shown only while an experiment is on; a narrow bar leaves the task to the toolbar.
        if key in ("experiment", "task"):
            continue
        assert label.isVisible() and label.geometry().right() <= window.width(), label.text()
        assert label.width() >= label.sizeHint().width(), label.text()  # never cut


def test_speed_labels_leave_out_what_would_overlap_never_the_chosen_one(qtbot):
    speed = SpeedControl()
    qtbot.addWidget(speed)
    speed.show()
    labels = speed._labels
    for width, chosen in ((SPEED_MAX_WIDTH, "100k/s"), (250, "100k/s"), (250, "300/s")):
        speed.resize(width, speed.sizeHint().height())
        speed.set_label(chosen)
        speed.grab()  # paints
        assert chosen in labels.drawn and labels.drawn[-1] in ("max", chosen)
        if width == SPEED_MAX_WIDTH:
            assert labels.drawn == labels.labels  # room for all
        else:
            assert len(labels.drawn) < len(labels.labels)


def test_upright_unit_labels_hang_below_their_units_centred_on_them(qtbot, make_snapshot):
    """The letters' six feature names stand upright in the diagram of a 1024×640 window; the
    pooled labels lay flat for the network before, so each one is turned and re-anchored."""
    from elman_core import tasks

    letters = tasks.get("letters")
    view = NetworkDiagramView()
    qtbot.addWidget(view)
    view.show()
    width, height = DIAGRAM_SIZES[0]
    view.resize(width, height + view.height() - view.plot_widget.height())
    qtbot.waitExposed(view)
    view.show_snapshot(make_snapshot(3, 4, 3, input_labels=("a", "b", "c"),
                                     output_labels=("a", "b", "c")))
    qtbot.wait(50)
    view.show_snapshot(make_snapshot(letters.n_input, 20, letters.n_output,
                                     input_labels=tuple(letters.input_labels),
                                     output_labels=tuple(f"o{k}" for k in range(6))))
    qtbot.wait(50)
    rects = view.text_rects()  # by text: the outputs named apart from the inputs
    shown = view.shown_unit_labels("input")
    assert len(shown) == letters.n_input
    for index, text in enumerate(shown):
        rect = rects[f"label {text}"]
        unit = view.map_to_scene(*view.unit_position("input", index))
        assert rect.height() > rect.width(), text  # upright
        assert rect.top() > unit.y(), text  # below its unit (scene y grows downwards)
        assert abs(rect.center().x() - unit.x()) < rect.width(), text
