"""How the live app performs: launch time, training throughput, GUI latency, frame rate, memory.

Run under a real (virtual) display:

    PYTHONPATH=. xvfb-run -a -s "-screen 0 1600x1000x24" uv run python benchmarks/bench_gui.py

It opens the real window on Temporal XOR at full speed with every view updating and measures for
``--seconds`` (default 10). Headless ``ElmanNetwork.train`` is timed in the same process, before
and after, on the same sequence. Prints a table of figures and goals; exits non-zero only if
something crashed, never because a figure missed its goal.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import textwrap
import time

import numpy as np

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
    for _ in range(runs):
        started = time.time()
        out = subprocess.run([sys.executable, "-c", LAUNCH_PROBE], capture_output=True,
                             text=True, timeout=300, env=env)
        if out.returncode != 0:
            raise RuntimeError(f"launch probe failed:\n{out.stderr}")
        visible, ready = map(float, out.stdout.split()[-2:])
        results.append((visible - started, ready - started))
    return results


def headless_rate(seconds: float) -> float:
    """Steps/s of ElmanNetwork.train on XOR's sequence, no GUI, one epoch per call."""
    from elman_core import tasks
    from elman_core.session import TrainingSession

    session = TrainingSession(tasks.get("xor"))
    network, sequence = session.network, session.sequence
    resets = session.resets_for_current_epoch()
    network.train(sequence.inputs, sequence.targets, sequence.mask, resets)  # compile/load
    steps, started = 0, time.perf_counter()
    while time.perf_counter() - started < seconds:
        network.train(sequence.inputs, sequence.targets, sequence.mask, resets)
        steps += len(sequence)
    return steps / (time.perf_counter() - started)


def measure_live(seconds: float, target_steps: int) -> dict:
    """Train XOR at full speed in the real window, inside the real event loop (app.exec)."""
    from PySide6.QtCore import QEvent, QObject, QTimer

    from elman_gui.app import create_window
    from elman_gui.snapshot import RUNNING

    app, window = create_window("xor", {}, full_speed=True)
    trainer = window.trainer
    record = {"intervals": [], "samples": [], "error": None}

    class PaintCounter(QObject):
        """Counts the paint events of one view's drawing surface: real repaints on screen."""

        def __init__(self, view) -> None:
            super().__init__()
            self.count = 0
            view._plot.viewport().installEventFilter(self)

        def eventFilter(self, obj, event):  # noqa: N802 (Qt name)
            if event.type() == QEvent.Type.Paint:
                self.count += 1
            return False

    counters = [PaintCounter(view) for view in (window.diagram, window.loss_plot,
                                                window.error_bars)]
    probe_last = [0.0]

    def probe() -> None:
        now = time.perf_counter()
        record["intervals"].append(now - probe_last[0])
        probe_last[0] = now

    def sample() -> None:
        snapshot = trainer.latest
        record["samples"].append((time.perf_counter(), snapshot.global_step, window.frames_painted,
                                  rss_mb(), *(counter.count for counter in counters)))

    probe_timer, sample_timer, phase_timer = QTimer(), QTimer(), QTimer()
    probe_timer.setInterval(10)
    probe_timer.timeout.connect(probe)
    sample_timer.setInterval(250)
    sample_timer.timeout.connect(sample)
    deadline = time.monotonic() + 120
    state = {"phase": "wait ready", "until": 0.0}

    def phase() -> None:
        now = time.monotonic()
        snapshot = trainer.latest
        if state["phase"] == "wait ready":
            if trainer.ready and window.current_snapshot is not None:
                trainer.set_settings({"epochs": 1_000_000})  # never finish while measuring
                trainer.play()
                state.update(phase="warm up", until=now + 1.0)
            elif now > deadline:
                record["error"] = "the trainer did not become ready"
                app.quit()
        elif state["phase"] == "warm up":
            if now >= state["until"] and snapshot.state == RUNNING:
                sample()
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
                app.quit()

    phase_timer.setInterval(20)
    phase_timer.timeout.connect(phase)
    phase_timer.start()
    app.exec()
    phase_timer.stop()
    if record["error"]:
        raise RuntimeError(record["error"])
    closing = time.perf_counter()
    window.close()
    record["close_seconds"] = time.perf_counter() - closing
    record["thread_finished"] = trainer.thread.isFinished()
    record["dropped"] = trainer.dropped
    return record


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=float, default=10.0, help="live measurement length")
    parser.add_argument("--million-steps", type=float, default=5.0,
                        help="train at least this many million steps for the memory figure")
    parser.add_argument("--launches", type=int, default=3, help="fresh processes to time")
    args = parser.parse_args(argv)

    launches = measure_launch(args.launches)
    before = headless_rate(3.0)
    live = measure_live(args.seconds, int(args.million_steps * 1e6))
    after = headless_rate(3.0)

    samples = live["samples"]
    t0, steps0, frames0, rss0, *paints0 = samples[0]
    t1, steps1, frames1, rss1, *paints1 = samples[-1]
    elapsed = t1 - t0
    gui_rate = (steps1 - steps0) / elapsed
    headless = max(before, after)
    lateness = (np.array(live["intervals"]) - 0.010) * 1000
    rss_at_5m = next((s[3] for s in samples if s[1] - steps0 >= 5e6), float("nan"))
    visible = [v for v, _ in launches]
    ready = [r for _, r in launches]

    rows = [
        ("launch → painted window (warm cache, median of "
         f"{len(visible)})", f"{np.median(visible):.2f} s", "< 2 s"),
        ("launch → fast trainer ready (background)", f"{np.median(ready):.2f} s", "—"),
        ("headless ElmanNetwork.train", f"{headless / 1e6:.2f}M steps/s",
         f"(before {before / 1e6:.2f}M, after {after / 1e6:.2f}M)"),
        ("live training, views updating", f"{gui_rate / 1e6:.2f}M steps/s", "—"),
        ("live / headless", f"{gui_rate / headless:.0%}", "≥ 50%"),
        ("main-thread latency p50 (10 ms probe)", f"{np.percentile(lateness, 50):.1f} ms", "—"),
        ("main-thread latency p99", f"{np.percentile(lateness, 99):.1f} ms", "≤ 50 ms"),
        ("main-thread latency max", f"{lateness.max():.1f} ms", "—"),
        ("snapshots painted per second", f"{(frames1 - frames0) / elapsed:.1f}", "≥ 30"),
        *((f"{name} repaints per second", f"{(after - before) / elapsed:.1f}", "≥ 30")
          for name, before, after in zip(("diagram", "loss plot", "error bars"), paints0,
                                         paints1, strict=True)),
        ("steps trained while measuring", f"{(steps1 - steps0) / 1e6:.1f}M in {elapsed:.1f} s",
         f"≥ {args.million_steps:g}M"),
        ("RSS at start → after 5M steps → end", f"{rss0:.0f} → {rss_at_5m:.0f} → {rss1:.0f} MB",
         "flat"),
        ("close while training: thread ended", f"{live['thread_finished']} in "
         f"{live['close_seconds'] * 1000:.0f} ms", "< 1 s"),
        ("stale snapshots dropped", f"{live['dropped']}", "—"),
    ]
    width = max(len(r[0]) for r in rows)
    print(f"\n{'figure':<{width}}  {'measured':>26}  goal")
    print("-" * (width + 40))
    for name, value, goal in rows:
        print(f"{name:<{width}}  {value:>26}  {goal}")
    print("\nRSS over the run (MB, every 0.25 s, sampled):",
          " ".join(f"{s[3]:.0f}" for s in samples[:: max(1, len(samples) // 12)]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
