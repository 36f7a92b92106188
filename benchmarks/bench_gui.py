"""How the live app performs: launch time, training throughput, GUI latency, frame rate, memory.

Run under a real (virtual) display:

    xvfb-run -a -s "-screen 0 1600x1000x24" uv run python benchmarks/bench_gui.py

It opens the real window at full speed with every view open and updating (the activation history
and timestep inspector docks too) and measures for ``--seconds`` (default 10), on ``--task``:
``xor`` (1-4-1), ``letters`` (6-20-6) or ``sentences`` (the paper's 31-150-31); ``--all`` runs
the three sizes, each in a fresh process. ``--task sentences-pair`` is the side-by-side mode:
two 31-150-31 networks (B with another learning rate) trained step for step, against headless
training of the same two networks one epoch each in turn.
Headless ``ElmanNetwork.train`` is timed in the same process, before and after, on the same task's
sequence. Prints per size: live/headless, main-thread latency, repaints per view, each thread's
CPU share (and Xvfb's), with the goals; exits non-zero only if something crashed, never because
a figure missed its goal.
"""

from __future__ import annotations

import argparse
import collections
import os
import subprocess
import sys
import textwrap
import threading
import time

# isort: off
import main as app_entry  # noqa: F401 (main.py sets the app's one BLAS thread before NumPy)
import numpy as np
# isort: on

LAUNCH_PROBE = textwrap.dedent("""
    import sys, time
    from PySide6.QtCore import QTimer
    from elman_gui.app import create_window
    app, window = create_window("xor", {})
    marks = {}
    def poll():
        handle = window.windowHandle()
        if "visible" not in marks and handle is not None and handle.isExposed() \\
                and window.current_snapshot is not None:
            marks["visible"] = time.time()
        if window.trainer.ready and "ready" not in marks:
            marks["ready"] = time.time()
        if len(marks) == 2:
            print(marks["visible"], marks["ready"], flush=True)
            window.close()
            app.quit()
    timer = QTimer()
    timer.timeout.connect(poll)
    timer.start(1)
    app.exec()
""")


def rss_mb() -> float:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def measure_launch(runs: int) -> list[tuple[float, float]]:
    """(seconds to a painted window, seconds until the fast trainer is ready) per fresh process."""
    results = []
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [".", os.environ.get(
        "PYTHONPATH", "")])))
    # Warm means with the byte-code cache a student's Python keeps: allow writing it (some
    # shells and CI set PYTHONDONTWRITEBYTECODE, which recompiles every module at each start),
    # and let one unmeasured launch write it.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    runs += 1
    for _ in range(runs):
        started = time.time()
        out = subprocess.run([sys.executable, "-c", LAUNCH_PROBE], capture_output=True,
                             text=True, timeout=300, env=env)
        if out.returncode != 0:
            raise RuntimeError(f"launch probe failed:\n{out.stderr}")
        visible, ready = map(float, out.stdout.split()[-2:])
        results.append((visible - started, ready - started))
    return results[1:]


SIZES = ("xor", "letters", "sentences")
PAIR_CHANGES = {"learning_rate": 0.05}  # network B of the pair case: same shape, own rate


def task_spec(name: str) -> tuple[str, dict, dict, str]:
    """(task name, task options, settings changes, label) for a benchmark size."""
    return {"xor": ("xor", {}, {}, "XOR 1-4-1"),
            "letters": ("letters", {}, {}, "letters 6-20-6"),
            "sentences": ("sentences", {}, {}, "sentences 31-150-31"),
            "sentences-pair": ("sentences", {}, {}, "two sentences 31-150-31 networks side "
                               "by side (steps/s of the pair)")}[name]


HEADLESS_CPU_RATES: list[float] = []  # steps per CPU second of each headless measurement


def headless_rate(spec: tuple[str, dict, dict, str], seconds: float,
                  pair: dict | None = None) -> float:
    """Steps/s of ElmanNetwork.train on the task's sequence, no GUI, one epoch per call; with
    ``pair`` (network B's changes), steps/s of both networks, an epoch of each in turn."""
    from elman_core import tasks
    from elman_core.model.settings import RunSettings
    from elman_core.training.pair import partner_session
    from elman_core.training.session import TrainingSession

    task = tasks.get(spec[0], **spec[1])
    session = TrainingSession(task, RunSettings.for_task(task, **spec[2]))
    networks = [session.network]
    if pair is not None:
        networks.append(partner_session(session, pair).network)
    sequence = session.sequence
    resets = session.resets_for_current_epoch()
    for network in networks:
        network.train(sequence.inputs, sequence.targets, sequence.mask, resets)  # compile/load
    steps, started, cpu_started = 0, time.perf_counter(), time.thread_time()
    while time.perf_counter() - started < seconds:
        for network in networks:
            network.train(sequence.inputs, sequence.targets, sequence.mask, resets)
        steps += len(sequence)
    HEADLESS_CPU_RATES.append(steps / (time.thread_time() - cpu_started))
    return steps / (time.perf_counter() - started)


class PaintCounter:
    """Counts the paint events of every drawing surface of one view; reports the busiest."""

    def __init__(self, view) -> None:
        from PySide6.QtCore import QEvent, QObject
        from PySide6.QtWidgets import QAbstractScrollArea

        paint = QEvent.Type.Paint
        surfaces = [area.viewport() for area in view.findChildren(QAbstractScrollArea)] or [view]
        self.counts = [0] * len(surfaces)

        class Filter(QObject):
            def __init__(self, index: int) -> None:
                super().__init__()
                self.index = index

            def eventFilter(filt, obj, event):  # noqa: N802, N805 (Qt name; filt is self)
                if event.type() == paint:
                    self.counts[filt.index] += 1
                return False

        self._filters = [Filter(i) for i in range(len(surfaces))]
        for surface, filt in zip(surfaces, self._filters, strict=True):
            surface.installEventFilter(filt)

    def count(self) -> int:
        return max(self.counts)


def time_views(views: dict, paints: bool = False) -> collections.Counter:
    """Seconds the main thread spends per view: its show_snapshot and, with ``paints``, its
    plots' paintEvent.

    Wraps the instances' methods (and, with ``paints``, the plot widgets' paintEvent,
    attributed to the view the widget sits in); the returned counter fills as the window runs.
    Timing a paint needs a Python paintEvent, which holds the GIL while Qt paints (see
    elman_gui/views/style/native_paint.py): the trainer then runs slower than without it."""
    import pyqtgraph as pg
    from PySide6.QtWidgets import QGraphicsView

    from elman_gui.views.style import native_paint

    spent: collections.Counter = collections.Counter()
    owner = {}
    for name, view in views.items():
        for graphics in [view, *view.findChildren(pg.GraphicsView)]:
            owner[id(graphics)] = name
        update = view.show_snapshot

        def timed_update(snapshot, update=update, key=f"{name}: show_snapshot") -> None:
            started = time.perf_counter()
            update(snapshot)
            spent[key] += time.perf_counter() - started

        view.show_snapshot = timed_update
    if not paints:
        return spent

    def timed_paint(self, event) -> None:
        started = time.perf_counter()
        QGraphicsView.paintEvent(self, event)
        spent[f"{owner.get(id(self), 'other')}: paint"] += time.perf_counter() - started

    for widget_class in (native_paint.PlotWidget, native_paint.GraphicsLayoutWidget):
        widget_class.paintEvent = timed_paint
    return spent


def measure_live(spec: tuple[str, dict, dict, str], seconds: float, target_steps: int,
                 pair: dict | None = None, paints: bool = False) -> dict:
    """Train at full speed in the real window, inside the real event loop (app.exec); with
    ``pair``, side by side with network B changed by it (B's views open too)."""
    import bench_cpu
    from PySide6.QtCore import QTimer

    from elman_core.live.snapshot import RUNNING
    from elman_gui.app import create_window

    app, window = create_window(spec[0], spec[1], full_speed=True)
    trainer = window.trainer
    debugger = window.debugger
    record = {"intervals": [], "samples": [], "error": None}
    views = {"diagram": window.diagram, "loss plot": window.loss_plot,
             "error bars": window.error_bars, "history": debugger.history,
             "inspector": debugger.inspector}
    if pair is not None:
        views["diagram B"] = window.side_by_side.diagram_b
    for dock in (debugger.history_dock, debugger.inspector_dock):
        dock.show()
        dock.raise_()  # the inspector is tabbed behind the parameters
    counters = {name: PaintCounter(view) for name, view in views.items()}
    view_seconds = time_views(views, paints)
    probe_last = [0.0]
    x_server = bench_cpu.x_server_pid()
    main_tid = threading.get_native_id()

    def probe() -> None:
        now = time.perf_counter()
        record["intervals"].append(now - probe_last[0])
        probe_last[0] = now

    def sample() -> None:
        snapshot = trainer.latest
        record["samples"].append((time.perf_counter(), snapshot.global_step, window.frames_painted,
                                  rss_mb(), *(c.count() for c in counters.values())))
        if pair is not None:  # every picture shows both at the same step
            record.setdefault("level", []).append(
                snapshot.partner is not None
                and snapshot.partner.global_step == snapshot.global_step)

    def cpu_mark() -> tuple:
        return time.perf_counter(), bench_cpu.thread_ticks(), bench_cpu.process_ticks(x_server)

    probe_timer, sample_timer, phase_timer = QTimer(), QTimer(), QTimer()
    probe_timer.setInterval(10)
    probe_timer.timeout.connect(probe)
    sample_timer.setInterval(250)
    sample_timer.timeout.connect(sample)
    deadline = time.monotonic() + 180
    state = {"phase": "wait ready", "until": 0.0}

    def phase() -> None:
        now = time.monotonic()
        snapshot = trainer.latest
        if state["phase"] == "wait ready":
            if trainer.ready and window.current_snapshot is not None:
                # never finish while measuring
                trainer.set_settings({"epochs": 1_000_000, **spec[2]})
                if pair is not None:  # B is made from A's settings: after them
                    window.side_by_side.compare(pair)
                trainer.play()
                state.update(phase="warm up", until=now + 1.5)
            elif now > deadline:
                record["error"] = "the trainer did not become ready"
                app.quit()
        elif state["phase"] == "warm up":
            if now >= state["until"] and snapshot.state == RUNNING and (
                    pair is None or snapshot.partner is not None):
                record["shape"] = (snapshot.n_input, snapshot.n_hidden, snapshot.n_output)
                sample()
                record["cpu_before"] = cpu_mark()
                view_seconds.clear()
                probe_last[0] = time.perf_counter()
                probe_timer.start()
                sample_timer.start()
                state.update(phase="measure", until=now + seconds)
        elif state["phase"] == "measure":
            trained = snapshot.global_step - record["samples"][0][1]
            if now >= state["until"] and (trained >= target_steps or now >= state["until"] + 60):
                probe_timer.stop()
                sample_timer.stop()
                sample()
                record["cpu_after"] = cpu_mark()
                app.quit()

    phase_timer.setInterval(20)
    phase_timer.timeout.connect(phase)
    phase_timer.start()
    app.exec()
    phase_timer.stop()
    if record["error"]:
        raise RuntimeError(record["error"])
    (t0, threads0, x0), (t1, threads1, x1) = record["cpu_before"], record["cpu_after"]
    record["thread_shares"] = bench_cpu.shares(threads0, threads1, t1 - t0, main_tid)
    record["x_share"] = None if x0 is None or x1 is None else \
        (x1 - x0) / bench_cpu.TICKS / (t1 - t0)
    record["views"] = list(views)
    record["view_seconds"] = dict(view_seconds)
    closing = time.perf_counter()
    window.close()
    record["close_seconds"] = time.perf_counter() - closing
    record["thread_finished"] = trainer.thread.isFinished()
    record["dropped"] = trainer.dropped
    return record


def report(label: str, launches, before: float, after: float, live: dict,
           million_steps: float) -> None:
    samples = live["samples"]
    t0, steps0, frames0, rss0, *paints0 = samples[0]
    t1, steps1, frames1, rss1, *paints1 = samples[-1]
    elapsed = t1 - t0
    gui_rate = (steps1 - steps0) / elapsed
    headless = max(before, after)
    lateness = (np.array(live["intervals"]) - 0.010) * 1000
    rss_at_5m = next((s[3] for s in samples if s[1] - steps0 >= 5e6), float("nan"))
    shares = dict(live["thread_shares"])
    cpu_rate = max(HEADLESS_CPU_RATES, default=float("nan"))
    rows = []
    if launches:
        visible = [v for v, _ in launches]
        ready = [r for _, r in launches]
        rows += [
            ("launch → painted window (warm cache, median of "
             f"{len(visible)})", f"{np.median(visible):.2f} s "
             f"({min(visible):.2f}–{max(visible):.2f})", "≤ 2 s"),
            ("launch → fast trainer ready (background)", f"{np.median(ready):.2f} s", "—"),
        ]
    n_in, n_hidden, n_out = live["shape"]
    rows += [
        ("network in the window", f"{n_in}-{n_hidden}-{n_out}", "—"),
        ("headless ElmanNetwork.train", f"{headless / 1e6:.3f}M steps/s",
         f"(before {before / 1e6:.3f}M, after {after / 1e6:.3f}M)"),
        ("live training, views updating", f"{gui_rate / 1e6:.3f}M steps/s", "—"),
        ("live / headless", f"{gui_rate / headless:.0%}", "≥ 50%"),
        ("main-thread latency p50 (10 ms probe)", f"{np.percentile(lateness, 50):.1f} ms", "—"),
        ("main-thread latency p99", f"{np.percentile(lateness, 99):.1f} ms", "≤ 50 ms"),
        ("main-thread latency max", f"{lateness.max():.1f} ms", "—"),
        ("snapshots painted per second", f"{(frames1 - frames0) / elapsed:.1f}", "≥ 30"),
        *((f"{name} repaints per second", f"{(a - b) / elapsed:.1f}",
           "≥ 4 (painted at 4/s while running)" if name == "history" else
           "≥ 30" if name != "inspector" else "—")
          for name, b, a in zip(live["views"], paints0, paints1, strict=True)),
        *((f"main thread in {name}", f"{seconds / elapsed:.1%} of the time "
           f"({seconds / max(frames1 - frames0, 1) * 1000:.1f} ms/frame)", "—")
          for name, seconds in sorted(live["view_seconds"].items(), key=lambda kv: -kv[1])),
        ("main-thread CPU per painted frame (load-independent)",
         f"{shares.get('main', 0) * elapsed / max(frames1 - frames0, 1) * 1000:.1f} ms", "—"),
        ("trainer CPU per step / headless CPU per step (load-independent)",
         f"{shares.get('trainer', 0) * elapsed * cpu_rate / max(steps1 - steps0, 1):.2f}",
         "1.00 = no overhead"),
        *((f"CPU: thread {name}", f"{share:.0%} of a core", "—")
          for name, share in live["thread_shares"] if share >= 0.005),
        ("CPU: Xvfb", "not found" if live["x_share"] is None else
         f"{live['x_share']:.0%} of a core", "—"),
        ("steps trained while measuring", f"{(steps1 - steps0) / 1e6:.1f}M in {elapsed:.1f} s",
         f"≥ {million_steps:g}M"),
        ("RSS at start → after 5M steps → end", f"{rss0:.0f} → {rss_at_5m:.0f} → {rss1:.0f} MB",
         "flat"),
        ("close while training: thread ended", f"{live['thread_finished']} in "
         f"{live['close_seconds'] * 1000:.0f} ms", "< 1 s"),
        ("stale snapshots dropped", f"{live['dropped']}", "—"),
    ]
    if "level" in live:
        rows.append(("samples with A and B at the same step",
                     f"{sum(live['level'])} of {len(live['level'])}", "all"))
    width = max(len(r[0]) for r in rows)
    print(f"\n== {label} ==")
    print(f"{'figure':<{width}}  {'measured':>26}  goal")
    print("-" * (width + 40))
    for name, value, goal in rows:
        print(f"{name:<{width}}  {value:>26}  {goal}")
    print("RSS over the run (MB, every 0.25 s, sampled):",
          " ".join(f"{s[3]:.0f}" for s in samples[:: max(1, len(samples) // 12)]), flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--task", choices=(*SIZES, "sentences-pair"), default="xor",
                        help="network size to drive (sentences-pair: two, side by side)")
    parser.add_argument("--all", action="store_true",
                        help="every size, each in a fresh process (xor, letters, sentences)")
    parser.add_argument("--seconds", type=float, default=10.0, help="live measurement length")
    parser.add_argument("--million-steps", type=float, default=0.0,
                        help="train at least this many million steps (memory figure)")
    parser.add_argument("--launches", type=int, default=3, help="fresh processes to time")
    parser.add_argument("--paint-times", action="store_true",
                        help="time each view's paint too (holds the GIL while Qt paints: the "
                             "trainer runs slower than without)")
    args = parser.parse_args(argv)

    if args.all:
        failed = 0
        for index, size in enumerate(SIZES):
            command = [sys.executable, __file__, "--task", size, "--seconds", str(args.seconds),
                       "--million-steps", str(args.million_steps),
                       "--launches", str(args.launches if index == 0 else 0)]
            failed |= subprocess.run(command).returncode
        return 1 if failed else 0

    spec = task_spec(args.task)
    pair = PAIR_CHANGES if args.task == "sentences-pair" else None
    launches = measure_launch(args.launches) if args.launches else []
    before = headless_rate(spec, 3.0, pair)
    live = measure_live(spec, args.seconds, int(args.million_steps * 1e6), pair,
                        args.paint_times)
    after = headless_rate(spec, 3.0, pair)
    report(spec[3], launches, before, after, live, args.million_steps)
    return 0


if __name__ == "__main__":
    sys.exit(main())
