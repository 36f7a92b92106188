"""What the window's first paint imports: not what only later work needs.

scipy (clustering, distances) and numba (the kernels, compiled or loaded in the trainer thread
after the window is up) together cost about a second of a slow machine's CPU to import; the
app imports them where they are used, so a warm launch paints its window without them.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

PROBE = """
import json, sys
import elman_gui.app
from elman_core.analysis import clustering, figures, word_clusters
from elman_core.live import live_figures
print(json.dumps(sorted({m.split(".")[0] for m in sys.modules} & {"scipy", "numba", "llvmlite"})))
"""

CLUSTER = """
import json, sys
import numpy as np
from elman_core.analysis import clustering
clustering.cluster(["a", "b", "c"], np.array([[0.0, 1.0], [1.0, 0.0], [0.9, 0.1]]))
print(json.dumps("scipy" in sys.modules))
"""


def _run(code: str):
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                            text=True, timeout=300, check=False)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_the_app_and_its_figure_modules_import_neither_scipy_nor_numba():
    assert _run(PROBE) == []


def test_clustering_imports_scipy_when_it_clusters():
    assert _run(CLUSTER) is True
