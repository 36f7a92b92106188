"""elman_core is the science and must run headless: importing it must not pull in Qt.

Every module of the package is found by ``pkgutil.walk_packages`` (a new module is checked
without anyone adding it to a list) and imported in a fresh interpreter; then no Qt, pyqtgraph
or superqt module and nothing of ``elman_gui`` may be loaded.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

PROBE = """
import importlib, json, pkgutil, sys
import elman_core
names = ["elman_core"] + [m.name for m in pkgutil.walk_packages(elman_core.__path__,
                                                                 "elman_core.")]
for name in names:
    importlib.import_module(name)  # a module that fails to import fails the test
gui = sorted(m for m in sys.modules
             if m.split(".")[0] in ("PySide6", "pyqtgraph", "superqt", "shiboken6", "elman_gui"))
print(json.dumps({"checked": names, "gui": gui}))
"""


def test_every_core_module_imports_without_qt():
    result = subprocess.run([sys.executable, "-c", PROBE], cwd=ROOT, capture_output=True,
                            text=True, timeout=300, check=False)
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout.strip().splitlines()[-1])
    # The walk really found the package's modules, including those deep in sub-packages.
    for name in ("elman_core.model.network", "elman_core.model.kernels", "elman_core.live.driver",
                 "elman_core.model.settings", "elman_core.training.run_to", "elman_core.cli.runner",
                 "elman_core.tasks.xor"):
        assert name in report["checked"]
    assert report["gui"] == [], f"GUI modules imported by the core: {report['gui']}"


def test_the_views_contract_forbids_every_live_module_but_the_snapshot():
    """import-linter cannot forbid a package but one module: the contract lists the live
    modules one by one, so a new one must be added there (or the views could import it)."""
    import tomllib

    root = Path(__file__).resolve().parent.parent
    config = tomllib.loads((root / "pyproject.toml").read_text())["tool"]["importlinter"]
    views = next(c for c in config["contracts"] if c.get("source_modules") == ["elman_gui.views"])
    live = {f"elman_core.live.{path.stem}" for path in (root / "elman_core/live").glob("*.py")
            if path.stem != "__init__"}
    forbidden = {name for name in views["forbidden_modules"] if name.startswith("elman_core.live")}
    assert forbidden == live - {"elman_core.live.snapshot"}
