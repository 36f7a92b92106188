"""The headless runner behind ``main.py train``: parse options, train, print the task's report."""

from __future__ import annotations

import argparse
import json
import math
import os
import sys
import time
from pathlib import Path

import numpy as np

from elman_core import activations, metrics, paper_report, tasks
from elman_core.session import TrainingSession, settings_for
from elman_core.tasks.base import TaskError


class UsageError(Exception):
    """A bad command line; printed as one line, exit status 2."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):  # one line, never the usage dump
        raise UsageError(message)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="main.py train", description="Train an Elman network without the GUI.")
    parser.add_argument("--task", default="xor", help="task name: " + ", ".join(tasks.names()))
    parser.add_argument("--preset", help="a named experiment (see --list)")
    parser.add_argument("--list", action="store_true", help="list tasks and presets, then exit")
    parser.add_argument("--hidden", type=int, help="hidden (and context) units")
    parser.add_argument("--lr", "--learning-rate", dest="learning_rate", type=float)
    parser.add_argument("--momentum", type=float)
    parser.add_argument("--epochs", type=int)
    parser.add_argument("--seed", type=int, help="seed of both the sequence and the weights")
    parser.add_argument("--length", "--sequence-length", dest="sequence_length", type=int)
    parser.add_argument("--context", dest="context_init", type=float,
                        help="initial context value (seeds/000: 0, Elman 1990: 0.5)")
    parser.add_argument("--no-context-reset", action="store_true",
                        help="keep the context across epochs instead of resetting it")
    parser.add_argument("--text", help="the text for --task text")
    parser.add_argument("--text-file", type=Path, help="a UTF-8 file with the text for --task text")
    parser.add_argument("--json", type=Path, help="write losses, errors and accuracy as JSON here")
    parser.add_argument("--save", type=Path, help="save the trained network (.npz)")
    parser.add_argument("--load", type=Path, help="start from a saved network (.npz)")
    parser.add_argument("--quiet", action="store_true", help="print only the final report")
    add_model_options(parser)
    return parser


def add_model_options(parser: argparse.ArgumentParser) -> None:
    """The settings the app's parameter panel and Memory menu have beyond the basic ones."""
    parser.add_argument("--weight-scale", type=float,
                        help="starting weights: this × a standard normal draw")
    parser.add_argument("--rule", choices=activations.RULES,
                        help="online (Elman's: update after every step) or bptt")
    parser.add_argument("--window", type=int, help="BPTT: steps per update (0: whole segment "
                        "between context resets); windows do not overlap, gradients are summed")
    parser.add_argument("--hidden-activation", choices=activations.HIDDEN_ACTIVATIONS)
    parser.add_argument("--output-activation", choices=activations.OUTPUT_ACTIVATIONS)
    parser.add_argument("--forget-context", action="store_true",
                        help="zero the context before every step (a network without memory)")


def model_overrides(args) -> dict:
    """TaskDefaults fields given by :func:`add_model_options`' options (a UsageError if bad)."""
    overrides = {"weight_scale": args.weight_scale, "rule": args.rule,
                 "hidden_activation": args.hidden_activation,
                 "output_activation": args.output_activation}
    overrides = {k: v for k, v in overrides.items() if v is not None}
    scale = overrides.get("weight_scale")
    if scale is not None and not (math.isfinite(scale) and scale >= 0):
        raise UsageError(f"--weight-scale must be a finite number ≥ 0 (got {scale})")
    if args.window is not None:
        if args.window < 0:
            raise UsageError(f"--window must be 0 (whole segment) or more (got {args.window})")
        overrides["bptt_window"] = args.window or None
    return overrides


def _task_and_settings(args):
    options = {}
    if args.text is not None and args.text_file is not None:
        raise UsageError("give either --text or --text-file, not both")
    if args.text_file is not None:
        try:
            options["text"] = args.text_file.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise UsageError(f"cannot read text file {args.text_file}: {exc}") from exc
    elif args.text is not None:
        options["text"] = args.text
    task_name = args.task
    overrides = {}
    if args.preset:
        preset = tasks.preset(args.preset)
        task_name, overrides = preset.task, dict(preset.overrides)
    if options and task_name != "text":
        raise UsageError("--text and --text-file go with --task text")
    task = tasks.get(task_name, **options)
    given = {
        "n_hidden": args.hidden, "learning_rate": args.learning_rate, "momentum": args.momentum,
        "epochs": args.epochs, "seed": args.seed, "sequence_length": args.sequence_length,
        "context_init": args.context_init,
    }
    overrides.update({k: v for k, v in given.items() if v is not None})
    overrides.update(model_overrides(args))
    if args.no_context_reset:
        overrides["reset_context_each_epoch"] = False
    _validate(overrides)
    return task, settings_for(task, **overrides)


def _validate(settings: dict) -> None:
    if "n_hidden" in settings and settings["n_hidden"] < 1:
        raise UsageError(f"--hidden must be at least 1 (got {settings['n_hidden']})")
    lr = settings.get("learning_rate")
    if lr is not None and not (math.isfinite(lr) and lr > 0):
        raise UsageError(f"--lr must be a finite number above 0 (got {lr})")
    if "epochs" in settings and settings["epochs"] < 1:
        raise UsageError(f"--epochs must be at least 1 (got {settings['epochs']})")
    if "sequence_length" in settings and settings["sequence_length"] < 2:
        raise UsageError(f"--length must be at least 2 (got {settings['sequence_length']})")
    momentum = settings.get("momentum")
    if momentum is not None and not (0 <= momentum < 1):
        raise UsageError(f"--momentum must be in [0, 1) (got {momentum})")
    context = settings.get("context_init")
    if context is not None and not math.isfinite(context):
        raise UsageError("--context must be a finite number")


class Progress:
    """A one-line progress bar on a terminal; the article's plain lines everywhere else."""

    def __init__(self, total_epochs: int, stream, quiet: bool) -> None:
        self.total = total_epochs
        self.stream = stream
        self.quiet = quiet
        self.tty = stream.isatty()
        self.started = time.perf_counter()
        self.last_draw = 0.0

    def epoch_done(self, session: TrainingSession) -> None:
        if self.quiet:
            return
        epoch, loss = session.epoch, session.epoch_losses[-1]
        if not self.tty:
            if epoch % 10 == 0 or epoch == self.total:
                print(f"Epoch {epoch}/{self.total}, Loss: {loss:.6f}", file=self.stream)
            return
        now = time.perf_counter()
        if now - self.last_draw < 0.05 and epoch != self.total:
            return
        self.last_draw = now
        rate = session.global_step / max(now - self.started, 1e-9)
        width = 30
        filled = int(width * epoch / self.total)
        bar = "█" * filled + "·" * (width - filled)
        self.stream.write(f"\r{bar} epoch {epoch}/{self.total}  loss {loss:.6f}  "
                          f"{rate:,.0f} steps/s ")
        if epoch == self.total:
            self.stream.write("\n")
        self.stream.flush()


def evaluation_summary(session: TrainingSession) -> dict:
    """Outputs on the evaluation sequence, and the figures the report and --json need."""
    sequence, outputs = session.evaluate()
    task = session.task
    losses = metrics.step_losses(outputs, sequence.targets, sequence.mask,
                                 session.network.output_activation)
    errors = metrics.position_errors(losses, sequence.categories, len(task.category_names))
    return {
        "sequence": sequence,
        "outputs": outputs,
        "position_errors": {name: (None if np.isnan(e) else float(e))
                            for name, e in zip(task.category_names, errors, strict=True)},
        "feature_errors": dict(zip(task.output_labels, map(float, metrics.feature_errors(
            outputs, sequence.targets, sequence.mask)), strict=True)),
        "accuracy": metrics.accuracy(task, outputs, sequence.targets, sequence.mask),
    }


def run(argv: list[str], stdout=None, stderr=None) -> int:
    stdout = stdout or sys.stdout
    stderr = stderr or sys.stderr
    try:
        args = build_parser().parse_args(argv)
        if args.list:
            _print_catalogue(stdout)
            return 0
        task, settings = _task_and_settings(args)
        for option, path in (("--json", args.json), ("--save", args.save)):
            check_writable(option, path)  # now, not after a long training run
        session = _make_session(task, settings, args.load)
        if args.forget_context:
            session.network.forget_context = True
    except (UsageError, TaskError, ValueError) as exc:
        print(f"error: {exc}", file=stderr)
        return 2

    if not args.quiet:
        net = session.network
        print(f"{task.title}: {net.n_input}-{net.n_hidden}-{net.n_output} network, "
              f"{session.steps_per_epoch} steps per epoch, {settings.epochs} epochs, "
              f"learning rate {net.learning_rate}", file=stdout)
    progress = Progress(settings.epochs, stdout, args.quiet)
    with np.errstate(over="ignore", invalid="ignore"):  # a divergence is reported below
        session.train(on_epoch=progress.epoch_done)
    final = session.epoch_losses[-1] if session.epoch_losses else math.nan
    if not math.isfinite(final):
        print("error: training diverged (the loss became NaN or infinite); "
              "try a smaller --lr", file=stderr)
        return 1

    summary = evaluation_summary(session)
    print("", file=stdout)
    for line in metrics.report_lines(task, summary["sequence"], summary["outputs"]):
        print(line, file=stdout)
    paper_fields, paper_lines = paper_report.figures(session)
    for line in paper_lines:
        print(line, file=stdout)

    if args.json is not None:
        document = {
            "task": task.name,
            "config": {**session.network.config.as_dict(), "epochs": settings.epochs,
                       "sequence_length": settings.sequence_length,
                       "reset_context_each_epoch": settings.reset_context_each_epoch,
                       "forget_context": session.network.forget_context},
            "losses": [float(x) for x in session.epoch_losses],
            "position_errors": summary["position_errors"],
            "feature_errors": summary["feature_errors"],
            "accuracy": summary["accuracy"],
            **paper_fields,
        }
        try:
            args.json.write_text(json.dumps(document, indent=2), encoding="utf-8")
        except OSError as exc:
            print(f"error: could not write {args.json}: {exc.strerror or exc}", file=stderr)
            return 1
    if args.save is not None:
        try:
            session.network.save(args.save, extra={"task": task.name, "epochs": session.epoch})
        except (OSError, ValueError) as exc:  # NetworkFileError is a ValueError
            print(f"error: {exc}", file=stderr)
            return 1
        print(f"Saved the network to {args.save}", file=stdout)
    return 0


def check_writable(option: str, path: Path | None) -> None:
    """A clear usage error if ``path`` cannot be written (its folder missing or read-only)."""
    if path is None:
        return
    folder = path.parent if str(path.parent) else Path(".")
    if path.is_dir():
        raise UsageError(f"{option} {path}: that is a folder; give a file name")
    if not folder.is_dir():
        raise UsageError(f"{option} {path}: the folder {folder} does not exist")
    if not os.access(folder, os.W_OK):
        raise UsageError(f"{option} {path}: the folder {folder} is not writable")


def _make_session(task, settings, load_path):
    if load_path is None:
        return TrainingSession(task, settings)
    from elman_core.network import ElmanNetwork

    network, _extra = ElmanNetwork.load(load_path)
    if (network.n_input, network.n_output) != (task.n_input, task.n_output):
        raise ValueError(
            f"{load_path}: the saved network is {network.n_input}-{network.n_hidden}-"
            f"{network.n_output} but task {task.name!r} needs {task.n_input} inputs and "
            f"{task.n_output} outputs")
    return TrainingSession(task, settings, network=network)


def _print_catalogue(stream) -> None:
    print("Tasks:", file=stream)
    for name in tasks.names():
        print(f"  {name:18s} {tasks.get(name).title}", file=stream)
    print("Presets (--preset NAME):", file=stream)
    for preset in tasks.presets():
        print(f"  {preset.name:24s} {preset.title}", file=stream)
