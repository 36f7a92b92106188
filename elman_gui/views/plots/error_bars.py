"""Where the network still errs: mean error per kind of target (the bit, letter or word class
to predict), or per output unit."""

from __future__ import annotations

import os
import textwrap

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QFont, QFontMetrics
from PySide6.QtWidgets import (
    QButtonGroup,
    QHBoxLayout,
    QLabel,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from elman_core.live.snapshot import Snapshot
from elman_gui.views.plots.steady_range import steady_range
from elman_gui.views.style import palette

BY_POSITION, BY_OUTPUT = "position", "output"
_X_LABELS = {BY_POSITION: "kind of step (what the target is)", BY_OUTPUT: "output unit"}
_CHAR_PX = 7  # rough width of one tick-label character
UPRIGHT_SHARE = 0.4  # of the plot's height, at most, for upright tick labels
VALUE_TEXT_LIMIT = 12  # write each bar's value above it while there are at most this many bars
_BAR_WIDTH = 0.7
VALUE_TEXT_ROOM = 1.12  # the y axis reaches at least this far above the tallest bar


class ErrorBarsView(QWidget):
    """One bar per position category (or per output unit) over the most recent epoch.

    The bar item is created once per set of categories and updated with ``setOpts``; bars are
    coloured by their height, and a bar without data yet (NaN) is left empty.
    """

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._axis = UprightLabelAxis()
        self._plot = palette.make_plot_widget(self, axisItems={"bottom": self._axis})
        item = self._plot.getPlotItem()
        item.setMenuEnabled(False)
        item.hideButtons()
        item.showGrid(x=False, y=True, alpha=palette.GRID_ALPHA)
        self._measure = "RMS error"  # the snapshot's error_measure
        item.setLabel("left", self._measure)
        self._view = item.getViewBox()
        self._view.setMouseEnabled(x=False, y=False)
        self._view.disableAutoRange()
        self._bars = pg.BarGraphItem(x=np.empty(0), height=np.empty(0), width=_BAR_WIDTH,
                                     pen=pg.mkPen(palette.UNIT_OUTLINE, width=1))
        item.addItem(self._bars)
        # Side by side: network B's bar right of A's, in B's colour (A's left, by height).
        self._partner_bars = pg.BarGraphItem(x=np.empty(0), height=np.empty(0), width=0.1,
                                             brush=palette.PARTNER_CURVE,
                                             pen=pg.mkPen(palette.UNIT_OUTLINE, width=1))
        self._partner_heights: np.ndarray | None = None
        self._message = pg.TextItem("", color=palette.MUTED, anchor=(0.5, 0.5))
        self._message.setFont(palette.font(11))
        item.addItem(self._message, ignoreBounds=True)
        self._hover = pg.TextItem("", color=palette.FOREGROUND, anchor=(0.5, 1),
                                  fill=pg.mkBrush(255, 255, 250, 235),
                                  border=pg.mkPen(palette.AXIS))
        self._hover.setZValue(100)
        self._hover.hide()
        item.addItem(self._hover, ignoreBounds=True)
        self._value_texts: list[pg.TextItem] = []

        self.position_button = QRadioButton("by target", self)
        self.output_button = QRadioButton("by output unit", self)
        self.position_button.setToolTip("Mean error of the steps grouped by what they predict "
                                        "(the axis below says what: a bit, a letter, a word "
                                        "class…)")
        self.output_button.setToolTip("Mean error of each output unit (feature bit)")
        self.position_button.setChecked(True)
        group = QButtonGroup(self)
        group.addButton(self.position_button)
        group.addButton(self.output_button)
        self._group = group
        self.position_button.toggled.connect(self._on_mode_toggled)
        toolbar = QHBoxLayout()
        toolbar.setContentsMargins(8, 4, 8, 0)
        self.header = QLabel("<b>Error</b> in the latest epoch", self)
        self.header.setToolTip("The measure of Elman's figures: each step's RMS error (the "
                               "root of the mean squared error over the output units), "
                               "averaged; of the same epoch as the loss label.")
        # Its text changes with the epoch: narrow windows get two lines, never a wider window.
        self.header.setWordWrap(True)
        toolbar.addWidget(self.header)
        toolbar.addStretch(1)
        toolbar.addWidget(self.position_button)
        toolbar.addWidget(self.output_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addLayout(toolbar)
        layout.addWidget(self._plot, 1)

        self._mode = BY_POSITION
        self._snapshot: Snapshot | None = None
        self._names: tuple[str, ...] = ()
        self._heights = np.empty(0)
        self._plot.scene().sigMouseMoved.connect(self._on_mouse_moved)
        self._view.sigResized.connect(self._update_ticks)
        self.clear()

    # ------------------------------------------------------------------ public API
    def show_snapshot(self, snapshot: Snapshot) -> None:
        """Show the latest epoch's errors; only touches the plot when a number changed."""
        self._snapshot = snapshot
        self._measure = snapshot.error_measure
        # The one epoch counter: the latest complete epoch, as the loss label and the figures.
        epoch = (f"epoch {snapshot.epoch:,}" if snapshot.epoch else "epoch 1, in progress")
        header = f"<b>{snapshot.error_measure}</b> ({epoch})"
        if snapshot.partner is not None:  # which bar is which network
            header += f" · A | <span style='color:{palette.PARTNER_CURVE}'>B</span>"
        if header != self.header.text():
            self.header.setText(header)
            self._fit_y_label()
        title = self._x_label(snapshot)
        if title != self._plot.getPlotItem().getAxis("bottom").labelText:
            self._plot.getPlotItem().setLabel("bottom", title)
        if self._mode == BY_POSITION:
            names, values = snapshot.category_names, snapshot.position_errors
        else:
            names, values = snapshot.output_labels, snapshot.feature_errors
        values = np.asarray(values, dtype=np.float64).ravel()
        names = _names_for(tuple(names), len(values), "output" if self._mode == BY_OUTPUT else "")
        partner = snapshot.partner
        paired = None if partner is None else np.asarray(
            partner.position_errors if self._mode == BY_POSITION else partner.feature_errors,
            dtype=np.float64).ravel()
        same_pair = (paired is None and self._partner_heights is None) or (
            paired is not None and self._partner_heights is not None
            and np.array_equal(paired, self._partner_heights, equal_nan=True))
        if names == self._names and same_pair and \
                np.array_equal(values, self._heights, equal_nan=True):
            return
        self._show_pair(paired)
        if names != self._names:
            self._rebuild(names)
        self._heights = values.copy()
        self._update_bars()

    def _show_pair(self, heights: np.ndarray | None) -> None:
        """B's errors beside A's (None: one network)."""
        item = self._plot.getPlotItem()
        if (heights is None) != (self._partner_heights is None):
            (item.removeItem if heights is None else item.addItem)(self._partner_bars)
        self._partner_heights = None if heights is None else heights.copy()

    def partner_heights(self) -> np.ndarray | None:
        """Network B's bars (None: one network; tests)."""
        return None if self._partner_heights is None else self._partner_heights.copy()

    def clear(self) -> None:
        self._snapshot = None
        self._rebuild(())
        self._heights = np.empty(0)
        self._update_bars()

    def set_mode(self, mode: str) -> None:
        """BY_POSITION ("position") or BY_OUTPUT ("output")."""
        if mode not in (BY_POSITION, BY_OUTPUT):
            raise ValueError(f"unknown error-bar mode {mode!r}")
        (self.position_button if mode == BY_POSITION else self.output_button).setChecked(True)

    def mode(self) -> str:
        return self._mode

    # Read-only accessors (tests).
    def bar_heights(self) -> np.ndarray:
        """The values the bars show (NaN: an empty bar)."""
        return self._heights.copy()

    def drawn_heights(self) -> np.ndarray:
        return np.asarray(self._bars.opts["height"], dtype=np.float64).copy()

    def bar_names(self) -> tuple[str, ...]:
        return self._names

    def tick_labels(self) -> list[str]:
        """The labels under the bars, side by side or upright."""
        if self._axis.upright:
            return list(self._axis.upright)
        ticks = self._axis._tickLevels
        return [label for _, label in ticks[0]] if ticks else []

    def labels_upright(self) -> bool:
        return bool(self._axis.upright)

    def y_range(self) -> tuple[float, float]:
        (_, _), (low, high) = self._view.viewRange()
        return float(low), float(high)

    # -------------------------------------------------------------------- internals
    def _on_mode_toggled(self, *_) -> None:
        self._mode = BY_POSITION if self.position_button.isChecked() else BY_OUTPUT
        self._plot.getPlotItem().setLabel("bottom", _X_LABELS[self._mode])
        snapshot = self._snapshot
        self._names = ()  # force a rebuild for the other set of bars
        self._heights = np.empty(0)
        if snapshot is not None:
            self.show_snapshot(snapshot)

    def _rebuild(self, names: tuple[str, ...]) -> None:
        self._names = names
        item = self._plot.getPlotItem()
        for text in self._value_texts:
            item.removeItem(text)
        self._value_texts = []
        if len(names) <= VALUE_TEXT_LIMIT:
            for _ in names:
                text = pg.TextItem("", color=palette.FOREGROUND, anchor=(0.5, 1))
                text.setFont(palette.font(8))
                item.addItem(text, ignoreBounds=True)
                self._value_texts.append(text)
        item.setLabel("bottom", self._x_label(self._snapshot))
        self._view.setXRange(-0.6, max(len(names), 1) - 0.4, padding=0)
        self._update_ticks()

    def _x_label(self, snapshot: Snapshot | None) -> str:
        """What the bars are: the task says what its categories are (a step's category is
        that of its target, what is predicted)."""
        if self._mode == BY_POSITION:
            axis = snapshot.category_axis if snapshot is not None else ""
            return axis or _X_LABELS[BY_POSITION]
        return _X_LABELS[BY_OUTPUT]

    def x_label(self) -> str:
        return self._plot.getPlotItem().getAxis("bottom").labelText

    def _update_bars(self) -> None:
        heights = self._heights
        finite = np.isfinite(heights)
        shown = np.where(finite, heights, 0.0)
        top = float(shown[finite].max()) if finite.any() else 0.0
        brushes = palette.error_brushes(heights, top)
        x = np.arange(len(heights), dtype=np.float64)
        pair = self._partner_heights
        if pair is not None and len(pair) == len(heights):
            half = _BAR_WIDTH / 2
            pair_shown = np.where(np.isfinite(pair), pair, 0.0)
            top = max(top, float(pair_shown.max()) if len(pair) else 0.0)
            self._bars.setOpts(x=x - half / 2, height=shown, width=half, brushes=brushes)
            self._partner_bars.setOpts(x=x + half / 2, height=pair_shown, width=half)
        else:
            self._bars.setOpts(x=x, height=shown, width=_BAR_WIDTH, brushes=brushes)
        # Room above the tallest bar for its value; the axis holds still while bars move.
        low, y_top = steady_range(0.0, top * VALUE_TEXT_ROOM, self.y_range()) if top > 0 \
            else (0.0, 1.0)
        if (low, y_top) != self.y_range():
            self._view.setYRange(low, y_top, padding=0)
        paired = pair is not None and len(pair) == len(heights)
        for i, text in enumerate(self._value_texts):
            text.setText(palette.format_value(heights[i], 3) if finite[i] else "no data")
            text.setColor(palette.FOREGROUND if finite[i] else palette.MUTED)
            text.setPos(float(i) - (_BAR_WIDTH / 4 if paired else 0.0), float(shown[i]))
        if not len(heights):
            self._message.setText("no errors to show yet")
        elif not finite.any():
            self._message.setText("no complete epoch yet")
        else:
            self._message.setText("")
        self._message.setPos((len(heights) - 1) / 2 if len(heights) else 0.0, y_top / 2)

    def _update_ticks(self, *_) -> None:
        self._fit_y_label()
        names = self._names
        if not names:
            self._plot.getPlotItem().getAxis("bottom").setTicks([[]])
            return
        per_bar_px = self._view.width() / max(len(names), 1)
        max_chars = max(2, int(per_bar_px // _CHAR_PX) - 1)
        if max(len(name) for name in names) > max_chars:
            names = _without_common_prefix(names)  # "pos 1", "pos 2"… → "1", "2"…
        labels = [_fit_label(name, max_chars) for name in names]
        axis = self._axis
        metrics = QFontMetrics(axis.tick_font())
        cut = sum("…" in label for label in labels)
        if cut > len(labels) / 4 and metrics.height() <= per_bar_px:
            # Many cut side by side ("NOU…"): upright instead, as long as a share of the
            # height allows (hover a bar for its full name). One long name among single
            # characters ("other") is cut rather than turn them all.
            room = max(UPRIGHT_SHARE * self._plot.height(), 3 * metrics.height())
            axis.upright = _upright_labels(names, metrics, room)
            longest = max(metrics.horizontalAdvance(label) for label in axis.upright)
            axis.setHeight(longest + 2 * metrics.height() + 10)
            axis.setTicks([[(float(i), "") for i in range(len(names))]])
            return
        axis.upright = []
        ticks = list(enumerate(labels))
        lines = max(label.count("\n") + 1 for _, label in ticks)
        axis.setHeight(None if lines == 1 else 18 + 14 * lines)  # room for two-line labels
        axis.setTicks([[(float(i), label) for i, label in ticks]])

    def _fit_y_label(self) -> None:
        """The measure ("RMS error") along the y axis, "error" when the plot is too low."""
        palette.fit_left_label(self._plot.getPlotItem(), self._measure, "error")

    def _on_mouse_moved(self, scene_pos) -> None:
        if not len(self._heights) or not self._view.sceneBoundingRect().contains(scene_pos):
            self._hover.hide()
            return
        point = self._view.mapSceneToView(scene_pos)
        index = round(point.x())
        if not (0 <= index < len(self._heights)) or abs(point.x() - index) > _BAR_WIDTH / 2:
            self._hover.hide()
            return
        value = self._heights[index]
        number = palette.format_value(value, 6) if np.isfinite(value) else "no data yet"
        self._hover.setText(f"{self._names[index]}: {number}")
        (_, _), (low, high) = self._view.viewRange()
        self._hover.setPos(QPointF(index, min(point.y(), high) + 0.02 * (high - low)))
        self._hover.show()


class UprightLabelAxis(pg.AxisItem):
    """A bottom axis that can stand its tick labels upright (read upwards, ending under each
    tick) when they are cut side by side; ``upright``: those labels, one per tick, or []."""

    def __init__(self) -> None:
        super().__init__("bottom")
        self.upright: list[str] = []

    def tick_font(self) -> QFont:
        return self.style["tickFont"] or self.font()

    def drawPicture(self, p, axisSpec, tickSpecs, textSpecs) -> None:  # noqa: N802 (Qt name)
        if not self.upright or len(tickSpecs) != len(self.upright):
            super().drawPicture(p, axisSpec, tickSpecs, textSpecs)
            return
        super().drawPicture(p, axisSpec, tickSpecs, [])
        p.setFont(self.tick_font())
        p.setPen(self.textPen())
        height = QFontMetrics(p.font()).height()
        for (_, start, end), label in zip(tickSpecs, self.upright, strict=True):
            p.save()
            p.translate(start.x(), max(start.y(), end.y()) + 3)
            p.rotate(-90)
            p.drawText(QRectF(-1000, -height / 2, 1000, height),
                       int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter), label)
            p.restore()


def _upright_labels(names: tuple[str, ...], metrics: QFontMetrics, room: float) -> list[str]:
    """The names in ``room`` pixels each: whole if they all fit, else every "NOUN-HUM" name
    with its first part shortened to the initial ("N-HUM"), cut with "…" if still too long."""
    if all(metrics.horizontalAdvance(name) <= room for name in names):
        return list(names)
    short = []
    for name in names:
        head, dash, tail = name.partition("-")
        short.append(f"{head[0]}-{tail}" if head and dash and tail else name)
    return [metrics.elidedText(name, Qt.TextElideMode.ElideRight, int(room)) for name in short]


def _names_for(names: tuple[str, ...], n: int, prefix: str) -> tuple[str, ...]:
    if len(names) == n:
        return names
    return tuple(f"{prefix or 'category'} {i + 1}" for i in range(n))


def _without_common_prefix(names: tuple[str, ...]) -> tuple[str, ...]:
    """Drop a prefix of whole words that every name shares (the axis title says it)."""
    if len(names) < 2:
        return names
    prefix = os.path.commonprefix(list(names))  # noqa: RUF071 (names, not paths)
    cut = prefix.rfind(" ") + 1
    return tuple(name[cut:] for name in names) if cut and all(n[cut:] for n in names) else names


def _abbreviate(name: str, max_chars: int) -> str:
    return name if len(name) <= max_chars else name[: max_chars - 1] + "…"


def _fit_label(name: str, max_chars: int) -> str:
    """The name on one line, else on two lines at word breaks; cut ("…") only if a single
    word is longer than the room under a bar."""
    if len(name) <= max_chars:
        return name
    lines = textwrap.wrap(name, max_chars, break_long_words=False)
    if len(lines) > 2:
        lines = [lines[0], " ".join(lines[1:])]
    return "\n".join(_abbreviate(line, max_chars) for line in lines)
