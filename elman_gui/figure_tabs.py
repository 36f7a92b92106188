"""The centre's tabs: the network diagram beside the paper figure, hidden space and dendrogram.

The figure views sit in tabs with the diagram (the largest area of the window), so each of them
is shown next to the loss plot and the per-position error bars. Only the tab on top is painted;
a tab brought up is painted at once from the newest snapshot. View ▸ (Ctrl+1 … Ctrl+4) raises
a tab; ``--view NAME`` on the command line too.
"""

from __future__ import annotations

from PySide6.QtWidgets import QTabWidget, QWidget

from elman_gui.actions import make_action
from elman_gui.snapshot import Snapshot
from elman_gui.views.dendrogram_view import DendrogramView
from elman_gui.views.hidden_space import HiddenSpaceView
from elman_gui.views.paper_figure import PaperFigureView

# name on the command line → (tab title, what the View menu says about it)
VIEWS = {
    "network": ("Network", "The network diagram: units filled by activation, weights by sign."),
    "paper-figure": ("Paper figure", "The figure of Elman (1990) this task reproduces, from "
                                     "the latest epoch, with the paper's caption."),
    "hidden-space": ("Hidden space", "The recent hidden states on their first two principal "
                                     "components, coloured by input (word class)."),
    "dendrogram": ("Dendrogram", "Figs. 7 and 8: the words' mean hidden vectors clustered "
                                 "(the word tasks)."),
}


class FigureTabs(QTabWidget):
    """The network diagram and the three figure views, as tabs; paints the one on top."""

    def __init__(self, diagram: QWidget, cluster, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setDocumentMode(True)
        # Narrow tabs: all four fit beside the plots in a 1024-pixel window.
        self.setStyleSheet("QTabBar::tab { padding: 3px 7px; }")
        self.paper_figure = PaperFigureView(self)
        self.hidden_space = HiddenSpaceView(self)
        self.dendrogram = DendrogramView(self)
        self._pages = dict(zip(VIEWS, (diagram, self.paper_figure, self.hidden_space,
                                       self.dendrogram), strict=True))
        for name, page in self._pages.items():
            title, tip = VIEWS[name]
            self.setTabToolTip(self.addTab(page, title), tip)
        self.paper_figure.dendrogramRequested.connect(lambda: self.show_view("dendrogram"))
        self.dendrogram.clusterRequested.connect(cluster)
        self._snapshot: Snapshot | None = None
        self.currentChanged.connect(lambda _: self._paint_current())
        self.view_actions = [
            make_action(self, VIEWS[name][0], VIEWS[name][1], [f"Ctrl+{k}"],
                        slot=lambda n=name: self.show_view(n), shortcut_owner=parent)
            for k, name in enumerate(VIEWS, start=1)]

    def show_view(self, name: str) -> None:
        """Bring up the tab ``name`` (a key of :data:`VIEWS`)."""
        if name not in VIEWS:
            raise ValueError(f"unknown view {name!r}: one of {', '.join(VIEWS)}")
        self.setCurrentWidget(self._pages[name])

    def current_view(self) -> str:
        return next(name for name, page in self._pages.items() if page is self.currentWidget())

    def show_snapshot(self, snapshot: Snapshot) -> None:
        """Keep the newest snapshot; paint the figure view on top (the window paints the
        diagram itself)."""
        self._snapshot = snapshot
        self._paint_current()

    def _paint_current(self) -> None:
        page = self.currentWidget()
        if self._snapshot is not None and page in (self.paper_figure, self.hidden_space,
                                                   self.dendrogram):
            page.show_snapshot(self._snapshot)
