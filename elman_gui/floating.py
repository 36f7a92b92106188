"""Widgets that float over a host widget instead of taking room in its layout."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QWidget

FLOATS = "floats"  # the dynamic property set on a floating widget (focus mode leaves it alone)


class FloatOver(QObject):
    """Keeps ``widget`` at the top of ``host``, centred, above the host's other children.

    A notice shown this way covers the top of the views for a few seconds instead of pushing
    them down and back up (so a click aimed at a view never lands on nothing).
    """

    def __init__(self, widget: QWidget, host: QWidget, max_width: int = 760,
                 margin: int = 6) -> None:
        super().__init__(host)
        self.widget, self.host = widget, host
        self.max_width, self.margin = max_width, margin
        widget.setParent(host)
        widget.setProperty(FLOATS, True)
        host.installEventFilter(self)
        widget.installEventFilter(self)
        self.place()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt name)
        if event.type() in (QEvent.Type.Resize, QEvent.Type.Show, QEvent.Type.LayoutRequest):
            self.place()
        return False

    def place(self) -> None:
        width = max(min(self.host.width() - 2 * self.margin, self.max_width), 100)
        layout = self.widget.layout()
        height = (layout.totalHeightForWidth(width) if layout is not None
                  and layout.hasHeightForWidth() else self.widget.sizeHint().height())
        height = max(height, self.widget.minimumSizeHint().height())
        self.widget.setGeometry((self.host.width() - width) // 2, self.margin, width, height)
        self.widget.raise_()
