"""The diagram's texts: layer names, unit labels, the input and target lines and the hint.

:class:`DiagramTexts` owns these texts; it reads the view's
:class:`~elman_gui.views.diagram.diagram_geometry.DiagramGeometry` (never writes it). Labels are
arranged so that no two texts overlap: side by side when they fit, for input and output units
(every symbol matters) on staggered lines or upright, else every k-th on staggered lines.
"""

from __future__ import annotations

import math
from html import escape

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QFont, QFontMetrics, QPen

from elman_core.live.snapshot import Snapshot
from elman_gui.views.diagram.diagram_geometry import DiagramGeometry
from elman_gui.views.diagram.diagram_layout import DiagramLayout, LayerGeometry
from elman_gui.views.style import palette

HIDDEN_LABEL_BACKDROP = pg.mkBrush(255, 255, 255, 245)
NO_BACKDROP = pg.mkBrush(None)
TEXT_LINE_PX = 28.0  # "input: …" below the drawing, "target: … predicted: …" above it
LABEL_GAP_PX = 4.0  # between two unit labels side by side
STAGGER_GAP_PX = 2.0  # between the lines of staggered labels
COPY_LABEL_GAP_PX = 10.0  # between the copy link and its label, right of it
MAX_LINES = 3  # input/output labels side by side may take up to this many staggered lines
MAX_UPRIGHT_LINES = 2  # … upright ones up to this many
LABEL_POINTS = (8.0, 7.0)  # unit label font sizes: the smaller one when it shows them all
HIDDEN_LABELS_MAX = 10  # more hidden units are not labelled (the name says how many; hover)

# A text placed at a diagram point: (text, x, y, dx_px, dy_px, the layer it clears or None).
_Placed = tuple[pg.TextItem, float, float, float, float, LayerGeometry | None]


class DiagramTexts:
    """Building, arranging and updating the diagram's texts in a view box."""

    def __init__(self, view_box: pg.ViewBox, geometry: DiagramGeometry) -> None:
        self._view_box = view_box
        self._geometry = geometry
        self._items: list[pg.TextItem] = []  # the texts of the present layout
        self._placed: list[_Placed] = []
        self._layer_titles: dict[str, pg.TextItem] = {}
        self._unit_labels: dict[str, list[pg.TextItem]] = {}
        self._label_pool: list[pg.TextItem] = []  # unit labels, kept from network to network
        self._labels_used = 0  # the first ones of the pool are in use
        self._label_step: dict[str, int] = {}
        self._label_lines: dict[str, tuple[int, float]] = {}  # (lines, px per line) per layer
        self._label_extent: dict[str, float] = {}  # how far (px) a row's labels reach
        self._room_for_status = True
        self._copy_spots: list[tuple[float, float]] = []
        self._texts_key: tuple | None = None
        self._input_text = pg.TextItem("", color=palette.FOREGROUND, anchor=(0.5, 0))
        self._input_text.setFont(palette.font(11, bold=True))
        self._output_text = pg.TextItem("", anchor=(0.5, 1))
        self._output_text.setFont(palette.font(11, bold=True))
        self._copy_label = pg.TextItem(
            html=f"<span style='color:{palette.COPY_LINK}'>copy (weight 1)</span>",
            anchor=(0, 0.5))
        self._copy_label.setFont(palette.font(9, italic=True))
        self._copy_label.fill = HIDDEN_LABEL_BACKDROP  # it may sit on links: read on white
        tight(self._copy_label)
        self._message = overlay_text(view_box, palette.font(12, bold=True), (0.5, 0.5), z=90)

    # -------------------------------------------------------------------- building
    def build(self, layout: DiagramLayout) -> None:
        """The texts of a new layout (the old ones go); placed by :meth:`place`."""
        self.remove()
        self._texts_key = None
        self._copy_spots = copy_label_spots(layout)
        self._copy_label.setZValue(30)
        self._view_box.addItem(self._copy_label, ignoreBounds=True)
        self._items.append(self._copy_label)
        self._layer_titles = {}
        for name, geometry in layout.layers.items():
            title = f"{name} ({geometry.size})" if geometry.strip else name
            text = pg.TextItem(title, color=palette.MUTED)
            text.setFont(palette.font(10, italic=True))
            tight(text)
            self._layer_titles[name] = text
            if name == "context":
                text.setAnchor((0, 0.5))
                self._place(text, geometry.x_max, geometry.y, 8, 0)
            else:
                text.setAnchor((1, 0.5))
                self._place(text, geometry.x_min, geometry.y, -8, 0)
            self._unit_labels[name] = [] if geometry.strip else self._build_labels(geometry)
        inputs, outputs = layout.layers["input"], layout.layers["output"]
        self._place(self._input_text, inputs.centre, inputs.y, 0, -22, layer=inputs)
        self._place(self._output_text, outputs.centre, outputs.y, 0, 22, layer=outputs)
        # The hint sits where "target / predicted" will appear: it never covers a layer name.
        self._message.setAnchor((0.5, 1))
        self._placed.append((self._message, outputs.centre, outputs.y, 0, 22, outputs))

    def remove(self) -> None:
        """Take the layout's texts out of the view; the unit labels back in the pool."""
        for item in self._items:
            self._view_box.removeItem(item)
        self._put_labels_away()
        self._items = []
        self._placed = []
        self._unit_labels = {}

    def show_no_network(self) -> None:
        """The hint over an empty diagram."""
        self._message.setText("no network yet")
        self._message.setAnchor((0.5, 0.5))
        self._message.setPos(0, 0)
        self._message.show()

    def _build_labels(self, geometry: LayerGeometry) -> list[pg.TextItem]:
        below = geometry.name != "output"
        labels = []
        for label, (x, y) in zip(geometry.labels, geometry.positions, strict=True):
            text = self._spare_label()
            if text.textItem.font().pointSizeF() != LABEL_POINTS[0]:  # a smaller one before
                text.setFont(palette.font(LABEL_POINTS[0]))
            text.setText(label)
            if text.angle != 0:  # each setter lays the text out again
                text.setAngle(0)
            anchor = QPointF(0.5, 0 if below else 1)
            if text.anchor != anchor:
                text.setAnchor(anchor)
            # Hidden labels sit on the incoming links: a light backdrop.
            text.fill = HIDDEN_LABEL_BACKDROP if geometry.name == "hidden" else NO_BACKDROP
            text.show()
            self._placed.append((text, x, y, 0, -1 if below else 1, geometry))
            labels.append(text)
        return labels

    def _spare_label(self) -> pg.TextItem:
        """A unit label of the pool, made and added to the view only the first time it is
        needed. Labels stay in the view from one network to the next (hidden while unused):
        making and adding a pyqtgraph text costs about a millisecond, and a new task's first
        frame needs up to a hundred labels — it held the window a fifth of a second."""
        if self._labels_used == len(self._label_pool):
            text = tight(pg.TextItem("", color=palette.FOREGROUND))
            text.setFont(palette.font(LABEL_POINTS[0]))
            text.setZValue(30)
            self._view_box.addItem(text, ignoreBounds=True)
            self._label_pool.append(text)
        self._labels_used += 1
        return self._label_pool[self._labels_used - 1]

    def _put_labels_away(self) -> None:
        """Every unit label back in the pool, hidden."""
        for text in self._label_pool[:self._labels_used]:
            text.hide()
        self._labels_used = 0

    def _place(self, text: pg.TextItem, x: float, y: float, dx_px: float, dy_px: float,
               layer: LayerGeometry | None = None, z: float = 30) -> None:
        """A text at a diagram point plus an offset in pixels (pushed past the layer's units)."""
        text.setZValue(z)
        self._view_box.addItem(text, ignoreBounds=True)
        self._items.append(text)
        self._placed.append((text, x, y, dx_px, dy_px, layer))

    # ------------------------------------------------------------------- fitting
    def title_width(self, name: str) -> float:
        """Width (px) of a layer's name."""
        return text_width(self._layer_titles[name])

    def arrange_labels(self, budget_px: float) -> None:
        """Fit every row's unit labels along x at the geometry's present x scale, reaching at
        most ``budget_px`` from their units (see :meth:`_arrange_labels`)."""
        self._label_extent = {name: self._arrange_labels(name, labels, budget_px)
                              for name, labels in self._unit_labels.items() if labels}

    def label_extent(self, name: str) -> float:
        """How far (px) a row's unit labels reach from its units, as last arranged."""
        return self._label_extent.get(name, 0.0)

    def place(self, room_for_status: bool) -> None:
        """Place every text for the geometry's present scale; without ``room_for_status`` the
        "input: …" and "target: …" lines are hidden (the inspector has them)."""
        self._room_for_status = room_for_status
        self._place_texts()
        self._place_copy_label()

    def _place_copy_label(self) -> None:
        """The copy label at the first of its spots where it fits, in full words or else
        just "copy"; hidden only where neither fits anywhere (the key says it too).

        It never overlaps a layer name or a unit label and stays inside the view.
        """
        # The view applies a new range lazily (at the next paint) and the texts follow it
        # then: measured before, their boxes are those of the previous size (the label hid
        # even in a roomy 1920×1080 diagram). Apply the range and move the texts now.
        self._view_box.updateMatrix()
        label = self._copy_label
        label.show()
        others = list(self._layer_titles.values())
        others += [t for labels in self._unit_labels.values() for t in labels if t.isVisible()]
        for text in others:
            text.updateTransform()
        boxes = [t.sceneBoundingRect() for t in others] + self._unit_rows()
        view = self._view_box.sceneBoundingRect()
        decay = self._geometry.layout.context_decay if self._geometry.layout else 0.0
        sx = self._geometry.scale[0]
        for words in copy_label_words(decay):
            label.setHtml(f"<span style='color:{palette.COPY_LINK}'>{words}</span>")
            for x, y in self._copy_spots:
                label.setPos(x + COPY_LABEL_GAP_PX / sx, y)
                label.updateTransform(force=True)
                rect = label.sceneBoundingRect()
                if view.contains(rect) and not any(rect.intersects(box) for box in boxes):
                    return
        label.hide()

    def _unit_rows(self) -> list[QRectF]:
        """Scene rectangles around each layer's row of units (circles or strip)."""
        rows = []
        for layer in self._geometry.shown.layers.values():
            reach = self._geometry.reach_px(layer)
            ends = (layer.x_min, layer.x_max) if layer.strip else (
                float(layer.positions[0, 0]), float(layer.positions[-1, 0]))
            corners = [self._view_box.mapViewToScene(QPointF(x, layer.y)) for x in ends]
            left, right = sorted(c.x() for c in corners)
            side = 0.0 if layer.strip else reach  # a circle's radius beyond its centre
            rows.append(QRectF(left - side, corners[0].y() - reach,
                               right - left + 2 * side, 2 * reach))
        return rows

    def text_rects(self) -> dict[str, QRectF]:
        """Scene rectangles of the visible texts: layer names ("output"…), "copy", "hint",
        "input text", "output text" and unit labels ("label h3"), to check overlaps."""
        if self._geometry.layout is None:
            return {}
        texts = {**self._layer_titles, "copy": self._copy_label, "hint": self._message,
                 "input text": self._input_text, "output text": self._output_text}
        for labels in self._unit_labels.values():
            texts.update({f"label {t.toPlainText()}": t for t in labels})
        return {name: text.sceneBoundingRect() for name, text in texts.items()
                if text.isVisible() and text.toPlainText().strip()}

    def copy_label(self) -> str:
        """The copy label's words as drawn, "" when it is hidden."""
        label = self._copy_label
        return label.toPlainText() if label.isVisible() and label.scene() is not None else ""

    def shown_labels(self, layer: str) -> list[str]:
        """The unit labels of a layer that are drawn, as drawn (cut with "…" when upright)."""
        return [t.toPlainText() for t in self._unit_labels.get(layer, []) if t.isVisible()]

    def label_step(self, layer: str) -> int:
        """Every how-many-th unit of a layer is labelled (1: all)."""
        return self._label_step.get(layer, 1)

    def status_lines(self) -> tuple[str, str]:
        """The "input: …" line and the "target: … predicted: …" line as plain text."""
        return self._input_text.toPlainText(), self._output_text.toPlainText()

    def status_html(self) -> str:
        """The "target: … predicted: …" line with its colours (HTML)."""
        return self._output_text.textItem.toHtml()

    def message(self) -> str:
        """The hint shown over the diagram ("press Step or Play"), "" when none."""
        return self._message.toPlainText() if self._message.isVisible() else ""

    def _place_texts(self) -> None:
        sx, sy = self._geometry.scale
        # Texts above the output / below the input row clear that row's unit labels.
        status = {self._input_text: "input", self._output_text: "output",
                  self._message: "output"}
        titles = {text: name for name, text in self._layer_titles.items()}
        for text, x, y, dx, dy, layer in self._placed:
            reach = 0.0 if layer is None else self._geometry.reach_px(layer)
            labels = self._unit_labels.get(status.get(text) or titles.get(text, "")) or []
            if labels and text in status:
                dy = np.sign(dy) * max(abs(dy), 4 + self._label_extent[status[text]])
            elif labels:  # a layer's name: beyond its first (or last) unit's label
                x = self._beside_labels(titles[text], x, dx, labels)
            text.setPos(x + dx / sx, y + (dy + np.sign(dy) * reach) / sy)
        for text in (self._input_text, self._output_text):
            text.setVisible(self._room_for_status)
        for name, labels in self._unit_labels.items():
            if not labels:  # a strip
                continue
            lines, line_px = self._label_lines[name]
            away = -1.0 if name != "output" else 1.0
            for k, text in enumerate(labels[::self._label_step[name]]):
                if k % lines:  # the k-th label shown goes on line k mod lines
                    text.setPos(text.pos().x(), text.pos().y()
                                + away * (k % lines) * (line_px + STAGGER_GAP_PX) / sy)

    def _beside_labels(self, name: str, x: float, dx: float, labels: list[pg.TextItem]) -> float:
        """The x of a layer name left (dx < 0) or right of the row, clear of its end label."""
        edge = labels[0] if dx < 0 else labels[-1]
        if not edge.isVisible():
            return x
        unit_x = self._geometry.shown.layers[name].positions[0 if dx < 0 else -1, 0]
        half = (text_height(edge) if edge.angle else text_width(edge)) / 2
        outer = unit_x + np.sign(dx) * half / self._geometry.scale[0]
        return min(x, outer) if dx < 0 else max(x, outer)

    def overhang_px(self, name: str) -> float:
        """How far (px) a row's end label reaches past the row's end on the side of its name
        (the left; the right for the context): the name moves out by that much."""
        labels = self._unit_labels.get(name)
        right = name == "context"
        if not labels or not labels[-1 if right else 0].isVisible():
            return 0.0
        edge, geometry = labels[-1 if right else 0], self._geometry.shown.layers[name]
        unit_x = geometry.positions[-1 if right else 0, 0]
        room = geometry.x_max - unit_x if right else unit_x - geometry.x_min
        half = (text_height(edge) if edge.angle else text_width(edge)) / 2
        return max(0.0, half - room * self._geometry.scale[0])

    def _arrange_labels(self, name: str, labels: list[pg.TextItem], budget_px: float) -> float:
        """Fit a row's labels along x, reaching at most ``budget_px`` from the units (else
        fewer are shown); returns how far (px) they reach.

        Input and output labels (the task's symbols and features: a student needs every one)
        go side by side, else on up to :data:`MAX_LINES` staggered lines, else upright (on up
        to two lines, long names cut with "…"), in a smaller font if that is what it takes;
        only when none of that fits is every k-th one shown. Hidden units are labelled only in
        a small layer where every label fits on one line (they sit among the links); context
        labels show every k-th, on two lines if that helps.
        """
        every_one = name in ("input", "output")
        for points in LABEL_POINTS if every_one else LABEL_POINTS[:1]:
            if labels[0].textItem.font().pointSizeF() != points:
                font = palette.font(points)
                for text in labels:
                    text.setFont(font)
            lines, step, upright, line_px = self._label_plan(name, labels, budget_px)
            if step == 1:
                break
        geometry = self._geometry.shown.layers[name]
        if name == "hidden" and (lines > 1 or step > 1 or geometry.size > HIDDEN_LABELS_MAX):
            step, lines = geometry.size + 1, 1  # none: they would sit on the links
        below = name != "output"
        angle = 90 if upright else 0
        anchor = QPointF(*((1, 0.5) if upright and below else (0, 0.5) if upright
                           else (0.5, 0 if below else 1)))
        for i, text in enumerate(labels):
            # Each setter lays the text out again: only where it changes (a new network's
            # two diagrams arrange up to a few hundred labels in one frame).
            if text.angle != angle:
                text.setAngle(angle)
            if text.anchor != anchor:
                text.setAnchor(anchor)
            text.setVisible(i % step == 0 and step <= geometry.size)
        self._label_step[name] = step
        self._label_lines[name] = (lines, line_px)
        if step > geometry.size:
            return 0.0
        return lines * line_px + (lines - 1) * STAGGER_GAP_PX

    def _label_plan(self, name: str, labels: list[pg.TextItem], budget_px: float
                    ) -> tuple[int, int, bool, float]:
        """(lines, every step-th label shown, upright, px per line) for a row's labels in
        their present font (see :meth:`_arrange_labels`); upright labels are cut to fit."""
        geometry = self._geometry.shown.layers[name]
        for text, label in zip(labels, geometry.labels, strict=True):
            if text.toPlainText() != label:
                text.setText(label)
        longest = max(text_width(text) for text in labels)
        height = text_height(labels[0])
        spacing_px = geometry.spacing * self._geometry.scale[0] if geometry.size > 1 else math.inf
        every_one = name in ("input", "output")
        share = budget_px
        lines = max(1, math.ceil((longest + LABEL_GAP_PX) / spacing_px))  # side by side
        if every_one and (lines > MAX_LINES or lines * (height + STAGGER_GAP_PX) > share):
            upright_lines = max(1, math.ceil((height + LABEL_GAP_PX / 2) / spacing_px))
            room = share / upright_lines - STAGGER_GAP_PX  # per line, cut with "…" to fit
            if upright_lines <= MAX_UPRIGHT_LINES and room >= min(longest, 3 * height):
                longest = min(longest, room)
                for text, label in zip(labels, geometry.labels, strict=True):
                    text.setText(elide(text, label, longest))
                return upright_lines, 1, True, longest
        if lines > (MAX_LINES if every_one else 2) or (
                every_one and lines * (height + STAGGER_GAP_PX) > share):
            # Every k-th label, on two lines (one if two do not fit the margin).
            rows = 2 if not every_one or 2 * (height + STAGGER_GAP_PX) <= share else 1
            return rows, math.ceil(lines / rows), False, height
        return lines, 1, False, height

    def update(self, snapshot: Snapshot) -> None:
        """The input and target lines for a snapshot (the hint before the first step)."""
        key = (snapshot.hidden is None, snapshot.input_symbol, snapshot.target_symbol,
               snapshot.predicted_symbol)
        if key == self._texts_key:
            return  # setHtml re-lays out the text: skip it when nothing changed
        self._texts_key = key
        if snapshot.hidden is None:
            self._message.setText("press Step or Play")
            self._message.show()
            self._input_text.setText("")
            self._output_text.setHtml("")
            return
        self._message.hide()
        self._input_text.setText(f"input: {snapshot.input_symbol}")
        if not snapshot.target_symbol:
            color = palette.MUTED
            target = "no target this step"
        else:
            right = snapshot.target_symbol == snapshot.predicted_symbol
            color = palette.CORRECT if right else palette.WRONG
            target = f"target: {snapshot.target_symbol}"
        self._output_text.setHtml(
            f"<span style='color:{palette.FOREGROUND}'>{escape(target)}</span>&nbsp;&nbsp;&nbsp;"
            f"<span style='color:{color}'>predicted: {escape(snapshot.predicted_symbol)}</span>"
        )


def copy_label_spots(layout: DiagramLayout) -> list[tuple[float, float]]:
    """Where the copy label may go, best first: points on the last copy link (the label sits
    right of them).

    First a third of the way from the hidden row down to the context: clear of the units and
    of the "context" name at the link's end. Jordan's link starts at the output row above the
    hidden one; there the hidden units' labels may be in the way, so next comes the middle of
    its stretch between the output and hidden rows. Then two thirds of the way down, lower on
    the link than the first spot.
    """
    source, context = layout.layers[layout.copy_source], layout.layers["context"]
    hidden_y = layout.layers["hidden"].y
    heights = [context.y + (hidden_y - context.y) * 2 / 3]
    if source.y > hidden_y:
        heights.append((source.y + hidden_y) / 2)
    heights.append(context.y + (hidden_y - context.y) / 3)
    start, end = source.positions[-1], context.positions[-1]
    return [tuple(start + (end - start) * (source.y - y) / (source.y - context.y))
            for y in heights]


def copy_label_words(context_decay: float) -> tuple[str, ...]:
    """The copy label's words, the full ones first; "copy" alone where they do not fit (the
    key under the diagram says "copy (weight 1)")."""
    full = "copy (weight 1)" + (f"<br>+ {context_decay:g} × itself" if context_decay else "")
    return full, "copy"


def overlay_text(view_box: pg.ViewBox, font: QFont, anchor: tuple[float, float], z: float,
                 border: QPen | None = None) -> pg.TextItem:
    """An empty text on a light backdrop over the picture (a hint, the hover box)."""
    text = pg.TextItem("", color=palette.FOREGROUND, anchor=anchor, border=border,
                       fill=pg.mkBrush(255, 255, 250, 235))
    text.setFont(font)
    text.setZValue(z)
    view_box.addItem(text, ignoreBounds=True)
    return text


def tight(text: pg.TextItem) -> pg.TextItem:
    """A text whose box hugs its letters, so that boxes that touch mean letters that touch."""
    text.textItem.document().setDocumentMargin(1)
    text.updateTextPos()
    return text

def elide(text: pg.TextItem, label: str, width_px: float) -> str:
    """``label`` cut with "…" to fit ``width_px`` in the text's font."""
    metrics = QFontMetrics(text.textItem.font())
    return metrics.elidedText(label, Qt.TextElideMode.ElideRight, max(int(width_px) - 4, 8))

def text_width(text: pg.TextItem) -> float:
    """Width in pixels of a text item as drawn (texts ignore the view's scaling)."""
    return text.textItem.boundingRect().width()

def text_height(text: pg.TextItem) -> float:
    return text.textItem.boundingRect().height()
