"""The numba compile options of every kernel (:mod:`elman_core.model.kernels` explains them):
one place, so the kernel modules compile alike."""

from typing import Any

# Allow vectorised sums; keep NaN/inf semantics (no 'nnan'/'ninf') so divergence is visible.
FAST = {"reassoc", "contract", "nsz", "arcp"}

# Entry points: compiled once, cached on disk, run without the GIL. They allocate the scratch
# buffers and hand everything to a loop function.
# error_model="numpy": x/0 gives inf or NaN (IEEE, visible as divergence) instead of a Python
# ZeroDivisionError check before every division, which also kept the sigmoid from vectorising.
ENTRY: dict[str, Any] = {"cache": True, "nogil": True, "fastmath": FAST, "error_model": "numpy"}
# Loop functions never allocate, so they are compiled without numba's reference counting
# (`_nrt=False`): inlined helpers would otherwise pay an atomic incref/decref per array
# argument per step — about half the time of a small network's step.
LOOP: dict[str, Any] = {**ENTRY, "_nrt": False}
# Helpers: inlined into the loops (numba-level inlining, see the module docstring).
HELPER: dict[str, Any] = {**LOOP, "inline": "always"}
