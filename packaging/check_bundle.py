"""Check a built bundle the way a student meets it: it trains headless, and its window shows.

    uv run python packaging/check_bundle.py [PROGRAM]     # default: dist/elman-lab/elman-lab

1. ``PROGRAM train --task xor --epochs 2 --quiet`` must exit 0 with an empty numba cache
   (``NUMBA_CACHE_DIR`` set to a new folder) and leave compiled kernels in it: numba's compiler
   works inside the bundle (libllvmlite is stripped there) and its disk cache too;
2. ``PROGRAM --screenshot PNG --steps 300`` must write a PNG of a real window: at least 800×500
   pixels, more than 50 distinct colours, no colour covering more than 90 % of it. On Linux it
   runs under a virtual X display (``xvfb-run`` when there is no ``DISPLAY``); on Windows and
   macOS, which have no Xvfb, on Qt's offscreen platform (``QT_QPA_PLATFORM=offscreen``), as on
   a CI runner without a logged-in desktop.
Exits 0 when both pass, 1 otherwise, within a few minutes.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from plan import bundle_plan  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_PROGRAM = ROOT / "dist" / bundle_plan().bundle(onefile=False).program
XVFB = ["xvfb-run", "-a", "-s", "-screen 0 1600x1000x24"]
TIMEOUT_SECONDS = 240
MIN_SIZE = (800, 500)
MIN_COLOURS = 50
MAX_ONE_COLOUR = 0.9


def with_display(command: list[str], system: str | None = None,
                 environ: dict[str, str] | None = None) -> tuple[list[str], dict[str, str]]:
    """The command and its environment for drawing a window: under xvfb-run on Linux unless an
    X display is already there; on Qt's offscreen platform where there is no Xvfb."""
    env = dict(os.environ if environ is None else environ)
    if not bundle_plan(system).needs_xvfb:
        env["QT_QPA_PLATFORM"] = "offscreen"
        return command, env
    if env.get("DISPLAY"):
        return command, env
    if shutil.which("xvfb-run") is None:
        raise SystemExit("check_bundle: no DISPLAY and no xvfb-run (apt-get install xvfb xauth)")
    return XVFB + command, env


def picture_problems(path: Path) -> list[str]:
    """What is wrong with the screenshot at ``path`` ([] if it shows a real window)."""
    import numpy as np
    from PySide6.QtGui import QImage

    image = QImage(str(path))
    if image.isNull():
        return [f"{path} is not a readable image"]
    image = image.convertToFormat(QImage.Format.Format_RGB32)
    width, height = image.width(), image.height()
    problems = []
    if width < MIN_SIZE[0] or height < MIN_SIZE[1]:
        problems.append(f"the window is {width}×{height}, smaller than {MIN_SIZE[0]}×{MIN_SIZE[1]}")
    pixels = np.frombuffer(image.constBits(), dtype=np.uint32, count=height * image.bytesPerLine()
                           // 4).reshape(height, -1)[:, :width]
    colours, counts = np.unique(pixels, return_counts=True)
    if len(colours) <= MIN_COLOURS:
        problems.append(f"only {len(colours)} distinct colours (a blank or unpainted window?)")
    if counts.max() > MAX_ONE_COLOUR * pixels.size:
        problems.append(f"one colour covers {counts.max() / pixels.size:.0%} of the window")
    return problems


def run(command: list[str], **kwargs) -> tuple[int, float, str]:
    started = time.monotonic()
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=TIMEOUT_SECONDS,
                              **kwargs)
    except subprocess.TimeoutExpired:
        return -1, time.monotonic() - started, f"timed out after {TIMEOUT_SECONDS} s"
    return done.returncode, time.monotonic() - started, (done.stdout + done.stderr)[-2000:]


def check(program: Path = DEFAULT_PROGRAM, steps: int = 300) -> int:
    """Run both checks on ``program``; prints one line per check; 0 if both pass."""
    program = Path(program).resolve()
    if not program.is_file():
        print(f"check_bundle: {program} does not exist: build it first "
              "(uv run --group bundle python packaging/build.py)", file=sys.stderr)
        return 1
    failed = False
    with tempfile.TemporaryDirectory(prefix="elman-lab-check-") as folder:
        cache = Path(folder) / "numba-cache"
        env = dict(os.environ, NUMBA_CACHE_DIR=str(cache))
        # Both kernel modules: xor trains with the online rule, counting with BPTT.
        for task in ("xor", "counting"):
            code, seconds, output = run([str(program), "train", "--task", task, "--epochs", "2",
                                         "--quiet"], env=env)
            cached = [path for path in cache.rglob("*") if path.is_file()]
            print(f"headless train --task {task}: exit {code} in {seconds:.1f} s, {len(cached)} "
                  "files in numba's cache", flush=True)
            if code != 0 or not cached:
                print(output or "numba cached nothing: the kernels did not compile",
                      file=sys.stderr)
                failed = True
        png = Path(folder) / "window.png"
        command, env = with_display([str(program), "--screenshot", str(png), "--steps",
                                     str(steps)], environ=env)
        code, seconds, output = run(command, env=env)
        print(f"window screenshot: exit {code} in {seconds:.1f} s", flush=True)
        if code != 0 or not png.is_file():
            print(output or f"no screenshot was written to {png}", file=sys.stderr)
            return 1
        problems = picture_problems(png)
        keep = ROOT / "dist" / "check_bundle.png"
        keep.parent.mkdir(exist_ok=True)
        shutil.copyfile(png, keep)
        for problem in problems:
            print(f"screenshot: {problem}", file=sys.stderr)
        print(f"screenshot {'FAILED' if problems else 'ok'}: {keep.relative_to(ROOT)}")
    return 1 if failed or problems else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("program", nargs="?", default=str(DEFAULT_PROGRAM),
                        help="the bundle's executable (default: dist/elman-lab/elman-lab)")
    parser.add_argument("--steps", type=int, default=300, help="timesteps before the screenshot")
    args = parser.parse_args(argv)
    return check(Path(args.program), args.steps)


if __name__ == "__main__":
    sys.exit(main())
