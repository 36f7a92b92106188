"""Where the network diagram puts its units and which links it draws (NumPy only, no Qt).

The classic Elman picture: input bottom-left, context bottom-right, hidden above both, output on
top. The copy link runs into the context from the layer the network copies (hidden for Elman's
network, output for Jordan's: :attr:`DiagramLayout.copy_source`).
x is measured in unit spacings (neighbouring circles are 1 apart), y in rows (input and
context at 0, hidden at 1, output at 2). The view stretches the two axes independently to fill
its window and sizes circles in pixels. Layers larger than :data:`STRIP_THRESHOLD` become a
compact strip of cells.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

STRIP_THRESHOLD = 32  # layers with more units than this are drawn as a cell strip
LINK_LEVELS = 5  # magnitude bins per sign: width and opacity grow with |w|
LINK_CAP = 200  # at most this many links per weight matrix (the strongest by |w|)
UNIT_SPACING = 1.0
STRIP_CELL = 0.12  # width of one cell in a strip (narrow: room for the input labels beside it)
BOTTOM_GAP = 3.0  # between the input and the context layer
OUTPUT_SPREAD = 3.0  # at most this many spacings between output circles
INPUT_SPREAD = 3.0  # … and between input circles

LAYERS = ("input", "hidden", "context", "output")
# weight matrix → (source layer, destination layer); entry [i, j] links source j to destination i.
MATRICES = {
    "W_ih": ("input", "hidden"),
    "W_hh": ("context", "hidden"),
    "W_ho": ("hidden", "output"),
}


@dataclass(frozen=True)
class LayerGeometry:
    """One layer's units: names, centres and how they are drawn."""

    name: str
    labels: tuple[str, ...]
    positions: np.ndarray  # (n, 2) unit centres
    strip: bool
    step: float = 0.0  # distance between neighbouring centres when not the default spacing

    @property
    def size(self) -> int:
        return len(self.labels)

    @property
    def y(self) -> float:
        return float(self.positions[0, 1])

    @property
    def spacing(self) -> float:
        return self.step or (STRIP_CELL if self.strip else UNIT_SPACING)

    @property
    def x_min(self) -> float:
        """Left edge: of the first cell in a strip, half a spacing left of the first circle."""
        return float(self.positions[0, 0]) - (STRIP_CELL if self.strip else UNIT_SPACING) / 2

    @property
    def x_max(self) -> float:
        return float(self.positions[-1, 0]) + (STRIP_CELL if self.strip else UNIT_SPACING) / 2

    @property
    def centre(self) -> float:
        return (self.x_min + self.x_max) / 2

    def index_at(self, x: float, y: float, radius_x: float, radius_y: float) -> int | None:
        """The unit under a point, or None.

        ``radius_x``/``radius_y``: a circle's radius (or a strip's half height) in data units
        along each axis, as the view currently draws it.
        """
        if abs(y - self.y) > radius_y:
            return None
        if self.strip:
            if not self.x_min <= x < self.x_max:
                return None
            return min(int((x - self.x_min) / STRIP_CELL), self.size - 1)
        dx = (self.positions[:, 0] - x) / radius_x
        dy = (self.positions[:, 1] - y) / radius_y
        d2 = dx * dx + dy * dy
        i = int(np.argmin(d2))
        return i if d2[i] <= 1.0 else None


@dataclass(frozen=True)
class DiagramLayout:
    layers: dict[str, LayerGeometry]
    copy_source: str = "hidden"  # the layer copied into the context (Jordan's: "output")
    context_decay: float = 0.0  # Jordan's μ: each context unit keeps μ × its own past

    @property
    def x_range(self) -> tuple[float, float]:
        return (min(g.x_min for g in self.layers.values()),
                max(g.x_max for g in self.layers.values()))

    def segment_endpoints(self, matrix: str) -> tuple[np.ndarray, np.ndarray]:
        """Start and end points, (rows*cols, 2) each, of every link of a matrix in flat order."""
        source, destination = (self.layers[name] for name in MATRICES[matrix])
        starts = np.tile(source.positions, (destination.size, 1))
        ends = np.repeat(destination.positions, source.size, axis=0)
        return starts, ends


def unit_labels(prefix: str, n: int, given: tuple[str, ...] = ()) -> tuple[str, ...]:
    """The task's names when there is one per unit, else prefix1..prefixN."""
    if len(given) == n and all(given):
        return tuple(str(label) for label in given)
    return tuple(f"{prefix}{i + 1}" for i in range(n))


def _row(name: str, labels: tuple[str, ...], x_start: float, y: float,
         spacing: float = 0.0) -> LayerGeometry:
    """Units from x_start (the first centre of circles, the left edge of a strip), ``spacing``
    apart (default: one unit spacing, or one strip cell)."""
    n = len(labels)
    strip = n > STRIP_THRESHOLD
    step = spacing or (STRIP_CELL if strip else UNIT_SPACING)
    offset = STRIP_CELL / 2 if strip else 0.0
    xs = x_start + offset + step * np.arange(n)
    positions = np.column_stack([xs, np.full(n, y)])
    positions.setflags(write=False)
    return LayerGeometry(name, labels, positions, strip, spacing)


def _width(n: int) -> float:
    return n * STRIP_CELL if n > STRIP_THRESHOLD else (n - 1) * UNIT_SPACING


def compute_layout(
    n_input: int,
    n_hidden: int,
    n_output: int,
    input_labels: tuple[str, ...] = (),
    output_labels: tuple[str, ...] = (),
    n_context: int | None = None,
    copy_source: str = "hidden",
    context_decay: float = 0.0,
) -> DiagramLayout:
    """Place the four layers: rows at y = 0 (input, context), 1 (hidden) and 2 (output).

    ``n_context`` context units (default: as many as hidden units), filled from the
    ``copy_source`` layer with Jordan's ``context_decay``."""
    n_context = n_hidden if n_context is None else n_context
    w_in, w_hid, w_out = _width(n_input), _width(n_hidden), _width(n_output)
    w_ctx = _width(n_context)
    # A few input circles beside a wide context layer spread out a little: room for each
    # one's label (a feature name, upright).
    in_spacing = 0.0
    if 1 < n_input <= STRIP_THRESHOLD and w_hid > w_in:
        in_spacing = min(INPUT_SPREAD, w_hid / (n_input - 1))
        w_in = in_spacing * (n_input - 1)
    # A few context units (a Jordan network's, one per output) under a wide hidden layer
    # spread out like the outputs; Elman's context is as wide as the hidden layer.
    ctx_spacing = 0.0
    if 1 < n_context <= STRIP_THRESHOLD and w_hid > w_ctx:
        ctx_spacing = min(OUTPUT_SPREAD, w_hid / (n_context - 1))
        w_ctx = ctx_spacing * (n_context - 1)
    bottom = w_in + BOTTOM_GAP + w_ctx
    centre = bottom / 2
    # A few output circles under a wide hidden layer spread out (up to OUTPUT_SPREAD
    # spacings apart): room for each one's label.
    out_spacing = 0.0
    if 1 < n_output <= STRIP_THRESHOLD and w_hid > w_out:
        out_spacing = min(OUTPUT_SPREAD, w_hid / (n_output - 1))
        w_out = out_spacing * (n_output - 1)
    layers = {
        "input": _row("input", unit_labels("x", n_input, input_labels), 0.0, 0.0,
                      in_spacing),
        "context": _row(
            "context", unit_labels("c", n_context), w_in + BOTTOM_GAP, 0.0, ctx_spacing
        ),
        "hidden": _row("hidden", unit_labels("h", n_hidden), centre - w_hid / 2, 1.0),
        "output": _row(
            "output", unit_labels("y", n_output, output_labels), centre - w_out / 2, 2.0,
            out_spacing,
        ),
    }
    return DiagramLayout(layers, copy_source, context_decay)


def strongest_links(weights: np.ndarray, cap: int = LINK_CAP) -> np.ndarray:
    """Flat indices of the links to draw: all of them, or the ``cap`` largest finite |w|
    (a diverged weight cannot be drawn: it is never picked)."""
    flat = np.abs(np.asarray(weights, dtype=np.float64).ravel())
    flat[~np.isfinite(flat)] = -1.0
    if flat.size <= cap:
        return np.arange(flat.size)
    chosen = np.argpartition(flat, flat.size - cap)[flat.size - cap:]
    return np.sort(chosen)


def link_levels(weights: np.ndarray, n_levels: int) -> np.ndarray:
    """Magnitude level 0..n_levels−1 of each weight, relative to the largest |w| in the array.

    Normalising per matrix keeps small matrices' links visible next to a matrix of big weights.
    """
    magnitude = np.abs(np.nan_to_num(np.asarray(weights, dtype=np.float64),
                                     nan=0.0, posinf=0.0, neginf=0.0))
    largest = float(magnitude.max()) if magnitude.size else 0.0
    if largest <= 0.0:
        return np.zeros(magnitude.shape, dtype=np.intp)
    return np.minimum((magnitude / largest * n_levels).astype(np.intp), n_levels - 1)


def distance_to_segments(
    x: float, y: float, starts: np.ndarray, ends: np.ndarray, scale: tuple[float, float] = (1, 1)
) -> np.ndarray:
    """Distance from a point to each segment, measured after scaling x and y (e.g. to pixels)."""
    sx, sy = scale
    p = np.array([x * sx, y * sy])
    a = starts * (sx, sy)
    b = ends * (sx, sy)
    ab = b - a
    length2 = np.einsum("ij,ij->i", ab, ab)
    t = np.clip(np.einsum("ij,ij->i", p - a, ab) / np.where(length2 > 0, length2, 1.0), 0, 1)
    nearest = a + ab * t[:, None]
    return np.hypot(*(nearest - p).T)
