"""Tasks describe themselves: no part of the app outside elman_core/tasks keys anything by a
task's name, and a new task needs only its module and one line in the registry."""

from __future__ import annotations

import ast
import dataclasses
from pathlib import Path

import numpy as np
import pytest

from elman_core import tasks
from elman_core.analysis import figures, metrics, paper_report, word_clusters
from elman_core.live.driver import TrainingDriver
from elman_core.tasks import base, registry
from elman_core.training.session import TrainingSession, settings_for

ROOT = Path(__file__).resolve().parent.parent


def _name_keyed(tree: ast.AST, names: set[str]) -> list[int]:
    """Lines where a dict is keyed by task names (two or more of them: "text" alone is also
    the text task's option), or a task name is compared with (==, !=, in)."""
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Dict):
            keys = [k for k in node.keys if isinstance(k, ast.Constant) and k.value in names]
            if len(keys) < 2:
                continue
        elif isinstance(node, ast.Compare):
            keys = [c for c in [node.left, *node.comparators]
                    if isinstance(c, ast.Constant | ast.Tuple | ast.Set | ast.List)]
            keys = [e for k in keys for e in (k.elts if hasattr(k, "elts") else [k])
                    if isinstance(e, ast.Constant)]
        else:
            continue
        if any(k.value in names for k in keys):
            found.append(node.lineno)
    return found


def test_nothing_outside_the_tasks_is_keyed_by_a_task_name():
    names = set(tasks.names())
    offenders = {}
    for package in ("elman_core", "elman_gui"):
        for path in (ROOT / package).rglob("*.py"):
            if "tasks" in path.relative_to(ROOT).parts:
                continue
            lines = _name_keyed(ast.parse(path.read_text(encoding="utf-8")), names)
            if lines:
                offenders[str(path.relative_to(ROOT))] = lines
    assert offenders == {}


def test_the_guard_finds_a_name_keyed_dict_and_branch():
    names = {"xor", "letters"}
    source = ('TITLES = {"xor": "bit", "letters": "letter"}\nif name == "letters":\n    pass\n'
              'ok = name in ("sentences", "xor")\noptions = {"letters": 1}\n')
    assert _name_keyed(ast.parse(source), names) == [1, 2, 4]


def test_every_kind_a_task_may_name_has_its_builder():
    assert set(figures._FIGURES) == set(base.FIGURE_KINDS)
    assert set(metrics._REPORTS) == set(base.REPORT_KINDS)
    assert set(paper_report._EXTRAS) == set(base.PAPER_EXTRA_KINDS) - {""}
    assert set(word_clusters._CLUSTERERS) == set(base.WORD_CLUSTER_KINDS) - {""}
    with pytest.raises(ValueError, match="unknown analysis kind"):
        base.Analyses(figure="fig-9")


def test_the_paper_tasks_name_their_figures_and_words():
    kinds = {name: tasks.get(name).analyses for name in tasks.names()}
    assert kinds["xor"].figure == "xor-cycle" and kinds["xor"].report == "xor-groups"
    assert kinds["letters"].figure == "letter-features"
    assert kinds["words"].word_clusters == "word-ends"
    assert kinds["sentences"].paper_extras == "word-classes"
    assert {name for name, a in kinds.items() if a.has_words} == {"words", "sentences"}
    assert all(tasks.get(name).category_axis for name in tasks.names())
    assert tasks.get("sentences").class_names and not tasks.get("letters").class_names
    assert tasks.takes_text("text") and not tasks.takes_text("xor")
    assert not tasks.takes_text("no-such-task")


def test_a_new_task_is_its_module_plus_one_line_in_the_registry(monkeypatch):
    """A task the rest of the code has never heard of (here the alternating bits under another
    name, with its own axis and the letters' report) runs through the driver, the snapshot,
    the figures and the reports with nothing else registered anywhere."""
    twin = dataclasses.replace(
        tasks.get("alternating"), name="twin-bits", title="Twin bits",
        category_axis="twin bit to predict", analyses=base.Analyses(report="predictions"))
    monkeypatch.setitem(registry._FACTORIES, "twin-bits", lambda: twin)  # the one line
    task = tasks.get("twin-bits")
    driver = TrainingDriver(TrainingSession(task, settings_for(task, sequence_length=20)))
    driver.step(25)
    snapshot = driver.snapshot(0)
    assert (snapshot.task_name, snapshot.category_axis) == ("twin-bits", "twin bit to predict")
    assert not snapshot.has_words and not word_clusters.supports(task)
    assert snapshot.paper_figure is not None and snapshot.paper_figure.panels[0].title == "Errors"
    sequence = task.make_sequence(20, 1)
    lines = metrics.report_lines(task, sequence, np.full((len(sequence), task.n_output), 0.5))
    assert lines[0] == "== Twin bits ==" and "Accuracy over all" in lines[-1]
    assert paper_report.figures(driver.session) == ({}, [])
