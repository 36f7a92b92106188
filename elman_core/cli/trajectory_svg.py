"""Sentence trajectories as a standalone SVG figure (no Qt: the headless ``main.py figure``)."""

from __future__ import annotations

from html import escape

import numpy as np

from elman_core.analysis.trajectories import Trajectories

WIDTH, HEIGHT = 720, 540
LEFT, RIGHT, TOP, BOTTOM = 70, 20, 30, 60 + 18  # room for the axis titles and the legend
# Colour-blind-safe (Okabe & Ito); a sentence takes the next one.
COLOURS = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000")


def svg(figure: Trajectories, title: str) -> str:
    """The paths of ``figure`` on one plot: each word a labelled point, the first one ringed."""
    all_points = np.vstack([path.points for path in figure.paths])
    low, high = all_points.min(axis=0), all_points.max(axis=0)
    span = np.where(high - low > 1e-12, high - low, 1.0)
    low, high = low - 0.08 * span, high + 0.08 * span
    legend_rows = len(figure.paths)
    height = HEIGHT + 18 * legend_rows
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def at(point):
        x = LEFT + (point[0] - low[0]) / (high[0] - low[0]) * plot_w
        y = TOP + (1 - (point[1] - low[1]) / (high[1] - low[1])) * plot_h
        return x, y

    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{height}" '
             f'viewBox="0 0 {WIDTH} {height}" font-family="sans-serif" font-size="12">',
             f'<rect width="{WIDTH}" height="{height}" fill="white"/>',
             f'<text x="{WIDTH / 2}" y="18" text-anchor="middle" font-size="14">'
             f'{escape(title)}</text>',
             f'<rect x="{LEFT}" y="{TOP}" width="{plot_w}" height="{plot_h}" fill="none" '
             'stroke="#888"/>']
    for axis, (pc, share) in enumerate(zip(figure.pcs, figure.explained, strict=True)):
        label = f"PC {pc} ({100 * share:.0f} % of the variance)"
        if axis == 0:
            parts.append(f'<text x="{LEFT + plot_w / 2}" y="{TOP + plot_h + 32}" '
                         f'text-anchor="middle">{label}</text>')
        else:
            x, y = 20, TOP + plot_h / 2
            parts.append(f'<text x="{x}" y="{y}" text-anchor="middle" '
                         f'transform="rotate(-90 {x} {y})">{label}</text>')
    for k, path in enumerate(figure.paths):
        colour = COLOURS[k % len(COLOURS)]
        xy = [at(p) for p in path.points]
        points = " ".join(f"{x:.1f},{y:.1f}" for x, y in xy)
        parts.append(f'<polyline points="{points}" fill="none" stroke="{colour}" '
                     'stroke-width="1.5" stroke-opacity="0.8"/>')
        for i, ((x, y), word) in enumerate(zip(xy, path.words, strict=True)):
            radius = 6 if i == 0 else 3.5
            fill = "white" if i == 0 else colour
            parts.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{radius}" fill="{fill}" '
                         f'stroke="{colour}" stroke-width="1.5"/>')
            parts.append(f'<text x="{x + 6:.1f}" y="{y - 6:.1f}" fill="{colour}">'
                         f'{escape(word)}<tspan font-size="9" dy="3">{i + 1}</tspan></text>')
        legend_y = HEIGHT - 10 + 18 * k
        parts.append(f'<text x="{LEFT}" y="{legend_y}" fill="{colour}">\u25cf '
                     f'{escape(" ".join(path.words))}</text>')
    parts.append("</svg>")
    return "\n".join(parts) + "\n"
