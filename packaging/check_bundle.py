"""Check a built bundle the way a student meets it: it trains headless, and its window shows.

    uv run python packaging/check_bundle.py [PROGRAM]     # default: dist/elman-lab/elman-lab

1. ``PROGRAM train --task xor --epochs 2 --quiet`` must exit 0 with an empty user cache
   (``NUMBA_CACHE_DIR`` set to a new folder), then again with the cache it left (warm), and the
   first run may take at most FIRST_START_LIMIT × the warm one: the bundle's shipped kernels
   (compiled for a generic CPU) are loaded, nothing compiles. The same for ``counting`` (BPTT).
   Both times are printed;
2. the cache cannot break training: with a cache folder that cannot be created (a file where it
   should be, as unwritable as a read-only home even for root) and with a damaged cache file
   (a truncated ``.nbc``) the program still trains, and says so in one line;
3. the background compile for this processor (what a student's first start launches) run in the
   foreground: it must exit 0 and mark the kernels ready; then xor trains on the native kernels
   (their time is printed beside the generic ones', not judged);
4. sizes: the folder bundle and its zip stay within this system's budget (SIZE_BUDGETS_MB);
5. ``PROGRAM --screenshot PNG --steps 300`` must write a PNG of a real window: at least 800×500
   pixels, more than 50 distinct colours, no colour covering more than 90 % of it. On Linux it
   runs under a virtual X display (``xvfb-run`` when there is no ``DISPLAY``); on Windows and
   macOS, which have no Xvfb, on Qt's offscreen platform (``QT_QPA_PLATFORM=offscreen``), as on
   a CI runner without a logged-in desktop.
Exits 0 when all pass, 1 otherwise, within a few minutes.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
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
# The first start with an empty user cache against a warm one (issue 22: "within 1.5×").
FIRST_START_LIMIT = 1.5
# Folder and zip budgets in MB, per system; only Linux is built here, so the others are not held
# yet. Measured (docs/packaging.md): 414 MB and 154 MB. Not the ~300/120 first hoped for: LLVM
# (152 MB, code and constant data only once its symbol table is stripped; numba needs it even
# to load the shipped kernels), Qt (93 MB, 31 of them ICU) and two OpenBLAS builds (numpy's and
# scipy's, 27 + 29 MB, with different integer sizes) are what the app runs on.
SIZE_BUDGETS_MB = {"Linux": (425, 160)}


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


def bundle_sizes(program: Path) -> tuple[int, int] | None:
    """Bytes of the folder bundle holding ``program`` and of its zip (deflate, level 6 as
    release_leg.py zips), or None for a one-file program."""
    folder = program.parent
    if not (folder / "_internal").is_dir():
        return None
    files = [p for p in folder.rglob("*") if p.is_file() and not p.is_symlink()]
    with tempfile.TemporaryDirectory() as scratch:
        archive = Path(scratch) / "bundle.zip"
        with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED, compresslevel=6) as bundle:
            for path in files:
                bundle.write(path, path.relative_to(folder.parent).as_posix())
        return sum(p.stat().st_size for p in files), archive.stat().st_size


def check_sizes(program: Path, system: str | None = None) -> bool:
    """Prints the folder and zip sizes; False if over this system's budget."""
    system = system or platform.system()
    sizes = bundle_sizes(program)
    if sizes is None:
        print("sizes: a one-file program (the folder bundle's budget is checked on it)")
        return True
    folder_mb, zip_mb = (count / 2**20 for count in sizes)
    budget = SIZE_BUDGETS_MB.get(system)
    verdict = "no budget on this system" if budget is None else (
        "ok" if folder_mb <= budget[0] and zip_mb <= budget[1] else "OVER BUDGET")
    limits = "" if budget is None else f" (budgets {budget[0]} MB and {budget[1]} MB)"
    print(f"sizes: folder {folder_mb:.0f} MB, zip {zip_mb:.0f} MB{limits}: {verdict}",
          flush=True)
    return budget is None or verdict == "ok"


def train(program: Path, task: str, env: dict[str, str]) -> tuple[int, float, str]:
    return run([str(program), "train", "--task", task, "--epochs", "2", "--quiet"], env=env)


def check_first_start(program: Path, folder: Path) -> bool:
    """Each learning rule trained with an empty user cache, then warm: the first start must
    not compile (within FIRST_START_LIMIT of the warm time)."""
    cache = folder / "numba-cache"
    env = dict(os.environ, NUMBA_CACHE_DIR=str(cache))
    ok = True
    for task in ("xor", "counting"):  # xor trains with the online rule, counting with BPTT
        code, first, output = train(program, task, env)
        warm_code, warm, warm_output = train(program, task, env)
        cached = [path for path in cache.rglob("*") if path.is_file()]
        ratio = first / warm if warm > 0 else float("inf")
        passed = code == 0 and warm_code == 0 and bool(cached) and ratio <= FIRST_START_LIMIT
        print(f"headless train --task {task}: first start {first:.1f} s (exit {code}), warm "
              f"{warm:.1f} s (exit {warm_code}), ratio {ratio:.2f} (limit {FIRST_START_LIMIT}), "
              f"{len(cached)} files in numba's cache: {'ok' if passed else 'FAILED'}",
              flush=True)
        if not passed:
            print(output + warm_output or "numba cached nothing", file=sys.stderr)
            ok = False
    return ok


def check_native_compile(program: Path, folder: Path) -> bool:
    """The background compile, run in the foreground on the warm cache of check_first_start."""
    cache = folder / "numba-cache"
    env = dict(os.environ, NUMBA_CACHE_DIR=str(cache), ELMAN_LAB_COMPILE_NATIVE="1")
    code, seconds, output = run([str(program)], env=env)
    ready = list(cache.rglob("native-ready"))
    _code, generic, _output = train(program, "xor", dict(env, NUMBA_CPU_NAME="generic",
                                                         ELMAN_LAB_COMPILE_NATIVE=""))
    native_code, native, native_output = train(program, "xor", dict(
        os.environ, NUMBA_CACHE_DIR=str(cache)))
    passed = code == 0 and bool(ready) and native_code == 0
    print(f"background compile for this processor: exit {code} in {seconds:.1f} s, "
          f"{'ready' if ready else 'NOT marked ready'}; then train --task xor: generic "
          f"{generic:.1f} s, native {native:.1f} s: {'ok' if passed else 'FAILED'}", flush=True)
    if not passed:
        print(output + native_output, file=sys.stderr)
    return passed


def check_cache_troubles(program: Path, folder: Path) -> bool:
    """Training goes on with a cache folder that cannot be made and with a damaged file."""
    blocked = folder / "not-a-folder"
    blocked.write_text("a file where the home folder should be")
    damaged = folder / "damaged-cache"
    env = dict(os.environ, NUMBA_CACHE_DIR=str(damaged))
    train(program, "xor", env)  # a good cache first
    for data in damaged.rglob("kernels.train_online-*.nbc"):
        data.write_bytes(data.read_bytes()[:100])
    # A read-only home: the user's cache folder and numba's own per-user one cannot be made.
    read_only_home = {"HOME": str(blocked), "XDG_CACHE_HOME": str(blocked / "cache"),
                      "LOCALAPPDATA": str(blocked / "local")}
    home_env = {key: value for key, value in os.environ.items() if key != "NUMBA_CACHE_DIR"}
    cases = (("a read-only home", dict(home_env, **read_only_home), "cannot be written"),
             ("a truncated cache file", dict(os.environ, NUMBA_CACHE_DIR=str(damaged)),
              "damaged numba cache file"))
    ok = True
    for name, env, notice in cases:
        code, seconds, output = train(program, "xor", env)
        passed = code == 0 and notice in output and "Traceback" not in output
        print(f"headless train with {name}: exit {code} in {seconds:.1f} s, notice "
              f"{'shown' if notice in output else 'MISSING'}: {'ok' if passed else 'FAILED'}",
              flush=True)
        if not passed:
            print(output, file=sys.stderr)
            ok = False
    return ok


def check(program: Path = DEFAULT_PROGRAM, steps: int = 300) -> int:
    """Run every check on ``program``; prints one line per check; 0 if all pass."""
    program = Path(program).resolve()
    if not program.is_file():
        print(f"check_bundle: {program} does not exist: build it first "
              "(uv run --group bundle python packaging/build.py)", file=sys.stderr)
        return 1
    with tempfile.TemporaryDirectory(prefix="elman-lab-check-") as folder:
        passed = check_first_start(program, Path(folder))
        passed = check_native_compile(program, Path(folder)) and passed
        passed = check_cache_troubles(program, Path(folder)) and passed
        passed = check_sizes(program) and passed
        png = Path(folder) / "window.png"
        env = dict(os.environ, NUMBA_CACHE_DIR=str(Path(folder) / "numba-cache"))
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
    return 0 if passed and not problems else 1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("program", nargs="?", default=str(DEFAULT_PROGRAM),
                        help="the bundle's executable (default: dist/elman-lab/elman-lab)")
    parser.add_argument("--steps", type=int, default=300, help="timesteps before the screenshot")
    args = parser.parse_args(argv)
    return check(Path(args.program), args.steps)


if __name__ == "__main__":
    sys.exit(main())
