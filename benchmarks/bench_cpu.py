"""CPU time per thread of this process, and of the X server, from /proc (Linux only).

The GUI benchmark reads these before and after its measurement and prints each thread's share
of one core: which thread holds the CPU (and, in Python, mostly the GIL) while the window trains.
"""

from __future__ import annotations

import os
from pathlib import Path

TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def _stat_ticks(path: Path) -> tuple[str, int] | None:
    """(name, utime + stime in clock ticks) from a /proc …/stat file, or None if it is gone."""
    try:
        text = path.read_text()
    except OSError:
        return None
    name = text[text.index("(") + 1:text.rindex(")")]
    fields = text[text.rindex(")") + 2:].split()
    return name, int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15)


def thread_ticks() -> dict[int, tuple[str, int]]:
    """Every thread of this process: tid → (name, CPU ticks so far)."""
    ticks = {}
    for task in Path("/proc/self/task").glob("*"):
        stat = _stat_ticks(task / "stat")
        if stat is not None:
            ticks[int(task.name)] = stat
    return ticks


def x_server_pid() -> int | None:
    """The pid of the Xvfb serving $DISPLAY, if it runs on this machine and can be read."""
    display = os.environ.get("DISPLAY", "")
    if not display.startswith(":"):
        return None
    number = display[1:].split(".")[0]
    for proc in Path("/proc").glob("[0-9]*"):
        try:
            argv = (proc / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if argv and argv[0].endswith(b"Xvfb") and f":{number}".encode() in argv[1:]:
            return int(proc.name)
    return None


def process_ticks(pid: int | None) -> int | None:
    if pid is None:
        return None
    stat = _stat_ticks(Path(f"/proc/{pid}/stat"))
    return None if stat is None else stat[1]


def shares(before: dict[int, tuple[str, int]], after: dict[int, tuple[str, int]],
           seconds: float, main_tid: int) -> list[tuple[str, float]]:
    """Each thread's CPU over the interval as a share of one core, busiest first.

    Threads of the same name are added up (Qt's helper threads); the main thread is "main"."""
    totals: dict[str, float] = {}
    for tid, (name, ticks) in after.items():
        used = ticks - before.get(tid, (name, 0))[1]
        label = "main" if tid == main_tid else name
        totals[label] = totals.get(label, 0.0) + used / TICKS / seconds
    return sorted(totals.items(), key=lambda item: -item[1])
