"""Finding code that branches on a name (``rule == "online"``, ``architecture in ("jordan",)``):
the guards that keep such choices inside the objects that stand for them."""

from __future__ import annotations

import ast
from collections.abc import Callable, Collection
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def branches_on(tree: ast.AST, names: Collection[str]) -> list[int]:
    """Lines comparing something with one of ``names`` (``==``, ``!=``, ``in (...)``)."""
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Compare):
            continue
        operands = [node.left, *node.comparators]
        constants = [e for o in operands for e in (getattr(o, "elts", None) or [o])
                     if isinstance(e, ast.Constant)]
        if any(c.value in names for c in constants):
            found.append(node.lineno)
    return found


def offenders(names: Collection[str], allowed: Callable[[Path], bool]) -> dict[str, list[int]]:
    """Per source file of elman_core and elman_gui that ``allowed`` does not exempt: the lines
    that branch on one of ``names``."""
    found = {}
    for package in ("elman_core", "elman_gui"):
        for path in (ROOT / package).rglob("*.py"):
            if allowed(path):
                continue
            lines = branches_on(ast.parse(path.read_text(encoding="utf-8")), names)
            if lines:
                found[str(path.relative_to(ROOT))] = lines
    return found
