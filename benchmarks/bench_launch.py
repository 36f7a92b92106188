"""Launch time: from starting the program to its window on screen, from a checkout and a bundle.

    uv run python benchmarks/bench_launch.py [--runs 5] [--bundle PATH ...]

Each launch is a fresh process with ``ELMAN_LAB_LAUNCH_PROBE=1``: the app prints when its
window is first painted and when the fast trainer is ready (its numba kernels compiled or
loaded), then quits (``elman_gui.resources.install_launch_probe``). "cold" is the first launch
with empty caches — numba's, and for the checkout Python's byte code too (the operating
system's file cache is emptied only where this user may: as root on a real machine); "warm" is
the median of ``--runs`` launches after it. Bundles default to the ones in dist/ that exist.
Without a display it reruns itself under ``xvfb-run`` (one X server for every launch).

Prints a table with the goals (checkout warm ≤ 2 s, one-folder bundle warm ≤ 4 s) and every
warm run (the spread); exits non-zero only if a program fails to start, never because a figure
missed its goal.
"""

from __future__ import annotations

import argparse
import os
import select
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PROBE_VARIABLE = "ELMAN_LAB_LAUNCH_PROBE"
TIMEOUT_SECONDS = 180
PROBE_WAIT_SECONDS = 30  # for the first probe line: the window exists
GOALS = {"checkout": 2.0, "one-folder bundle": 4.0, "one-file bundle": None}
BUNDLES = {"one-folder bundle": ROOT / "dist" / "elman-lab" / "elman-lab",
           "one-file bundle": ROOT / "dist" / "onefile" / "elman-lab"}

@dataclass
class Launch:
    shown: float | None = None  # seconds from start to the first painted window
    ready: float | None = None  # … to the trainer being ready (kernels compiled or loaded)


@dataclass
class Target:
    name: str
    command: list[str]
    cold: Launch | None = None
    warm: list[Launch] = field(default_factory=list)


def drop_file_cache() -> bool:
    """Empty the OS file cache if this user may (root outside a container); True if done."""
    try:
        subprocess.run(["sync"], check=False)
        Path("/proc/sys/vm/drop_caches").write_text("3\n")
        return True
    except OSError:
        return False


def launch(command: list[str], env: dict[str, str]) -> Launch:
    """Start the program once; the probe's lines give the times (see the module docstring).

    A program that shows no probe line within :data:`PROBE_WAIT_SECONDS` (a bundle built
    before the probe existed) is stopped and reported without times.
    """
    started = time.time()
    marks: dict[str, float] = {}
    with tempfile.TemporaryFile("w+") as errors:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE,
                                   stderr=errors, text=True)
        try:
            while True:
                waited = time.time() - started
                limit = TIMEOUT_SECONDS if marks else PROBE_WAIT_SECONDS
                if waited > limit:
                    process.kill()
                    process.wait()
                    if marks:
                        raise RuntimeError(f"{command[0]} did not quit within {limit} s")
                    return Launch()
                ready, _, _ = select.select([process.stdout], [], [], 0.5)
                if not ready:
                    continue
                line = process.stdout.readline()
                if not line:  # the program has quit
                    break
                parts = line.split()
                if len(parts) == 3 and parts[0] == "elman-lab-probe":
                    marks.setdefault(parts[1], float(parts[2]) - started)
            code = process.wait(timeout=TIMEOUT_SECONDS)
        finally:
            if process.poll() is None:
                process.kill()
                process.wait()
        errors.seek(0)
        if code != 0:
            raise RuntimeError(f"{' '.join(command)} exited {code}:\n{errors.read()[-1500:]}")
    return Launch(marks.get("shown"), marks.get("ready"))


def measure(target: Target, runs: int) -> None:
    """One cold launch (empty caches), then ``runs`` warm ones."""
    with tempfile.TemporaryDirectory(prefix="elman-lab-bench-") as folder:
        base = dict(os.environ, **{PROBE_VARIABLE: "1"})
        # A student's Python keeps the byte-code it compiles; some sandboxes forbid that, which
        # would make every "warm" launch of the checkout compile the app's modules again.
        base.pop("PYTHONDONTWRITEBYTECODE", None)
        base["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), base.get("PYTHONPATH")]))
        base["NUMBA_CACHE_DIR"] = str(Path(folder) / "numba")  # the venv's own and the user's
        if target.name == "checkout":  # cache stay untouched; the cold run fills this one
            base["PYTHONPYCACHEPREFIX"] = str(Path(folder) / "pycache")
        drop_file_cache()
        target.cold = one_launch(target.command, base)
        target.warm = [one_launch(target.command, base) for _ in range(runs)]


def one_launch(command: list[str], env: dict[str, str]) -> Launch:
    result = launch(command, env)
    if result.shown is None:
        raise RuntimeError(f"{command[0]} printed no probe line: is it an old build? "
                           "Rebuild it (packaging/build.py).")
    return result


def seconds(value: float | None) -> str:
    return "—" if value is None else f"{value:.2f}"


def median(values: list[float | None]) -> float | None:
    present = [value for value in values if value is not None]
    return statistics.median(present) if present else None


def report(targets: list[Target], runs: int, dropped: bool) -> None:
    print(f"\nLaunch to a painted window (seconds; warm = median of {runs}; cold = empty numba"
          f"{' and byte-code' if targets and targets[0].name == 'checkout' else ''} caches,"
          f" OS file cache {'emptied' if dropped else 'kept: not permitted here'})")
    header = f"{'program':<19}{'cold shown':>11}{'cold ready':>11}{'warm shown':>11}" \
             f"{'warm ready':>11}{'goal':>7}  verdict"
    print(header)
    print("-" * len(header))
    for target in targets:
        warm_shown = median([launch.shown for launch in target.warm])
        warm_ready = median([launch.ready for launch in target.warm])
        goal = GOALS.get(target.name)
        verdict = "" if goal is None or warm_shown is None else (
            "meets goal" if warm_shown <= goal else "MISSES goal")
        print(f"{target.name:<19}{seconds(target.cold.shown):>11}{seconds(target.cold.ready):>11}"
              f"{seconds(warm_shown):>11}{seconds(warm_ready):>11}"
              f"{'' if goal is None else f'≤ {goal:g}':>7}  {verdict}")
    for target in targets:  # the spread: a shared or busy machine varies run to run
        runs = sorted(launch.shown for launch in target.warm if launch.shown is not None)
        if runs:
            print(f"{target.name} warm shown, every run: {' '.join(f'{r:.2f}' for r in runs)}"
                  f" (spread {runs[-1] - runs[0]:.2f} s)")
    print("shown: first paint of the window; ready: the numba kernels compiled (cold) or loaded"
          " from the disk cache (warm) — training at full speed waits for it, single steps do not.")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="warm launches per program")
    parser.add_argument("--bundle", action="append", metavar="PATH",
                        help="a bundle's executable (repeatable; default: those in dist/)")
    parser.add_argument("--no-checkout", action="store_true", help="measure bundles only")
    args = parser.parse_args(argv)
    if not os.environ.get("DISPLAY") and sys.platform.startswith("linux"):
        if shutil.which("xvfb-run") is None:
            print("bench_launch: no DISPLAY and no xvfb-run", file=sys.stderr)
            return 1
        return subprocess.call(["xvfb-run", "-a", "-s", "-screen 0 1600x1000x24",
                                sys.executable, __file__, *(argv or sys.argv[1:])])
    targets = []
    if not args.no_checkout:
        targets.append(Target("checkout", [sys.executable, "main.py"]))
    if args.bundle:
        known = {path.resolve(): name for name, path in BUNDLES.items()}
        bundles = {known.get(Path(path).resolve(), f"bundle {path}"): Path(path)
                   for path in args.bundle}
    else:
        bundles = {name: path for name, path in BUNDLES.items() if path.is_file()}
    targets += [Target(name, [str(path.resolve())]) for name, path in bundles.items()]
    dropped = drop_file_cache()
    failed = False
    for target in targets:
        print(f"measuring {target.name}: {' '.join(target.command)[:90]}", flush=True)
        try:
            measure(target, args.runs)
        except (RuntimeError, OSError) as error:
            print(f"bench_launch: {target.name} failed to start: {error}", file=sys.stderr)
            failed = True
    report([target for target in targets if target.cold is not None], args.runs, dropped)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
