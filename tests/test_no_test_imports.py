"""Nothing imports a test module: what tests and benchmarks share lives in ``tests/support``.

A test module imported elsewhere runs its fixtures' imports and collects its tests twice, and a
benchmark that needs one reaches into a file that may change with any test.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FOLDERS = ("tests", "benchmarks", "packaging", "elman_core", "elman_gui")


def _imported_modules(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    names = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names += [node.module] + [f"{node.module}.{alias.name}" for alias in node.names]
    return names


def test_no_module_imports_a_test_module():
    found = [f"{path.relative_to(ROOT)}: {name}"
             for folder in FOLDERS for path in sorted((ROOT / folder).rglob("*.py"))
             for name in _imported_modules(path)
             if name.startswith("tests.") and name.rsplit(".", 1)[-1].startswith("test_")]
    assert found == []
