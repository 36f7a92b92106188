"""Shared test set-up: Qt tests need a display; without one, use Qt's offscreen platform."""

import os

if not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY"):
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
