"""One way to make a QAction: text, tooltip, keys, and the widget whose window hears the keys."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from PySide6.QtGui import QAction, QIcon, QKeySequence
from PySide6.QtWidgets import QWidget


def make_action(parent, text: str, tip: str, keys: Iterable[str] = (), *,
                icon: QIcon | None = None, checkable: bool = False,
                slot: Callable[[], object] | None = None,
                shortcut_owner: QWidget | None = None) -> QAction:
    """A QAction whose tooltip and status tip are ``tip``.

    With ``keys``, the action is added to ``shortcut_owner`` (default: ``parent``) so that its
    keys work even when no menu or toolbar shows it. ``slot`` is called without arguments.
    """
    action = QAction(text, parent)
    if icon is not None:
        action.setIcon(icon)
    action.setToolTip(tip)
    action.setStatusTip(tip)
    action.setCheckable(checkable)
    keys = list(keys)
    if keys:
        action.setShortcuts([QKeySequence(k) for k in keys])
        (shortcut_owner or parent).addAction(action)
    if slot is not None:
        action.triggered.connect(lambda _=False: slot())
    return action
