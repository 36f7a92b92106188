"""Where a bundle keeps its kernels' machine code: shared by the runtime hook (which must not
import numba) and ``elman_bundle_cache`` (numba's locator).

``build.py`` compiles the kernels for a generic CPU of the build machine's architecture
(``NUMBA_CPU_NAME=generic``: numba's cache entries are then portable across machines) and ships
them in ``numba_cache/`` inside the bundle, with ``BUILD_ID`` (a hash of the kernels' sources,
numba's and Python's versions). A start copies them into the user's cache folder, under a
subfolder named after that build, so each build only ever meets its own entries (an older
build's, with different helpers inlined, would load without error and compute old code).
"""

from __future__ import annotations

import contextlib
import getpass
import os
import shutil
import sys
import tempfile

SHIPPED = "numba_cache"  # inside the bundle
NATIVE_READY = "native-ready"  # in the cache subfolder: this processor's kernels are compiled
NATIVE_COMPILING = "native-compiling"  # in the cache subfolder: a background compile runs
COMPILE_NATIVE = "ELMAN_LAB_COMPILE_NATIVE"  # set in the background process's environment
STALE_COMPILE_SECONDS = 15 * 60  # a "compiling" mark older than this was left by a crash
BUILD_ID_FILE = "BUILD_ID"
PACKAGE_FOLDER = "elman_core_model"  # the kernels' package, as a folder name


def bundle_dir() -> str:
    """The folder the bundle's data files are in (a one-file bundle's temporary folder)."""
    return getattr(sys, "_MEIPASS", os.path.dirname(os.path.abspath(sys.executable)))


def shipped_cache(bundle: str | None = None) -> str:
    return os.path.join(bundle or bundle_dir(), SHIPPED)


def build_id(bundle: str | None = None) -> str:
    """This bundle's build id, or "" if it ships no compiled kernels."""
    try:
        with open(os.path.join(shipped_cache(bundle), BUILD_ID_FILE), encoding="ascii") as file:
            return file.read().strip()
    except (OSError, ValueError):
        return ""


def cache_subfolder(bundle: str | None = None) -> str:
    """The kernels' folder inside ``NUMBA_CACHE_DIR``: one per build."""
    identity = build_id(bundle)
    return f"{PACKAGE_FOLDER}-{identity}" if identity else PACKAGE_FOLDER


def temporary_cache_dir() -> str:
    """elman_core.model.numba_cache.fallback_cache_dir, without importing numba (the tests
    check they agree): where the kernels go when the user's cache folder cannot be written."""
    try:
        user = getpass.getuser()
    except Exception:
        user = "user"
    return os.path.join(tempfile.gettempdir(), f"elman-lab-numba-{user}")


def seed_user_cache(cache_dir: str, bundle: str | None = None) -> int | None:
    """Copy the shipped compiled kernels into ``cache_dir`` where missing (never over a file
    already there). Returns how many were copied, None if the folder cannot be written."""
    source = shipped_cache(bundle)
    try:
        names = [name for name in os.listdir(source) if name.endswith((".nbi", ".nbc"))]
    except OSError:  # a bundle without shipped kernels (or the checkout): nothing to copy
        return 0
    if not names:
        return 0
    target = os.path.join(cache_dir, cache_subfolder(bundle))
    copied = 0
    try:
        os.makedirs(target, exist_ok=True)
        # Data files first, indexes last: an index is never there before the files it names.
        for name in sorted(names, key=lambda name: name.endswith(".nbi")):
            destination = os.path.join(target, name)
            if os.path.exists(destination):
                continue
            partial = f"{destination}.{os.getpid()}.partial"
            shutil.copyfile(os.path.join(source, name), partial)
            os.replace(partial, destination)  # whole or not at all, even with two starts at once
            copied += 1
    except OSError:
        return None
    return copied


def compile_kernels() -> None:
    """Compile (or load) both training kernels with the argument types the app uses: the
    window's warm-up, then a headless run of each learning rule (xor: online, counting:
    BPTT), as check_bundle.py runs them. build.py runs it for the generic CPU; the background
    process for this processor."""
    import io

    from elman_core.cli.runner import run
    from elman_core.live.driver import warm_up_kernels

    warm_up_kernels()
    for task in ("xor", "counting"):
        with contextlib.redirect_stdout(io.StringIO()):
            if run(["--task", task, "--epochs", "1", "--quiet"]) != 0:
                raise RuntimeError(f"training {task} to compile its kernel failed")


def cpu_choice(cache_dir: str, environ: dict, bundle: str | None = None) -> str | None:
    """The NUMBA_CPU_NAME a start should use: None (this processor's) when the user chose,
    when this is the background compile, or when its kernels are ready; else "generic"."""
    if "NUMBA_CPU_NAME" in environ or environ.get(COMPILE_NATIVE):
        return None
    if os.path.exists(os.path.join(cache_dir, cache_subfolder(bundle), NATIVE_READY)):
        return None
    return "generic"


def claim_native_compile(cache_dir: str, bundle: str | None = None) -> bool:
    """Whether this start should launch the background compile: the folder is writable and no
    other start launched one within STALE_COMPILE_SECONDS (it leaves a mark, O_EXCL)."""
    import time

    mark = os.path.join(cache_dir, cache_subfolder(bundle), NATIVE_COMPILING)
    try:
        if time.time() - os.path.getmtime(mark) > STALE_COMPILE_SECONDS:
            os.remove(mark)
    except OSError:
        pass
    try:
        os.makedirs(os.path.dirname(mark), exist_ok=True)
        os.close(os.open(mark, os.O_CREAT | os.O_EXCL | os.O_WRONLY))
    except OSError:
        return False
    return True


def launch_native_compile(command: list[str], environ: dict) -> None:
    """Start ``command`` (this program) as the background compile, at the lowest priority,
    detached from this start's console and not waited for."""
    import subprocess

    env = dict(environ, **{COMPILE_NATIVE: "1"})
    env.pop("NUMBA_CPU_NAME", None)
    options: dict = {"stdin": subprocess.DEVNULL, "stdout": subprocess.DEVNULL,
                     "stderr": subprocess.DEVNULL, "env": env}
    if sys.platform == "win32":
        options["creationflags"] = (subprocess.IDLE_PRIORITY_CLASS
                                    | subprocess.CREATE_NO_WINDOW)
    else:
        options["start_new_session"] = True
        options["preexec_fn"] = lambda: os.nice(19)
    with contextlib.suppress(OSError):  # the generic kernels go on working
        subprocess.Popen(command, **options)


def run_native_compile(cache_dir: str, bundle: str | None = None) -> int:
    """The background process's whole work: compile for this processor, then mark the
    kernels ready (only if all compiled) and remove the "compiling" mark."""
    folder = os.path.join(cache_dir, cache_subfolder(bundle))
    try:
        compile_kernels()
        with open(os.path.join(folder, NATIVE_READY), "w", encoding="ascii") as mark:
            mark.write("compiled for this processor\n")
        return 0
    except Exception:
        return 1
    finally:
        with contextlib.suppress(OSError):
            os.remove(os.path.join(folder, NATIVE_COMPILING))
