"""The headless runner's guards against hostile input: every check before any allocation.

Each function raises :class:`UsageError` with one line that names the option at fault (and its
bound, from :mod:`elman_core.model.settings` or :mod:`elman_core.files.limits`), so ``main.py
train``
can print it and exit with status 2.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from elman_core.cli.command_line import UsageError, check_writable
from elman_core.files import limits
from elman_core.model.settings import SettingsError
from elman_core.training import saved_run
from elman_core.training.saved_run import SavedRun


def read_text_file(path: Path) -> str:
    """The text of ``--text-file``: at most the bound + 1 bytes read, UTF-8, a BOM stripped."""
    bound = limits.MAX_TEXT_FILE_BYTES
    try:
        mode = os.stat(path).st_mode
        if stat.S_ISDIR(mode):
            raise UsageError(f"--text-file {path}: that is a folder; give a text file")
        if stat.S_ISFIFO(mode) or stat.S_ISSOCK(mode):
            raise UsageError(f"--text-file {path}: that is a pipe; give a text file")
        with open(path, "rb") as handle:
            data = handle.read(bound + 1)  # never more, whatever the file is (/dev/zero)
    except OSError as exc:
        raise UsageError(f"--text-file {path}: cannot read it ({exc.strerror or exc})") from None
    if len(data) > bound:
        raise UsageError(f"--text-file {path}: the file is larger than {bound:,} bytes (the "
                         "text task reads at most 20,000 characters)")
    try:
        return data.decode("utf-8-sig")  # a byte-order mark is not part of the text
    except UnicodeDecodeError as exc:
        raise UsageError(f"--text-file {path}: not UTF-8 text (byte {exc.start + 1} cannot be "
                         "read); save it as UTF-8") from None


def check_outputs(outputs: dict[str, Path | None], load: Path | None) -> None:
    """Each output writable, no two options naming one file, and none overwriting ``--load``."""
    given = {option: Path(path) for option, path in outputs.items() if path is not None}
    for option, path in given.items():
        check_writable(option, path)
    named = list(given.items())
    for index, (option, path) in enumerate(named):
        for other, other_path in named[index + 1:]:
            if same_file(path, other_path):
                raise UsageError(f"{option} and {other} name the same file {path}; one would "
                                 "overwrite the other")
    json_path = given.get("--json")
    if json_path is not None and load is not None and same_file(json_path, Path(load)):
        raise UsageError(f"--json {json_path} is the --load file; the report would overwrite "
                         "the network")


def same_file(a: Path, b: Path) -> bool:
    try:
        if a.exists() and b.exists():
            return os.path.samefile(a, b)
        return a.resolve() == b.resolve()
    except OSError:
        return False


# ----------------------------------------------------------------------------- --load
def apply_to_loaded(network, given: dict, reset_given: bool, settings, saved: SavedRun,
                    load_path: Path):
    """Settings for continuing ``network``; refuse what cannot apply, apply what can.

    Returns ``(settings, applied)``: ``applied`` lists the options that changed the loaded
    network (for one line of output). Options not given take the file's values, so ``--load``
    continues the saved run exactly; ``settings.epochs`` (what to train now) is kept, and so is
    the context reset when ``reset_given`` (--context-reset or --no-context-reset).
    """
    hidden = given.get("n_hidden")
    if hidden is not None and hidden != network.n_hidden:
        raise UsageError(
            f"--hidden {hidden} cannot apply to --load {load_path}: that network has "
            f"{network.n_hidden} hidden units (leave --hidden out; --lr, --momentum and "
            "--context can be changed)")
    architecture = network.architecture
    for key, option, value in (("architecture", "--architecture", architecture.name),
                               ("context_decay", "--context-decay", architecture.decay)):
        if given.get(key) is not None and given[key] != value:
            raise UsageError(
                f"{option} {given[key]} cannot apply to --load {load_path}: that network is "
                f"{architecture.describe()} (leave {option} out)")
    changes = {"learning_rate": "--lr", "momentum": "--momentum", "context_init": "--context"}
    applied = [f"{option} {given[key]}" for key, option in changes.items()
               if given.get(key) is not None and given[key] != getattr(network, key)]
    options = {key: given[key] for key in (*changes, "seed", "sequence_length")
               if given.get(key) is not None}
    options["epochs"] = settings.epochs
    if reset_given:
        options["reset_context_each_epoch"] = settings.reset_context_each_epoch
    try:
        settings = saved_run.settings_for(network, saved, settings, options)
    except SettingsError as exc:
        raise UsageError(f"cannot apply to --load {load_path}: {exc}") from None
    return settings, applied


def check_total_steps(epochs: int, steps_per_epoch: int) -> None:
    total = epochs * steps_per_epoch
    if total > limits.MAX_TOTAL_STEPS:
        raise UsageError(
            f"--epochs {epochs:,} × {steps_per_epoch:,} steps per epoch (set by --length) is "
            f"{total:,} steps; a run is at most {limits.MAX_TOTAL_STEPS:,}")
