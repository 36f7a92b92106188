"""Outputs written whole or not at all, with the usual mode, never over a read-only file."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from elman_core.files import atomic_io
from elman_core.files.atomic_io import (
    OutputPathError,
    check_output_path,
    write_bytes,
    write_together,
)


def test_a_failed_write_leaves_the_old_file_and_no_temporary(tmp_path):
    path = tmp_path / "out.json"
    path.write_text('{"good": true}')

    def half_then_fail(stream):
        stream.write(b'{"half": ')
        raise OSError(27, "File too large")

    with pytest.raises(OSError, match="too large"):
        write_together({path: half_then_fail})
    assert path.read_text() == '{"good": true}'
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.json"]


def test_outputs_of_one_run_are_renamed_only_when_all_are_written(tmp_path):
    report, network = tmp_path / "report.json", tmp_path / "net.npz"
    report.write_bytes(b"old report")
    network.write_bytes(b"old network")

    def fail(stream):
        raise OSError(28, "No space left on device")

    with pytest.raises(OSError):
        write_together({report: lambda s: s.write(b"new report"), network: fail})
    assert report.read_bytes() == b"old report"  # not the new report beside the old network
    assert network.read_bytes() == b"old network"
    write_together({report: lambda s: s.write(b"new report"), network: lambda s: s.write(b"n")})
    assert (report.read_bytes(), network.read_bytes()) == (b"new report", b"n")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["net.npz", "report.json"]


@pytest.mark.parametrize("umask", [0o022, 0o077, 0o002])
def test_new_files_get_the_mode_the_umask_gives(tmp_path, umask):
    old = os.umask(umask)
    try:
        write_bytes(tmp_path / "out.json", b"{}")
    finally:
        os.umask(old)
    assert (tmp_path / "out.json").stat().st_mode & 0o777 == 0o666 & ~umask


def test_a_read_only_file_is_refused_not_replaced(tmp_path):
    path = tmp_path / "keep.npz"
    path.write_bytes(b"precious")
    path.chmod(0o444)
    with pytest.raises(OutputPathError, match="read-only"):
        write_bytes(path, b"new")
    with pytest.raises(OutputPathError, match="--save .*read-only"):
        check_output_path(path, "--save")
    assert path.read_bytes() == b"precious"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["keep.npz"]


def test_a_254_character_name_works_and_300_is_a_clear_error(tmp_path):
    legal = tmp_path / ("n" * 250 + ".npz")
    check_output_path(legal, "--save")
    write_bytes(legal, b"data")  # its temporary name is short, so this fits
    assert legal.read_bytes() == b"data"
    with pytest.raises(OutputPathError, match=r"--save .*300 bytes long; .* at most 255"):
        check_output_path(tmp_path / ("n" * 296 + ".npz"), "--save")


def test_folders_and_missing_folders_are_refused(tmp_path):
    with pytest.raises(OutputPathError, match="--json .*that is a folder"):
        check_output_path(tmp_path, "--json")
    with pytest.raises(OutputPathError, match="does not exist"):
        check_output_path(tmp_path / "missing" / "x.json", "--json")
    check_output_path(tmp_path / "fine.json", "--json")
    assert list(tmp_path.iterdir()) == []  # the proof of writability left nothing behind


def test_stale_temporaries_of_dead_processes_are_removed(tmp_path):
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True)
    dead_pid = int(dead.stdout)
    stale = tmp_path / f"{atomic_io.TEMP_PREFIX}{dead_pid}-0123abcd{atomic_io.TEMP_SUFFIX}"
    live = tmp_path / f"{atomic_io.TEMP_PREFIX}{os.getpid()}-0123abcd{atomic_io.TEMP_SUFFIX}"
    someone_elses = tmp_path / ".other.tmp"
    for path in (stale, live, someone_elses):
        path.write_bytes(b"x")
    write_bytes(tmp_path / "out.json", b"{}")  # the next run cleans up as it writes
    assert not stale.exists()
    assert live.exists() and someone_elses.exists()


def test_a_device_or_pipe_is_never_replaced(tmp_path):
    pipe = tmp_path / "pipe"
    os.mkfifo(pipe)
    with pytest.raises(OutputPathError, match="--json .*not a regular file"):
        check_output_path(pipe, "--json")
    with pytest.raises(OutputPathError, match="not a regular file"):
        write_bytes(pipe, b"x")
    assert pipe.is_fifo() and sorted(p.name for p in tmp_path.iterdir()) == ["pipe"]
