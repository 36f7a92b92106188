"""The centre's tabs: the network diagram beside the paper figure, hidden space and dendrogram.

The figure views sit in tabs with the diagram (the largest area of the window), so each of them
is shown next to the loss plot and the per-position error bars. Only the tab on top is painted;
a tab brought up is painted at once from the newest snapshot. View ▸ (Ctrl+1 … Ctrl+4) raises
a tab; ``--view NAME`` on the command line too.

The three figure views are made when their tab is first brought up (or first asked for): the
window opens on the network tab, and making them (a dozen pyqtgraph items) would delay its
first paint for views a student may not open.
"""

from __future__ import annotations

from functools import partial

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QTabWidget, QVBoxLayout, QWidget

from elman_core.live.snapshot import Snapshot
from elman_gui.actions import make_action

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
    """The network diagram and the three figure views, as tabs; paints the one on top.

    ``viewMade(name, view)`` says that a figure view was just made (focus mode listens to it).
    """

    viewMade = Signal(str, QWidget)

    def __init__(self, diagram: QWidget, cluster, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setDocumentMode(True)
        # A narrow window scrolls the tabs instead of growing to fit them all side by side.
        self.tabBar().setUsesScrollButtons(True)
        # Narrow tabs: all four fit beside the plots in a 1024-pixel window.
        self.setStyleSheet("QTabBar::tab { padding: 3px 7px; }")
        self._cluster = cluster
        self._figures: dict[str, QWidget] = {}  # the figure views made so far, by name
        # A figure's page is an empty holder until its view is made (see the module docstring).
        self._pages = {name: diagram if name == "network" else QWidget(self) for name in VIEWS}
        for name, page in self._pages.items():
            if page is not diagram:
                QVBoxLayout(page).setContentsMargins(0, 0, 0, 0)
            title, tip = VIEWS[name]
            self.setTabToolTip(self.addTab(page, title), tip)
        self._snapshot: Snapshot | None = None
        self.currentChanged.connect(lambda _: self._paint_current())
        self.view_actions = [
            make_action(self, VIEWS[name][0], VIEWS[name][1], [f"Ctrl+{k}"],
                        slot=partial(self.show_view, name), shortcut_owner=parent)
            for k, name in enumerate(VIEWS, start=1)]

    @property
    def paper_figure(self):
        return self._figure("paper-figure")

    @property
    def hidden_space(self):
        return self._figure("hidden-space")

    @property
    def dendrogram(self):
        return self._figure("dendrogram")

    def _figure(self, name: str) -> QWidget:
        """The figure view ``name``, made (and put in its tab) the first time it is needed."""
        view = self._figures.get(name)
        if view is None:
            # Imported here, with the view: not before the window's first paint.
            if name == "paper-figure":
                from elman_gui.views.figures.paper_figure import PaperFigureView

                view = PaperFigureView(self)
                view.dendrogramRequested.connect(lambda: self.show_view("dendrogram"))
            elif name == "hidden-space":
                from elman_gui.views.figures.hidden_space import HiddenSpaceView

                view = HiddenSpaceView(self)
            else:
                from elman_gui.views.figures.dendrogram_view import DendrogramView

                view = DendrogramView(self)
                view.clusterRequested.connect(self._cluster)
            self._pages[name].layout().addWidget(view)
            self._figures[name] = view
            self.viewMade.emit(name, view)
        return view

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
        name = self.current_view()
        if name != "network":
            view = self._figure(name)  # made now if this is its first time on top
            if self._snapshot is not None:
                view.show_snapshot(self._snapshot)
