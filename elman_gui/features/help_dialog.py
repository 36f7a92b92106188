"""Help: how an Elman network works (the app's own diagram of a small fixed example network),
the keyboard shortcuts (read from the window's actions, so the sheet cannot drift from the keys),
and the About box."""

from __future__ import annotations

from collections.abc import Iterable
from types import SimpleNamespace

import numpy as np
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from elman_core.model.network import ElmanNetwork
from elman_gui.features.help_tour import tour_html
from elman_gui.views.diagram.network_diagram import NetworkDiagramView

HOW_IT_WORKS_HTML = """
<h2>How an Elman network works</h2>
<p>An Elman network is a small neural network with a memory. It reads a sequence one item
at a time and, at every step, tries to predict the item that comes next.</p>
<p><b>Input units</b> hold the current item: one bit of the XOR
stream, or the six features of a letter. <b>Hidden units</b> each add up the input and the
context, every value multiplied by the weight of its link, and squash the sum into a range
such as 0 to 1. <b>Output units</b> do the same with the hidden layer: their values are the
prediction.</p>
<p><b>Context units</b> are the memory. After every step they receive an exact copy of the
hidden layer (the dashed links, fixed at weight 1), and at the next step they feed it back in.
So what the network saw before changes how it reads what it sees now.</p>
<p><b>Learning.</b> When the next item arrives, the prediction is compared with it. The error
is sent back from the outputs to the hidden units, and every solid link moves its weight a
little in the direction that would have made the error smaller; the learning rate sets how
far. Elman's rule sends the error back only one step; <i>bptt</i> in the Parameters reaches
further back in time.</p>
<p><b>What to watch.</b> In the diagram a unit's colour is its value and a link's colour and
thickness its weight (key below it; hover for numbers). The loss plot shows the error falling
epoch by epoch. The error bars show <i>where</i> it stays high: in temporal XOR only every
third bit can be predicted, so only that bar can drop. Click a hidden unit to switch it off
and see what it was doing.</p>
"""


ILLUSTRATION_SEED = 7  # a fixed little network whose picture shows every colour clearly


def illustrative_network() -> tuple[ElmanNetwork, np.ndarray, np.ndarray]:
    """The help's example: a fixed 2-3-2 network, its input (the letter a) and its context."""
    network = ElmanNetwork(2, 3, 2, seed=ILLUSTRATION_SEED, weight_scale=2.0)
    return network, np.array([1.0, 0.0]), np.array([0.15, 0.85, 0.5])


def illustration() -> SimpleNamespace:
    """What the help's diagram shows: the example network after one forward pass.

    Computed by :meth:`ElmanNetwork.forward` — the app's one arithmetic — never from the network
    being trained (whose diagram can be a hairball, or empty before the first step).
    """
    network, x, context = illustrative_network()
    _, hidden, _, output = network.forward(x, context)
    symbols = ("a", "b")
    return SimpleNamespace(
        generation=0, n_input=2, n_hidden=3, n_output=2, input_labels=symbols,
        output_labels=tuple(f"next {s}" for s in symbols), W_ih=network.W_ih,
        W_hh=network.W_hh, W_ho=network.W_ho, b_h=network.b_h, b_o=network.b_o, input=x,
        context=context, hidden=hidden, output=output, target=np.array([0.0, 1.0]),
        lesioned=(), input_symbol="a", target_symbol="b",
        predicted_symbol=symbols[int(np.argmax(output))],
        context_source=network.architecture.source, context_decay=network.architecture.decay,
        copy_words=network.architecture.copy_words())


def _plain(text: str) -> str:
    return text.replace("&&", "\0").replace("&", "").replace("\0", "&").rstrip(".…").strip()


def shortcut_rows(actions: Iterable[QAction]) -> list[tuple[str, str, str]]:
    """(keys, command, what it does) for every action that has a keyboard shortcut."""
    rows, seen = [], set()
    for action in actions:
        keys = [k.toString(QKeySequence.SequenceFormat.PortableText) for k in action.shortcuts()]
        keys = [k for k in keys if k]
        if not keys or id(action) in seen:
            continue
        seen.add(id(action))
        tip = action.toolTip() or action.statusTip()
        rows.append((" or ".join(keys), _plain(action.text()), tip))
    return rows


def about_html() -> str:
    try:
        from elman_gui.resources import app_version

        version = app_version()
    except ImportError:  # resources.py is optional
        from elman_core import __version__ as version
    return (f"<h2>Elman Lab {version}</h2>"
            "<p>Watch a simple recurrent network (Elman, 1990) learn to predict sequences, "
            "step by step.</p>"
            "<p>Reproduces the temporal XOR and letter-sequence experiments of J. L. Elman, "
            "<i>Finding Structure in Time</i>, Cognitive Science 14 (1990), 179–211.</p>"
            "<p>Built with Python, NumPy, Numba, PySide6 (Qt) and pyqtgraph.</p>")


def show_about(parent: QWidget | None) -> None:
    QMessageBox.about(parent, "About Elman Lab", about_html())


class HelpDialog(QDialog):
    """Four tabs: "How it works" (text beside an example diagram), "Using Elman Lab",
    "Keyboard", "About"."""

    def __init__(self, actions: Iterable[QAction], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Elman Lab help")
        self.tabs = QTabWidget(self)
        self.tabs.setToolTip("Help topics")

        text = QTextBrowser(self)
        text.setHtml(HOW_IT_WORKS_HTML)
        text.setToolTip("How an Elman network works, in short")
        self.diagram = NetworkDiagramView(self)
        self.diagram.setToolTip("A small example network (2 inputs, 3 hidden units, 2 outputs) "
                                "reading the letter a: drawn as the main window draws yours")
        self.diagram.setMinimumSize(420, 360)
        self.diagram.set_activations("sigmoid", "sigmoid")
        self.diagram.show_snapshot(illustration())
        how = QWidget(self)
        row = QHBoxLayout(how)
        row.addWidget(text, 1)
        row.addWidget(self.diagram, 1)
        self.tabs.addTab(how, "How it works")
        actions = list(actions)
        self.tour = QTextBrowser(self)
        self.tour.setHtml(tour_html(actions))
        self.tour.setToolTip("The figure tabs, step back, phases, focus mode and lessons")
        self.tabs.insertTab(1, self.tour, "Using Elman Lab")

        self.rows: list[tuple[str, str, str]] = []
        self.table = QTableWidget(0, 3, self)
        self.table.setHorizontalHeaderLabels(["Keys", "Command", "What it does"])
        self.table.setToolTip("Every keyboard shortcut of the main window")
        self.show_shortcuts(actions)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.verticalHeader().hide()
        self.table.setWordWrap(True)
        self.tabs.addTab(self.table, "Keyboard shortcuts")

        about = QLabel(about_html(), self)
        about.setWordWrap(True)
        about.setMargin(16)
        self.tabs.addTab(about, "About")

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.button(QDialogButtonBox.StandardButton.Close).setToolTip("Close the help")
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(buttons)
        self.resize(1000, 620)

    def show_shortcuts(self, actions: Iterable[QAction]) -> None:
        """The shortcut sheet of ``actions`` as they are now (refilled only if it changed)."""
        actions = list(actions)
        if hasattr(self, "tour"):
            self.tour.setHtml(tour_html(actions))
        rows = shortcut_rows(actions)
        if rows == self.rows:
            return
        self.rows = rows
        self.table.setRowCount(len(rows))
        for r, cells in enumerate(rows):
            for c, value in enumerate(cells):
                item = QTableWidgetItem(value)
                item.setToolTip(value)
                self.table.setItem(r, c, item)

    def shortcut_keys(self) -> list[str]:
        return [keys for keys, _, _ in self.rows]

    def how_it_works_words(self) -> int:
        from html import unescape
        from re import sub

        return len(unescape(sub(r"<[^>]+>", " ", HOW_IT_WORKS_HTML)).split())
