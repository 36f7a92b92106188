"""Distinct colours for categories (input symbols, word classes), the same in every view."""

from __future__ import annotations

from PySide6.QtGui import QColor

# Tableau 10, then darker tones: every one readable as text on white, neighbours apart.
_COLORS = (
    "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f",
    "#bcbd22", "#17becf", "#393b79", "#e7298a", "#637939", "#843c39", "#7b4173", "#8c6d31",
    "#3182bd", "#31a354", "#756bb1", "#636363",
)
NOVEL = "#000000"  # Fig. 8's novel word: black, apart from every class
NONE = "#555555"  # a leaf or point without a class


def color(index: int) -> QColor:
    """The colour of category ``index`` (cycling after 20; −1: no category)."""
    return QColor(NONE if index < 0 else _COLORS[index % len(_COLORS)])
