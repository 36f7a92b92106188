"""The diagram's keys: the activation colour bar and the weight-line key (HTML)."""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QLinearGradient, QPainter, QPen
from PySide6.QtWidgets import QLabel, QWidget

from elman_core.model.trace import next_phase, phase_name
from elman_gui.views.style import palette


class ActivationLegend(QWidget):
    """A small colour bar: what the fill colour of a unit means."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._colors: palette.ActivationColors | None = None
        self.setFixedSize(168, 40)  # narrow: the window fits 800 pixels with its docks
        self.setFont(palette.font(9))

    def set_colors(self, colors: palette.ActivationColors) -> None:
        self._colors = colors
        self.setToolTip(f"unit activation, colour range {colors.range_text}")
        self.update()

    def text(self) -> str:
        return f"activation {self._colors.range_text}" if self._colors else ""

    def paintEvent(self, event) -> None:  # noqa: N802 (Qt name)
        if self._colors is None:
            return
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        bar = QRectF(8, 4, 92, 14)
        gradient = QLinearGradient(bar.topLeft(), bar.topRight())
        for position, color in zip(*self._colors.colormap.getStops(mode="qcolor"),
                                   strict=True):
            gradient.setColorAt(float(position), color)
        painter.setBrush(gradient)
        painter.setPen(QPen(QColor(palette.UNIT_OUTLINE), 1))
        painter.drawRect(bar)
        painter.setPen(QColor(palette.FOREGROUND))
        ticks = [(0.0, self._colors.low), (1.0, self._colors.high)]
        if self._colors.diverging:
            ticks.append((0.5, 0.0))
        for fraction, value in ticks:
            x = bar.left() + fraction * bar.width()
            painter.drawLine(QPointF(x, bar.bottom()), QPointF(x, bar.bottom() + 3))
            label = f"{value:+g}".replace("-", "−") if self._colors.diverging else f"{value:g}"
            label = "0" if value == 0 else label
            painter.drawText(QRectF(x - 20, bar.bottom() + 3, 40, 16),
                             Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop, label)
        painter.drawText(QRectF(bar.right() + 5, bar.top() - 4, 64, 24),
                         Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                         "activation")
        painter.end()


def weight_key_html(summarised: bool, context_decay: float = 0.0) -> str:
    """The key under the diagram; ``context_decay``: a Jordan network's μ, said with the copy."""
    def swatch(color: str, text: str, dashed: bool = False) -> str:
        line = "╌╌╌" if dashed else "━━━"
        return (f"<nobr><span style='color:{color}'><b>{line}</b></span>&nbsp;"
                f"{text.replace(' ', '&nbsp;')}</nobr>")

    key = " &nbsp; ".join([
        swatch(palette.POSITIVE, "positive"),
        swatch(palette.NEGATIVE, "negative weight"),
        swatch(palette.COPY_LINK, "copy (weight 1)"
               + (f" + {context_decay:g} × itself" if context_decay else ""), dashed=True),
    ])
    note = "only the strongest links · " if summarised else ""
    return key + (f"<br><span style='color:{palette.MUTED}'>{note}<nobr>thicker = larger "
                  "|w|</nobr> · hover a unit for its links</span>")


class PhaseBanner(QLabel):
    """Above the diagram in phase mode (P): which phase is drawn and what Step shows next."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setStyleSheet(
            "QLabel { background: #fff4e5; color: #8a4b00; font-weight: bold; padding: 2px 6px; }")
        self.setWordWrap(True)
        self.hide()

    def show_phase(self, phase: int | None, phase_mode: bool,
                   copy_words: str | None = None) -> None:
        """``copy_words``: the copy phase's name for the network's architecture."""
        if phase_mode:
            now = f"Shown: phase {phase_name(phase, copy_words)}. " if phase is not None else ""
            self.setText(f"Step through phases (P) is on. {now}Step (→) shows: "
                         f"{phase_name(next_phase(phase), copy_words)}.")
        self.setVisible(phase_mode)

    def shown_text(self) -> str:
        return self.text() if not self.isHidden() else ""
