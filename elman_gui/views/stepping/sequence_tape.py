"""The sequence tape: what the network has just read, what it had to predict and what it guessed.

A strip under the diagram, like the welcome picker's task pictures but live: one column per
recent step (newest on the right), three rows — the input it saw, the target it had to predict and
its prediction, the prediction green when right and red when wrong — and each column tinted by that
step's error. It moves as training goes, so a student sees *what* the network guesses, not only
how wrong it is on average. A view: it knows only the snapshot's activation history.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QEvent, QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QColor, QPainter, QPen, QStaticText
from PySide6.QtWidgets import QSizePolicy, QWidget

from elman_core.live.snapshot import ActivationHistory, Snapshot
from elman_gui.views.style import palette

ROWS = ("sees", "target", "guess")
EMPTY_HINT = ("The sequence tape — press Step or Play: each step's input, the target it must "
              "predict and the network's guess appear here.")
GUTTER_PX = 46  # the row names
MIN_COLUMN_PX = 18  # a column is never narrower: fewer steps shown instead
PADDING_PX = 4
# Light tints (the letters stay readable on them), darker for larger errors: 32 levels.
TINTS = [palette.faded(palette.WRONG, 0.06 + 0.4 * level / 31) for level in range(32)]
TEXT, RIGHT, WRONG = (QColor(c) for c in (palette.FOREGROUND, palette.CORRECT, palette.WRONG))


class SequenceTape(QWidget):
    """The last steps as a strip of input / target / prediction, tinted by error; a click on
    a column asks for that step (``stepClicked``), which then stays outlined."""

    stepClicked = Signal(int)  # the global step of the column clicked

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._static_texts: dict[str, QStaticText] = {}  # text → laid out in this font
        self.setFont(palette.font(9))
        line = self.fontMetrics().height()
        self.setFixedHeight(3 * (line + 2) + 2 * PADDING_PX)
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
        self.setToolTip("The sequence tape: the last steps, newest on the right (click one "
                        "to inspect it) — what the network saw, what it had to predict and "
                        "what it guessed (green: right, red: wrong); the redder the column, "
                        "the larger that step's error.")
        self.history: ActivationHistory | None = None
        self.outlined: int | None = None  # the step outlined: the inspected one, else the latest

    def show_snapshot(self, snapshot: Snapshot) -> None:
        # One step shown everywhere: the step the inspector shows is the one outlined here.
        inspected = snapshot.inspected
        outlined = inspected.global_step if inspected is not None else None
        if snapshot.history is not self.history or outlined != self.outlined:
            self.history = snapshot.history
            self.outlined = outlined
            self.update()

    def step_at(self, x: float) -> int | None:
        """The global step of the column at ``x`` (None: no column there)."""
        n = self.columns_shown()
        if n == 0 or x < GUTTER_PX:
            return None
        k = int((x - GUTTER_PX) // ((self.width() - GUTTER_PX) / n))
        return int(self.history.steps[-n:][k]) if 0 <= k < n else None

    def mousePressEvent(self, event) -> None:  # noqa: N802 (Qt name)
        step = self.step_at(event.position().x())
        if step is not None and event.button() == Qt.MouseButton.LeftButton:
            self.stepClicked.emit(step)
        super().mousePressEvent(event)

    def columns_shown(self) -> int:
        """How many of the latest steps fit in the width now."""
        if self.history is None or len(self.history) == 0:
            return 0
        history = self.history
        # Each distinct symbol (a task has a few dozen) is laid out and measured once: the
        # tape asks every frame, over hundreds of steps.
        symbols = {*history.symbols, *history.targets, *history.predicted, "0"}
        widest = max(self._laid_out(s).size().width() for s in symbols)
        column = max(MIN_COLUMN_PX, widest + 6)
        return int(min(len(self.history), max(0, (self.width() - GUTTER_PX) // column)))

    def changeEvent(self, event) -> None:  # noqa: N802 (Qt name)
        if event.type() == QEvent.Type.FontChange:
            self._static_texts.clear()
        super().changeEvent(event)

    def cells(self) -> list[tuple[str, str, str]]:
        """(input, target, guess) of each shown column, oldest first (tests)."""
        n = self.columns_shown()
        if n == 0:
            return []
        history = self.history
        predicted = history.predicted or ("",) * len(history)
        targets = history.targets or ("",) * len(history)
        return list(zip(history.symbols[-n:], targets[-n:], predicted[-n:], strict=True))

    def paintEvent(self, event) -> None:  # noqa: N802 (Qt name)
        painter = QPainter(self)
        painter.fillRect(self.rect(), QColor(palette.BACKGROUND))
        line = (self.height() - 2 * PADDING_PX) / 3
        painter.setPen(QColor(palette.MUTED))
        cells = self.cells()
        if not cells:  # just the hint: row names beside nothing read as part of its sentence
            painter.drawText(QRectF(PADDING_PX, 0, self.width() - 2 * PADDING_PX, self.height()),
                             Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap,
                             EMPTY_HINT)
            return
        for r, name in enumerate(ROWS):
            painter.drawText(QRectF(2, PADDING_PX + r * line, GUTTER_PX - 6, line),
                             Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, name)
        n = len(cells)
        width = (self.width() - GUTTER_PX) / n
        losses = np.nan_to_num(self.history.loss[-n:], nan=0.0)
        largest = float(losses.max()) if n else 0.0
        relative = losses / largest if largest > 0 else np.zeros(n)
        levels = np.rint(relative * (len(TINTS) - 1)).astype(int)
        # The symbols are laid out once each (QStaticText) and the colours made once: the
        # tape repaints every frame, and laying out 150 texts a frame cost 2.4 ms.
        steps = self.history.steps[-n:]
        outlined = self.outlined if self.outlined is not None and self.outlined in steps \
            else int(steps[-1])  # the step the inspector shows, else the step just done
        for k, ((seen, target, guess), level) in enumerate(zip(cells, levels, strict=True)):
            x = GUTTER_PX + k * width
            column = QRectF(x + 1, PADDING_PX, width - 2, 3 * line)
            painter.fillRect(column, TINTS[level])
            if steps[k] == outlined:
                painter.setPen(QPen(TEXT, 1.5))
                painter.drawRect(column)
            for r, text in enumerate((seen, target, guess)):
                color = TEXT
                if r == 2 and target:
                    color = RIGHT if guess == target else WRONG
                painter.setPen(color)
                laid_out = self._laid_out(text)
                size = laid_out.size()
                painter.drawStaticText(QPointF(x + (width - size.width()) / 2,
                                               PADDING_PX + r * line + (line - size.height()) / 2),
                                       laid_out)

    def _laid_out(self, text: str) -> QStaticText:
        laid_out = self._static_texts.get(text)
        if laid_out is None:
            laid_out = self._static_texts[text] = QStaticText(text)
            laid_out.prepare(font=self.font())
        return laid_out
