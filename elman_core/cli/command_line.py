"""What both front-ends' command lines share: the usage error and the early checks of paths.

``main.py train`` (the headless runner) and ``main.py`` (the app, e.g. ``--screenshot``) both
report a bad option as one line, and check that an output file can be written before any
training starts, not after it.
"""

from __future__ import annotations

from pathlib import Path

from elman_core.files import atomic_io


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
