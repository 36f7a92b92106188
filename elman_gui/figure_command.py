"""``main.py figure``: train as ``main.py train`` does, then write the task's figure as a file.

The network is trained by the app's own :class:`~elman_core.live.driver.TrainingDriver` at full
speed, so the figure is exactly the one the app would show at the end of the run (the paper
figure from the last epoch, the hidden space from the activation history, the words clustered
as when a run finishes). It is drawn by the app's views, off screen: no display is needed (Qt's
"offscreen" platform unless one is set). ``--out`` may be given more than once (a PNG and an
SVG of one run).
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from elman_core.analysis import trajectories, word_clusters
from elman_core.cli import trajectory_svg
from elman_core.cli.command_line import (
    CommandParser,
    UsageError,
    check_writable,
    parse_or_list,
    run_command,
)
from elman_core.cli.runner import add_training_options, session_from_args
from elman_core.files import atomic_io
from elman_core.tasks.base import TaskError

FIGURE_NAMES = ("paper-figure", "hidden-space", "dendrogram")


def build_parser():
    parser = CommandParser(
        prog="main.py figure",
        description="Train an Elman network without the GUI, then save one of its figures "
                    "(the task's paper figure by default) as a PNG (twice the resolution) or "
                    "an SVG. Needs no display.")
    add_training_options(parser)
    parser.add_argument("--out", type=Path, action="append", default=[],
                        help="the picture to write: F.png or F.svg (may be given twice)")
    parser.add_argument("--figure", choices=FIGURE_NAMES, default="paper-figure",
                        help="which figure (default: the task's paper figure)")
    parser.add_argument("--sentences", nargs="+", metavar="SENTENCE",
                        help='sentence trajectories in hidden space instead (the grammar '
                        'task), e.g. "boy chases boy" "boys chase boy"; --out F.svg')
    parser.add_argument("--pcs", default=(1, 2), type=pc_pair,
                        help="with --sentences: the two principal components, e.g. 1,3")
    return parser


def pc_pair(text: str) -> tuple[int, int]:
    """'1,3' → (1, 3)."""
    first, sep, second = text.partition(",")
    if not (sep and first.strip().isdigit() and second.strip().isdigit()):
        raise argparse.ArgumentTypeError(f"{text!r} is not two component numbers such as 1,2")
    return int(first), int(second)


def run(argv: list[str], stdout=None, stderr=None) -> int:
    """0 written, 1 diverged or could not write, 2 bad input, 130 Ctrl-C (141: the reader of
    the output stopped reading)."""
    return run_command(lambda out, err: _run(argv, out, err), stdout, stderr)


def _run(argv: list[str], stdout, stderr) -> int:
    try:
        args = parse_or_list(build_parser(), argv, stdout)
        if args is None:  # --list
            return 0
        if not args.out:
            raise UsageError("give the picture to write with --out F.png or --out F.svg")
        for path in args.out:
            if Path(path).suffix.lower() not in (".png", ".svg"):
                raise UsageError(f"--out {path}: the file name must end in .png or .svg")
            check_writable("--out", path)
        session, _ = session_from_args(args)
        if args.sentences:
            _check_trajectories(session, args)
        if args.figure == "dendrogram" and not word_clusters.supports(session.task):
            raise UsageError("--figure dendrogram is for the word tasks (--task words or "
                             "sentences)")
    except (UsageError, TaskError, ValueError) as exc:
        print(f"error: {exc}", file=stderr)
        return 2
    from elman_core.live.driver import TrainingDriver  # after the checks: they answer at once
    from elman_core.model.trace import RunState

    net = session.network
    print(f"{session.task.title}: {net.n_input}-{net.n_hidden}-{net.n_output} network, "
          f"{session.settings.epochs} epochs of {session.steps_per_epoch} steps…", file=stdout)
    print(f"Architecture: {net.architecture.describe()}", file=stdout)
    driver = TrainingDriver(session, speed=None)
    driver.play()
    while driver.state == RunState.RUNNING:
        driver.tick()
    if driver.state == RunState.DIVERGED:
        print(f"error: {driver.message}", file=stderr)
        return 1
    if args.sentences:
        return _write_trajectories(driver, args, stdout, stderr)
    if driver.begin_clustering():  # the word tasks: Figs. 7 and 8, as when a run finishes
        driver.cluster_hidden_states()
    return _write(driver, args, stdout, stderr)


def _check_trajectories(session, args) -> None:
    """Before training: the task can parse sentences, every word is known, the PCs exist."""
    task = session.task
    if not hasattr(task, "parse"):
        raise UsageError(f"--task {task.name}: its sentences cannot be typed; --sentences is "
                         "for the grammar tasks")
    for text in args.sentences:
        task.parse(text)  # a TaskError names the unknown word
    trajectories.check_pcs(args.pcs, session.network.n_hidden)
    for path in args.out:
        if Path(path).suffix.lower() != ".svg":
            raise UsageError(f"--out {path}: sentence trajectories are written as .svg")


def _write_trajectories(driver, args, stdout, stderr) -> int:
    """Elman (1991): the sentences word by word on two frozen principal components (SVG)."""
    traced = driver.figures.trace(driver.session, list(args.sentences), args.pcs)
    title = (f"{driver.session.task.title}: sentences in hidden space "
             f"(PC {args.pcs[0]} × PC {args.pcs[1]})")
    data = trajectory_svg.svg(traced.figure, title).encode("utf-8")
    for path in args.out:
        try:
            atomic_io.write_bytes(Path(path), data)
        except (OSError, ValueError) as error:
            print(f"error: could not write the figure: {error}", file=stderr)
            return 1
        print(f"Wrote {path}", file=stdout)
    return 0


def _write(driver, args, stdout, stderr) -> int:
    from PySide6.QtCore import qInstallMessageHandler
    from PySide6.QtWidgets import QApplication

    if QApplication.instance() is None:
        # No display needed. Only when this process starts Qt: run in-process beside a Qt
        # application (the tests), the variable would be inherited by every child it starts.
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

    from elman_core.live.snapshot import build_snapshot
    from elman_gui.features.export import ExportError
    from elman_gui.features.figure_export import write_figure

    if QApplication.instance() is None:
        qInstallMessageHandler(_quiet_offscreen)
    app = QApplication.instance() or QApplication(sys.argv[:1])  # noqa: F841 (kept alive)
    snapshot = build_snapshot(driver, generation=1)
    for path in args.out:
        try:
            write_figure(args.figure, snapshot, path)
        except ExportError as error:
            print(f"error: could not write the figure: {error}", file=stderr)
            return 1
        print(f"Wrote {path}", file=stdout)
    return 0


def _quiet_offscreen(kind, context, message: str) -> None:
    """Qt's messages on stderr, less the offscreen platform's note that it has no windows."""
    if "propagateSizeHints" not in message:
        print(message, file=sys.stderr)
