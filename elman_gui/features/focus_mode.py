"""Focus mode: one view or plot takes the whole window, for a class watching a projector.

F11 (or Z), a double-click on a view, or View ▸ Focus gives the view the window; Esc (or F11
again) brings the normal layout back exactly as it was. Nothing is moved: the toolbar, the
docks, the status bar and every widget between the view and the window's centre are hidden,
and shown again on the way back (the docks' places and sizes with ``saveState``). The menu bar
stays, with a reminder of the keys in its corner, so every menu and shortcut keeps working.

"Large type" (Ctrl+L) draws the focused view half as large again: its labels get a larger
font, and its plots are drawn magnified (each pyqtgraph view lays its scene out at 1/1.5 of
its size and scales it up), so axis numbers, titles and leaf names are readable from the back
of a lecture hall.
"""

from __future__ import annotations

from collections.abc import Callable

import pyqtgraph as pg
from PySide6.QtCore import QByteArray, QEvent, QObject, QRectF, Qt
from PySide6.QtGui import QAction, QCursor, QFont
from PySide6.QtWidgets import (
    QApplication,
    QDockWidget,
    QLabel,
    QMainWindow,
    QMenu,
    QSplitter,
    QSplitterHandle,
    QTabWidget,
    QWidget,
)

from elman_gui.actions import make_action
from elman_gui.floating import FLOATS

LARGE_TYPE_SCALE = 1.5
FOCUS_KEYS = ("F11", "Z")


class FocusMode(QObject):
    """Gives one of ``views`` (name → (title, function returning the widget)) the window.

    ``default()`` names the view F11 focuses when the mouse is over none of them.
    """

    def __init__(self, window: QMainWindow, views: dict[str, tuple[str, Callable[[], QWidget]]],
                 default: Callable[[], str], menu: QMenu) -> None:
        super().__init__(window)
        self.window = window
        self._views = views
        self._default = default
        self.focused: str | None = None  # the name of the view that has the window
        self._widget: QWidget | None = None
        self._hidden: list[QWidget] = []
        self._splitters: list[tuple[QSplitter, list[int]]] = []
        self._window_state: QByteArray | None = None
        self._scaled: list[tuple[QWidget, object]] = []  # (widget, its font before)
        self._watched: dict[QWidget, str] = {}  # the roots double-clicks are listened on
        self.hint = QLabel(window)
        self.hint.setText("Focus mode — Esc: back · Ctrl+L: large type  ")
        self.hint.setStyleSheet("color: #1f4e99; font-weight: bold")
        self.hint.hide()
        self._build_actions(menu)

    # ------------------------------------------------------------------ actions
    def _build_actions(self, menu: QMenu) -> None:
        owner = self.window
        self.toggle_action = make_action(
            self, "Focus on this view",
            "Give the view under the mouse (else the centre tab) the whole window; Esc "
            "brings the normal layout back. A double-click on a view does the same.",
            FOCUS_KEYS, slot=self.toggle, shortcut_owner=owner)
        self.leave_action = make_action(self, "Leave focus mode", "Back to the normal "
                                        "layout (Esc).", ["Esc"], slot=self.leave,
                                        shortcut_owner=owner)
        self.leave_action.setEnabled(False)
        self.large_type_action = make_action(
            self, "Large type", "Draw the focused view's text and plots half as large again, "
            "for a projector (Ctrl+L).", ["Ctrl+L"], checkable=True, shortcut_owner=owner)
        self.large_type_action.toggled.connect(self._on_large_type)
        self.view_actions: dict[str, QAction] = {}
        self.menu = menu
        menu.setToolTipsVisible(True)
        menu.addAction(self.toggle_action)
        menu.addAction(self.leave_action)
        menu.addAction(self.large_type_action)
        menu.addSeparator()
        for name, (title, _) in self._views.items():
            action = make_action(self, title, f"The {title.lower()} alone in the window.",
                                 slot=lambda n=name: self.enter(n))
            menu.addAction(action)
            self.view_actions[name] = action

    # ------------------------------------------------------------------ public API
    def toggle(self) -> None:
        """F11: leave focus mode, or focus the view under the mouse (else the default)."""
        if self.focused is not None:
            self.leave()
        else:
            self.enter(self.view_under_mouse() or self._default())

    def enter(self, name: str) -> None:
        """Give the view ``name`` the whole window (from focus on another view: switch)."""
        if name not in self._views:
            raise ValueError(f"unknown view {name!r}: one of {', '.join(self._views)}")
        if self.focused is not None:
            self.leave()
        widget = self._views[name][1]()  # also raises its tab, makes a figure view
        self.watch(widget, name)
        self._window_state = self.window.saveState()
        self._hide_everything_but(widget)
        self.focused, self._widget = name, widget
        self.leave_action.setEnabled(True)
        self.window.menuBar().setCornerWidget(self.hint, Qt.Corner.TopRightCorner)
        self.hint.show()
        if self.large_type_action.isChecked():
            self._scale(widget, LARGE_TYPE_SCALE)
        widget.setFocus()

    def leave(self) -> None:
        """Back to the normal layout, as it was."""
        if self.focused is None:
            return
        self._unscale()
        for widget in reversed(self._hidden):
            widget.show()
        for splitter, sizes in self._splitters:
            splitter.setSizes(sizes)
        if self._window_state is not None:
            self.window.restoreState(self._window_state)
        self._hidden, self._splitters, self._window_state = [], [], None
        self.focused, self._widget = None, None
        self.leave_action.setEnabled(False)
        self.hint.hide()

    def view_under_mouse(self) -> str | None:
        widget = QApplication.widgetAt(QCursor.pos())
        return self._view_of(widget)

    def watch(self, root: QWidget, name: str) -> None:
        """Listen for double-clicks on ``root`` and everything in it (a view made later, such
        as a figure tab's, is watched when it is made)."""
        if root in self._watched:
            return
        self._watched[root] = name
        for widget in (root, *root.findChildren(QWidget)):
            widget.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt name)
        if event.type() == QEvent.Type.MouseButtonDblClick \
                and event.button() == Qt.MouseButton.LeftButton:
            name = self._view_of(watched)
            if name is not None:
                self.leave() if self.focused == name else self.enter(name)
                return True
        elif event.type() == QEvent.Type.Resize and self._scaled \
                and isinstance(watched, pg.GraphicsView):
            size = event.size()  # before the view lays itself out: magnified at the new size
            watched.range = QRectF(0, 0, size.width() / LARGE_TYPE_SCALE,
                                   size.height() / LARGE_TYPE_SCALE)
        return False

    # ------------------------------------------------------------------ internals
    def _view_of(self, widget: QObject | None) -> str | None:
        while widget is not None:
            if widget in self._watched:
                return self._watched[widget]
            widget = widget.parent()
        return None

    def _hide_everything_but(self, widget: QWidget) -> None:
        """Hide every sibling on the way from ``widget`` up to the window, and the docks and
        bars beside it."""
        window = self.window
        self._hidden, self._splitters = [], []
        chain = []
        node = widget
        while node is not None and node is not window:
            chain.append(node)
            node = node.parentWidget()
        for node in chain:
            parent = node.parentWidget()
            if parent is None or parent is window:
                continue
            if isinstance(parent, QSplitter):
                self._splitters.append((parent, parent.sizes()))
            if isinstance(parent, QTabWidget):
                self._hide(parent.tabBar())
            for sibling in parent.findChildren(QWidget, options=Qt.FindChildOption.
                                               FindDirectChildrenOnly):
                if sibling is not node and not isinstance(sibling, QSplitterHandle) \
                        and not sibling.isWindow() and not sibling.property(FLOATS):
                    self._hide(sibling)
        in_dock = next((n for n in chain if isinstance(n, QDockWidget)), None)
        for dock in window.findChildren(QDockWidget):
            if dock is not in_dock:
                self._hide(dock)
        if in_dock is not None:
            self._hide(window.centralWidget())
        for bar in (*window.findChildren(pg.QtWidgets.QToolBar), window.statusBar()):
            self._hide(bar)

    def _hide(self, widget: QWidget) -> None:
        if widget.isVisibleTo(widget.parentWidget() or widget) and not widget.isHidden():
            widget.hide()
            self._hidden.append(widget)

    def _on_large_type(self, on: bool) -> None:
        if self._widget is None:
            return
        if on:
            self._scale(self._widget, LARGE_TYPE_SCALE)
        else:
            self._unscale()

    def _scale(self, root: QWidget, scale: float) -> None:
        """Larger fonts for ``root``'s labels and buttons; its plots drawn magnified."""
        self._unscale()
        # Each widget's own font: with the app's style sheet, a parent's does not propagate.
        for widget in (root, *root.findChildren(QWidget)):
            font = widget.font()
            if font.pointSizeF() <= 0:
                continue
            self._scaled.append((widget, QFont(font) if widget.testAttribute(
                Qt.WidgetAttribute.WA_SetFont) else None))
            font.setPointSizeF(font.pointSizeF() * scale)
            widget.setFont(font)
        for view in (*([root] if isinstance(root, pg.GraphicsView) else []),
                     *root.findChildren(pg.GraphicsView)):
            self._scaled.append((view, "magnified"))
            # GraphicsView's own setRange (a PlotWidget's setRange is its plot's data range).
            pg.GraphicsView.setRange(view, QRectF(0, 0, view.width() / scale,
                                                  view.height() / scale), padding=0)

    def _unscale(self) -> None:
        for widget, before in self._scaled:
            if isinstance(before, str):  # a plot: back to one scene pixel per screen pixel
                widget.autoPixelRange = True
                widget.range = QRectF(0, 0, widget.width(), widget.height())
                pg.GraphicsView.setRange(widget, widget.range, padding=0,
                                         disableAutoPixel=False)
            elif before is None:  # it had no font of its own: the inherited one again
                widget.setFont(QFont())
                widget.setAttribute(Qt.WidgetAttribute.WA_SetFont, False)
            else:
                widget.setFont(before)
        self._scaled = []
