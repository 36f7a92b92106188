"""A network trained before class and loaded shows its figures at once; Play trains on."""

from __future__ import annotations

import numpy as np
import pytest

from elman_core import tasks
from elman_core.live.snapshot import RUNNING
from elman_core.model.settings import RunSettings
from elman_core.training.session import TrainingSession
from tests.support.gui import rendered_where, running_window

WAIT_MS = 60_000


@pytest.fixture
def window(qtbot):
    with running_window(qtbot, "letters") as window:
        yield window


def test_a_loaded_trained_network_shows_its_figures_and_plays_on(qtbot, window, tmp_path):
    from elman_core.live.driver import TrainingDriver

    task = tasks.get("xor")
    driver = TrainingDriver(TrainingSession(task, RunSettings.for_task(task, epochs=10)))
    for _ in range(10):
        driver.step_epoch()
    path = tmp_path / "prepared.npz"
    assert driver.save_network(str(path)).ok
    window.choose_task("xor")
    rendered_where(qtbot, window, lambda s: s.task_name == "xor", WAIT_MS)
    window.trainer.set_settings({"epochs": 10})
    qtbot.waitUntil(lambda: window.shown.settings.epochs == 10, timeout=WAIT_MS)
    window.figure_tabs.show_view("paper-figure")

    with qtbot.waitSignal(window.trainer.fileDone, timeout=WAIT_MS) as blocker:
        window.student.load_network(str(path))
    assert blocker.args[:2] == ["load", True]
    trainer = window.trainer
    loaded = rendered_where(qtbot, window, lambda s: s.generation ==
                            trainer.requested_generation and s.epoch == 10, WAIT_MS)
    assert loaded.global_step == 10 * loaded.steps_per_epoch  # nothing trained: frozen pass
    # The error bars, the paper figure and the hidden space at once.
    assert np.isfinite(window.error_bars.bar_heights()).all()
    figure = window.figure_tabs.paper_figure
    assert loaded.paper_figure is not None and loaded.paper_figure.complete
    assert "epoch 10)" in figure.title.text() and "in progress" not in figure.title.text()
    assert loaded.hidden_space is not None
    # Play trains on: the run's 10 epochs come after the file's 10.
    assert window.status_labels["epoch"].text() == "Epoch 10 / 20"
    window.actions_.play_pause.trigger()
    rendered_where(qtbot, window, lambda s: s.state == RUNNING or s.epoch > 10, WAIT_MS)
