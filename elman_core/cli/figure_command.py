"""``main.py figure``: a figure of a trained network written to a file, without the window.

For now one figure: sentence trajectories in hidden space (Elman 1991), e.g.
``main.py figure --task grammar --sentences "boy chases boy" "boys chase boy" --pcs 1,2
--out F.svg``. The network is ``--load``'s, or one trained here with the task's defaults
(``--epochs``, ``--seed``, ``--length`` change them).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

from elman_core import tasks
from elman_core.analysis import trajectories
from elman_core.cli import trajectory_svg
from elman_core.cli.command_line import UsageError, check_writable
from elman_core.files import atomic_io, persistence
from elman_core.model.settings import SettingsError
from elman_core.tasks.base import TaskError
from elman_core.training.session import TrainingSession


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):  # one line, never the usage dump
        raise UsageError(message)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="main.py figure",
                     description="Draw a figure of a trained network to an SVG file.")
    parser.add_argument("--task", default="grammar", help="a task whose sentences can be typed "
                        "(grammar)")
    parser.add_argument("--sentences", nargs="+", required=True, metavar="SENTENCE",
                        help='sentences to trace, e.g. "boy who boys chase chases boy"')
    parser.add_argument("--pcs", default="1,2", type=pc_pair,
                        help="the two principal components to plot, e.g. 1,3 (default 1,2)")
    parser.add_argument("--out", type=Path, required=True, help="the SVG file to write")
    parser.add_argument("--load", type=Path, help="a network saved by the app or main.py train")
    parser.add_argument("--epochs", type=int)
    parser.add_argument("--seed", type=int)
    parser.add_argument("--length", dest="sequence_length", type=int)
    return parser


def pc_pair(text: str) -> tuple[int, int]:
    """'1,3' → (1, 3)."""
    first, sep, second = text.partition(",")
    if not (sep and first.strip().isdigit() and second.strip().isdigit()):
        raise argparse.ArgumentTypeError(f"{text!r} is not two component numbers such as 1,2")
    return int(first), int(second)


def run(argv: list[str], stdout=None, stderr=None) -> int:
    """0 written, 1 could not write, 2 bad input."""
    stdout, stderr = stdout or sys.stdout, stderr or sys.stderr
    try:
        args = build_parser().parse_args(argv)
        task = tasks.get(args.task)
        if not hasattr(task, "parse"):
            raise UsageError(f"--task {args.task}: its sentences cannot be typed; trajectories "
                             "are drawn for: grammar")
        typed = [task.parse(text) for text in args.sentences]
        check_writable("--out", args.out)
        network, seed = _network(task, args, stdout)
        projection = trajectories.components(
            network, task.trajectory_corpus(trajectories.CORPUS_SENTENCES,
                                            seed + trajectories.CORPUS_SEED_OFFSET))
        figure = trajectories.trace(network, projection, task.sentence_start(), typed, args.pcs)
    except (UsageError, TaskError, ValueError) as exc:
        print(f"error: {exc}", file=stderr)
        return 2
    title = f"{task.title}: sentences in hidden space (PC {args.pcs[0]} × PC {args.pcs[1]})"
    try:
        atomic_io.write_bytes(args.out, trajectory_svg.svg(figure, title).encode("utf-8"))
    except (OSError, ValueError) as exc:
        print(f"error: could not write {args.out}: {exc}", file=stderr)
        return 1
    print(f"Wrote {args.out}", file=stdout)
    return 0


def _network(task, args, stdout):
    """The network to draw and the seed its test corpus is drawn with."""
    if args.load is not None:
        network, extra = persistence.load_network(args.load)
        if (network.n_input, network.n_output) != (task.n_input, task.n_output):
            raise ValueError(f"{args.load}: a {network.n_input}-{network.n_hidden}-"
                             f"{network.n_output} network does not fit task {task.name!r}")
        return network, int(network.seed if network.seed is not None else task.defaults.seed)
    given = {"epochs": args.epochs, "seed": args.seed, "sequence_length": args.sequence_length}
    try:
        settings = task.defaults.replace(**{k: v for k, v in given.items() if v is not None})
    except SettingsError as error:
        raise UsageError(str(error)) from None
    session = TrainingSession(task, settings)
    print(f"Training {task.title} ({settings.epochs} epochs of {settings.sequence_length:,} "
          f"sentences, seed {settings.seed})…", file=stdout)
    with np.errstate(over="ignore", invalid="ignore"):
        session.train()
    return session.network, settings.seed
