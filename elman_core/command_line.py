"""What both front-ends' command lines share: the usage error and the early checks of paths.

``main.py train`` (the headless runner) and ``main.py`` (the app, e.g. ``--screenshot``) both
report a bad option as one line, and check that an output file can be written before any
training starts, not after it.
"""

from __future__ import annotations

import os
from pathlib import Path


class UsageError(Exception):
    """A bad command line; printed as one line, exit status 2."""


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
