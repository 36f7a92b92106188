"""A font for systems that have none: DejaVu Sans, shipped in ``assets/fonts/``.

A minimal Linux (a container, a fresh school image, a server without fonts-* packages) can
have no font at all: Qt then draws every label as a row of boxes. The shipped DejaVu Sans
(regular and bold, from Debian's fonts-dejavu-core; its licence, the Bitstream Vera one, is
``assets/fonts/LICENSE-DejaVu.txt`` and goes along) is registered only then, so the system's
own fonts keep their look everywhere else.
"""

from __future__ import annotations

from PySide6.QtGui import QFont, QFontDatabase, QFontMetrics, QGuiApplication

from elman_gui.resources import asset_path

FONT_FILES = ("DejaVuSans.ttf", "DejaVuSans-Bold.ttf")
FAMILY = "DejaVu Sans"


def system_font_draws_letters(app: QGuiApplication) -> bool:
    """Whether the application's default font draws Latin letters. (With no font installed
    fontconfig still lists its aliases 'Sans Serif', 'Serif' and 'Monospace', so the list of
    families is not empty; the font they resolve to has no glyph at all.)"""
    metrics = QFontMetrics(app.font())
    return all(metrics.inFont(letter) for letter in "Aa")


def use_shipped_font_if_none(app: QGuiApplication) -> bool:
    """With no system font, register the shipped ones and make DejaVu Sans the application's
    font. Returns whether it did (False too if the files are missing: nothing else to do)."""
    if system_font_draws_letters(app):
        return False
    families = set()
    for name in FONT_FILES:
        path = asset_path(f"fonts/{name}")
        if path.is_file():
            families.update(QFontDatabase.applicationFontFamilies(
                QFontDatabase.addApplicationFont(str(path))))
    if FAMILY not in families:
        return False
    font = QFont(app.font())
    font.setFamilies([FAMILY])
    app.setFont(font)
    return True
