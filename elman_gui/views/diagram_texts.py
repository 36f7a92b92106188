"""The diagram's texts: layer names, unit labels, the input and target lines and the hint.

A part of :class:`~elman_gui.views.network_diagram.NetworkDiagramView` (it reads the view's
layout and scale). Labels are arranged so that no two texts overlap: side by side when they fit,
upright for input and output units (every symbol matters), else every k-th on staggered lines.
"""

from __future__ import annotations

import math
from html import escape

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QFontMetrics

from elman_gui.snapshot import Snapshot
from elman_gui.views import palette
from elman_gui.views.diagram_layout import DiagramLayout, LayerGeometry

HIDDEN_LABEL_BACKDROP = pg.mkBrush(255, 255, 255, 245)
NO_BACKDROP = pg.mkBrush(None)
TEXT_LINE_PX = 28.0  # "input: …" below the drawing, "target: … predicted: …" above it
LABEL_GAP_PX = 4.0  # between two unit labels side by side
UPRIGHT_SHARE = 0.14  # of the diagram's height, for upright unit names
STAGGER_GAP_PX = 2.0  # between the two lines of staggered labels
STAGGER_HIDDEN_MIN_PX = 420.0  # a lower diagram shows fewer hidden labels, on one line


class DiagramTexts:
    """Building, arranging and updating the diagram's texts (a mixin of the view)."""

    def _build_texts(self, layout: DiagramLayout) -> None:
        self._layer_titles: dict[str, pg.TextItem] = {}
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
        self._input_text = pg.TextItem("", color=palette.FOREGROUND, anchor=(0.5, 0))
        self._input_text.setFont(palette.font(11, bold=True))
        self._place(self._input_text, inputs.centre, inputs.y, 0, -22, layer=inputs)
        self._output_text = pg.TextItem("", anchor=(0.5, 1))
        self._output_text.setFont(palette.font(11, bold=True))
        self._place(self._output_text, outputs.centre, outputs.y, 0, 22, layer=outputs)
        # The hint sits where "target / predicted" will appear: it never covers a layer name.
        self._message.setAnchor((0.5, 1))
        self._placed_texts.append((self._message, outputs.centre, outputs.y, 0, 22, outputs))

    def _build_labels(self, geometry: LayerGeometry) -> list[pg.TextItem]:
        below = geometry.name != "output"
        labels = []
        for label, (x, y) in zip(geometry.labels, geometry.positions, strict=True):
            text = self._spare_label()
            text.setText(label)
            text.setAngle(0)
            text.setAnchor((0.5, 0 if below else 1))
            # Hidden labels sit on the incoming links: a light backdrop.
            text.fill = HIDDEN_LABEL_BACKDROP if geometry.name == "hidden" else NO_BACKDROP
            text.show()
            self._placed_texts.append((text, x, y, 0, -1 if below else 1, geometry))
            labels.append(text)
        return labels

    def _spare_label(self) -> pg.TextItem:
        """A unit label of the pool, made and added to the view only the first time it is
        needed. Labels stay in the view from one network to the next (hidden while unused):
        making and adding a pyqtgraph text costs about a millisecond, and a new task's first
        frame needs up to a hundred labels — it held the window a fifth of a second."""
        if self._labels_used == len(self._label_pool):
            text = tight(pg.TextItem("", color=palette.FOREGROUND))
            text.setFont(palette.font(8))
            text.setZValue(30)
            self._view.addItem(text, ignoreBounds=True)
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
        self._add(text, z)
        self._placed_texts.append((text, x, y, dx_px, dy_px, layer))

    def _hide_colliding_copy_label(self) -> None:
        """The copy label is a reminder (the key says it too): drop it rather than overlap."""
        label = self._copy_label
        label.show()
        rect = label.sceneBoundingRect()
        others = [t for t in self._layer_titles.values()]
        others += [t for labels in self._unit_labels.values() for t in labels if t.isVisible()]
        inside = self._view.sceneBoundingRect().contains(rect)
        if not inside or any(rect.intersects(t.sceneBoundingRect()) for t in others):
            label.hide()

    def text_rects(self) -> dict[str, QRectF]:
        """Scene rectangles of the visible texts: layer names ("output"…), "copy", "hint",
        "input text", "output text" and unit labels ("label h3"), to check overlaps."""
        if self._layout is None:
            return {}
        texts = {**self._layer_titles, "copy": self._copy_label, "hint": self._message,
                 "input text": self._input_text, "output text": self._output_text}
        for labels in self._unit_labels.values():
            texts.update({f"label {t.toPlainText()}": t for t in labels})
        return {name: text.sceneBoundingRect() for name, text in texts.items()
                if text.isVisible() and text.toPlainText().strip()}

    def _place_texts(self) -> None:
        sx, sy = self._scale
        staggered = self._staggered
        # Texts above the output / below the input row clear that row's unit labels.
        status = {self._input_text: "input", self._output_text: "output",
                  self._message: "output"}
        titles = {text: name for name, text in self._layer_titles.items()}
        for text, x, y, dx, dy, layer in self._placed_texts:
            reach = 0.0
            if layer is not None:
                reach = self._strip_half_px if layer.strip else self._radius_px
            labels = self._unit_labels.get(status.get(text) or titles.get(text)) or []
            if labels and text in status:
                dy = np.sign(dy) * max(abs(dy), 4 + self._label_extent[status[text]])
            elif labels:  # a layer's name: beyond its first (or last) unit's label
                x = self._beside_labels(titles[text], x, dx, labels)
            text.setPos(x + dx / sx, y + (dy + np.sign(dy) * reach) / sy)
        for text in (self._input_text, self._output_text):
            text.setVisible(self._room_for_status)
        for name, labels in self._unit_labels.items():
            if staggered.get(name):
                away = -1.0 if name != "output" else 1.0
                for text in labels[self._label_step[name]::2 * self._label_step[name]]:
                    text.setPos(text.pos().x(), text.pos().y()
                                + away * (text_height(text) + STAGGER_GAP_PX) / sy)

    def _beside_labels(self, name: str, x: float, dx: float, labels: list[pg.TextItem]) -> float:
        """The x of a layer name left (dx < 0) or right of the row, clear of its end label."""
        edge = labels[0] if dx < 0 else labels[-1]
        if not edge.isVisible():
            return x
        unit_x = self._layout.layers[name].positions[0 if dx < 0 else -1, 0]
        half = (text_height(edge) if edge.angle else text_width(edge)) / 2
        outer = unit_x + np.sign(dx) * half / self._scale[0]
        return min(x, outer) if dx < 0 else max(x, outer)

    def _arrange_labels(self, name: str, labels: list[pg.TextItem], height_px: float) -> float:
        """Fit a row's labels along x; returns how far (px) they reach from the units.

        Side by side if they fit; input and output labels (the task's symbols and features,
        which a student needs every one of) turn upright if that fits; otherwise every k-th
        label is shown, on two staggered lines if that helps.
        """
        below = name != "output"
        geometry = self._layout.layers[name]
        for text, label in zip(labels, geometry.labels, strict=True):
            if text.toPlainText() != label:
                text.setText(label)
        longest = max(text_width(text) for text in labels)
        height = text_height(labels[0])
        spacing_px = geometry.spacing * self._scale[0] if geometry.size > 1 else math.inf
        upright = (longest + LABEL_GAP_PX > spacing_px and name in ("input", "output")
                   and height + LABEL_GAP_PX / 2 <= spacing_px)
        if upright:  # upright names may take a share of the height; longer ones end in "…"
            longest = min(longest, max(UPRIGHT_SHARE * height_px, 3 * height))
            for text, label in zip(labels, geometry.labels, strict=True):
                text.setText(elide(text, label, longest))
        for text in labels:
            text.setAngle(90 if upright else 0)
            text.setAnchor((1, 0.5) if upright and below else (0, 0.5) if upright
                           else (0.5, 0 if below else 1))
        step = 1 if upright else max(1, math.ceil((longest + LABEL_GAP_PX) / spacing_px))
        # Hidden labels staggered reach down towards the context labels: only with room.
        room = name != "hidden" or height_px >= STAGGER_HIDDEN_MIN_PX
        stagger = step >= 2 and room
        step = math.ceil(step / 2) if stagger else step
        self._label_step[name] = step
        self._staggered[name] = stagger
        for i, text in enumerate(labels):
            text.setVisible(i % step == 0)
        if upright:
            return longest
        return height * 2 + STAGGER_GAP_PX if stagger else height

    def _update_texts(self, snapshot: Snapshot) -> None:
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
