"""Outputs that are never half-written: a temporary file in the same folder, then a rename.

* Temporary names are short (``.elman-<pid>-<random>.tmp``), so a legal 254-character output
  name still works, and say which process made them: the next run removes those whose process
  is gone (after ``kill -9`` or a full disk), never another running process's.
* Files are created with mode 0o666 and the kernel applies the umask, like any other program's
  output (not tempfile's 0o600).
* A read-only existing file is refused, not silently replaced.
* :func:`write_together` writes every temporary file first and renames them only when all are
  complete, so the outputs of one run (a JSON report and a ``.npz``) never disagree.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import stat
import time
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

TEMP_PREFIX = ".elman-"
TEMP_SUFFIX = ".tmp"
DEFAULT_NAME_MAX = 255
STALE_AFTER_SECONDS = 24 * 3600  # Windows only: no cheap "is that process alive?"


class OutputPathError(ValueError):
    """An output that cannot be written; the message names the option (or file) and why."""


def folder_of(path: Path) -> Path:
    return path.parent if str(path.parent) else Path(".")


def check_output_path(path: Path, label: str | None = None) -> None:
    """Prove now, before any work, that ``path`` can be written; else :class:`OutputPathError`.

    ``label`` (e.g. "--json") starts the message. Creates and removes one temporary file, so a
    folder that only *looks* writable (read-only mount, full quota, root's ``os.access``) fails
    here and not after training.
    """
    path = Path(path)
    name = f"{label} {path}" if label else str(path)
    folder = folder_of(path)
    name_max = _name_max(folder)
    length = len(os.fsencode(path.name))
    if length > name_max:
        raise OutputPathError(f"{name[:60]}…: the file name is {length} bytes long; "
                              f"this file system allows at most {name_max}")
    try:
        if path.is_dir():
            raise OutputPathError(f"{name}: that is a folder; give a file name")
        if not folder.is_dir():
            raise OutputPathError(f"{name}: the folder {folder} does not exist")
        if path.exists() and not path.is_file():
            raise OutputPathError(f"{name}: that is not a regular file (a device or a pipe); "
                                  "give a file name")
        if path.exists() and is_read_only(path):
            raise OutputPathError(f"{name}: the file exists and is read-only; it will not be "
                                  "replaced (make it writable or choose another name)")
        handle, temporary = _create_temporary(folder)
        os.close(handle)
        os.unlink(temporary)
    except OSError as exc:
        raise OutputPathError(f"{name}: cannot write there ({exc.strerror or exc})") from exc


def is_read_only(path: Path) -> bool:
    """True if nobody may write ``path``: no write bit at all, or none for us.

    The mode bits are read too because ``os.access`` says yes to root for any file.
    """
    mode = path.stat().st_mode
    no_write_bits = not mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH)
    return no_write_bits or not os.access(path, os.W_OK)


def remove_stale_temporaries(folder: Path) -> list[Path]:
    """Delete our temporary files in ``folder`` whose process no longer runs; return them."""
    removed: list[Path] = []
    try:
        entries = list(Path(folder).iterdir())
    except OSError:
        return removed
    for entry in entries:
        pid = _owner_pid(entry.name)
        if pid is None or not _is_stale(entry, pid):
            continue
        try:
            entry.unlink()
            removed.append(entry)
        except OSError:
            pass  # someone else's or already gone: not ours to insist on
    return removed


def write_together(writers: dict[Path, Callable[[BinaryIO], object]]) -> None:
    """Write each path with its ``writer(handle)`` into a temporary file, then rename them all.

    Nothing is renamed unless every file was written and flushed to disk; on any error every
    temporary file is removed and the old outputs stay as they were. Raises OSError or
    :class:`OutputPathError` (for a read-only existing file).
    """
    temporaries: dict[Path, str] = {}
    try:
        for path, writer in writers.items():
            path = Path(path)
            if path.exists() and not path.is_file():
                raise OutputPathError(f"{path}: not a regular file; it will not be replaced")
            if path.exists() and is_read_only(path):
                raise OutputPathError(f"{path}: the file exists and is read-only; it will not "
                                      "be replaced")
            remove_stale_temporaries(folder_of(path))
            handle, temporary = _create_temporary(folder_of(path))
            temporaries[path] = temporary
            with os.fdopen(handle, "wb") as stream:
                writer(stream)
                stream.flush()
                os.fsync(stream.fileno())
        for path, temporary in list(temporaries.items()):
            os.replace(temporary, path)
            del temporaries[path]
    finally:
        for temporary in temporaries.values():
            with contextlib.suppress(OSError):
                os.unlink(temporary)


def write_bytes(path: Path, data: bytes) -> None:
    """Atomically replace ``path`` with ``data``."""
    write_together({Path(path): lambda stream: stream.write(data)})


# ------------------------------------------------------------------------------------ helpers
def _create_temporary(folder: Path) -> tuple[int, str]:
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
    while True:
        name = f"{TEMP_PREFIX}{os.getpid()}-{secrets.token_hex(4)}{TEMP_SUFFIX}"
        temporary = os.path.join(folder, name)
        try:
            return os.open(temporary, flags, 0o666), temporary  # the umask applies
        except FileExistsError:
            continue


def _owner_pid(name: str) -> int | None:
    if not (name.startswith(TEMP_PREFIX) and name.endswith(TEMP_SUFFIX)):
        return None
    middle = name[len(TEMP_PREFIX):-len(TEMP_SUFFIX)]
    pid, _, token = middle.partition("-")
    if not (pid.isdigit() and len(token) == 8):
        return None
    return int(pid)


def _is_stale(entry: Path, pid: int) -> bool:
    if os.name == "nt":  # os.kill would end the process there: go by age instead
        try:
            return time.time() - entry.stat().st_mtime > STALE_AFTER_SECONDS
        except OSError:
            return False
    return not _process_alive(pid)


def _process_alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OSError):
        return True  # it exists (owned by someone else), or we cannot tell: leave it
    return True


def _name_max(folder: Path) -> int:
    try:
        return os.pathconf(folder if folder.is_dir() else ".", "PC_NAME_MAX")
    except (OSError, ValueError, AttributeError):
        return DEFAULT_NAME_MAX
