"""Ready for students: the welcome task picker, help, one-click experiments, export, save/load."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import QSettings
from PySide6.QtGui import QAction, QImage
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractSpinBox,
    QComboBox,
    QDockWidget,
    QSlider,
    QToolBar,
)

from elman_core import __version__, tasks
from elman_core.live.snapshot import FINISHED
from elman_core.training.session import TrainingSession
from elman_gui.features import export
from elman_gui.features.help_dialog import illustrative_network
from elman_gui.features.welcome import should_show_at_startup
from tests.support.gui import rendered_where as shared_rendered_where
from tests.support.gui import running_window

WAIT_MS = 15_000
WEIGHTS = ("W_ih", "W_hh", "W_ho", "b_h", "b_o")


@pytest.fixture
def window(qtbot, tmp_path):
    def private_settings(window):
        window.student.settings = QSettings(str(tmp_path / "settings.ini"),
                                            QSettings.Format.IniFormat)

    with running_window(qtbot, "xor", prepare=private_settings) as window:
        yield window


def rendered_where(qtbot, window, condition, timeout=WAIT_MS):
    return shared_rendered_where(qtbot, window, condition, timeout)


def newest(window):
    """The snapshot of the newest requested generation, once it is on screen."""
    return lambda s: (s.generation == window.trainer.requested_generation
                      and s is window.trainer.latest)


def train_epochs(qtbot, window, epochs):
    for k in range(epochs):
        window.actions_.step_epoch.trigger()
        rendered_where(qtbot, window, lambda s, k=k: s.epoch == k + 1 and s.position == 0)
    return window.current_snapshot


def weights(snapshot):
    return {name: np.array(getattr(snapshot, name)) for name in WEIGHTS}


# ------------------------------------------------------------------------------ welcome
def test_welcome_lists_every_task_and_choosing_one_swaps_the_task(window, qtbot):
    settings = window.student.settings
    assert should_show_at_startup(settings)  # a first start
    dialog = window.student.show_welcome()
    assert not should_show_at_startup(settings)  # shown once: not again...
    assert dialog.task_names() == tasks.names()
    assert dialog.selected_name() == "xor"  # the current task is preselected
    assert "1-4-1" in dialog.details.toPlainText()
    assert "0 1 1 0 0 0 0 1 1 0" in dialog.details.toPlainText()  # its sequence begins so
    dialog.select("letters")
    text = dialog.details.toPlainText()
    assert "6-20-6" in text and "g u u u b a" in text and tasks.get("letters").title in text
    assert tasks.get("letters").source in text
    dialog.show_at_startup.setChecked(True)
    assert should_show_at_startup(settings)  # ...unless the student asks for it
    dialog.start_button.click()
    snapshot = rendered_where(qtbot, window, lambda s: s.task_name == "letters")
    assert (snapshot.n_input, snapshot.n_hidden, snapshot.n_output) == (6, 20, 6)
    assert window.selector.current_name() == "letters"
    assert not dialog.isVisible()


# ------------------------------------------------------------------------------ experiments
def test_experiments_menu_runs_a_preset_and_keeps_the_earlier_curve(window, qtbot):
    actions = window.student.experiment_actions
    assert list(actions) == [p.name for p in tasks.presets()]
    assert [a.data() for a in window.student.experiments_menu.actions() if a.data()] \
        == [p.name for p in tasks.presets()]
    window.on_unit_clicked("hidden", 0)  # a lesion in the run before: not the comparison
    before = train_epochs(qtbot, window, 2)
    earlier = np.array(before.epoch_losses)
    assert len(earlier) == 2
    window.on_unit_clicked("hidden", 0)  # restored

    actions["xor-3-hidden"].trigger()
    snapshot = rendered_where(qtbot, window, lambda s: s.n_hidden == 3 and newest(window)(s))
    assert snapshot.task_name == "xor" and snapshot.epoch == 0
    assert window.diagram.unit_values("hidden").shape == (3,)
    preset = tasks.preset("xor-3-hidden")
    assert preset.watch[:40] in window.description.toPlainText()
    assert "XOR with 3 hidden units" in window.watch_bar.text()
    # Network B, side by side, is what the text names: the 4-unit default, on the same stream.
    snapshot = train_epochs(qtbot, window, 3)
    assert snapshot.partner is not None and snapshot.partner.n_hidden == 4
    qtbot.waitUntil(lambda: window.loss_plot.partner_label() is not None, timeout=WAIT_MS)
    assert window.loss_plot.partner_label() == "B: the 4-unit default"
    assert window.loss_plot.previous_run_label() is None
    _x, y = window.loss_plot.partner_curve_data()
    default = TrainingSession(tasks.get("xor"))
    while default.epoch < len(y):
        default.run(default.steps_per_epoch - default.position)
    assert len(y) >= 3
    np.testing.assert_allclose(y, default.epoch_losses, rtol=1e-9)
    assert not np.allclose(y[:2], earlier)  # not the lesioned run before
    # The "Watch:" line stays after the run finishes (and after 8 s notices have gone).
    window.trainer.set_settings({"epochs": snapshot.epoch + 1})
    window.trainer.play()
    rendered_where(qtbot, window, lambda s: s.state == FINISHED)
    window.notice_bar.hide()
    assert "Watch:" in window.watch_bar.text()
    assert not window.watch_bar._timer.isActive()  # no 8-second fade: it stays with the run

    # An experiment that names no comparison keeps the run before, and names it.
    actions["xor-100-epochs"].trigger()
    snapshot = rendered_where(qtbot, window, lambda s: s.epochs_total == 100
                              and s.n_hidden == 4 and newest(window)(s))
    assert window.loss_plot.previous_run_label() == "before: XOR with 3 hidden units"
    assert snapshot.partner is None and window.loss_plot.partner_label() is None
    window.student.clear_comparison_action.trigger()
    assert window.loss_plot.previous_run_label() is None

    window.choose_task("alternating")  # a task chosen by hand: no experiment note
    rendered_where(qtbot, window, lambda s: s.task_name == "alternating")
    assert "Experiment" not in window.description.toPlainText()


# ------------------------------------------------------------------------------ export
def test_csv_export_holds_exactly_the_snapshots_numbers(window, qtbot, tmp_path):
    snapshot = train_epochs(qtbot, window, 2)
    loss_path = window.student.export_csv("loss-csv", str(tmp_path / "loss.csv"))
    rows = export.read_csv(loss_path)
    assert rows[0] == ["epoch", "loss"]
    assert [int(r[0]) for r in rows[1:]] == [1, 2]
    np.testing.assert_array_equal([float(r[1]) for r in rows[1:]], snapshot.epoch_losses)

    long_run = dataclasses.replace(snapshot, epoch_losses=np.array([0.3, 0.2]),
                                   epoch_loss_x=np.array([1.0, 5000.0]))
    assert export.loss_csv(long_run).splitlines()[1:] == ["1,0.3", "5000,0.2"]

    errors_path = window.student.export_csv("errors-csv", str(tmp_path / "errors.csv"))
    rows = export.read_csv(errors_path)
    assert rows[0] == ["category", "error"]
    n = len(snapshot.category_names)
    assert [r[0] for r in rows[1:n + 1]] == list(snapshot.category_names)
    np.testing.assert_array_equal([float(r[1]) for r in rows[1:n + 1]],
                                  snapshot.position_errors)
    np.testing.assert_array_equal([float(r[1]) for r in rows[n + 1:]], snapshot.feature_errors)
    assert window.student.last_export == errors_path


def test_pictures_are_written_as_real_png_and_svg(window, qtbot, tmp_path):
    train_epochs(qtbot, window, 1)
    for key in ("loss", "errors", "diagram"):
        png = window.student.export_view(key, "png", str(tmp_path / f"{key}.png"))
        image = QImage(str(png))
        assert not image.isNull() and image.width() > 100 and image.height() > 50, key
        colours = {image.pixel(x, y) for x in range(0, image.width(), 7)
                   for y in range(0, image.height(), 7)}
        assert len(colours) > 3, key  # a picture, not a blank rectangle
        svg = window.student.export_view(key, "svg", str(tmp_path / f"{key}.svg"))
        text = svg.read_text(encoding="utf-8")
        assert "<svg" in text and len(text) > 2000, key


def test_an_unwritable_export_says_so(window, tmp_path):
    assert window.student.export_csv("loss-csv", str(tmp_path / "missing" / "x.csv")) is None
    assert window.notice_bar.level == "error" and "x.csv" in window.notice_bar.text()


# ------------------------------------------------------------------------------ save / load
def save(qtbot, window, path):
    with qtbot.waitSignal(window.trainer.fileDone, timeout=WAIT_MS) as blocker:
        window.student.save_network(str(path))
    assert blocker.args[:2] == ["save", True]


def test_save_then_load_round_trips_the_weights(window, qtbot, tmp_path):
    trained = train_epochs(qtbot, window, 2)
    path = tmp_path / "net.npz"
    save(qtbot, window, path)
    assert path.stat().st_size > 500
    window.actions_.reset.trigger()
    fresh = rendered_where(qtbot, window, lambda s: s.epoch == 0 and newest(window)(s))
    assert not np.array_equal(fresh.W_ho, trained.W_ho)

    with qtbot.waitSignal(window.trainer.fileDone, timeout=WAIT_MS) as blocker:
        window.student.load_network(str(path))
    assert blocker.args[:2] == ["load", True]
    loaded = rendered_where(qtbot, window, newest(window))
    for name, value in weights(trained).items():
        np.testing.assert_array_equal(getattr(loaded, name), value, err_msg=name)
    assert "Loaded" in window.notice_bar.text()
    # The epochs trained are restored, not only reported: status, loss plot and Run to go on.
    assert (loaded.epoch, loaded.global_step) == (2, trained.global_step)
    np.testing.assert_array_equal(loaded.epoch_losses, trained.epoch_losses)
    assert window.status_labels["epoch"].text() == f"Epoch 2 / {trained.epochs_total}"
    assert window.loss_plot.latest_text().startswith("epoch 2: ")
    window.actions_.step.trigger()  # and it trains on from there
    rendered_where(qtbot, window, lambda s: s.global_step == trained.global_step + 1)


def test_a_broken_file_changes_nothing_another_tasks_file_switches(window, qtbot, tmp_path):
    path = tmp_path / "net.npz"
    saved = weights(window.current_snapshot)
    save(qtbot, window, path)
    data = path.read_bytes()
    broken = tmp_path / "broken.npz"
    broken.write_bytes(data[: len(data) // 2])
    before = train_epochs(qtbot, window, 1)

    with qtbot.waitSignal(window.trainer.fileDone, timeout=WAIT_MS) as blocker:
        window.student.load_network(str(broken))
    assert blocker.args[:2] == ["load", False]
    after = rendered_where(qtbot, window, newest(window))
    assert window.notice_bar.level == "error"
    assert "not loaded" in window.notice_bar.text() and "broken.npz" in window.notice_bar.text()
    assert (after.epoch, after.global_step) == (before.epoch, before.global_step)
    for name, value in weights(before).items():
        np.testing.assert_array_equal(getattr(after, name), value, err_msg=name)
    np.testing.assert_array_equal(after.epoch_losses, before.epoch_losses)

    # A file that does not say its task and does not fit this one is refused.
    from elman_core.files.persistence import save_network
    from elman_core.model.network import ElmanNetwork

    anonymous = tmp_path / "anonymous.npz"
    save_network(ElmanNetwork(2, 3, 2), anonymous)
    with qtbot.waitSignal(window.trainer.fileDone, timeout=WAIT_MS) as blocker:
        window.student.load_network(str(anonymous))
    assert blocker.args[:2] == ["load", False] and "needs 1 inputs" in blocker.args[2]
    same = rendered_where(qtbot, window, newest(window))
    assert same.task_name == "xor" and same.n_hidden == 4

    window.choose_task("letters")  # the 1-4-1 XOR file, loaded on letters: back to XOR
    rendered_where(qtbot, window, lambda s: s.task_name == "letters" and newest(window)(s))
    with qtbot.waitSignal(window.trainer.fileDone, timeout=WAIT_MS) as blocker:
        window.student.load_network(str(path))
    assert blocker.args[:2] == ["load", True] and "switched to Temporal XOR" in blocker.args[2]
    after = rendered_where(qtbot, window, lambda s: s.task_name == "xor" and newest(window)(s))
    assert window.selector.current_name() == "xor" and after.n_hidden == 4
    for name, value in saved.items():
        np.testing.assert_array_equal(getattr(after, name), value, err_msg=name)


def test_file_dialogs_open_in_documents_then_in_the_folder_last_used(window, monkeypatch,
                                                                      tmp_path):
    from PySide6.QtCore import QStandardPaths
    from PySide6.QtWidgets import QFileDialog

    monkeypatch.chdir("/")  # an app started from the Finder runs in "/"
    asked, answers = [], [str(tmp_path / "elman-loss.csv"), ""]
    def fake_dialog(parent, title, start, filters):
        asked.append(start)
        return answers.pop(0), filters
    monkeypatch.setattr(QFileDialog, "getSaveFileName", fake_dialog)
    monkeypatch.setattr(QFileDialog, "getOpenFileName", fake_dialog)
    documents = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    window.student.export_csv("loss-csv")  # saved into tmp_path
    window.student.load_network()  # cancelled
    assert asked == [str(Path(documents) / "elman-loss.csv"), str(tmp_path)]
    assert Path(asked[0]).is_absolute() and (tmp_path / "elman-loss.csv").exists()


# ------------------------------------------------------------------------------ help
def test_every_control_and_action_has_a_tooltip(window, qtbot):
    welcome = window.student.show_welcome()
    help_dialog = window.student.show_help()
    qtbot.waitUntil(help_dialog.isVisible)
    kinds = (QAbstractButton, QAbstractSpinBox, QComboBox, QSlider)
    for top in (window, welcome, help_dialog):
        widgets = [w for kind in kinds for w in top.findChildren(kind)]
        missing = [w for w in widgets if w.isVisible() and not w.toolTip()
                   and not w.objectName().startswith("qt_")
                   and not (w.parent() and w.parent().toolTip())]
        assert not missing, [w.text() if hasattr(w, "text") else repr(w) for w in missing]
    panel_toggles = {w.toggleViewAction() for kind in (QDockWidget, QToolBar)
                     for w in window.findChildren(kind)}  # "show this panel": Qt's own
    actions = [a for a in window.findChildren(QAction) if a.text() and not a.isSeparator()
               and a.menu() is None and a not in panel_toggles]
    assert len(actions) >= 20
    plain = [a.text() for a in actions
             if a.toolTip().replace("&", "") == a.text().replace("&", "")]
    assert not plain, plain  # Qt's default tooltip is the bare text
    student = window.student
    for action in (*student.experiment_actions.values(), *student.export_actions.values(),
                   student.save_action, student.load_action, student.help_action,
                   student.welcome_action, student.clear_comparison_action):
        assert len(action.toolTip()) > 20, action.text()


def test_help_explains_with_the_live_diagram_and_lists_the_real_shortcuts(window, qtbot):
    dialog = window.student.show_help()
    keys = [k for entry in dialog.shortcut_keys() for k in entry.split(" or ")]
    for key in ("Space", "Right", "R", "E", "Ctrl+S", "Ctrl+O", "F1"):
        assert key in keys, key
    with_keys = {a for a in window.findChildren(QAction) if a.shortcuts()}
    assert len(dialog.rows) == len(with_keys)
    dialog.close()
    window.actions_.reset.setShortcut("Ctrl+R")  # the sheet follows the actions
    again = window.student.show_help(tab=1)
    assert again is dialog and again.isVisible()  # made once, shown again
    assert again.tabs.currentIndex() == 1
    assert "Ctrl+R" in again.shortcut_keys()
    assert again.table.rowCount() == len(again.rows)
    assert "Ctrl+R" in [again.table.item(r, 0).text() for r in range(again.table.rowCount())]
    assert 200 <= dialog.how_it_works_words() <= 320
    # A fixed small example, computed by ElmanNetwork.forward, not the live network.
    network, x, context = illustrative_network()
    assert window.current_snapshot.n_hidden == 4 != network.n_hidden
    np.testing.assert_array_equal(dialog.diagram.unit_values("input"), x)
    np.testing.assert_array_equal(dialog.diagram.unit_values("context"), context)
    expected = 1 / (1 + np.exp(-(network.W_ih @ x + network.W_hh @ context + network.b_h)))
    np.testing.assert_allclose(dialog.diagram.unit_values("hidden"), expected)
    output = 1 / (1 + np.exp(-(network.W_ho @ expected + network.b_o)))
    np.testing.assert_allclose(dialog.diagram.unit_values("output"), output)
    assert dialog.diagram.unit_labels("input") == ("a", "b")
    assert __version__ in dialog.tabs.widget(dialog.tabs.count() - 1).text()  # About: last


# Every kind File ▸ Export writes for XOR (the dendrogram, for the word tasks only, goes through
# the same figure writer as the paper figure and hidden space).
FIGURE_KEYS = ("paper-figure", "hidden-space")
EXPORT_KINDS = [("csv", "loss-csv"), ("csv", "errors-csv"),
                *((fmt, key) for key in ("loss", "errors", "diagram", *FIGURE_KEYS)
                  for fmt in ("png", "svg"))]


def export_kind(window, fmt: str, key: str, path: Path):
    if fmt == "csv":
        return window.student.export_csv(key, str(path))
    if key in FIGURE_KEYS:
        return window.student.export_figure(key, fmt, str(path))
    return window.student.export_view(key, fmt, str(path))


@pytest.mark.parametrize("failure", ["write", "fsync"])
def test_a_full_disk_export_of_every_kind_keeps_the_old_file_and_says_so(
        window, qtbot, tmp_path, monkeypatch, failure):
    """Each kind is first exported whole, then again onto a disk that fills up (or fails to
    flush): the call fails, the old file is the same bytes, no temporary is left, and the notice
    is an error that says the file is unchanged — never "Saved …"."""
    from tests import full_disk

    train_epochs(qtbot, window, 1)
    folder = tmp_path / "out"
    folder.mkdir()
    old = {}
    for fmt, key in EXPORT_KINDS:
        path = folder / f"{key}.{fmt}"
        assert export_kind(window, fmt, key, path) == path
        old[path] = path.read_bytes()
    window.actions_.step_epoch.trigger()  # new numbers, so a new file would differ
    rendered_where(qtbot, window, lambda s: s.epoch == 2)
    with monkeypatch.context() as patch:
        if failure == "write":
            full_disk.fill_disk_after(patch, room=20)
        else:
            full_disk.fail_fsync(patch)
        for fmt, key in EXPORT_KINDS:
            path = folder / f"{key}.{fmt}"
            window.notice_bar.show_notice("info", "before")
            assert export_kind(window, fmt, key, path) is None, (fmt, key)
            text = window.notice_bar.text()
            assert window.notice_bar.level == "error", (fmt, key, text)
            assert str(path) in text and "No space left" in text and "unchanged" in text, text
            assert "Saved" not in text
            assert path.read_bytes() == old[path], (fmt, key)
    assert sorted(p.name for p in folder.iterdir()) == sorted(p.name for p in old)
    for fmt, key in EXPORT_KINDS:  # and with room again, each is replaced
        path = folder / f"{key}.{fmt}"
        assert export_kind(window, fmt, key, path) == path
    assert (folder / "loss-csv.csv").read_bytes() != old[folder / "loss-csv.csv"]


def test_a_full_disk_screenshot_keeps_the_old_png(window, qtbot, tmp_path, monkeypatch, capsys):
    from elman_gui.app import save_screenshot
    from tests import full_disk

    path = tmp_path / "old.png"
    assert save_screenshot(window, str(path)) == 0
    old = path.read_bytes()
    assert not QImage(str(path)).isNull()
    train_epochs(qtbot, window, 1)
    full_disk.fill_disk_after(monkeypatch, room=4096)
    assert save_screenshot(window, str(path)) == 1
    assert "could not write the screenshot" in capsys.readouterr().err
    assert path.read_bytes() == old
    assert sorted(p.name for p in tmp_path.iterdir() if p.suffix != ".ini") == ["old.png"]
