"""Jordan networks in the window: the parameter panel offers the architecture and its decay,
Apply builds one, and the inspector, the phases and the diagram say what is copied."""

from __future__ import annotations

import numpy as np

from elman_core import tasks
from elman_core.model.network import ElmanNetwork
from elman_core.model.settings import RunSettings
from elman_core.model.trace import InspectedStep
from elman_gui.panels.parameter_panel import ParameterPanel
from elman_gui.views.diagram.network_diagram import NetworkDiagramView
from elman_gui.views.stepping.inspector import shown, step_text
from tests.support.gui import build_snapshot, jordan_snapshot, rendered_where, running_window
from tests.support.gui import shown as shown_widget


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


def test_the_inspector_says_what_a_jordan_context_holds():
    net = ElmanNetwork(2, 4, 3, seed=1, architecture="jordan", context_decay=0.5)
    rng = np.random.default_rng(0)
    net.step(rng.random(2), rng.random(3))
    trace = net.step(rng.random(2), rng.random(3))
    step = InspectedStep(trace, 0, 1, 1, "a", "b", "c")
    text = step_text(step, None, False, "output", 0.5)
    assert "context c(t)  = output at t−1 + 0.5 × context at t−1" in text
    assert "4  COPY OUTPUT → CONTEXT" in text
    copied = "  ".join(shown(v) for v in 0.5 * trace.context + trace.output)
    assert f"context c(t+1) = y(t) + 0.5·c(t) [{copied}]" in text
    assert "= hidden at t−1" not in text and "= h(t)" not in text
    plain = step_text(step, None, False, "output", 0.0)
    assert "context c(t)  = output at t−1\n" in plain and "context c(t+1) = y(t) [" in plain
    elman = ElmanNetwork(2, 4, 3, seed=1)
    trace = elman.step(rng.random(2), rng.random(3))
    text = step_text(InspectedStep(trace, 0, 0, 0, "a", "b", "c"))
    assert "context c(t)  reset to" not in text and "4  COPY HIDDEN → CONTEXT" in text
    hidden = "  ".join(shown(v) for v in trace.hidden)
    assert f"context c(t+1) = h(t) [{hidden}]" in text


def test_the_diagram_draws_the_output_to_context_copy_of_a_jordan_network(qtbot):
    diagram = shown_widget(qtbot, NetworkDiagramView())
    snapshot = jordan_snapshot()
    diagram.show_snapshot(snapshot)
    assert diagram.unit_labels("context") == ("c1", "c2", "c3", "c4", "c5", "c6")
    np.testing.assert_array_equal(diagram.unit_values("context"), snapshot.context)
    assert diagram.copy_link_count() == 6 and diagram.copy_links_dashed()
    shown_links = diagram.shown_link_indices("W_hh")  # of W_hh's 20 × 6 (the strongest)
    assert len(shown_links) == diagram.link_count("W_hh") > 0 and shown_links.max() < 20 * 6
    segments = diagram.copy_link_segments()
    for i in range(6):  # from output unit i (shifted aside a little) down to context unit i
        output = np.array(diagram.unit_position("output", i))
        context = np.array(diagram.unit_position("context", i))
        start, end = segments[i, :2], segments[i, 2:]
        assert np.allclose(start - output, end - context)  # one shift for both ends
        assert np.linalg.norm(start - output) < 0.2 * np.linalg.norm(output - context)
    hover = _hover(diagram, "context", 2)
    assert "copy of output C from the previous step" in hover
    assert "+ 0.5 × its own previous value" in hover
    diagram.set_phase(4, True)
    assert "Shown: phase 4/4 output + 0.5·context → context." in diagram.phase_banner()
    assert diagram.phase_opacities() == (0.15, 1.0)
    # Back to an Elman network of the same sizes: the hidden → context copy again.
    diagram.show_snapshot(build_snapshot(6, 20, 6))
    assert diagram.copy_link_count() == 20
    assert "copy of h3 from the previous step" in _hover(diagram, "context", 2)
    diagram.set_phase(4, True)
    assert "Shown: phase 4/4 copy hidden → context." in diagram.phase_banner()


def _hover(view, layer, index):
    x, y = view.unit_position(layer, index)
    view.plot_widget.scene().sigMouseMoved.emit(view.map_to_scene(x, y))
    return view.hover_text()


def test_stepping_a_jordan_network_phase_by_phase_shows_the_output_copied(qtbot):
    with running_window(qtbot, "letters", size=(1400, 900), set_speed=False) as window:
        panel = window.parameters
        rendered_where(qtbot, window, lambda s: s.task_name == "letters")
        panel.architecture.setCurrentIndex(panel.architecture.findData("jordan"))
        panel.context_decay.setValue(0.5)
        panel.apply_button.click()
        rendered_where(qtbot, window, lambda s: s.architecture == "jordan")
        window.debugger.phases.setChecked(True)
        for phase in (1, 2, 3, 4):
            window.actions_.step.trigger()
            snapshot = rendered_where(qtbot, window, lambda s, p=phase: s.phase == p
                                      and s.architecture == "jordan")
        trace = snapshot.trace
        np.testing.assert_allclose(snapshot.context, 0.5 * trace.context + trace.output,
                                   rtol=0, atol=1e-15)
        words = "4/4 output + 0.5·context → context"
        assert window.status_labels["phase"].text() == f"Phase {words}"
        assert f"Shown: phase {words}." in window.diagram.phase_banner()
        text = window.debugger.inspector.text.toPlainText()
        assert "4  COPY OUTPUT → CONTEXT" in text
        assert "context c(t+1) = y(t) + 0.5·c(t)" in text
        assert window.diagram.copy_link_count() == snapshot.n_output
        np.testing.assert_array_equal(window.diagram.unit_values("context"), snapshot.context)
