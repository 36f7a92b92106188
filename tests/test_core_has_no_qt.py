"""elman_core is the science and must run headless: importing it must not pull in Qt."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
REQUIRED = ["elman_core", "elman_core.network", "elman_core.kernels", "elman_core.persistence"]
# Written by other people at the same time: checked when present and importable.
OPTIONAL = ["elman_core.tasks", "elman_core.session", "elman_core.metrics"]

PROBE = """
import importlib, importlib.util, json, sys
required, optional = json.loads(sys.argv[1]), json.loads(sys.argv[2])
for name in required:
    importlib.import_module(name)
checked, skipped = list(required), []
for name in optional:
    try:
        present = importlib.util.find_spec(name) is not None
    except ImportError:
        present = False
    if not present:
        continue
    try:
        importlib.import_module(name)
    except Exception as exc:  # half-written by a colleague: their own tests will say so
        skipped.append(f"{name}: {type(exc).__name__}: {exc}")
        continue
    checked.append(name)
qt = sorted(m for m in sys.modules if m.startswith(("PySide6", "pyqtgraph")))
print(json.dumps({"checked": checked, "skipped": skipped, "qt": qt}))
"""


def test_core_imports_without_qt():
    result = subprocess.run(
        [sys.executable, "-c", PROBE, json.dumps(REQUIRED), json.dumps(OPTIONAL)],
        cwd=ROOT, capture_output=True, text=True, timeout=120, check=False,
    )
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert set(REQUIRED) <= set(report["checked"])
    assert report["qt"] == [], f"Qt imported by {report['checked']}: {report['qt']}"
