"""Distinct colours for categories (input symbols, word classes), the same in every view."""

from __future__ import annotations

from PySide6.QtGui import QColor

# Tableau 20's strong colours first, then its light ones: neighbours in a legend stay apart.
_COLORS = (
    "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f",
    "#bcbd22", "#17becf", "#aec7e8", "#ffbb78", "#98df8a", "#ff9896", "#c5b0d5", "#c49c94",
    "#f7b6d2", "#c7c7c7", "#dbdb8d", "#9edae5",
)
NOVEL = "#000000"  # Fig. 8's novel word: black, apart from every class
NONE = "#555555"  # a leaf or point without a class


def color(index: int) -> QColor:
    """The colour of category ``index`` (cycling after 20; −1: no category)."""
    return QColor(NONE if index < 0 else _COLORS[index % len(_COLORS)])
