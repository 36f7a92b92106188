"""The keyboard around the parameter fields: Enter applies, Esc leaves a field.

The window's one-key commands (Space, →, F, R…) go to a field while it has the keyboard, as
typing must. So a field keeps it only while it is being edited: Enter applies what was typed
(a learning setting at once, a network setting with Apply, e.g. a new number of hidden units)
and gives the keyboard back to the window; Esc leaves the field as it was; and a command chosen
from a menu (an experiment, a task, a lesson) ends the editing too.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import cast

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractSpinBox,
    QApplication,
    QDoubleSpinBox,
    QSpinBox,
    QWidget,
)

ENTER_KEYS = (Qt.Key.Key_Return, Qt.Key.Key_Enter)


class FieldKeys(QObject):
    """Enter and Esc in ``fields``; ``apply()`` applies, ``leave()`` gives the keyboard back."""

    def __init__(self, fields: list[QWidget], apply: Callable[[], None],
                 leave: Callable[[], None], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.fields = list(fields)
        self._apply, self._leave = apply, leave
        for field in self.fields:
            field.installEventFilter(self)
            if isinstance(field, QAbstractSpinBox):
                field.lineEdit().installEventFilter(self)

    def editing(self) -> bool:
        """True while one of the fields has the keyboard."""
        focused = QApplication.focusWidget()
        return focused is not None and any(
            focused is field or field.isAncestorOf(focused) for field in self.fields)

    def leave_if_editing(self) -> None:
        if self.editing():
            self._leave()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt name)
        if event.type() != QEvent.Type.KeyPress:
            return False
        field = self._field_of(watched)
        if field is None:
            return False
        key = cast("QKeyEvent", event).key()  # a KeyPress event is a QKeyEvent
        if key in ENTER_KEYS:
            if isinstance(field, QAbstractSpinBox):
                field.interpretText()  # the typed value becomes the field's value
            self._apply()
            self._leave()
            return True
        if key == Qt.Key.Key_Escape:
            if isinstance(field, QSpinBox | QDoubleSpinBox):  # every number field is one
                # Drop half-typed text: the value stays (a box's own value fits its setValue).
                field.setValue(field.value())  # type: ignore[arg-type]
            self._leave()
            return True
        return False

    def _field_of(self, watched: QObject) -> QWidget | None:
        for field in self.fields:
            if watched is field or (isinstance(field, QAbstractSpinBox)
                                    and watched is field.lineEdit()):
                return field
        return None
