"""Outputs written whole or not at all, with the usual mode, never over a read-only file."""

from __future__ import annotations

import io
import os
import subprocess
import sys
import time

import pytest

from elman_core.files import atomic_io
from elman_core.files.atomic_io import (
    OutputPathError,
    check_output_path,
    write_bytes,
    write_together,
)
from tests import full_disk


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
    with pytest.raises(OutputPathError, match=r"--save .*read-only"):
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
    with pytest.raises(OutputPathError, match=r"--json .*that is a folder"):
        check_output_path(tmp_path, "--json")
    with pytest.raises(OutputPathError, match="does not exist"):
        check_output_path(tmp_path / "missing" / "x.json", "--json")
    check_output_path(tmp_path / "fine.json", "--json")
    assert list(tmp_path.iterdir()) == []  # the proof of writability left nothing behind


def test_stale_temporaries_of_dead_processes_are_removed(tmp_path):
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True)
    dead_pid = int(dead.stdout)
    here = atomic_io.place_identity()
    stale = tmp_path / temporary_name(dead_pid, here)
    live = tmp_path / temporary_name(os.getpid(), here)
    someone_elses = tmp_path / ".other.tmp"
    for path in (stale, live, someone_elses):
        path.write_bytes(b"x")
    write_bytes(tmp_path / "out.json", b"{}")  # the next run cleans up as it writes
    assert not stale.exists()
    assert live.exists() and someone_elses.exists()


def test_a_device_or_pipe_is_never_replaced(tmp_path):
    pipe = tmp_path / "pipe"
    os.mkfifo(pipe)
    with pytest.raises(OutputPathError, match=r"--json .*not a regular file"):
        check_output_path(pipe, "--json")
    with pytest.raises(OutputPathError, match="not a regular file"):
        write_bytes(pipe, b"x")
    assert pipe.is_fifo() and sorted(p.name for p in tmp_path.iterdir()) == ["pipe"]


# --------------------------------------------------------------- clean-up of other places
def temporary_name(pid: int, place: str | None, token: str = "0123abcd") -> str:
    middle = f"{pid}-{token}" if place is None else f"{pid}-{place}-{token}"
    return f"{atomic_io.TEMP_PREFIX}{middle}{atomic_io.TEMP_SUFFIX}"


def dead_pid() -> int:
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True)
    return int(dead.stdout)


def test_temporary_names_carry_the_process_and_its_place(tmp_path):
    handle, temporary = atomic_io._create_temporary(tmp_path)
    os.close(handle)
    name = os.path.basename(temporary)
    assert name.startswith(f"{atomic_io.TEMP_PREFIX}{os.getpid()}-{atomic_io.place_identity()}-")
    assert atomic_io._owner(name) == (os.getpid(), atomic_io.place_identity())
    assert len(name) < 40  # a 254-byte output name still has room for its temporary


def test_the_place_is_the_host_the_boot_and_the_pid_namespace(monkeypatch):
    """Two containers on one host differ only in their PID namespace: their places differ."""
    def place(host: str, boot: str, namespace: int) -> str:
        monkeypatch.setattr(atomic_io, "_identity", None)
        monkeypatch.setattr(atomic_io.socket, "gethostname", lambda: host)
        monkeypatch.setattr(atomic_io, "_read_first_line", lambda path: boot)
        real_stat = os.stat
        monkeypatch.setattr(atomic_io.os, "stat", lambda path, *a, **k: (
            os.stat_result((0, namespace, 0, 0, 0, 0, 0, 0, 0, 0)) if path == "/proc/self/ns/pid"
            else real_stat(path, *a, **k)))
        return atomic_io.place_identity()

    here = place("vm", "boot-1", 4026531836)
    assert place("vm", "boot-1", 4026531836) == here
    assert place("vm", "boot-1", 4026532999) != here  # another PID namespace
    assert place("vm", "boot-2", 4026531836) != here  # after a reboot
    assert place("other", "boot-1", 4026531836) != here  # another host
    monkeypatch.setattr(atomic_io, "_identity", None)


def test_clean_up_leaves_files_of_other_places_unless_a_day_old(tmp_path):
    """A live run in another container has a PID this process cannot see (os.kill says
    "no such process"): its temporary file must survive; a day-old one of anywhere goes."""
    here = atomic_io.place_identity()
    elsewhere = "feedc0de" if here != "feedc0de" else "deadbeef"
    gone = dead_pid()
    ours_dead = tmp_path / temporary_name(gone, here, "aaaaaaaa")
    ours_live = tmp_path / temporary_name(os.getpid(), here, "bbbbbbbb")
    other_live = tmp_path / temporary_name(gone, elsewhere, "cccccccc")
    other_old = tmp_path / temporary_name(gone, elsewhere, "dddddddd")
    legacy_recent = tmp_path / temporary_name(gone, None, "eeeeeeee")
    legacy_old = tmp_path / temporary_name(gone, None, "ffffffff")
    for path in (ours_dead, ours_live, other_live, other_old, legacy_recent, legacy_old):
        path.write_bytes(b"x")
    day_and_more = time.time() - atomic_io.STALE_AFTER_SECONDS - 60
    for path in (other_old, legacy_old):
        os.utime(path, (day_and_more, day_and_more))
    removed = atomic_io.remove_stale_temporaries(tmp_path)
    assert sorted(removed) == sorted([ours_dead, other_old, legacy_old])
    assert ours_live.exists() and other_live.exists() and legacy_recent.exists()


# ------------------------------------------------------------------------ checked writes
def test_a_checked_write_refuses_content_that_fails_its_check(tmp_path):
    path = tmp_path / "table.csv"
    path.write_text("old\n")

    def two_rows(data: bytes) -> None:
        if data.count(b"\n") != 2:
            raise ValueError("not two rows")

    with pytest.raises(atomic_io.WrittenFileInvalid, match="not two rows"):
        atomic_io.write_checked(path, b"a\n", two_rows)
    atomic_io.write_checked(path, b"a\nb\n", two_rows)
    assert path.read_bytes() == b"a\nb\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["table.csv"]


def test_bytes_the_disk_gives_back_differently_never_replace_the_file(tmp_path, monkeypatch):
    """A file system that drops bytes without an error: the read-back catches it."""
    path = tmp_path / "out.csv"
    path.write_text("old\n")
    real_open = open

    def short_read_open(file, mode="r", *args, **kwargs):
        handle = real_open(file, mode, *args, **kwargs)
        if "r" in mode and "b" in mode and str(file).endswith(atomic_io.TEMP_SUFFIX):
            data = handle.read()[:-3]
            handle.close()
            return io.BytesIO(data)
        return handle

    monkeypatch.setattr("builtins.open", short_read_open)
    with pytest.raises(atomic_io.WrittenFileInvalid, match="read back"):
        atomic_io.write_text(path, "new,table\n1,2\n")
    monkeypatch.undo()
    assert path.read_text() == "old\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.csv"]


@pytest.mark.parametrize("failure", ["write", "fsync"])
def test_a_full_disk_leaves_the_old_file_and_no_temporary(tmp_path, monkeypatch, failure):
    path = tmp_path / "out.csv"
    path.write_text("old\n")
    if failure == "write":
        full_disk.fill_disk_after(monkeypatch, room=5)
    else:
        full_disk.fail_fsync(monkeypatch)
    with pytest.raises(OSError, match="No space left"):
        atomic_io.write_text(path, "a long new table\n" * 20)
    assert path.read_text() == "old\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.csv"]
