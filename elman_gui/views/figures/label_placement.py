"""Labels beside their points, none on another: a greedy placement in pixels (NumPy only).

Sentences traced in the hidden space start from nearly the same state, so their first words'
labels would all stand on one spot. Each label takes the first of a few places around its point
(nearest first, the usual one up and to the right before any other) where it overlaps no label
placed before it and covers no other point; when none is free, the least covered one.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

MARKER_PX = 8.0  # a point's marker, as an obstacle (the paths draw 7 px dots), unless given
_OUTSIDE = 1e9  # the cost of a place partly outside the view: any place inside is better
RINGS = 4  # how many label heights away from its point a label may go
GAP_PX = 2.0  # between two labels, at least


def place_labels(points: np.ndarray, sizes: np.ndarray, marker_px: np.ndarray | None = None,
                 bounds: tuple[float, float, float, float] | None = None) -> np.ndarray:
    """Centres (n, 2) for labels of ``sizes`` (n, 2: width, height) beside ``points`` (n, 2),
    all in pixels with y up, placed in the order given (the first ones nearest their points).

    ``marker_px``: each point's marker size (default :data:`MARKER_PX`), kept clear of the
    other points' labels; ``bounds``: (x0, y0, x1, y1) the labels should stay inside."""
    points = np.asarray(points, dtype=np.float64).reshape(-1, 2)
    half_marker = (np.full(len(points), MARKER_PX) if marker_px is None
                   else np.asarray(marker_px, dtype=np.float64))[:, None] / 2
    markers = np.hstack([points - half_marker, points + half_marker])
    placed = np.empty((0, 4))
    centres = np.empty_like(points)
    for i, ((x, y), (width, height)) in enumerate(zip(points, sizes, strict=True)):
        others = np.delete(markers, i, axis=0)
        best, best_cost = (x + width / 2, y + height / 2), np.inf
        for dx, dy in _candidates(width, height):
            rect = np.array([x + dx - width / 2, y + dy - height / 2,
                             x + dx + width / 2, y + dy + height / 2])
            room = rect + GAP_PX * np.array([-1, -1, 1, 1])  # touching is not clear
            cost = _overlap(room, placed) + _overlap(rect, others)
            if bounds is not None:
                cost += _OUTSIDE * _outside(rect, bounds)
            if cost < best_cost:
                best, best_cost = (x + dx, y + dy), cost
                if cost == 0:
                    break
        centres[i] = best
        cx, cy = best
        placed = np.vstack([placed, [cx - width / 2, cy - height / 2,
                                     cx + width / 2, cy + height / 2]])
    return centres


def _candidates(width: float, height: float) -> Iterator[tuple[float, float]]:
    """Offsets of a label's centre from its point, nearest first: the label's corner on the
    point (up-right first), then a label height further out up or down, then sideways."""
    for ring in range(RINGS + 1):
        out = ring * height
        for sx, sy in ((1, 1), (-1, 1), (1, -1), (-1, -1)):
            yield sx * width / 2, sy * (height / 2 + out)
        if ring:
            for sx, sy in ((1, 1), (-1, 1), (1, -1), (-1, -1)):
                yield sx * (width / 2 + out), sy * height / 2


def _outside(rect: np.ndarray, bounds: tuple[float, float, float, float]) -> float:
    """How far (px, summed over the four sides) ``rect`` reaches out of ``bounds``."""
    x0, y0, x1, y1 = bounds
    return float(max(x0 - rect[0], 0) + max(y0 - rect[1], 0) + max(rect[2] - x1, 0)
                 + max(rect[3] - y1, 0))


def _overlap(rect: np.ndarray, rects: np.ndarray) -> float:
    """The summed area ``rect`` shares with each of ``rects`` (x0, y0, x1, y1 rows)."""
    if not len(rects):
        return 0.0
    w = np.minimum(rect[2], rects[:, 2]) - np.maximum(rect[0], rects[:, 0])
    h = np.minimum(rect[3], rects[:, 3]) - np.maximum(rect[1], rects[:, 1])
    return float(np.sum(np.clip(w, 0, None) * np.clip(h, 0, None)))
