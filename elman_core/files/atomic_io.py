"""Outputs that are never half-written: a temporary file in the same folder, then a rename.

* Temporary names are short (``.elman-<pid>-<where>-<random>.tmp``), so a legal 254-character
  output name still works, and say which process made them and where: ``<where>`` is a digest of
  the host name, the boot and the PID namespace. The next run removes those of its own host,
  boot and namespace whose process is gone (after ``kill -9`` or a full disk), never another
  running process's; a file made elsewhere (another machine sharing the folder, a container, a
  boot before) cannot be checked that way and is left alone unless it is a day old.
* What is written can be checked before it replaces anything (:func:`write_checked`: an image
  decodes, a table has every row), and is read back from the disk first, so a file system that
  lost bytes without an error still leaves the old file.
* Files are created with mode 0o666 and the kernel applies the umask, like any other program's
  output (not tempfile's 0o600).
* A read-only existing file is refused, not silently replaced.
* :func:`write_together` writes every temporary file first and renames them only when all are
  complete, so the outputs of one run (a JSON report and a ``.npz``) never disagree.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import secrets
import socket
import stat
import time
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

# What a check of written bytes raises when they are not what they should be (see write_checked).
Check = Callable[[bytes], None]

TEMP_PREFIX = ".elman-"
TEMP_SUFFIX = ".tmp"
DEFAULT_NAME_MAX = 255
# A temporary file whose process cannot be asked whether it still runs (Windows, another host,
# boot or PID namespace) is removed only when it is this old: no write takes a day.
STALE_AFTER_SECONDS = 24 * 3600


class OutputPathError(ValueError):
    """An output that cannot be written; the message names the option (or file) and why."""


class WrittenFileInvalid(OutputPathError):
    """What was written did not check out (not whole, not readable); the old file was kept."""


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
        owner = _owner(entry.name)
        if owner is None or not _is_stale(entry, *owner):
            continue
        try:
            entry.unlink()
            removed.append(entry)
        except OSError:
            pass  # someone else's or already gone: not ours to insist on
    return removed


def write_together(writers: dict[Path, Callable[[BinaryIO], object]],
                   checks: dict[Path, Check] | None = None) -> None:
    """Write each path with its ``writer(handle)`` into a temporary file, then rename them all.

    Nothing is renamed unless every file was written and flushed to disk and, for a path in
    ``checks``, its bytes read back from the disk passed ``check(data)`` (which raises
    ValueError to refuse them); on any error every temporary file is removed and the old outputs
    stay as they were. Raises OSError, :class:`OutputPathError` (for a read-only existing file)
    or :class:`WrittenFileInvalid`.
    """
    checks = {Path(path): check for path, check in (checks or {}).items()}
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
            if path in checks:
                _check_written(path, temporary, checks[path])
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


def write_checked(path: Path, data: bytes, check: Check | None = None) -> None:
    """Replace ``path`` with ``data`` only if ``check(data)`` passes and the disk gives back
    exactly ``data``; else keep the old file and raise (OSError, :class:`OutputPathError`,
    :class:`WrittenFileInvalid`).

    ``check`` (raising ValueError) is run on the bytes before anything is written — a picture
    that does not decode is never written — and again on those read back.
    """
    path = Path(path)
    if check is not None:
        try:
            check(data)
        except ValueError as exc:
            raise WrittenFileInvalid(f"{path}: not written, the content is not valid "
                                     f"({exc})") from exc

    def same_and_valid(written: bytes) -> None:
        if written != data:
            raise ValueError(f"{len(written):,} of {len(data):,} bytes read back as written")
        if check is not None:
            check(written)

    write_together({path: lambda stream: stream.write(data)}, {path: same_and_valid})


def write_text(path: Path, text: str, check: Check | None = None) -> None:
    """:func:`write_checked` of ``text`` as UTF-8 (``\n`` line ends on every system)."""
    write_checked(path, text.encode("utf-8"), check)


# ------------------------------------------------------------------------------------ helpers
def _check_written(path: Path, temporary: str, check: Check) -> None:
    """Read the temporary file back from the disk and check it; WrittenFileInvalid if not."""
    with open(temporary, "rb") as stream:
        written = stream.read()
    try:
        check(written)
    except ValueError as exc:
        raise WrittenFileInvalid(f"{path}: the file written did not check out ({exc}); the "
                                 "previous file is unchanged") from exc


def place_identity() -> str:
    """Eight hex digits naming this host, this boot and this PID namespace.

    A process ID only means something within one namespace of one running system: two
    containers sharing a folder both have a process 7, and after a reboot process 7 is
    someone else. Parts that cannot be read (no /proc) are left out.
    """
    global _identity
    if _identity is None:
        parts = [socket.gethostname(), _read_first_line("/proc/sys/kernel/random/boot_id")]
        try:
            parts.append(str(os.stat("/proc/self/ns/pid").st_ino))
        except OSError:
            parts.append("")
        _identity = hashlib.sha256("\0".join(parts).encode()).hexdigest()[:8]
    return _identity


_identity: str | None = None


def _read_first_line(path: str) -> str:
    try:
        with open(path, encoding="ascii", errors="replace") as handle:
            return handle.readline().strip()
    except OSError:
        return ""


def _create_temporary(folder: Path) -> tuple[int, str]:
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
    while True:
        name = (f"{TEMP_PREFIX}{os.getpid()}-{place_identity()}-{secrets.token_hex(4)}"
                f"{TEMP_SUFFIX}")
        temporary = os.path.join(folder, name)
        try:
            return os.open(temporary, flags, 0o666), temporary  # the umask applies
        except FileExistsError:
            continue


def _owner(name: str) -> tuple[int, str | None] | None:
    """(pid, place) of one of our temporary names; place None for the older names, which did
    not say where they were made; None for any other name."""
    if not (name.startswith(TEMP_PREFIX) and name.endswith(TEMP_SUFFIX)):
        return None
    parts = name[len(TEMP_PREFIX):-len(TEMP_SUFFIX)].split("-")
    if not parts[0].isdigit() or len(parts[-1]) != 8 or len(parts) not in (2, 3):
        return None
    place = parts[1] if len(parts) == 3 else None
    if place is not None and len(place) != 8:
        return None
    return int(parts[0]), place


def _is_stale(entry: Path, pid: int, place: str | None) -> bool:
    # os.kill would end the process on Windows, and a PID of another host, boot or namespace
    # names some other process here: only age tells.
    if os.name == "nt" or place != place_identity():
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
