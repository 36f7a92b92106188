"""The parameter panel offers Jordan's architecture and its context decay; Apply builds it."""

from __future__ import annotations

from elman_core import tasks
from elman_core.model.settings import RunSettings
from elman_gui.panels.parameter_panel import ParameterPanel
from tests.support.gui import rendered_where, running_window


def test_the_panel_offers_the_architecture_and_the_decay_only_for_jordan(qtbot):
    panel = ParameterPanel()
    qtbot.addWidget(panel)
    settings = RunSettings.for_task(tasks.get("xor"))
    panel.load(settings)
    assert [panel.architecture.itemData(i) for i in range(panel.architecture.count())] == [
        "elman", "jordan"]
    assert panel.architecture.currentData() == "elman"
    assert not panel.context_decay.isEnabled() and panel.pending() == {}
    requested: list[dict] = []
    panel.applyRequested.connect(requested.append)
    panel.architecture.setCurrentIndex(panel.architecture.findData("jordan"))
    assert panel.context_decay.isEnabled()
    panel.context_decay.setValue(0.5)
    assert panel.pending() == {"architecture": "jordan", "context_decay": 0.5}
    assert panel.architecture.styleSheet() and panel.context_decay.styleSheet()  # not applied
    panel.apply_button.click()
    assert requested == [{"architecture": "jordan", "context_decay": 0.5}]
    jordan = settings.replace(architecture="jordan", context_decay=0.5)
    panel.load(jordan)  # what the trainer reports in force
    assert panel.pending() == {} and panel.context_decay.value() == 0.5
    # Back to Elman: the decay field is disabled and sends 0 (Elman's context has no decay).
    panel.architecture.setCurrentIndex(panel.architecture.findData("elman"))
    assert not panel.context_decay.isEnabled()
    assert panel.pending() == {"architecture": "elman", "context_decay": 0.0}
    jordan.replace(**panel.pending())  # a valid change, not a refusal


def test_apply_builds_a_jordan_network_in_the_running_window(qtbot):
    with running_window(qtbot, "xor") as window:
        panel = window.parameters
        rendered_where(qtbot, window, lambda s: s.task_name == "xor")
        panel.architecture.setCurrentIndex(panel.architecture.findData("jordan"))
        panel.context_decay.setValue(0.25)
        panel.apply_button.click()
        snapshot = rendered_where(qtbot, window, lambda s: s.architecture == "jordan")
        assert snapshot.W_hh.shape == (snapshot.n_hidden, snapshot.n_output)
        assert snapshot.context.shape == (snapshot.n_output,)
        assert snapshot.context_source == "output"
        assert snapshot.copy_words == "output + 0.25·context → context"
        qtbot.waitUntil(lambda: panel.pending() == {}, timeout=15_000)
        assert panel.architecture.currentData() == "jordan"
