"""A disk that fills up in the middle of a write, for the "nothing lost" tests.

:func:`fill_disk_after` makes every file :mod:`elman_core.files.atomic_io` writes take
``room`` bytes, then fail with ENOSPC as a full disk does (the bytes before stay in the file, as
on a real disk). :func:`fail_fsync` makes the flush to disk fail instead (delayed allocation:
the space runs out only when the data goes to disk).
"""

from __future__ import annotations

import errno
import io
import os

from elman_core.files import atomic_io


class _FillingStream(io.FileIO):
    room = 0

    def write(self, data) -> int:
        data = bytes(data)
        if len(data) <= self.room:
            self.room -= len(data)
            return super().write(data)
        super().write(data[:self.room])
        self.room = 0
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))


def fill_disk_after(monkeypatch, room: int = 100) -> None:
    """Every atomic write gets ``room`` bytes, then "No space left on device"."""
    def fdopen(handle, mode="rb", *args, **kwargs):
        assert "w" in mode, mode
        stream = _FillingStream(handle, "wb")
        stream.room = room
        return stream

    monkeypatch.setattr(atomic_io.os, "fdopen", fdopen)


def fail_fsync(monkeypatch) -> None:
    """The flush to disk of every atomic write fails with ENOSPC."""
    def fsync(handle):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(atomic_io.os, "fsync", fsync)
