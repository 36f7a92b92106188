"""Build Elman Lab's bundle with PyInstaller: a folder by default, one file with --onefile.

    uv run --group bundle python packaging/build.py              # dist/elman-lab/elman-lab
    uv run --group bundle python packaging/build.py --onefile    # dist/onefile/elman-lab
    uv run --group bundle python packaging/build.py --check      # build, then check_bundle.py

On Windows the programs end in .exe; on macOS the folder bundle is dist/Elman Lab.app and there
is no one-file bundle (packaging/plan.py says what each system builds).

--no-excludes and --no-numba build measuring variants into dist/variants/ (never shipped). The
one file goes to its own folder: PyInstaller would otherwise replace the dist/elman-lab folder.
Prints the build time and the bundle's size.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from plan import bundle_plan  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
SPEC = ROOT / "packaging" / "elman_lab.spec"
GENERIC_CACHE = ROOT / "build" / "numba-generic"  # the spec ships it as numba_cache/
WARM_UP = "import elman_bundle_paths; elman_bundle_paths.compile_kernels()"


def build_id() -> str:
    """What the shipped machine code depends on: the kernels' package sources, numba's and
    Python's versions, the processor architecture."""
    import numba

    digest = hashlib.sha256()
    for path in sorted((ROOT / "elman_core" / "model").glob("*.py")):
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    digest.update(f"{numba.__version__} {sys.version} {platform.machine()}".encode())
    return digest.hexdigest()[:16]


def compile_generic_kernels(target: Path = GENERIC_CACHE) -> int:
    """Compile the kernels for a generic CPU of this architecture (``NUMBA_CPU_NAME=generic``:
    no instruction beyond the architecture's baseline, so numba's cache entries load on any
    machine) into ``target``, flat, with BUILD_ID. Returns the number of files."""
    shutil.rmtree(target, ignore_errors=True)
    target.mkdir(parents=True)
    with tempfile.TemporaryDirectory(prefix="elman-lab-generic-") as cache:
        env = dict(os.environ, NUMBA_CPU_NAME="generic", NUMBA_CACHE_DIR=cache,
                   NUMBA_CACHE_LOCATOR_CLASSES="UserProvidedCacheLocator",
                   PYTHONPATH=os.pathsep.join((str(ROOT), str(ROOT / "packaging"))))
        env.pop("NUMBA_CPU_FEATURES", None)  # generic implies none
        started = time.monotonic()
        subprocess.run([sys.executable, "-c", WARM_UP], cwd=ROOT, env=env, check=True,
                       stdout=subprocess.DEVNULL)
        files = list(Path(cache).rglob("kernels*.nb[ic]"))
        for path in files:
            shutil.copy2(path, target / path.name)
    (target / "BUILD_ID").write_text(build_id() + "\n", encoding="ascii")
    print(f"compiled the kernels for a generic CPU in {time.monotonic() - started:.0f} s: "
          f"{len(files)} files, {megabytes(size_bytes(target))}", flush=True)
    return len(files)


def size_bytes(path: Path) -> int:
    """Bytes on disk of a file or everything under a folder (like ``du``, without links)."""
    if path.is_file():
        return path.stat().st_size
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file() and not p.is_symlink())


def breakdown(bundle: Path, rows: int = 10) -> list[tuple[str, int]]:
    """The biggest entries of a folder bundle's ``_internal`` (links count as nothing), then
    everything else as one row: where the megabytes go."""
    internal = bundle / "_internal"
    if not internal.is_dir():  # macOS: Elman Lab.app/Contents/Frameworks and Resources
        internal = bundle / "Contents" / "Frameworks"
    sizes = sorted(((entry.name, 0 if entry.is_symlink() else size_bytes(entry))
                    for entry in internal.iterdir()), key=lambda row: -row[1])
    rest = sum(size for _name, size in sizes[rows:])
    return [*sizes[:rows], (f"{len(sizes) - rows} others", rest)]


def megabytes(count: int) -> str:
    return f"{count / 2**20:.0f} MB"


def executable_path(dist: Path, onefile: bool, system: str | None = None) -> Path:
    """Where the built program is: ``DIST/elman-lab/elman-lab``, or ``DIST/elman-lab`` alone
    (with .exe on Windows; inside ``DIST/Elman Lab.app`` on macOS)."""
    return dist / bundle_plan(system).bundle(onefile).program


def shipped_path(dist: Path, onefile: bool, system: str | None = None) -> Path:
    """The file or folder a student downloads (zipped): the folder, the .app or the one file."""
    return dist / bundle_plan(system).bundle(onefile).shipped


def shown(path: Path) -> str:
    return str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else str(path)


def variant_name(args: argparse.Namespace) -> str:
    parts = ["onefile" if args.onefile else "onedir"]
    parts += ["no-excludes"] * args.no_excludes + ["no-numba"] * args.no_numba
    return "-".join(parts)


def build(args: argparse.Namespace) -> Path:
    """Run PyInstaller on the spec; returns the built program."""
    variant = variant_name(args)
    measuring = args.no_excludes or args.no_numba
    if args.dist:
        dist = Path(args.dist)
    elif measuring:
        dist = ROOT / "dist" / "variants" / variant
    else:
        dist = ROOT / "dist" / ("onefile" if args.onefile else "")
    work = ROOT / "build" / "pyinstaller" / variant
    spec_options = [flag for flag, on in (("--onefile", args.onefile),
                                          ("--no-excludes", args.no_excludes),
                                          ("--no-numba", args.no_numba)) if on]
    command = [sys.executable, "-m", "PyInstaller", "--noconfirm", "--log-level",
               args.log_level, "--distpath", str(dist), "--workpath", str(work)]
    command += ["--clean"] * args.clean + [str(SPEC), "--", *spec_options]
    if not args.no_numba:
        compile_generic_kernels()
    print("$", " ".join(command), flush=True)
    started = time.monotonic()
    subprocess.run(command, cwd=ROOT, check=True)
    seconds = time.monotonic() - started
    program = executable_path(dist, args.onefile)
    if not program.exists():
        raise SystemExit(f"build.py: PyInstaller finished but {program} is missing")
    bundle = shipped_path(dist, args.onefile)
    print(f"built {variant} in {seconds:.0f} s: {shown(bundle)} is "
          f"{megabytes(size_bytes(bundle))}", flush=True)
    if args.breakdown and not args.onefile:
        for name, size in breakdown(bundle):
            print(f"  {megabytes(size):>7}  {name}")
    return program


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--onefile", action="store_true", help="one executable, not a folder")
    parser.add_argument("--check", action="store_true",
                        help="then launch it under Xvfb and check its screenshot")
    parser.add_argument("--clean", action="store_true", help="empty PyInstaller's caches first")
    parser.add_argument("--dist", help="output folder (default: dist/)")
    parser.add_argument("--breakdown", action="store_true",
                        help="also print what the folder bundle's biggest parts weigh")
    parser.add_argument("--log-level", default="WARN", help="PyInstaller's (default: WARN)")
    parser.add_argument("--no-excludes", action="store_true",
                        help="measuring: keep every Qt module and optional library")
    parser.add_argument("--no-numba", action="store_true", help="measuring: leave numba out")
    args = parser.parse_args(argv)
    program = build(args)
    if args.check:
        sys.path.insert(0, str(Path(__file__).resolve().parent))
        from check_bundle import check

        return check(program)
    return 0


if __name__ == "__main__":
    os.chdir(ROOT)
    sys.exit(main())
