"""``main.py train --seeds N``: the same run over several seeds, every figure with its spread.

A figure from one seed says little: Elman's networks, like these, differ with their starting
weights and their sentences. :func:`run_seeds` trains one run per seed (each exactly what
``main.py train --seed S`` would train), takes every number of its ``--json`` document and
reports each as mean ± standard deviation with the range, in the console and as JSON.
"""

from __future__ import annotations

import math
import re

import numpy as np

from elman_core.cli.command_line import UsageError
from elman_core.files import limits

MAX_SEEDS = 100
# Parts of a run's document that are not figures (the settings, curves, raw vectors).
NOT_FIGURES = ("task", "config", "losses", "mean_hidden_by_word")


def parse_seeds(text: str, first_seed: int) -> list[int]:
    """``--seeds``: a count N (seeds ``first_seed`` … ``first_seed + N - 1``) or a list of
    seeds and ranges, e.g. ``1,2,5`` or ``101-110``."""
    text = text.strip()
    try:
        if re.fullmatch(r"\d+", text):
            count = int(text)
            if not 2 <= count <= MAX_SEEDS:
                raise ValueError(f"give from 2 to {MAX_SEEDS} seeds")
            seeds = list(range(first_seed, first_seed + count))
        else:
            seeds = []
            for part in text.split(","):
                low, _, high = part.strip().partition("-")
                start, stop = int(low), int(high or low)
                if stop < start:
                    raise ValueError(f"the range {part.strip()} runs backwards")
                seeds += range(start, stop + 1)
                if len(seeds) > MAX_SEEDS:
                    raise ValueError(f"at most {MAX_SEEDS} seeds")
            if len(seeds) < 2:
                raise ValueError("give at least two seeds (for one, use --seed)")
        if len(set(seeds)) != len(seeds):
            raise ValueError("a seed is given twice")
        if max(seeds) > limits.MAX_SEED:
            raise ValueError(f"seeds go up to {limits.MAX_SEED:,}")
    except ValueError as exc:
        message = str(exc) if "invalid literal" not in str(exc) else (
            "a count (10) or seeds and ranges (1,2,5 or 101-110)")
        shown = text if len(text) <= 24 else f"{text[:20]}…"
        raise UsageError(f"--seeds {shown}: {message}") from None
    return seeds


def figures_of(document: dict, prefix: str = "") -> dict[str, float]:
    """Every number of a run's document by its dotted path (lists and settings left out)."""
    found: dict[str, float] = {}
    for key, value in document.items():
        if not prefix and key in NOT_FIGURES:
            continue
        path = f"{prefix}{key}"
        if isinstance(value, dict):
            found.update(figures_of(value, f"{path}."))
        elif isinstance(value, int | float) and not isinstance(value, bool):
            found[path] = float(value)
    found_loss = document.get("losses") if not prefix else None
    if found_loss:
        found["final_loss"] = float(found_loss[-1])
    return found


def spread(documents: list[dict]) -> dict[str, dict]:
    """Per figure found in every run: mean, sd (n − 1), min, max and the values per seed."""
    per_run = [figures_of(d) for d in documents]
    names = [n for n in per_run[0] if all(n in run for run in per_run)]
    result = {}
    for name in names:
        values = np.array([run[name] for run in per_run])
        finite = values[np.isfinite(values)]
        result[name] = {
            "mean": float(finite.mean()) if len(finite) else None,
            "sd": float(finite.std(ddof=1)) if len(finite) > 1 else None,
            "min": float(finite.min()) if len(finite) else None,
            "max": float(finite.max()) if len(finite) else None,
            "values": [v if math.isfinite(v) else None for v in values.tolist()],
        }
    return result


def spread_lines(seeds: list[int], figures: dict[str, dict]) -> list[str]:
    """The console table: one figure a line, mean ± sd [min, max]."""
    width = max((len(n) for n in figures), default=10)
    lines = ["", f"Every figure over {len(seeds)} seeds ({_seed_text(seeds)}): "
             "mean ± sd [min, max]"]
    for name, s in figures.items():
        if s["mean"] is None:
            lines.append(f"  {name:<{width}}  (no finite value)")
            continue
        lines.append(f"  {name:<{width}}  {s['mean']:.4g} ± {s['sd']:.2g} "
                     f"[{s['min']:.4g}, {s['max']:.4g}]")
    return lines


def _seed_text(seeds: list[int]) -> str:
    consecutive = seeds == list(range(seeds[0], seeds[0] + len(seeds)))
    return f"seeds {seeds[0]}–{seeds[-1]}" if consecutive else "seeds " + ", ".join(
        map(str, seeds))
