"""What one frame of each view costs on the GUI thread: update from a snapshot, then paint.

    xvfb-run -a uv run python benchmarks/bench_views.py

Synthetic snapshots (tests/support/gui.py) with new numbers every frame; CPU time per frame,
the median of five rounds. The diagram at three network sizes (XOR, letters, the paper's
sentences), the loss plot with a 100k-point history, the error bars. For comparison in the same
run: the loss plot with pyqtgraph's own tight auto-range instead of the steady one.
"""

from __future__ import annotations

import statistics
import sys
import time

import numpy as np
import pyqtgraph as pg
from PySide6.QtWidgets import QApplication

from elman_gui.views.diagram.network_diagram import NetworkDiagramView
from elman_gui.views.plots.error_bars import ErrorBarsView
from elman_gui.views.plots.loss_plot import LossPlotView
from tests.support.gui import build_snapshot

FRAMES = 20
ROUNDS = 5


def frame_ms(app: QApplication, view, snapshots, paint: bool = True) -> float:
    """Median over ROUNDS of the CPU milliseconds per show_snapshot (+ paint) of ``view``."""
    rounds = []
    for _ in range(ROUNDS):
        start = time.process_time()
        for snapshot in snapshots:
            view.show_snapshot(snapshot)
            if paint:
                for plot in view.findChildren(pg.PlotWidget):  # paint now, as the next
                    plot.viewport().grab()                      # screen refresh would
        rounds.append((time.process_time() - start) / len(snapshots) * 1e3)
    return statistics.median(rounds)


def shown(app: QApplication, view, width: int, height: int):
    view.resize(width, height)
    view.show()
    app.processEvents()
    return view


def growing_loss_snapshots(points: int) -> list:
    """A loss history that grows a little every frame, as while training."""
    rng = np.random.default_rng(0)
    x = np.arange(1, points + FRAMES * 50 + 1) / 20
    y = 0.25 * np.exp(-x / x[-1]) + 0.01 * rng.random(len(x))
    return [build_snapshot(running_loss_x=x[:points + 50 * i], running_loss_y=y[:points + 50 * i],
                           epoch_losses=y[:(points + 50 * i) // 20:20].copy())
            for i in range(FRAMES)]


def main() -> int:
    app = QApplication.instance() or QApplication(sys.argv[:1])
    rows = []
    diagram = shown(app, NetworkDiagramView(), 900, 650)
    for sizes in [(1, 4, 1), (6, 20, 6), (31, 150, 31)]:
        snapshots = [build_snapshot(*sizes, seed=seed) for seed in range(FRAMES)]
        diagram.show_snapshot(snapshots[-1])
        rows.append((f"diagram {sizes[0]}-{sizes[1]}-{sizes[2]}: update only",
                     frame_ms(app, diagram, snapshots, paint=False)))
        rows.append((f"diagram {sizes[0]}-{sizes[1]}-{sizes[2]}: update + paint",
                     frame_ms(app, diagram, snapshots)))
    snapshots = growing_loss_snapshots(100_000)
    steady = shown(app, LossPlotView(), 700, 450)
    rows.append(("loss plot, 100k points growing, steady range", frame_ms(app, steady, snapshots)))
    tight = shown(app, LossPlotView(), 700, 450)
    tight_box = tight._plot.getPlotItem().getViewBox()
    tight_box.updateAutoRange = lambda: type(tight_box).__mro__[1].updateAutoRange(tight_box)
    rows.append(("loss plot, same, pyqtgraph's tight auto-range",
                 frame_ms(app, tight, snapshots)))
    bars = shown(app, ErrorBarsView(), 700, 450)
    bar_snapshots = [build_snapshot(position_errors=0.25 * np.exp(-i / 10) * np.array([1, 0.4, 1]))
                     for i in range(FRAMES)]
    rows.append(("error bars, falling", frame_ms(app, bars, bar_snapshots)))
    width = max(len(name) for name, _ in rows)
    print(f"\n{'view, per frame':<{width}}  CPU ms")
    print("-" * (width + 9))
    for name, ms in rows:
        print(f"{name:<{width}}  {ms:6.2f}")
    steady_ms, tight_ms = rows[-3][1], rows[-2][1]
    print(f"\nsteady / tight auto-range: {steady_ms / tight_ms:.2f}×")
    return 0


if __name__ == "__main__":
    sys.exit(main())
