"""The one list of harmless Qt warnings forgives exactly its platform's named messages."""

from __future__ import annotations

from PySide6.QtCore import qWarning

from tests.support.qt_messages import (
    HARMLESS_QT_WARNINGS,
    QtWarnings,
    qt_platform,
    unexpected_stderr,
)

SIZE_HINTS = "This plugin does not support propagateSizeHints()"


def test_only_the_running_platforms_named_warnings_are_forgiven(qapp):
    with QtWarnings() as warnings:
        qWarning(SIZE_HINTS)
        qWarning("QPainter::begin: Paint device returned engine == 0, type: 2")
        qWarning("This plugin does not support something new")
    expected = ["QPainter::begin: Paint device returned engine == 0, type: 2",
                "This plugin does not support something new"]
    if qt_platform() != "offscreen":  # a message forgiven on offscreen is a failure elsewhere
        expected.insert(0, SIZE_HINTS)
    assert warnings.messages == expected


def test_a_childs_stderr_keeps_all_but_its_platforms_harmless_lines():
    stderr = f"{SIZE_HINTS}\nThis plugin does not support raise()\nQWidget: a real problem\n"
    assert unexpected_stderr(stderr, "offscreen") == "QWidget: a real problem"
    assert unexpected_stderr(stderr, "xcb").splitlines() == stderr.splitlines()


def test_every_forgiven_message_is_named_for_a_platform():
    assert set(HARMLESS_QT_WARNINGS) == {"offscreen"}
    assert all(messages and all(m.strip() == m and m for m in messages)
               for messages in HARMLESS_QT_WARNINGS.values())
