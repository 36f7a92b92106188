"""The headless runner behind ``main.py train``: parse options, train, print the task's report."""

from __future__ import annotations

import argparse
import dataclasses
import json
import time
from pathlib import Path

import numpy as np

from elman_core import tasks
from elman_core.analysis import metrics, paper_report
from elman_core.cli import compare_run, seed_spread
from elman_core.cli.command_line import (
    CommandParser,
    UsageError,
    check_writable,
    parse_or_list,
    run_command,
    write_json,
)
from elman_core.cli.runner_checks import (
    apply_to_loaded,
    check_outputs,
    check_total_steps,
    read_text_file,
)
from elman_core.files import atomic_io, limits
from elman_core.model import activations, architectures, rules
from elman_core.model.settings import RunSettings, SettingsError
from elman_core.tasks.base import TaskError
from elman_core.training import divergence, saved_run
from elman_core.training.lessons import LessonError, read_lesson
from elman_core.training.session import TrainingSession

__all__ = ["UsageError", "add_training_options", "build_parser", "check_writable",
           "evaluation_summary", "run", "session_from_args"]

# The option that sets each setting, to name it in an error message.
OPTIONS = {"n_hidden": "--hidden", "learning_rate": "--lr", "momentum": "--momentum",
           "epochs": "--epochs", "seed": "--seed", "sequence_length": "--length",
           "context_init": "--context", "weight_scale": "--weight-scale",
           "bptt_window": "--window", "rule": "--rule",
           "hidden_activation": "--hidden-activation", "output_activation": "--output-activation",
           "architecture": "--architecture", "context_decay": "--context-decay"}


def settings_error(error: SettingsError, given: dict | None = None) -> UsageError:
    """The settings model's message, led by the option (and the value) that set the field."""
    option = OPTIONS.get(error.field) if error.field is not None else None
    if option is None:
        return UsageError(str(error))
    value = (given or {}).get(error.field)
    return UsageError(f"{option} {limits.shown(value)}: {error}" if value is not None
                      else f"{option}: {error}")


def build_parser() -> argparse.ArgumentParser:
    parser = CommandParser(prog="main.py train",
                           description="Train an Elman network without the GUI.")
    add_training_options(parser)
    parser.add_argument("--json", type=Path, help="write losses, errors and accuracy as JSON here")
    parser.add_argument("--save", type=Path, help="save the trained network (.npz)")
    parser.add_argument("--quiet", action="store_true", help="print only the final report")
    parser.add_argument("--seeds", help="run several seeds and give every figure as mean ± sd "
                        "with its range: a count N (--seed … --seed + N − 1) or a list such as "
                        "1,2,5 or 101-110")
    parser.add_argument("--compare", nargs="+", metavar="KEY=VALUE",
                        help="train a second network on the same stream, step for step, "
                        "differing in these settings (n_hidden=20 rule=bptt "
                        "forget_context=true task=starting-small-memory …), and report every "
                        "figure of both and the difference")
    return parser


def add_training_options(parser: argparse.ArgumentParser) -> None:
    """What to train and how: the options ``main.py train`` and ``main.py figure`` share."""
    parser.add_argument("--task", help="task name (default xor): " + ", ".join(tasks.names()))
    parser.add_argument("--preset", help="a named experiment (see --list)")
    parser.add_argument("--lesson", type=Path, help="a lesson file (.toml): its task, settings "
                        "and seed, as the app opens it; other options change them")
    parser.add_argument("--list", action="store_true", help="list tasks and presets, then exit")
    parser.add_argument("--hidden", type=int, help="hidden units (and as many context units in "
                        "an Elman network)")
    parser.add_argument("--lr", "--learning-rate", dest="learning_rate", type=float)
    parser.add_argument("--momentum", type=float)
    parser.add_argument("--epochs", type=int)
    parser.add_argument("--seed", type=int, help="seed of both the sequence and the weights")
    parser.add_argument("--length", "--sequence-length", dest="sequence_length", type=int)
    parser.add_argument("--context", dest="context_init", type=float,
                        help="initial context value (seeds/000: 0, Elman 1990: 0.5)")
    parser.add_argument("--no-context-reset", action="store_true",
                        help="keep the context across epochs instead of resetting it")
    parser.add_argument("--context-reset", action="store_true",
                        help="reset the context at every epoch (for a task whose default is a "
                        "continuous stream, like words)")
    parser.add_argument("--text", help="the text for --task text")
    parser.add_argument("--text-file", type=Path, help="a UTF-8 file with the text for --task text")
    parser.add_argument("--load", type=Path, help="start from a saved network (.npz)")
    add_model_options(parser)


def add_model_options(parser: argparse.ArgumentParser) -> None:
    """The settings the app's parameter panel and Memory menu have beyond the basic ones."""
    parser.add_argument("--weight-scale", type=float,
                        help="starting weights: this × a standard normal draw")
    parser.add_argument("--rule", choices=rules.RULES,
                        help="online (Elman's: update after every step) or bptt")
    parser.add_argument("--window", type=int, help="BPTT: steps per update (0: whole segment "
                        "between context resets); windows do not overlap, gradients are summed")
    parser.add_argument("--architecture", choices=architectures.ARCHITECTURES,
                        help="elman (the context holds the previous hidden state) or jordan "
                        "(it holds the previous output, Jordan 1986)")
    parser.add_argument("--context-decay", type=float,
                        help="Jordan: each context unit keeps this share of its own past, "
                        "context = decay × context + output (0 ≤ decay < 1; default 0)")
    parser.add_argument("--hidden-activation", choices=activations.HIDDEN_ACTIVATIONS)
    parser.add_argument("--output-activation", choices=activations.OUTPUT_ACTIVATIONS)
    parser.add_argument("--forget-context", action="store_true",
                        help="zero the context before every step (a network without memory)")


def model_overrides(args) -> dict:
    """RunSettings fields given by :func:`add_model_options`' options (checked with the rest)."""
    overrides = {"weight_scale": args.weight_scale, "rule": args.rule,
                 "hidden_activation": args.hidden_activation,
                 "output_activation": args.output_activation,
                 "architecture": args.architecture, "context_decay": args.context_decay}
    overrides = {k: v for k, v in overrides.items() if v is not None}
    if args.window is not None:
        overrides["bptt_window"] = args.window or None  # 0: the whole segment
    return overrides


def _task_and_settings(args):
    options = {}
    if args.text is not None and args.text_file is not None:
        raise UsageError("give either --text or --text-file, not both")
    if args.text_file is not None:
        options["text"] = read_text_file(args.text_file)
    elif args.text is not None:
        options["text"] = args.text.removeprefix("\ufeff")
    task_name = args.task or "xor"
    overrides: dict = {}
    if args.lesson is not None:
        task_name, overrides, lesson_options = _lesson_run(args)
        options = options or lesson_options
    if args.preset is not None:
        try:
            preset = tasks.preset(args.preset)
        except TaskError as exc:
            raise UsageError(f"--preset {args.preset}: {exc}") from None
        task_name, overrides = preset.task, dict(preset.overrides)
    if options and not tasks.takes_text(task_name):
        raise UsageError("--text and --text-file go with --task text")
    try:
        task = tasks.get(task_name, **options)
    except TaskError as exc:
        raise UsageError(f"{_task_option(args, task_name)}: {exc}") from None
    given = {
        "n_hidden": args.hidden, "learning_rate": args.learning_rate, "momentum": args.momentum,
        "epochs": args.epochs, "seed": args.seed, "sequence_length": args.sequence_length,
        "context_init": args.context_init,
    }
    given.update(model_overrides(args))
    overrides.update({k: v for k, v in given.items() if v is not None})
    if args.no_context_reset and args.context_reset:
        raise UsageError("give either --context-reset or --no-context-reset, not both")
    if args.no_context_reset:
        overrides["reset_context_each_epoch"] = False
    if args.context_reset:
        overrides["reset_context_each_epoch"] = True
    try:  # the settings model checks every bound before anything is allocated
        return task, RunSettings.for_task(task, **overrides)
    except SettingsError as error:
        raise settings_error(error, given) from None


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


class Diverged(Exception):
    """Training left the ±1,000,000 range; the message says where (exit status 1)."""


def run(argv: list[str], stdout=None, stderr=None) -> int:
    """``main.py train``: 0 done, 1 diverged or could not write, 2 bad input, 130 Ctrl-C
    (141: the reader of the output stopped reading)."""
    return run_command(lambda out, err: _run(argv, out, err), stdout, stderr,
                       on_interrupt=_end_progress_line)


def _run(argv: list[str], stdout, stderr) -> int:
    try:
        args = parse_or_list(build_parser(), argv, stdout)
        if args is None:  # --list
            return 0
        task, settings = _task_and_settings(args)
        check_outputs({"--json": args.json, "--save": args.save}, args.load)
        if args.compare:
            compare_run.check_options(args)
        if args.seeds is not None:
            seeds = _check_seeds_options(args, settings)
            return _run_seeds(args, task, settings, seeds, stdout, stderr)
        pair = compare_run.make_pair(args, task, settings) if args.compare else None
        if pair is None:
            session, applied, file_notice = _make_session(task, settings, args)
            task = session.task  # the saved one's (its text) when --load continues a text run
            if args.forget_context:
                session.network.forget_context = True
    except (UsageError, TaskError, ValueError) as exc:
        print(f"error: {exc}", file=stderr)
        return 2
    if pair is not None:
        return compare_run.run(args, pair, _json_document, evaluation_summary, stdout, stderr)

    if not args.quiet:
        net = session.network
        if args.lesson is not None:
            print(f"Lesson: {args.lesson_title}", file=stdout)
        print(f"{task.title}: {net.n_input}-{net.n_hidden}-{net.n_output} network, "
              f"{session.steps_per_epoch} steps per epoch, {settings.epochs} epochs, "
              f"learning rate {net.learning_rate}", file=stdout)
        print(f"Architecture: {net.architecture.describe()}", file=stdout)
        if applied:
            print(f"Applied to the loaded network: {', '.join(applied)}", file=stdout)
        if file_notice:  # what an older --load file does not record
            print(f"Note: {file_notice}", file=stdout)
    try:
        _train(session, Progress(session.settings.epochs, stdout, args.quiet))
    except Diverged as exc:
        _end_progress_line(stdout)
        print(f"error: {exc}", file=stderr)
        return 1

    summary = evaluation_summary(session)
    print("", file=stdout)
    for line in metrics.report_lines(task, summary["sequence"], summary["outputs"]):
        print(line, file=stdout)
    summary["paper"], paper_lines = paper_report.figures(session)
    for line in paper_lines:
        print(line, file=stdout)
    return _write_outputs(args, session, summary, stdout, stderr)


def _check_seeds_options(args, settings: RunSettings) -> list[int]:
    for option, value in (("--save", args.save), ("--load", args.load),
                          ("--forget-context", args.forget_context)):
        if value:
            raise UsageError(f"--seeds and {option} do not go together: --seeds trains one new "
                             "network per seed and keeps only their figures")
    return seed_spread.parse_seeds(args.seeds, settings.seed)


def _run_seeds(args, task, settings: RunSettings, seeds: list[int], stdout, stderr) -> int:
    """One run per seed, each printed in one line, then every figure's spread."""
    if not args.quiet:
        print(f"{task.title}: {len(seeds)} seeds, {settings.epochs} epochs each", file=stdout)
    documents = []
    for seed in seeds:
        session = _new_session(task, settings.replace(seed=seed))
        check_total_steps(settings.epochs, session.steps_per_epoch)
        try:
            _train(session, Progress(settings.epochs, stdout, quiet=True))
        except Diverged as exc:
            print(f"error: seed {seed}: {exc}", file=stderr)
            return 1
        summary = evaluation_summary(session)
        summary["paper"], _ = paper_report.figures(session)
        documents.append(_json_document(session, summary))
        if not args.quiet:
            print(f"  seed {seed}: final loss {session.epoch_losses[-1]:.6f}, accuracy "
                  f"{summary['accuracy']:.3f}", file=stdout)
    figures = seed_spread.spread(documents)
    for line in seed_spread.spread_lines(seeds, figures):
        print(line, file=stdout)
    if args.json is None:
        return 0
    config = {k: v for k, v in documents[0]["config"].items() if k != "seed"}
    runs = [{k: v for k, v in d.items() if k not in ("mean_hidden_by_word", "config")}
            for d in documents]
    document = {"task": task.name, "config": config, "seeds": seeds, "figures": figures,
                "runs": runs}
    return write_json(args.json, document, stderr)


def session_from_args(args) -> tuple[TrainingSession, list[str]]:
    """The session the training options ask for (new, or continuing ``--load``) and the
    settings applied to a loaded network; UsageError, TaskError or ValueError if they are bad."""
    task, settings = _task_and_settings(args)
    session, applied, _ = _make_session(task, settings, args)
    if args.forget_context:
        session.network.forget_context = True
    return session, applied


def _train(session: TrainingSession, progress: Progress) -> None:
    """Train to the settings' epoch count; :class:`Diverged` as soon as an epoch diverges."""
    def after_epoch(session: TrainingSession) -> None:
        if not divergence.epoch_sane(session):  # the app's rule: stop, never print nan
            raise Diverged(f"{divergence.message(session)}; nothing was saved. "
                           "Try a smaller --lr")
        progress.epoch_done(session)

    with np.errstate(over="ignore", invalid="ignore"):  # a divergence is reported above
        session.train(on_epoch=after_epoch)


def _write_outputs(args, session: TrainingSession, summary: dict, stdout, stderr) -> int:
    """Write the JSON and the network together: both complete before either is replaced."""
    writers = {}
    if args.json is not None:
        text = json.dumps(_json_document(session, summary), indent=2).encode("utf-8")
        writers[args.json] = lambda stream: stream.write(text)
    try:
        if args.save is not None:
            # The app's format: the app continues it exactly too (docs/files.md).
            writers[args.save] = saved_run.writer(session, args.save)
        atomic_io.write_together(writers)
    except (OSError, ValueError) as exc:  # ValueError: OutputPathError, a network with NaN
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else exc
        print(f"error: could not write the output: {reason}", file=stderr)
        return 1
    if args.save is not None:
        print(f"Saved the network to {args.save}", file=stdout)
    return 0


def _json_document(session: TrainingSession, summary: dict) -> dict:
    settings = session.settings
    trained_now = session.epoch - session.first_epoch  # this run's epochs, not the loaded file's
    return {
        "task": session.task.name,
        "config": {**session.network.config.as_dict(), "epochs": settings.epochs,
                   "sequence_length": settings.sequence_length,
                   "reset_context_each_epoch": settings.reset_context_each_epoch,
                   "forget_context": session.network.forget_context},
        "losses": [float(x) for x in session.epoch_losses[len(session.epoch_losses)
                                                          - trained_now:]],
        "position_errors": summary["position_errors"],
        "feature_errors": summary["feature_errors"],
        "accuracy": summary["accuracy"],
        **summary["paper"],
    }


def _end_progress_line(stream) -> None:
    if getattr(stream, "isatty", lambda: False)():
        stream.write("\n")  # leave the progress bar's line before the message


def _lesson_run(args) -> tuple[str, dict, dict]:
    """The task, every setting and the task options of ``--lesson`` (a clear usage error for a
    bad lesson or an option that would contradict it)."""
    if args.task is not None or args.preset is not None:
        raise UsageError("--lesson names the task itself; leave out --task and --preset")
    try:
        lesson = read_lesson(args.lesson)
    except LessonError as exc:
        raise UsageError(f"--lesson {exc}") from None
    if (args.text is not None or args.text_file is not None) and not tasks.takes_text(lesson.task):
        raise UsageError(f"--text and --text-file go with a lesson of the text task; "
                         f"{args.lesson} is about {lesson.task!r}")
    args.lesson_title = lesson.title  # printed above the run
    return lesson.task, dataclasses.asdict(lesson.settings), dict(lesson.task_options)


def _task_option(args, task_name: str) -> str:
    """The option a task error is about, for the message."""
    if args.text_file is not None:
        return f"--text-file {args.text_file}"
    if args.text is not None:
        return "--text"
    return f"--preset {args.preset}" if args.preset is not None else f"--task {task_name}"


def _make_session(task, settings, args) -> tuple[TrainingSession, list[str], str]:
    """A new session, or one continuing ``--load`` exactly where it was saved (and what an
    older file does not record, "" if nothing)."""
    if args.load is None:
        session = _new_session(task, settings)
        check_total_steps(settings.epochs, session.steps_per_epoch)
        return session, [], ""
    network, saved, _ = saved_run.read(args.load)
    if saved.task == task.name and args.text is None and args.text_file is None:
        task = saved_run.task_of(saved, task)  # a text run goes on with its own text
    if (network.n_input, network.n_output) != (task.n_input, task.n_output):
        raise ValueError(
            f"{args.load}: the saved network is {network.n_input}-{network.n_hidden}-"
            f"{network.n_output} but task {task.name!r} needs {task.n_input} inputs and "
            f"{task.n_output} outputs")
    given = {"n_hidden": args.hidden, "learning_rate": args.learning_rate,
             "momentum": args.momentum, "context_init": args.context_init,
             "seed": args.seed, "sequence_length": args.sequence_length,
             "architecture": args.architecture, "context_decay": args.context_decay}
    settings, applied = apply_to_loaded(network, given,
                                        args.no_context_reset or args.context_reset, settings,
                                        saved, args.load)
    try:
        settings = settings.replace(epochs=saved.epoch + settings.epochs)
    except SettingsError as error:
        raise settings_error(error) from None
    session = _new_session(task, settings, network)
    check_total_steps(settings.epochs - saved.epoch, session.steps_per_epoch)
    try:
        session.count_on_from(saved.epoch, saved.epoch_losses, saved.position, saved.step_losses)
    except ValueError as error:
        raise UsageError(f"--load {args.load}: {error}") from None
    return session, applied, saved.notice()


def _new_session(task, settings, network=None) -> TrainingSession:
    try:
        return TrainingSession(task, settings, network=network)
    except TaskError as exc:  # the only task setting that can still be wrong is the length
        raise UsageError(f"--length {settings.sequence_length}: {exc}") from None
