"""The window at a laptop's and a projector's sizes: what a student or teacher reads there.

The diagram's copy label shows at every size the window gives the diagram (alone, and the
compact ones side by side), the dendrogram shows every leaf, and the status bar's message keeps
its useful part.
"""

from __future__ import annotations

import itertools

import pytest
from PySide6.QtWidgets import QApplication

from elman_gui.views.diagram.network_diagram import NetworkDiagramView
from tests.gui.test_jordan_window import jordan_snapshot
from tests.support.gui import SMALL, build_snapshot, rendered_where, running_window, settle, shown

# The diagram's size in the window (measured under Xvfb): alone at 1024×640, 1366×768 and
# 1920×1080, and each of the two compact ones of the side-by-side mode at those sizes.
DIAGRAM_SIZES = {"1024x640": (457, 274), "1366x768": (613, 364), "1920x1080": (926, 646),
                 "1024x640 side by side": (227, 254), "1366x768 side by side": (305, 344),
                 "1920x1080 side by side": (461, 626)}
NETWORKS = {"elman 1-4-1": lambda: build_snapshot(1, 4, 1),
            "elman 31-150-31": lambda: build_snapshot(31, 150, 31),
            "jordan 1-4-1": lambda: jordan_snapshot(1, 4, 1, decay=0.5),
            "jordan 6-20-6": lambda: jordan_snapshot(6, 20, 6, decay=0.5)}


@pytest.mark.parametrize(("size", "network"), list(itertools.product(DIAGRAM_SIZES, NETWORKS)))
def test_the_copy_label_shows_clear_of_every_other_text(qtbot, size, network):
    diagram = shown(qtbot, NetworkDiagramView(), *DIAGRAM_SIZES[size])
    diagram.set_legend_shown("side by side" not in size)
    diagram.show_snapshot(NETWORKS[network]())
    QApplication.processEvents()
    rects = diagram.text_rects()
    words = " ".join(diagram.copy_label().split())  # Jordan's decay on a second line
    assert words in ("copy (weight 1)", "copy (weight 1) + 0.5 × itself", "copy"), words
    assert "copy" in rects and diagram.drawing_rect().contains(rects["copy"])
    assert [name for name, rect in rects.items()
            if name != "copy" and rect.intersects(rects["copy"])] == []


@pytest.mark.parametrize("network", NETWORKS)
def test_a_roomy_diagram_says_what_the_copy_is(qtbot, network):
    diagram = shown(qtbot, NetworkDiagramView(), *DIAGRAM_SIZES["1920x1080"])
    diagram.show_snapshot(NETWORKS[network]())
    QApplication.processEvents()
    assert diagram.copy_label().startswith("copy (weight 1)")


def test_the_copy_label_shows_in_the_window_at_a_laptops_size(qtbot):
    # In the window the diagram is fitted before its view has applied the new range: the
    # label must be placed by the range it will be drawn with (it used to hide there).
    with running_window(qtbot, "xor", size=SMALL) as window:
        window.actions_.step.trigger()
        rendered_where(qtbot, window, lambda s: s.global_step == 1)
        settle(qtbot, window)
        assert window.diagram.copy_label() == "copy (weight 1)"
        window.resize(1366, 768)
        settle(qtbot, window)
        assert window.diagram.copy_label() == "copy (weight 1)"
