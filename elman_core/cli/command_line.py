"""What the command lines share: one entry, the usage error and the early checks of paths.

``main.py train`` (the headless runner), ``main.py figure`` and ``main.py`` (the app, e.g.
``--screenshot``) report a bad option as one line and check that an output file can be written
before any training starts, not after it. The two headless commands run through
:func:`run_command`, which ends them the same way on Ctrl-C or a closed pipe.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import NoReturn, TextIO

from elman_core import tasks
from elman_core.files import atomic_io

INTERRUPTED = "error: interrupted by Ctrl-C; no output file was changed"
EXIT_INTERRUPTED = 130  # 128 + SIGINT, as a shell reports a Ctrl-C
EXIT_BROKEN_PIPE = 141  # 128 + SIGPIPE, as a shell tool stopped by `| head` reports it


class UsageError(Exception):
    """A bad command line; printed as one line, exit status 2."""


def check_writable(option: str, path: Path | None) -> None:
    """A clear usage error if ``path`` cannot be written: proven now (a temporary file is made
    and removed beside it), not after training."""
    if path is None:
        return
    try:
        atomic_io.check_output_path(Path(path), option)
    except atomic_io.OutputPathError as exc:
        raise UsageError(str(exc)) from None


def write_json(path: Path, document: dict, stderr: TextIO) -> int:
    """Write ``document`` as indented JSON to ``path`` atomically; the exit status: 0, or 1
    with the reason on ``stderr`` in one line (the old file, if any, left as it was)."""
    text = json.dumps(document, indent=2).encode("utf-8")
    try:
        atomic_io.write_together({path: lambda stream: stream.write(text)})
    except (OSError, ValueError) as exc:  # ValueError: atomic_io's OutputPathError
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else exc
        print(f"error: could not write the output: {reason}", file=stderr)
        return 1
    return 0


class CommandParser(argparse.ArgumentParser):
    """An argument parser whose errors are one line: a :class:`UsageError`, never the usage
    dump and never an exit from inside the parser."""

    def error(self, message: str) -> NoReturn:
        raise UsageError(message)


def print_catalogue(stream: TextIO) -> None:
    """The tasks and presets, one a line (``--list``)."""
    print("Tasks:", file=stream)
    for name in tasks.names():
        print(f"  {name:18s} {tasks.get(name).title}", file=stream)
    print("Presets (--preset NAME):", file=stream)
    for preset in tasks.presets():
        print(f"  {preset.name:24s} {preset.title}", file=stream)


def parse_or_list(parser: argparse.ArgumentParser, argv: list[str], stdout: TextIO
                  ) -> argparse.Namespace | None:
    """The options of a command with ``--list``; None once that asked for the catalogue,
    which is printed (the command then ends with status 0)."""
    args = parser.parse_args(argv)
    if args.list:
        print_catalogue(stdout)
        return None
    return args


Body = Callable[[TextIO, TextIO], int]


def run_command(body: Body, stdout: TextIO | None = None, stderr: TextIO | None = None,
                on_interrupt: Callable[[TextIO], None] | None = None) -> int:
    """Run a command's ``body(stdout, stderr)`` and return its exit status, ended as every
    command ends: Ctrl-C prints one line (after ``on_interrupt(stdout)``, e.g. to leave a
    progress line) and gives :data:`EXIT_INTERRUPTED`; a reader that stops reading
    (``main.py train --list | head -1``) ends it quietly with :data:`EXIT_BROKEN_PIPE`, no
    traceback."""
    stdout, stderr = stdout or sys.stdout, stderr or sys.stderr
    try:
        status = body(stdout, stderr)
        stdout.flush()  # now, where a closed pipe is caught, not at the interpreter's exit
        return status
    except KeyboardInterrupt:
        if on_interrupt is not None:
            on_interrupt(stdout)
        print(INTERRUPTED, file=stderr)
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        _discard_the_rest(stdout)
        return EXIT_BROKEN_PIPE


def _discard_the_rest(stream: TextIO) -> None:
    """Point a closed standard output at the null device: what is still buffered goes there
    when Python exits, instead of failing once more (the recipe of Python's docs, "Note on
    SIGPIPE")."""
    if stream is not sys.stdout:
        return
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, stream.fileno())
    except (OSError, ValueError):  # no file descriptor (a replaced stdout): nothing to flush
        pass
