"""What the figure views (paper figure, dendrogram, hidden space) share: a still plot and a
muted message in the middle of it."""

from __future__ import annotations

import pyqtgraph as pg

from elman_gui.views.style import palette


def still_plot(parent, grid_x: bool = False, grid_y: bool = True):
    """A plot the view sets the range of itself: no context menu, buttons, pan or zoom.

    Returns ``(widget, plot item, view box)``."""
    widget = palette.make_plot_widget(parent)
    item = widget.getPlotItem()
    item.setMenuEnabled(False)
    item.hideButtons()
    item.showGrid(x=grid_x, y=grid_y, alpha=palette.GRID_ALPHA)
    view = item.getViewBox()
    view.setMouseEnabled(x=False, y=False)
    view.disableAutoRange()
    return widget, item, view


def message(item: pg.PlotItem) -> pg.TextItem:
    """A muted line of text ("no errors yet…"), centred where the view puts it."""
    text = pg.TextItem("", color=palette.MUTED, anchor=(0.5, 0.5))
    text.setFont(palette.font(11))
    item.addItem(text, ignoreBounds=True)
    return text
