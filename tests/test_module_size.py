"""Small modules with one job (issue 18): no source file of elman_core or elman_gui over 500 lines.

A module that grows past the limit is split along a seam (one job per module), not cut at the
line; this test names every file over it, with its length.
"""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("elman_core", "elman_gui")
MAX_LINES = 500


def line_counts() -> dict[str, int]:
    """Each Python file of the packages, as a path from the repo root, and its number of lines."""
    return {str(path.relative_to(ROOT)): len(path.read_text(encoding="utf-8").splitlines())
            for package in PACKAGES for path in sorted((ROOT / package).rglob("*.py"))}


def test_the_packages_are_found():
    counts = line_counts()  # an empty walk would pass the limit without checking anything
    assert "elman_core/training/session.py" in counts
    assert "elman_gui/main_window.py" in counts


def test_no_module_over_the_limit():
    too_long = {path: lines for path, lines in line_counts().items() if lines > MAX_LINES}
    assert not too_long, f"over {MAX_LINES} lines, split along a seam: {too_long}"
