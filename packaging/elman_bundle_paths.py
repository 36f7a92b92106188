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

import getpass
import os
import shutil
import sys
import tempfile

SHIPPED = "numba_cache"  # inside the bundle
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
