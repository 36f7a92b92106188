"""The timestep inspector: every number of one step, in the order the network computes them.

It shows ``snapshot.inspected`` — a trace together with the place it was taken — so the header
always names the step the numbers belong to. Its step box picks another step the history keeps,
as a click on the history or the tape does (``stepPicked``: the same command to the trainer).
In phase mode only the phases reached so far are listed (1 forward, 2 error, 3 backward and
update, 4 copy hidden → context — or, in a Jordan network, output → context, with its decay).
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Signal
from PySide6.QtGui import QFont, QGuiApplication, QTextOption
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from elman_core.live.snapshot import InspectedStep, Snapshot
from elman_gui.views.style import native_paint, palette

PHASE_NAMES = {1: "1 forward", 2: "2 error", 3: "3 backward and weight update",
               4: "4 copy hidden → context"}
# The letter of the layer a context copies (snapshot.context_source), as the lines name it.
LAYER_LETTERS = {"hidden": "h", "output": "y"}
MATRICES = (("dW_ih", "ΔW_ih (input → hidden)"), ("dW_hh", "ΔW_hh (context → hidden)"),
            ("dW_ho", "ΔW_ho (hidden → output)"))
# Each ΔW heatmap: its rows' and columns' unit names (h3 is the third hidden unit everywhere).
UNIT_PREFIXES = {"dW_ih": ("h", "x"), "dW_hh": ("h", "c"), "dW_ho": ("y", "h")}
SHOWN_DIGITS = 4  # significant digits on screen: every number equally long, none cut
COPIED_DIGITS = 6  # in the Copy dump


def fmt(value: float, digits: int = COPIED_DIGITS) -> str:
    return f"{value:.{digits}g}"


def shown(value: float) -> str:
    """A number as the inspector shows it: always SHOWN_DIGITS significant digits."""
    return f"{value:#.{SHOWN_DIGITS}g}"


def _vector(values: np.ndarray | None, number=fmt) -> str:
    if values is None:
        return "—"
    return "[" + "  ".join(number(v) for v in np.asarray(values).ravel()) + "]"


def describe_place(step: InspectedStep) -> str:
    return f"{step.place()} (step {step.global_step + 1:,} of the run)"


def context_formula(source: str, decay: float, t: str) -> str:
    """What the context after step ``t`` holds: "h(t)", or Jordan's "y(t) + 0.5·c(t)"."""
    copied = f"{LAYER_LETTERS[source]}({t})"
    return f"{copied} + {decay:g}·c({t})" if decay else copied


def step_text(step: InspectedStep, phase: int | None = None, full: bool = False,
              source: str = "hidden", decay: float = 0.0) -> str:
    """The plain-text dump of a step, up to ``phase`` (all phases when None).

    On screen (``full`` False) numbers have SHOWN_DIGITS significant digits; the full dump
    has COPIED_DIGITS and every ΔW matrix row. ``source`` and ``decay``: what the context
    holds (the snapshot's ``context_source`` and ``context_decay``).
    """
    num = fmt if full else shown

    def vec(values: np.ndarray | None) -> str:
        return _vector(values, num)

    t = step.trace
    last = 4 if phase is None else phase
    lines = [describe_place(step)]
    if step.note:
        lines.append(step.note)
    lines += ["", "1  FORWARD",
              f"input x(t)            {step.input_symbol!r}  {vec(t.input)}"]
    previous = f"{source} at t−1" + (f" + {decay:g} × context at t−1" if decay else "")
    if t.context_was_reset:
        origin = f"reset to {num(t.context[0])}" if len(t.context) else "reset"
    elif len(t.context) and not np.any(t.context):
        origin = f"= {previous}, or zeroed (no memory)"
    else:
        origin = f"= {previous}"
    lines += [f"context c(t)  {origin}", f"                      {vec(t.context)}",
              f"hidden net input      {vec(t.hidden_net)}",
              f"hidden h(t)           {vec(t.hidden)}",
              f"output net input     {vec(t.output_net)}",
              f"output y(t)           {vec(t.output)}",
              f"predicted             {step.predicted_symbol!r}"]
    if last >= 2:
        lines += ["", "2  ERROR"]
        if t.target is None:
            lines.append("no target at this step: no error, no learning from it")
        else:
            lines += [f"target                {step.target_symbol!r}  {vec(t.target)}",
                      f"error y − target      {vec(t.error)}",
                      f"loss                  {num(t.loss)}"]
    if last >= 3:
        lines += ["", "3  BACKWARD AND WEIGHT UPDATE",
                  f"δ output              {vec(t.delta_output)}",
                  f"δ hidden              {vec(t.delta_hidden)}"]
        if not t.updated:
            lines.append("no weight change at this step (e.g. inside a BPTT window)")
        for name, title in MATRICES:
            matrix = np.asarray(getattr(t, name))
            largest = float(np.max(np.abs(matrix))) if matrix.size else 0.0
            lines.append(f"{title}  {matrix.shape[0]}×{matrix.shape[1]}, "
                         f"largest |Δ| {num(largest)}")
            if full:
                lines += ["    " + vec(row) for row in matrix]
        lines += [f"Δb_h                  {vec(t.db_h)}",
                  f"Δb_o                  {vec(t.db_o)}"]
    if last >= 4:
        formula = f"context c(t+1) = {context_formula(source, decay, 't')}"
        copied = t.next_context if t.next_context is not None else t.hidden
        lines += ["", f"4  COPY {source.upper()} → CONTEXT",
                  f"{formula:<21} {vec(copied)}"]
    return "\n".join(lines)


class _Heatmap(native_paint.PlotWidget):
    """One ΔW matrix: rows are the receiving units, columns the sending ones; hover = value.

    A colour bar beside it gives the scale (symmetric about 0: blue negative, red positive).
    """

    def __init__(self, name: str, title: str, parent=None) -> None:
        super().__init__(parent=parent)
        self.setBackground("w")
        self.prefixes = UNIT_PREFIXES[name]
        self.item = pg.ImageItem(axisOrder="row-major")
        self.addItem(self.item)
        plot = self.getPlotItem()
        plot.setTitle(title, size="9pt", color=palette.FOREGROUND)
        self.colorbar = plot.addColorBar(self.item, colorMap=palette.diverging_map(),
                                         values=(-1.0, 1.0), interactive=False, width=10)
        self.colorbar.getAxis("right").setStyle(tickFont=palette.font(7))
        plot.hideAxis("left")
        plot.hideAxis("bottom")
        plot.setMouseEnabled(False, False)
        plot.hideButtons()
        plot.getViewBox().invertY(True)
        self.setMinimumHeight(70)
        self.matrix = np.zeros((1, 1))
        self.hover = ""
        self.scene().sigMouseMoved.connect(self._on_moved)

    def set_matrix(self, matrix: np.ndarray) -> None:
        self.matrix = np.asarray(matrix, dtype=np.float64)
        largest = float(np.max(np.abs(self.matrix))) if self.matrix.size else 0.0
        largest = largest if largest > 0 else 1.0
        self.item.setImage(self.matrix, autoLevels=False)
        self.colorbar.setLevels((-largest, largest))
        self.getPlotItem().getViewBox().autoRange(padding=0)

    def scale(self) -> tuple[float, float]:
        """The colour bar's range (the largest |Δw| either side of 0)."""
        low, high = self.colorbar.levels()
        return float(low), float(high)

    def value_at(self, row: int, column: int) -> str:
        """The weight change of the link from column unit to row unit, units numbered from 1."""
        value = float(self.matrix[row, column])
        destination, source = self.prefixes
        return f"{source}{column + 1} → {destination}{row + 1}: Δw = {value!r}"

    def _on_moved(self, position) -> None:
        point = self.getPlotItem().getViewBox().mapSceneToView(position)
        row, column = int(np.floor(point.y())), int(np.floor(point.x()))
        if 0 <= row < self.matrix.shape[0] and 0 <= column < self.matrix.shape[1]:
            self.hover = self.value_at(row, column)
            self.setToolTip(self.hover)


def pickable_steps(snapshot: Snapshot) -> tuple[int, int] | None:
    """The first and last global step (from 0) the inspector can pick: those the history
    shows that Step back's checkpoints still reach; None when there are none."""
    history, latest = snapshot.history, snapshot.global_step - 1
    if history is None or len(history) == 0 or latest < 0:
        return None
    first = max(int(history.steps[0]), snapshot.global_step - snapshot.steps_back)
    return (first, latest) if first <= latest else None


class InspectorView(QWidget):
    """The dock contents: header, a step picker, the numbers as selectable text, ΔW heatmaps,
    Copy."""

    stepPicked = Signal(int)  # a global step (from 0), as HistoryView.stepClicked

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.header = QLabel(self)
        self.header.setWordWrap(True)
        self.header.setFont(palette.font(10, bold=True))
        # Steps counted from 1 as in the header ("step 5 of the run" is global step 4); typing
        # picks on Enter, not at every digit.
        self.step_box = QSpinBox(self)
        self.step_box.setPrefix("step ")
        self.step_box.setKeyboardTracking(False)
        self.step_box.setGroupSeparatorShown(True)  # "step 15,030", as the header writes it
        self.step_box.setToolTip("Pick a step the history keeps (↑ ↓ or type it and press "
                                 "Enter): the diagram, the history and the tape show it too")
        self.step_box.setEnabled(False)
        self.step_box.valueChanged.connect(lambda shown: self.stepPicked.emit(shown - 1))
        self._link = ("hidden", 0.0)  # what the context holds: (source layer, decay)
        self.memory = QLabel(self)
        self.memory.setToolTip("How far Step back (← or B) reaches, and the memory its "
                               "checkpoints use (Memory → Step-back memory cap…)")
        self.text = QPlainTextEdit(self)
        self.text.setReadOnly(True)
        # Long vectors wrap between numbers: a number is never cut at the panel's edge.
        self.text.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
        self.text.setWordWrapMode(QTextOption.WrapMode.WordWrap)
        mono = QFont("monospace")
        mono.setStyleHint(QFont.StyleHint.Monospace)
        mono.setPointSizeF(9)
        self.text.setFont(mono)
        self.text.setToolTip(f"Every number of this timestep, to {SHOWN_DIGITS} significant "
                             f"digits. Copy gives {COPIED_DIGITS} digits and every ΔW row.")
        self.heatmaps = {name: _Heatmap(name, title, self) for name, title in MATRICES}
        self.hover_label = QLabel(self)
        self.hover_label.setToolTip("Hover a ΔW cell for its exact value")
        self.copy_button = QPushButton("Copy", self)
        self.copy_button.setToolTip("Copy every number of this step (full matrices) as text")
        self.copy_button.clicked.connect(self.copy)
        maps = QVBoxLayout()  # one under another: each as wide as the panel, titles whole
        for heatmap in self.heatmaps.values():
            maps.addWidget(heatmap)
            heatmap.scene().sigMouseMoved.connect(self._show_hover)
        bottom = QHBoxLayout()
        bottom.addWidget(self.hover_label, 1)
        bottom.addWidget(self.copy_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.header)
        picker = QHBoxLayout()
        picker.addWidget(QLabel("Show", self))
        picker.addWidget(self.step_box)
        picker.addWidget(QLabel("of the run", self), 1)
        layout.addLayout(picker)
        layout.addWidget(self.memory)
        layout.addWidget(self.text, 3)
        layout.addLayout(maps, 2)
        layout.addLayout(bottom)
        self.inspected: InspectedStep | None = None
        self.phase: int | None = None
        self._key: tuple | None = None
        self.clear()

    def clear(self, message: str = "Step (→) to inspect a timestep.") -> None:
        self.inspected, self.phase, self._key = None, None, None
        self.header.setText(message)
        self.text.setPlainText("")
        for heatmap in self.heatmaps.values():
            heatmap.set_matrix(np.zeros((1, 1)))
            heatmap.setVisible(False)

    def show_snapshot(self, snapshot: Snapshot) -> None:
        self.memory.setText(
            f"can go back {snapshot.steps_back:,} step{'' if snapshot.steps_back == 1 else 's'} · "
            f"{snapshot.history_bytes / 2**20:.1f} of {snapshot.history_limit / 2**20:.0f} MB")
        step = snapshot.inspected
        self._show_pickable(snapshot)
        # The phase applies to the latest traced step only.
        phase = snapshot.phase if step is not None and snapshot.trace is step.trace else None
        key = (snapshot.generation, id(step), phase)
        if key == self._key:
            return
        if step is None:
            self.clear(snapshot.message if snapshot.message.startswith("Stepped back")
                       else "Step (→) to inspect a timestep.")
            self._key = key
            return
        self._key, self.inspected, self.phase = key, step, phase
        header = describe_place(step)
        if phase is not None:  # the copy phase named for the network's architecture
            names = PHASE_NAMES | {4: f"4 {snapshot.copy_words}"}
            header += f" — phase {names[phase]}"
        if step.note:
            header += f"\n{step.note}"
        self.header.setText(header)
        self._link = (snapshot.context_source, snapshot.context_decay)
        self.text.setPlainText(step_text(step, phase, False, *self._link))
        show_maps = phase is None or phase >= 3
        for name, heatmap in self.heatmaps.items():
            heatmap.set_matrix(getattr(step.trace, name))
            heatmap.setVisible(show_maps)

    def _show_pickable(self, snapshot: Snapshot) -> None:
        """The step box's range (the steps the history keeps) and value (the step shown, else
        the latest), set without asking the trainer for anything."""
        box, steps = self.step_box, pickable_steps(snapshot)
        box.setEnabled(steps is not None)
        if box.hasFocus() and box.cleanText() != box.textFromValue(box.value()):
            return  # the student is typing a step: leave the field alone
        first, last = steps if steps is not None else (0, 0)
        shown = snapshot.inspected.global_step if snapshot.inspected is not None else last
        box.blockSignals(True)
        box.setRange(first + 1, last + 1)
        box.setValue(shown + 1)
        box.blockSignals(False)

    def pick_step(self, global_step: int) -> None:
        """Show ``global_step`` (from 0), as if typed into the step box."""
        self.step_box.setValue(global_step + 1)

    def header_text(self) -> str:
        return self.header.text()

    def dump(self) -> str:
        if self.inspected is None:
            return ""
        return step_text(self.inspected, self.phase, True, *self._link)

    def copy(self) -> None:
        QGuiApplication.clipboard().setText(self.dump())

    def _show_hover(self, _position) -> None:
        for heatmap in self.heatmaps.values():
            if heatmap.underMouse() and heatmap.hover:
                self.hover_label.setText(heatmap.hover)
