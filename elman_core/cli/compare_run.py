"""``main.py train --compare KEY=VALUE …``: two networks on the same stream, every figure of each.

Network A is the run the other options describe; network B is A changed by the ``KEY=VALUE``
pairs (:mod:`elman_core.training.pair`). Both train step for step; then every figure the plain
runner gives (losses, per-position and per-unit errors, accuracy, the paper's measures) is
printed for each, with B − A beside it, and ``--json`` writes ``{"a": …, "b": …,
"difference": …}`` where each side is the document a plain run would write.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from elman_core.analysis import paper_report
from elman_core.cli.command_line import UsageError, write_json
from elman_core.cli.runner_checks import check_total_steps
from elman_core.training import divergence
from elman_core.training.pair import NetworkPair, PairError, describe, parse_changes
from elman_core.training.session import TrainingSession

# Per-word hidden vectors (the sentences task) are data for a figure, not a figure to compare.
NOT_COMPARED = ("mean_hidden_by_word", "config", "task")


def check_options(args) -> None:
    """Options that do not go with --compare, refused before anything trains."""
    for option, value in (("--seeds", args.seeds), ("--save", args.save),
                          ("--load", args.load)):
        if value:
            raise UsageError(f"--compare and {option} do not go together: --compare trains "
                             "two new networks and keeps only their figures")


def make_pair(args, task, settings) -> NetworkPair:
    """The pair ``--compare`` asks for, or a UsageError that says which pair is wrong."""
    try:
        changes = parse_changes(args.compare)
        pair = NetworkPair(task, settings, changes, forget_context=args.forget_context)
    except PairError as error:
        raise UsageError(f"--compare: {error}") from None
    for side in pair.sides:
        check_total_steps(side.settings.epochs, side.steps_per_epoch)
    return pair


def run(args, pair: NetworkPair, document_of, summary_of, stdout, stderr) -> int:
    """Train ``pair``, print every figure of each and the difference, write ``--json``.

    ``document_of(session, summary)`` and ``summary_of(session)`` are the plain runner's (one
    document per network, exactly what ``--json`` would hold for it alone)."""
    a, b = pair.sides
    if not args.quiet:
        print(f"Comparing two networks on {a.task.title}, step for step:", file=stdout)
        for name, side in (("A", a), ("B", b)):
            print(f"  {name}: {_shape(side)}", file=stdout)
        print(f"  B differs in: {describe(pair.changes)}"
              + ("" if pair.shares_stream else " (its own stream: the curriculum differs)"),
              file=stdout)
    try:
        with np.errstate(over="ignore", invalid="ignore"):  # a divergence is reported below
            pair.train(on_chunk=lambda p: _check_sane(p, args.quiet, stdout))
    except _Diverged as error:
        print(f"error: {error}", file=stderr)
        return 1
    documents = []
    for side in pair.sides:
        summary = summary_of(side)
        summary["paper"], _ = paper_report.figures(side)
        documents.append(document_of(side, summary))
    difference = differences(documents[0], documents[1])
    print("", file=stdout)
    for line in table_lines(documents[0], documents[1]):
        print(line, file=stdout)
    if args.json is None:
        return 0
    document = {"task": a.task.name, "compare": dict(pair.changes),
                "same_stream": pair.shares_stream, "a": documents[0], "b": documents[1],
                "difference": difference}
    return write_json(args.json, document, stderr)


class _Diverged(Exception):
    pass


def _check_sane(pair: NetworkPair, quiet: bool, stdout) -> None:
    for name, side in zip("AB", pair.sides, strict=True):
        if not divergence.epoch_sane(side):
            raise _Diverged(f"network {name}: {divergence.message(side)}; try a smaller "
                            "learning rate")
    chunks = -(-pair.global_step // pair.a.steps_per_epoch)
    if not quiet and (chunks % 10 == 0 or pair.finished):  # the plain runner's rhythm
        losses = ", ".join(f"{name} {side.epoch_losses[-1]:.6f}" if side.epoch_losses
                           else f"{name} –" for name, side in zip("AB", pair.sides, strict=True))
        print(f"Step {pair.global_step:,}/{pair.end:,}, last epoch's loss: {losses}",
              file=stdout)


def _shape(session: TrainingSession) -> str:
    net, settings = session.network, session.settings
    memory = ", context zeroed" if net.forget_context else ""
    return (f"{net.n_input}-{net.n_hidden}-{net.n_output}, {settings.rule} rule, learning rate "
            f"{net.learning_rate:g}, {settings.epochs} epoch(s) of {session.steps_per_epoch:,} "
            f"steps ({session.task.name}){memory}")


def differences(a: Any, b: Any) -> Any:
    """B − A for every number the two documents share (nested as they are; None where either
    is missing or not a number, e.g. a setting's name)."""
    if isinstance(a, dict) and isinstance(b, dict):
        return {key: differences(a[key], b.get(key)) for key in a
                if key not in NOT_COMPARED}
    if isinstance(a, list) and isinstance(b, list):
        return [differences(x, y) for x, y in zip(a, b, strict=False)]
    if _number(a) and _number(b):
        return float(b) - float(a)
    return None


def figure_rows(a: dict, b: dict, prefix: str = "") -> list[tuple[str, Any, Any]]:
    """(name, A, B) for every figure: nested names joined by dots; a loss curve by its first
    and final epochs (the JSON has all of them)."""
    rows: list[tuple[str, Any, Any]] = []
    for key, value in a.items():
        if key in NOT_COMPARED:
            continue
        other = b.get(key)
        name = f"{prefix}{key}"
        if isinstance(value, dict) and isinstance(other, dict):
            rows += figure_rows(value, other, name + ".")
        elif isinstance(value, list):
            if key == "losses" and value and other:
                rows += [("loss, first epoch", value[0], other[0]),
                         ("loss, final epoch", value[-1], other[-1])]
        else:
            rows.append((name, value, other))
    return rows


def table_lines(a: dict, b: dict) -> list[str]:
    """The console's table: every figure of A and B and the difference."""
    config = [(f"config.{key}", value, b["config"].get(key))
              for key, value in a["config"].items() if value != b["config"].get(key)]
    rows = config + figure_rows(a, b)
    width = max(len(name) for name, _, _ in rows)
    lines = [f"{'figure':{width}}  {'A':>12}  {'B':>12}  {'B − A':>12}"]
    for name, x, y in rows:
        change = f"{float(y) - float(x):+12.6g}" if _number(x) and _number(y) else ""
        lines.append(f"{name:{width}}  {_cell(x):>12}  {_cell(y):>12}  {change:>12}")
    return lines


def _number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) \
        and math.isfinite(value)


def _cell(value: Any) -> str:
    if value is None:
        return "–"
    if _number(value):
        return f"{value:.6g}"
    return str(value)
