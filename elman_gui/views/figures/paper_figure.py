"""The paper's figure of the current task, live: Fig. 3, 4, 5 or 6, from the latest epoch.

The snapshot carries the figure as data (:class:`~elman_core.analysis.figure_records.PaperFigure`,
made
in the trainer thread); this view draws one of its panels: a line (Figs. 3-5, as the paper
prints them) or bars (Fig. 6), each x labelled with the symbol to predict, marked steps (word
onsets…) shaded behind, and the paper's caption above. All items are made once and updated.
"""

from __future__ import annotations

from html import escape

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QTextDocumentFragment
from PySide6.QtWidgets import (
    QButtonGroup,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from elman_core.analysis.figure_records import FigurePanel, PaperFigure
from elman_core.live.snapshot import Snapshot
from elman_gui.views.figures import figure_parts
from elman_gui.views.style import palette

MIN_STEP_PX = 13  # narrower than this, the labels cannot be read: show fewer steps
_CHAR_PX = 7
MARK_COLOR = "#fde9a9"  # the shaded band behind a marked step
LINE_COLORS = ("#1f4e99", "#c0392b")  # series 1 and 2 (Fig. 5a, 5b)


class PaperFigureView(QWidget):
    """Draws ``snapshot.paper_figure``; with two panels (Figs. 4 and 5), a toggle between them."""

    dendrogramRequested = Signal()  # the sentences' Figs. 7 and 8 live in the dendrogram view

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.title = QLabel(self)
        self.title.setTextFormat(Qt.TextFormat.RichText)
        self.caption = QLabel(self)
        self.caption.setWordWrap(True)
        self.caption.setStyleSheet(f"color: {palette.FOREGROUND}")
        self.note = QLabel(self)
        self.note.setWordWrap(True)
        self.note.setStyleSheet(f"color: {palette.MUTED}")
        self.open_dendrogram = QPushButton("Open the dendrogram", self)
        self.open_dendrogram.clicked.connect(self.dendrogramRequested)
        self.panel_buttons: list[QRadioButton] = [QRadioButton(self) for _ in range(2)]
        self._group = QButtonGroup(self)
        header = QHBoxLayout()
        header.setContentsMargins(8, 4, 8, 0)
        header.addWidget(self.title, 1)
        # The key sits beside the title, outside the plot: it never covers a point or a peak.
        self.legend = QLabel(self)
        self.legend.setTextFormat(Qt.TextFormat.RichText)
        header.addWidget(self.legend)
        for index, button in enumerate(self.panel_buttons):
            self._group.addButton(button, index)
            header.addWidget(button)
            button.hide()
        self._group.idToggled.connect(self._on_panel_toggled)
        notes = QHBoxLayout()
        notes.setContentsMargins(8, 0, 8, 0)
        notes.addWidget(self.note, 1)
        notes.addWidget(self.open_dendrogram)

        self._plot, item, self._view = figure_parts.still_plot(self)
        self._bands = pg.BarGraphItem(x=np.empty(0), height=np.empty(0), width=1.0, y0=0,
                                      brush=pg.mkBrush(MARK_COLOR), pen=pg.mkPen(None))
        self._bars = pg.BarGraphItem(x=np.empty(0), height=np.empty(0), width=0.7,
                                     brush=pg.mkBrush(LINE_COLORS[0]),
                                     pen=pg.mkPen(palette.UNIT_OUTLINE, width=1))
        self._lines = [pg.PlotDataItem(pen=pg.mkPen(c, width=2), symbol="o", symbolSize=6,
                                       symbolBrush=c, symbolPen=pg.mkPen(c), connect="finite")
                       for c in LINE_COLORS]
        item.addItem(self._bands)
        item.addItem(self._bars)
        for line in self._lines:
            item.addItem(line)
        self._message = figure_parts.message(item)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addLayout(header)
        layout.addWidget(self.caption)
        self.caption.setContentsMargins(8, 0, 8, 0)
        layout.addLayout(notes)
        layout.addWidget(self._plot, 1)

        self._figure: PaperFigure | None = None
        self._panel_index = 0
        self._shown: tuple | None = None  # what is drawn: (figure, panel, steps shown)
        self._legend_names: tuple[str, ...] = ()
        self._view.sigResized.connect(self._redraw)
        self._show(None)

    # ------------------------------------------------------------------ public API
    def show_snapshot(self, snapshot: Snapshot) -> None:
        if snapshot.paper_figure is not self._figure:
            self._show(snapshot.paper_figure)

    def set_panel(self, index: int) -> None:
        """Show panel ``index`` of the figure (Fig. 4 = 0, Fig. 5 = 1 for the letters)."""
        self.panel_buttons[index].setChecked(True)

    # Read-only accessors (tests).
    def panel(self) -> FigurePanel | None:
        figure = self._figure
        return figure.panels[self._panel_index] if figure and figure.panels else None

    def steps_shown(self) -> int:
        return self._shown[2] if self._shown else 0

    def drawn_values(self) -> np.ndarray:
        """(series, steps shown): the bar heights or the lines' y, NaN where nothing is drawn."""
        panel = self.panel()
        if panel is None:
            return np.empty((0, 0))
        if panel.style == "bars":
            heights = np.asarray(self._bars.opts["height"], dtype=np.float64)
            return np.where(np.isfinite(panel.values[:, :len(heights)]), heights, np.nan)
        rows = [line.getData()[1] for line in self._lines[:len(panel.values)]]
        return np.array([np.asarray(r, dtype=np.float64) for r in rows])

    def marked_steps(self) -> np.ndarray:
        return np.asarray(self._bands.opts["x"], dtype=np.int64)

    def tick_labels(self) -> list[str]:
        ticks = self._plot.getPlotItem().getAxis("bottom")._tickLevels
        return [label.strip() for _, label in ticks[0]] if ticks else []

    # -------------------------------------------------------------------- internals
    def _show(self, figure: PaperFigure | None) -> None:
        self._figure = figure
        panels = figure.panels if figure is not None else ()
        for index, button in enumerate(self.panel_buttons):
            button.setVisible(len(panels) > 1 and index < len(panels))
            if index < len(panels):
                button.setText(panels[index].title)
        if self._panel_index >= len(panels):
            self._panel_index = 0
        if len(panels) > 1:
            self.panel_buttons[self._panel_index].setChecked(True)
        note = figure.note if figure is not None else ""
        self.note.setText(note)
        self.note.setVisible(bool(note))
        self.open_dendrogram.setVisible(bool(note))
        self._redraw()

    def _on_panel_toggled(self, index: int, checked: bool) -> None:
        if checked and index != self._panel_index:
            self._panel_index = index
            self._redraw()

    def _redraw(self, *_) -> None:
        panel, figure = self.panel(), self._figure
        if panel is None:
            self.title.setText("<b>Paper figure</b>")
            self.caption.setText("The figure this task reproduces appears here as it trains.")
            self._draw(None, 0)
            return
        epoch = f"epoch {figure.epoch}" + ("" if figure.complete else ", in progress")
        self.title.setText(f"<b>{panel.title}</b> &nbsp;<span style='color:{palette.MUTED}'>"
                           f"({epoch})</span>")
        self.caption.setText(panel.caption)
        label_px = max((len(label) for label in panel.labels), default=1) * _CHAR_PX + 6
        width = self._view.width()
        fit = max(4, int(width // max(MIN_STEP_PX, label_px / 2))) if width > 0 else 4
        steps = min(panel.values.shape[1], fit)
        two_rows = steps * label_px > width  # stagger the labels when one row is too tight
        # The figure by identity: two records' arrays cannot be compared with == (a new run's
        # figure at the same epoch raised "truth value of an array … is ambiguous").
        shown = self._shown
        if shown is not None and shown[0] is figure and shown[1:] == (self._panel_index, steps,
                                                                     two_rows):
            return
        self._draw(panel, steps, two_rows)

    def _draw(self, panel: FigurePanel | None, steps: int, two_rows: bool = False) -> None:
        self._shown = (self._figure, self._panel_index, steps, two_rows)
        item = self._plot.getPlotItem()
        values = panel.values[:, :steps] if panel is not None else np.empty((1, 0))
        finite = np.isfinite(values)
        top = float(values[finite].max()) if finite.any() else 1.0
        top = max(top * 1.1, 1e-3)
        x = np.arange(steps, dtype=np.float64)
        bars = panel is not None and panel.style == "bars"
        self._bars.setOpts(x=x if bars else np.empty(0),
                           height=np.where(finite[0], values[0], 0.0) if bars else np.empty(0),
                           width=0.7)
        for index, line in enumerate(self._lines):
            if not bars and panel is not None and index < len(values):
                line.setData(x, values[index])
            else:
                line.setData([], [])
        marks = np.flatnonzero(panel.marks[:steps]) if panel is not None else np.empty(0)
        self._bands.setOpts(x=marks.astype(np.float64), height=np.full(len(marks), top),
                            width=1.0)
        self._view.setRange(xRange=(-0.6, max(steps, 1) - 0.4), yRange=(0.0, top), padding=0)
        self._update_legend(panel)
        if panel is not None:
            item.setLabel("bottom", panel.x_label)
            item.setLabel("left", panel.y_label)
            labels = [("\n" if k % 2 and two_rows else "") + label for k, label in
                      enumerate(panel.labels[:steps])]
            item.getAxis("bottom").setHeight(48 if two_rows else None)
            item.getAxis("bottom").setTicks([list(zip(x.tolist(), labels, strict=True))])
        else:
            item.getAxis("bottom").setTicks([[]])
        self._message.setText("" if finite.any() else "no errors yet: train a few steps")
        self._message.setPos(max(steps - 1, 0) / 2, top / 2)

    def _update_legend(self, panel: FigurePanel | None) -> None:
        names: tuple[str, ...] = ()
        if panel is not None:
            names = (panel.series if len(panel.series) > 1 else ()) + (
                (panel.mark_name,) if panel.mark_name and panel.marks.any() else ())
        if names == self._legend_names:
            return
        self._legend_names = names
        items = []
        if panel is not None and len(panel.series) > 1:
            items += [f"<span style='color:{color}'><b>━━</b></span>&nbsp;{escape(name)}"
                      for color, name in zip(LINE_COLORS, panel.series, strict=False)]
        if panel is not None and panel.mark_name and panel.marks.any():
            items.append(f"<span style='background:{MARK_COLOR}'>&nbsp;&nbsp;&nbsp;&nbsp;"
                         f"</span>&nbsp;shaded: {escape(panel.mark_name)}")
        self.legend.setText(" &nbsp; ".join(f"<nobr>{item}</nobr>" for item in items))
        self.legend.setVisible(bool(items))

    def legend_text(self) -> str:
        """The key as plain text (tests)."""
        return QTextDocumentFragment.fromHtml(self.legend.text()).toPlainText()

